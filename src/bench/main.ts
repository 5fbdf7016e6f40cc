import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { EXAMPLE_REGISTRY, spawnServer, stopChild } from "../demo/stage.js";
import { startSimulator, type RequestRecord, type Simulator } from "../sim/index.js";
import { scratchPostgres } from "../store/scratch-postgres.js";
import { benchHostileGlobs } from "./globs.js";
import { benchFigures, formatAims, formatRounds, intakeRound, replicaRuns, type IntakeRound, type StorageFigures, type SweepScaleFigures, type TargetFigures } from "./figures.js";
import { benchStorage, formatStorageFigures, STORAGE_DELIVERIES } from "./storage.js";
import { cpuSeconds, duplicatedActions, peakRssMb } from "./measure.js";
import { benchSweep, formatSweepFigures, formatSweepScales, scaleFigures, SWEEP_SCALES, type SweepFigures } from "./sweep.js";
import { CONCURRENCY, percentile, sendAll, settle } from "./sender.js";
import { accounts, buildStream, type Stream } from "./stream.js";

/**
 * `npm run bench`: a synthetic busy day through the real server (a child process, so its
 * memory is its own) and the GitHub simulator (in this process), next to a no-op Probot app
 * served the same way. Reports; never fails on timing.
 */

const SECRET = "bench-webhook-secret";
const PG_URL = process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const INSTALLATIONS = Number(process.env.BENCH_INSTALLATIONS) || 8;
const THROTTLE_OFF = process.env.BENCH_THROTTLE === "off";
/** How long the day may take to process; on a loaded machine PostgreSQL's run can take minutes. */
const SETTLE_TIMEOUT_MS = (Number(process.env.BENCH_SETTLE_S) || 600) * 1000;
const WEBHOOK_PATH = "/api/github/webhooks";
/**
 * The replicas are compared warm: each run first gets the day's first BENCH_WARM_UP deliveries and
 * processes them, then its CPU is counted over the rest. What a process pays once (its JIT, registry
 * memo, installation tokens) is printed apart: a replica runs for days, the bench's day is minutes.
 */
const WARM_UP = Math.max(0, Math.floor(Number(process.env.BENCH_WARM_UP ?? 3000)) || 0);
/** Rounds of the intake: the full run, then BENCH_ROUNDS - 1 more that only send the day (its figures are their medians). */
const ROUNDS = Math.max(1, Math.floor(Number(process.env.BENCH_ROUNDS ?? 3)) || 1);

interface Target {
  label: string;
  database: TargetFigures["database"];
  /** Server processes sharing one database (PostgreSQL). */
  replicas?: number;
  /** A server other than dist/server.js: the no-op baseline. */
  entry?: string;
  /** The day's first deliveries sent and processed before anything is measured (WARM_UP), or none. */
  warmUp?: number;
  env: Record<string, string>;
  cleanup?: () => Promise<void>;
}

interface Result {
  label: string;
  database: TargetFigures["database"];
  replicas: number;
  noop: boolean;
  /** Deliveries measured: the day after the warm-up. */
  sent: number;
  warmUp: number;
  /** CPU seconds of the server processes over the warm-up (0 without one). */
  warmUpCpuSeconds: number;
  non2xx: number;
  ackMs: number;
  processedMs?: number;
  latencies: Float64Array;
  peakRssMb: number;
  requests: RequestRecord[];
  /** Undefined when the server was still busy with the day. */
  quietRequests?: RequestRecord[];
  failed: number;
  /** CPU seconds (user + system) of the server processes from the first delivery sent until the day settled. */
  cpuSeconds: number;
  /** The part of cpuSeconds until the last delivery was acknowledged. */
  cpuAckSeconds: number;
  /** Action keys found on more than one GitHub object (exactly-once broken); undefined for the no-op app. */
  duplicated?: string[];
}

