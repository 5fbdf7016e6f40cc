import { readFileSync } from "node:fs";
import type { Simulator } from "../sim/index.js";

/** Linux's clock ticks per second for /proc times (USER_HZ): 100 on every mainstream build. */
const TICKS_PER_SECOND = 100;

/**
 * CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat; NaN elsewhere.
 * Read from outside, so the server needs no hook, and a replica's whole process is counted.
 */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces: count the fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND; // utime and stime: fields 14 and 15
  } catch {
    return NaN;
  }
}

/** The process's peak resident set (VmHWM) in MB, Linux only. */
export function peakRssMb(pid: number): number {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kb ? Number(kb) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/**
 * Exactly-once, read from GitHub's side: every object tierkeeper creates (comment, issue, pull
 * request) carries the hidden marker of its action's key, so a marker found on two objects of a
 * repository is an action carried out twice. Returns the keys seen more than once.
 */
export function duplicatedActions(sim: Simulator): string[] {
  const duplicated: string[] = [];
  for (const repo of sim.state.repos.values()) {
    const seen = new Map<string, number>();
    const count = (body: string | null) => {
      for (const m of (body ?? "").matchAll(/<!-- tierkeeper:(.+?) -->/g)) seen.set(m[1], (seen.get(m[1]) ?? 0) + 1);
    };
    for (const c of repo.comments.values()) count(c.body);
    for (const i of repo.issues.values()) count(i.body);
    for (const [key, n] of seen) if (n > 1) duplicated.push(`${repo.fullName} ${key}`);
  }
  return duplicated;
}
