import { parseArgs, UsageError, type CommandSpec } from "./args.js";
import { EXIT, withServerStore, type Io } from "./io.js";
import { parseConfig } from "../app/config.js";

export const sweepSpec: CommandSpec = {
  name: "sweep",
  usage: "tierkeeper sweep [--now <ISO-8601>] [--dry-run] [--limit N]",
  brief: "run the scheduled sweep once (--now, --dry-run, --limit)",
  summary: "Runs the scheduled sweep once: clocks that ran out move the policy's next step.",
  options: {
    now: { type: "string", value: "<instant>", description: "pretend it is this instant, e.g. 2026-11-23T10:00:00Z" },
    "dry-run": { type: "boolean", description: "decide and print, change nothing" },
    limit: { type: "string", value: "<N>", description: "act on at most N items" },
  },
  maxPositionals: 0,
};

export interface SweepOptions {
  now?: Date;
  dryRun: boolean;
  limit?: number;
}

/** Runs one sweep with the server's environment; injectable so tests need no GitHub App. */
export type SweepRunner = (options: SweepOptions, io: Io) => Promise<number>;

export async function sweepCommand(argv: readonly string[], io: Io, run: SweepRunner = runSweep): Promise<number> {
  const args = parseArgs(argv, sweepSpec);
  const options: SweepOptions = { dryRun: args.options["dry-run"] === true };
  if (typeof args.options.now === "string") options.now = parseInstant(args.options.now);
  if (typeof args.options.limit === "string") options.limit = parseLimit(args.options.limit);
  return run(options, io);
}

/**
 * The same environment as the server (DATABASE_URL, APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH,
 * GHE_HOST...): the same store, the same App identity, the same sweep.
 */
export async function runSweep(options: SweepOptions, io: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const config = parseConfig(env);
  if (!config.hasAppCredentials) {
    io.stderr("tierkeeper sweep: APP_ID and PRIVATE_KEY (or PRIVATE_KEY_PATH) must be set, as for the server\n");
    return EXIT.usage;
  }
  const { probotFromEnv } = await import("../github/octokit.js");
  const { Tierkeeper } = await import("../index.js");
  return withServerStore(config, async (store) => {
    const { redactingLogger } = await import("../observability/logging.js");
    const probot = probotFromEnv(config, "warn", await redactingLogger(config, "warn")); // Probot's own logs scrubbed too
    const tierkeeper = new Tierkeeper({ store, autoStart: false, executorRetryMs: config.executorRetryMs });
    await probot.load(tierkeeper.appFn, { cwd: io.cwd, addHandler: () => {} });
    const report = await tierkeeper.sweep({ now: options.now, dryRun: options.dryRun, limit: options.limit });
    io.stdout(formatSweepReport(report, options));
    return EXIT.ok;
  });
}

export function formatSweepReport(report: import("../app/sweep.js").SweepReport, options: SweepOptions): string {
  if (!options.dryRun && !report.locked) return "another process is sweeping; nothing done\n";
  const lines = [`${options.dryRun ? "dry run: " : ""}${report.due} timeline(s) due${options.now ? ` at ${options.now.toISOString()}` : ""}`];
  for (const s of report.steps) {
    lines.push(`  ${s.repo} ${s.component}: ${s.from} -> ${s.to}${s.note ? ` (${s.note})` : ""}${s.dueAt ? `, next step ${s.dueAt}` : ""}`);
  }
  if (report.tier2.length) lines.push(`${report.tier2.length} Tier 2 request(s) due`);
  for (const s of report.tier2) lines.push(`  ${s.repo} #${s.thread} ${s.component} @${s.requestee}: ${s.what}`);
  for (const a of report.alarms) lines.push(`  alarm ${a}`);
  for (const f of report.failed ?? []) lines.push(`  failed (retried later): ${f.replace(/[\s\p{Cc}]+/gu, " ")}`);
  if (!options.dryRun) lines.push(`${report.intents.length} action(s) recorded and carried out`);
  return lines.join("\n") + "\n";
}

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** An ISO-8601 instant: a date, a time and an offset (`Z` or `+02:00`), all in range. */
export function parseInstant(text: string): Date {
  const match = INSTANT.exec(text);
  const bad = () => new UsageError(`--now must be an ISO-8601 instant such as 2026-11-23T10:00:00Z, got ${JSON.stringify(text)}`);
  if (!match) throw bad();
  const [year, month, day, hour, minute, second = "0"] = match.slice(1, 7).map((s) => (s === undefined ? undefined : Number(s)));
  const calendar = new Date(Date.UTC(year!, month! - 1, day));
  const dayExists = calendar.getUTCFullYear() === year && calendar.getUTCMonth() === month! - 1 && calendar.getUTCDate() === day;
  if (!dayExists || hour! > 23 || minute! > 59 || Number(second) > 59) throw bad();
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw bad();
  return date;
}

function parseLimit(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(`--limit must be a positive whole number, got ${JSON.stringify(text)}`);
  }
  return Number(text);
}