async function main() {
  const t0 = performance.now();
  const startedAt = new Date().toISOString();
  console.log(`tierkeeper bench — ${new Date().toISOString()}, node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim()}`);
  const dir = mkdtempSync(join(tmpdir(), "tierkeeper-bench-"));
  // Probot's throttle stays on, as against GitHub (BENCH_THROTTLE=off measures tierkeeper's own processing instead).
  const base = { WEBHOOK_SECRET: SECRET, HOST: "127.0.0.1", PORT: "0", ...(THROTTLE_OFF ? { GITHUB_THROTTLE: "off" } : {}) };
  const noop = noopTarget(base);
  // The baseline runs first and last: background load drifts, and the ratio uses their mean.
  const targets: Target[] = [
    { label: "no-op Probot app", ...noop },
    { label: "tierkeeper, SQLite", database: "sqlite", env: { ...base, DATABASE_URL: join(dir, "bench.db") } },
  ];
  const postgres = process.env.BENCH_PG === "0" ? undefined : await postgresTarget(base);
  if (postgres) targets.push(postgres);
  // Two replicas on one PostgreSQL database, deliveries sent to them in turn, against one replica
  // measured the same way (both warmed up, each in a fresh schema).
  const single = postgres ? await postgresTarget(base) : undefined;
  const pair = postgres ? await postgresTarget(base) : undefined;
  if (single && pair) {
    targets.push({ ...single, label: "PostgreSQL ×1, warm", warmUp: WARM_UP }, { ...pair, label: "PostgreSQL ×2, warm", replicas: 2, warmUp: WARM_UP });
    // The no-op app split the same way: what a second process costs on this machine, whatever the app.
    targets.push({ label: "no-op ×2, warm", ...noop, replicas: 2, warmUp: WARM_UP }, { label: "no-op ×1, warm", ...noop, warmUp: WARM_UP });
  }
  targets.push({ label: "no-op app, again", ...noop });
  // BENCH_TARGETS=postgres: only the PostgreSQL runs and the no-op app's (the replicas' CPU ratios, quickly).
  if (process.env.BENCH_TARGETS === "postgres") targets.splice(0, targets.length, ...targets.filter((t) => t.database !== "sqlite"));

  const results: Result[] = [];
  const moreRounds: IntakeRound[] = [];
  let first: Stream | undefined;
  try {
    for (const target of targets) {
      // A fresh simulator each time, so no run sees the comments, issues or labels of another;
      // the same seed gives the same day (only the simulator's random shas differ).
      const built = performance.now();
      const { sim, stream } = await simulatedDay();
      if (!first) {
        describeStream((first = stream), performance.now() - built);
        if (!postgres) console.log(`PostgreSQL at ${PG_URL} not reachable (or BENCH_PG=0): its column is left out.`);
      }
      try {
        results.push(await runTarget(sim, stream, { ...target, env: { ...sim.probotEnv(), ...target.env } }));
      } finally {
        await sim.close();
        await target.cleanup?.();
      }
    }
    // BENCH_TARGETS=postgres measures the replicas only: no intake rounds.
    for (let round = 2; round <= (process.env.BENCH_TARGETS === "postgres" ? 1 : ROUNDS); round++)
      moreRounds.push(await intakeOnlyRound(round, base, join(dir, `round-${round}.db`), postgres !== undefined));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const targetFigures = report(results, first!);
  const sweepFigures: SweepScaleFigures[] = [];

  if (process.env.BENCH_SWEEP !== "0") {
    console.log("\n▶ the Tier 3 sweep at scale (BENCH_SWEEP=0 skips it)");
    for (const timelines of SWEEP_SCALES) sweepFigures.push(scaleFigures(await printed(benchSweep(undefined, "SQLite", timelines))));
    // A fresh schema for each scale, as SQLite gets a fresh file: the larger seed must not meet the smaller one's rows.
    for (const timelines of postgres ? SWEEP_SCALES : []) {
      const scratch = await scratchPostgres(PG_URL, "bench").catch(() => undefined);
      if (!scratch) break;
      try {
        sweepFigures.push(scaleFigures(await printed(benchSweep(scratch.url, "PostgreSQL", timelines))));
      } finally {
        await scratch.drop();
      }
    }
  }
  if (sweepFigures.length) console.log(`\n${formatSweepScales(sweepFigures)}`);
  const storage: StorageFigures[] = [];
  if (process.env.BENCH_STORAGE !== "0") {
    console.log(`\n▶ the database after ${STORAGE_DELIVERIES.toLocaleString("en")} deliveries, with and without retention (BENCH_STORAGE=0 skips it)`);
    storage.push(await printedStorage(benchStorage(undefined, STORAGE_DELIVERIES)));
    const scratch = postgres ? await scratchPostgres(PG_URL, "bench").catch(() => undefined) : undefined;
    if (scratch) {
      try {
        storage.push(await printedStorage(benchStorage(scratch.url, STORAGE_DELIVERIES)));
      } finally {
        await scratch.drop();
      }
    }
  }
  console.log(`\n${await benchHostileGlobs()}`);
  const figures = benchFigures({ startedAt, node: process.version, cpus: cpus().length, throttle: !THROTTLE_OFF }, targetFigures, sweepFigures, storage, moreRounds);
  if (figures.intake_rounds.length > 1) console.log(`\nIntake rounds (the aims below take their medians):\n${formatRounds(figures.intake_rounds).join("\n")}`);
  console.log(
    `\nAims (issue #14; reported, not enforced):\n${formatAims(figures)
      .map((l) => `  ${l}`)
      .join("\n")}`,
  );
  if (process.env.BENCH_JSON) {
    writeFileSync(process.env.BENCH_JSON, JSON.stringify(figures, null, 2) + "\n");
    console.log(`figures written to ${process.env.BENCH_JSON}`);
  }
  console.log(`\nbench took ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

async function printed(run: Promise<SweepFigures>): Promise<SweepFigures> {
  const f = await run;
  console.log(formatSweepFigures(f));
  return f;
}

async function printedStorage(run: Promise<StorageFigures>): Promise<StorageFigures> {
  const f = await run;
  console.log(formatStorageFigures(f));
  return f;
}

async function simulatedDay(): Promise<{ sim: Simulator; stream: Stream }> {
  // No OpenAPI validation of tierkeeper's requests: the tests do that, here it would only slow the simulator.
  const sim = await startSimulator({ validate: false, recordRequests: true });
  const stream = buildStream(sim, {
    secret: SECRET,
    registry: EXAMPLE_REGISTRY,
    installations: INSTALLATIONS,
    pushes: Number(process.env.BENCH_PUSHES) || undefined,
    breakRate: process.env.BENCH_BREAK_RATE ? Number(process.env.BENCH_BREAK_RATE) : undefined,
  });
  return { sim, stream };
}

/** The no-op Probot app, served the same way: the baseline (its label is the caller's). */
function noopTarget(base: Record<string, string>): Omit<Target, "label"> {
  return { entry: fileURLToPath(new URL("./noop-server.js", import.meta.url)), env: base, database: "none" };
}

/** A fresh schema in the test database, so the run starts empty and leaves nothing behind. */
async function postgresTarget(base: Record<string, string>): Promise<Target | undefined> {
  const scratch = await scratchPostgres(PG_URL, "bench").catch(() => undefined);
  if (!scratch) return undefined;
  return { label: "tierkeeper, PostgreSQL", database: "postgres", env: { ...base, DATABASE_URL: scratch.url }, cleanup: scratch.drop };
}

/**
 * Another round of the intake alone, each server fresh (SQLite on a new file, PostgreSQL in a new
 * schema) against a fresh simulator: the no-op app, SQLite, PostgreSQL, the no-op app again. Each
 * server is stopped once the day is acknowledged (what it processed meanwhile is not measured).
 */
async function intakeOnlyRound(round: number, base: Record<string, string>, sqliteFile: string, withPostgres: boolean): Promise<IntakeRound> {
  const noop = noopTarget(base);
  const targets: Target[] = [
    { label: "no-op", ...noop },
    { label: "SQLite", database: "sqlite", env: { ...base, DATABASE_URL: sqliteFile } },
  ];
  const postgres = withPostgres ? await postgresTarget(base) : undefined;
  if (postgres) targets.push({ ...postgres, label: "PostgreSQL" });
  targets.push({ label: "no-op", ...noop });
  process.stdout.write(`\n▶ intake round ${round} of ${ROUNDS}:`);
  const measured: Pick<TargetFigures, "database" | "replicas" | "deliveriesPerSecond" | "ackP99Ms">[] = [];
  for (const target of targets) {
    const { sim, stream } = await simulatedDay();
    try {
      const server = await spawnServer({ ...sim.probotEnv(), ...target.env }, target.entry);
      try {
        globalThis.gc?.();
        const start = performance.now();
        const day = await sendAll(new URL(WEBHOOK_PATH, server.url), stream.day);
        const seconds = (performance.now() - start) / 1000;
        const p99 = percentile(Float64Array.from(day.latencies).sort(), 99);
        measured.push({ database: target.database, replicas: 1, deliveriesPerSecond: stream.day.length / seconds, ackP99Ms: p99 });
        process.stdout.write(
          ` ${target.label} ${Math.round(stream.day.length / seconds).toLocaleString("en-US")}/s (p99 ${p99.toFixed(1)} ms)${day.non2xx ? `, ${day.non2xx} not 2xx` : ""};`,
        );
      } finally {
        await stopChild(server.child);
      }
    } finally {
      await sim.close();
      await target.cleanup?.();
    }
  }
  return intakeRound(measured);
}

async function runTarget(sim: Simulator, stream: Stream, target: Target): Promise<Result> {
  process.stdout.write(`\n▶ ${target.label}: `);
  // Replicas share the database and nothing else; deliveries go to them in turn.
  const servers = [];
  for (let i = 0; i < (target.replicas ?? 1); i++) servers.push(await spawnServer(target.env, target.entry));
  const url = servers[0].url;
  try {
    const webhook = servers.map((s) => new URL(WEBHOOK_PATH, s.url));
    const warmUp = Math.min(target.warmUp ?? 0, stream.day.length - 1);
    const cpuStarted = servers.map((s) => cpuSeconds(s.child.pid!));
    if (warmUp > 0) {
      const warm = await sendAll(webhook, stream.day.slice(0, warmUp));
      const warmed = await settle(url, SETTLE_TIMEOUT_MS);
      process.stdout.write(`warmed up on ${warmUp}${warm.non2xx ? ` (${warm.non2xx} not 2xx)` : ""}${warmed.ok ? "" : " (did not settle)"}, then `);
    }
    const measured = stream.day.slice(warmUp);
    const before = sim.requests.length;
    globalThis.gc?.(); // keep the sender's own garbage out of the timed part
    const cpuBefore = servers.map((s) => cpuSeconds(s.child.pid!));
    const start = performance.now();
    const day = await sendAll(webhook, measured);
    const ackMs = performance.now() - start;
    const cpuAcked = servers.map((s) => cpuSeconds(s.child.pid!));
    process.stdout.write(`acknowledged ${measured.length} in ${(ackMs / 1000).toFixed(1)} s, processing… `);
    const settled = await settle(url, SETTLE_TIMEOUT_MS);
    const processedMs = settled.ok ? performance.now() - start : undefined;
    const cpu = servers.reduce((sum, s, i) => sum + cpuSeconds(s.child.pid!) - cpuBefore[i], 0);
    const requests = sim.requests.slice(before);
    process.stdout.write(settled.ok ? `processed in ${(processedMs! / 1000).toFixed(1)} s; ` : "did not settle in time; ");

    // The zero-request check: by now the registry and its absence are cached. Only meaningful
    // once the day is done, or its own late requests would be counted here.
    const quietStart = sim.requests.length;
    const quiet = await sendAll(webhook, stream.quiet);
    const quietSettled = await settle(url, 60_000);
    const quietRequests = settled.ok && quietSettled.ok ? sim.requests.slice(quietStart) : undefined;
    console.log(`${stream.quiet.length} no-component deliveries → ${quietRequests ? `${quietRequests.length} API requests` : "not measured (still busy)"}`);
    return {
      label: target.label,
      database: target.database,
      replicas: servers.length,
      noop: target.entry !== undefined,
      sent: measured.length,
      warmUp,
      warmUpCpuSeconds: cpuBefore.reduce((sum, c, i) => sum + c - cpuStarted[i], 0),
      non2xx: day.non2xx + quiet.non2xx,
      ackMs,
      processedMs,
      latencies: day.latencies,
      peakRssMb: Math.max(...servers.map((s) => peakRssMb(s.child.pid!))),
      requests,
      quietRequests,
      failed: quietSettled.failed,
      cpuSeconds: cpu,
      cpuAckSeconds: cpuAcked.reduce((sum, c, i) => sum + c - cpuBefore[i], 0),
      duplicated: target.entry === undefined ? duplicatedActions(sim) : undefined,
    };
  } finally {
    for (const s of servers) await stopChild(s.child);
  }
}

// ------------------------------------------------------------------ output

function describeStream(stream: Stream, buildMs: number) {
  const bytes = stream.day.reduce((n, d) => n + d.body.length, 0);
  const mix = Object.entries(stream.mix)
    .map(([k, n]) => `${n} ${k}`)
    .join(", ");
  const pushes = (stream.mix["pull_request.opened"] ?? 0) + (stream.mix["pull_request.synchronize"] ?? 0);
  const ci = (stream.mix["ci, component"] ?? 0) + (stream.mix["ci, no component"] ?? 0) + (stream.mix["no-registry repo"] ?? 0);
  console.log(
    `stream: ${stream.day.length} signed deliveries (${mix}); ${(bytes / 2 ** 20).toFixed(0)} MB of JSON, mean ${(bytes / stream.day.length / 1024).toFixed(1)} KB; built in ${(buildMs / 1000).toFixed(1)} s`,
  );
  console.log(`        spread over ${INSTALLATIONS} installations (${accounts(INSTALLATIONS).slice(0, 3).join(", ")}, …), each a wasmtime repository with examples/wasmtime/tiers.yml;`);
  console.log(
    `        ${stream.failures.results} of ~${ci} CI results fail (${((stream.failures.results / ci) * 100).toFixed(1)}%), mostly checks no component claims; ${stream.failures.breakingPushes} of ${pushes} PR pushes break a component`,
  );
  console.log(
    `sender: ${CONCURRENCY} requests in flight over keep-alive; the simulator runs in this process without OpenAPI validation, a fresh one per run; each server is a child process`,
  );
  console.log(
    THROTTLE_OFF
      ? "Probot's write throttle: OFF (GITHUB_THROTTLE=off), so processing time is tierkeeper's own"
      : "Probot's write throttle: on, as against GitHub (writes ≥ 1 s apart per installation); BENCH_THROTTLE=off to measure without it",
  );
}

function routeCounts(requests: RequestRecord[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of requests) {
    const key = `${r.method} ${r.template ?? r.path}${r.status >= 300 ? ` → ${r.status}` : ""}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return new Map([...counts].sort((a, b) => b[1] - a[1]));
}

function report(results: Result[], stream: Stream): TargetFigures[] {
  const fmt = (n: number | undefined, digits = 0) => (n === undefined || Number.isNaN(n) ? "—" : n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits }));
  const rows: [string, (r: Result) => string][] = [];
  const stats = results.map((r) => {
    const sorted = Float64Array.from(r.latencies).sort();
    return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1], dps: r.sent / (r.ackMs / 1000) };
  });
  const s = (r: Result) => stats[results.indexOf(r)];
  rows.push(
    ["deliveries warming up first (not measured)", (r) => fmt(r.warmUp)],
    ["deliveries measured", (r) => fmt(r.sent)],
    ["answers not 2xx (day and quiet phase)", (r) => fmt(r.non2xx)],
    ["time to acknowledge all (s)", (r) => fmt(r.ackMs / 1000, 1)],
    ["deliveries/s (acknowledged)", (r) => fmt(s(r).dps)],
    ["time until fully processed (s)", (r) => fmt(r.processedMs === undefined ? undefined : r.processedMs / 1000, 1)],
    ["ack latency p50 (ms)", (r) => fmt(s(r).p50, 1)],
    ["ack latency p99 (ms)", (r) => fmt(s(r).p99, 1)],
    ["ack latency max (ms)", (r) => fmt(s(r).max, 1)],
    ["peak RSS of the server (MB)", (r) => fmt(r.peakRssMb)],
    ["server CPU until settled (s)", (r) => fmt(r.cpuSeconds, 1)],
    ["server CPU per delivery (ms)", (r) => fmt((r.cpuSeconds / r.sent) * 1000, 3)],
    ["  of it while acknowledging (ms)", (r) => fmt((r.cpuAckSeconds / r.sent) * 1000, 3)],
    ["server CPU per warm-up delivery (ms)", (r) => (r.warmUp ? fmt((r.warmUpCpuSeconds / r.warmUp) * 1000, 3) : "—")],
    ["actions carried out twice", (r) => fmt(r.duplicated?.length)],
    ["GitHub API requests", (r) => fmt(r.requests.length)],
    ["API requests per delivery", (r) => fmt(r.requests.length / r.sent, 4)],
    [`API requests, ${stream.quiet.length} no-component deliveries`, (r) => fmt(r.quietRequests?.length)],
    ["deliveries marked failed", (r) => fmt(r.failed)],
  );
  const width = 44;
  const col = 24;
  console.log(`\n${"".padEnd(width)}${results.map((r) => r.label.padStart(col)).join("")}`);
  for (const [label, cell] of rows) console.log(`${label.padEnd(width)}${results.map((r) => cell(r).padStart(col)).join("")}`);

  for (const r of results.filter((r) => r.requests.length > 0)) {
    console.log(`\nGitHub API requests by route — ${r.label} (count, per delivery):`);
    for (const [route, n] of routeCounts(r.requests)) console.log(`  ${String(n).padStart(6)}  ${(n / r.sent).toFixed(4)}  ${route}`);
  }
  for (const r of results.filter((r) => r.quietRequests?.length)) {
    console.log(`\nUnexpected API requests for no-component deliveries — ${r.label}:`);
    for (const [route, n] of routeCounts(r.quietRequests!)) console.log(`  ${String(n).padStart(6)}  ${route}`);
  }

  const baselines = results.filter((r) => r.noop && r.replicas === 1 && r.warmUp === 0);
  const baseline = baselines.reduce((sum, r) => sum + s(r).dps, 0) / baselines.length;
  console.log(
    `\nThroughput against the no-op app's ${fmt(baseline)}/s (mean of its ${baselines.length} runs): ${results
      .filter((r) => !r.noop && r.warmUp === 0)
      .map((r) => `${r.label} ${((s(r).dps / baseline) * 100).toFixed(0)}%`)
      .join(", ")}`,
  );
  const replicas = replicaRuns(results, "postgres", (r) => r.warmUp);
  const noopReplicas = replicaRuns(results, "none", (r) => r.warmUp);
  if (replicas) {
    const { one: single, two: pair } = replicas;
    const { one: noopSingle, two: noopPair } = noopReplicas ?? {};
    const ms = (seconds: number, n: number) => ((seconds / n) * 1000).toFixed(3);
    const split = (r: Result) => `${ms(r.cpuSeconds, r.sent)} (${ms(r.cpuAckSeconds, r.sent)} while acknowledging, ${ms(r.cpuSeconds - r.cpuAckSeconds, r.sent)} after)`;
    const ratio = (two: Result, one: Result) => `${(two.cpuSeconds / two.sent / (one.cpuSeconds / one.sent)).toFixed(2)}×`;
    const warming = (two: Result, one: Result) =>
      `${ms(one.warmUpCpuSeconds, one.warmUp)} on one, ${ms(two.warmUpCpuSeconds, two.warmUp)} on two: ${(two.warmUpCpuSeconds / one.warmUpCpuSeconds).toFixed(2)}×`;
    console.log(
      `Replicas, ${single.warmUp ? `each run warmed up on the day's first ${single.warmUp} deliveries` : "not warmed up (BENCH_WARM_UP=0)"}: CPU ms per delivery over ${single.warmUp ? "the other" : "all"} ${single.sent} (all processes, until settled) ${split(single)} on one, ${split(pair)} on two: ${ratio(pair, single)}${single.processedMs === undefined || pair.processedMs === undefined ? " — NOT comparable: a run did not settle, its CPU is cut short" : ""}`,
    );
    if (noopSingle && noopPair)
      console.log(
        `          the no-op app, which only acknowledges: ${ms(noopSingle.cpuSeconds, noopSingle.sent)} on one, ${ms(noopPair.cpuSeconds, noopPair.sent)} on two: ${ratio(noopPair, noopSingle)} (a second process's cost on this machine, whatever the app)`,
      );
    if (single.warmUp)
      console.log(
        `          while warming up (JIT, registry memo, tokens: paid once per process): ${warming(pair, single)}${noopSingle && noopPair ? `; the no-op app ${warming(noopPair, noopSingle)}` : ""}`,
      );
  }
  for (const r of results.filter((r) => r.duplicated?.length))
    console.log(`EXACTLY-ONCE BROKEN — ${r.label}: ${r.duplicated!.length} actions carried out twice, e.g. ${r.duplicated!.slice(0, 3).join("; ")}`);
  if (!THROTTLE_OFF) {
    console.log(`Probot's throttle starts writes to one installation ≥ 1 s apart, so "fully processed" waits for GitHub's pace (BENCH_THROTTLE=off shows the time without it)`);
  }
  return results.map((r) => ({
    label: r.label,
    database: r.database,
    replicas: r.replicas,
    deliveries: r.sent,
    warmUpDeliveries: r.warmUp,
    warmUpCpuMsPerDelivery: r.warmUp ? (r.warmUpCpuSeconds / r.warmUp) * 1000 : null,
    non2xx: r.non2xx,
    ackSeconds: r.ackMs / 1000,
    deliveriesPerSecond: s(r).dps,
    ackP50Ms: s(r).p50,
    ackP99Ms: s(r).p99,
    ackMaxMs: s(r).max,
    processedSeconds: r.processedMs === undefined ? null : r.processedMs / 1000,
    peakRssMb: r.peakRssMb,
    cpuSeconds: r.cpuSeconds,
    cpuMsPerDelivery: (r.cpuSeconds / r.sent) * 1000,
    cpuAckMsPerDelivery: (r.cpuAckSeconds / r.sent) * 1000,
    apiRequests: r.requests.length,
    apiRequestsNoComponent: r.quietRequests?.length ?? null,
    duplicatedActions: r.duplicated?.length ?? null,
    failedDeliveries: Number.isNaN(r.failed) ? null : r.failed,
  }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
