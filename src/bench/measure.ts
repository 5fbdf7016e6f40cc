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
 * Exactly-once, read from GitHub's side: every comment, issue and pull request tierkeeper creates
 * carries the hidden marker of its action (`<!-- tierkeeper:... -->`); the same marker twice among
 * one thread's comments, or on two issues of a repository, is an action carried out twice.
 * Returns where that happened.
 */
export function duplicatedActions(sim: Simulator): string[] {
  const duplicated: string[] = [];
  const markers = (body: string | null) => [...new Set([...(body ?? "").matchAll(/<!-- tierkeeper:(.+?) -->/g)].map((m) => m[1]))];
  const twice = (where: string, bodies: (string | null)[]) => {
    const seen = new Map<string, number>();
    for (const body of bodies) for (const m of markers(body)) seen.set(m, (seen.get(m) ?? 0) + 1);
    for (const [marker, n] of seen) if (n > 1) duplicated.push(`${where} ${marker} ×${n}`);
  };
  for (const repo of sim.state.repos.values()) {
    const threads = new Map<number, string[]>();
    for (const c of repo.comments.values()) threads.set(c.issueNumber, [...(threads.get(c.issueNumber) ?? []), c.body]);
    for (const [number, bodies] of threads) twice(`${repo.fullName}#${number}`, bodies);
    twice(
      repo.fullName,
      [...repo.issues.values()].filter((i) => i.user.includes("[bot]")).map((i) => i.body),
    );
  }
  return duplicated;
}
