/**
 * The bench's figures as data: what `BENCH_JSON=<file>` writes, and what the aims are judged on.
 * The aims are issue #14's; the bench reports them and never fails on them.
 */

export const AIMS = {
  /** Deliveries acknowledged per second, against the no-op Probot app's. */
  ackRatioSqlite: 0.8,
  ackRatioPostgres: 0.6,
  /** The 99th percentile of the acknowledgement latency on SQLite, ms. */
  ackP99MsSqlite: 25,
  /** Peak RSS of a server process, against the no-op app's. */
  peakRssRatio: 1.4,
  /** CPU seconds per delivery of two replicas (both processes) against one replica's, both warmed up the same way. */
  replicaCpuRatio: 1.15,
  /** GitHub API requests for deliveries that concern no component, once the registry is cached. */
  apiRequestsNoComponent: 0,
} as const;

/** One server (or pair of replicas) through the busy day. */
export interface TargetFigures {
  label: string;
  database: "none" | "sqlite" | "postgres";
  replicas: number;
  /** Deliveries measured. */
  deliveries: number;
  /** The day's first deliveries, sent and processed before the measured ones (0: a cold start is measured). */
  warmUpDeliveries: number;
  /** CPU of the server processes per warm-up delivery: what starting costs; null without a warm-up. */
  warmUpCpuMsPerDelivery: number | null;
  non2xx: number;
  ackSeconds: number;
  deliveriesPerSecond: number;
  ackP50Ms: number;
  ackP99Ms: number;
  ackMaxMs: number;
  /** Null when the day did not settle in time. */
  processedSeconds: number | null;
  /** Per process, the largest of the replicas'. */
  peakRssMb: number;
  /** User + system CPU of every server process from the first delivery until the day settled. */
  cpuSeconds: number;
  cpuMsPerDelivery: number;
  /** The part of cpuMsPerDelivery spent while the day was being acknowledged (the rest is processing after it). */
  cpuAckMsPerDelivery: number;
  apiRequests: number;
  /** Null when not measured (the day was still being processed). */
  apiRequestsNoComponent: number | null;
  /** Actions found carried out more than once on GitHub (must be 0); null for the no-op app. */
  duplicatedActions: number | null;
  failedDeliveries: number | null;
}

/**
 * One round of the intake alone: the acknowledgement throughput of each database next to the no-op
 * app's runs of the same round, and SQLite's p99. The first round is the full run's; the others
 * (BENCH_ROUNDS) only send the day. The machine's load drifts between runs (the no-op app alone
 * ranged from 2,800 to 5,400 deliveries/s), so the throughput and p99 aims are judged on the
 * median of the rounds.
 */
export interface IntakeRound {
  noopDps: number[];
  sqliteDps: number | null;
  postgresDps: number | null;
  sqliteP99Ms: number | null;
}

export interface SweepScaleFigures {
  database: string;
  timelines: number;
  due: number;
  steps: number;
  decideMsPerStep: number;
  /** Of deciding alone (the executor's writes come after). */
  storeQueriesPerStep: number;
  githubRequestsPerStep: number;
  seedSeconds: number;
}

export interface StorageFigures {
  database: string;
  deliveries: number;
  /** Bytes on disk: the SQLite file with its WAL, or pg_total_relation_size of the deliveries table. */
  bytesWithoutPruning: number;
  bytesWithPruning: number;
  retainedDays: number;
  rowsRetained: number;
  meanPayloadBytes: number;
  seconds: { withPruning: number; withoutPruning: number };
}

export interface BenchFigures {
  startedAt: string;
  node: string;
  cpus: number;
  throttle: boolean;
  aims: typeof AIMS;
  targets: TargetFigures[];
  ack_ratio_sqlite: number | null;
  ack_ratio_postgres: number | null;
  ack_p99_ms_sqlite: number | null;
  peak_rss_ratio: number | null;
  replica_cpu_ratio: number | null;
  /**
   * The same ratio for the no-op app, which only acknowledges: what splitting the same intake over
   * two processes costs on this machine (cores shared with the sender and the database), whatever the app.
   */
  replica_cpu_ratio_noop: number | null;
  api_requests_no_component: number | null;
  /** The rounds the throughput ratios and the p99 are the medians of. */
  intake_rounds: IntakeRound[];
  /** Per due step, at 100,000 and at 1,000,000 open timelines, per database. */
  sweep: SweepScaleFigures[];
  storage: StorageFigures[];
}

const mean = (xs: number[]) => (xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length);
/** The middle value (the mean of the two middle ones for an even count) of the finite ones; NaN when none is. */
const median = (xs: (number | null)[]) => {
  const sorted = xs.filter((x): x is number => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
  const half = sorted.length >> 1;
  return sorted.length === 0 ? NaN : sorted.length % 2 ? sorted[half] : (sorted[half - 1] + sorted[half]) / 2;
};

/** The intake figures of one run's single-server targets, as a round. */
export function intakeRound(all: (Pick<TargetFigures, "database" | "replicas" | "deliveriesPerSecond" | "ackP99Ms"> & Partial<Pick<TargetFigures, "warmUpDeliveries">>)[]): IntakeRound {
  // The intake is judged on whole days sent to cold servers; warmed-up runs are there for the replicas.
  const targets = all.filter((t) => !t.warmUpDeliveries);
  const single = (database: TargetFigures["database"]) => targets.find((t) => t.database === database && t.replicas === 1);
  return {
    noopDps: targets.filter((t) => t.database === "none" && t.replicas === 1).map((t) => t.deliveriesPerSecond),
    sqliteDps: single("sqlite")?.deliveriesPerSecond ?? null,
    postgresDps: single("postgres")?.deliveriesPerSecond ?? null,
    sqliteP99Ms: single("sqlite")?.ackP99Ms ?? null,
  };
}
/** A round's throughput against the mean of its no-op runs; NaN when the database was not in it. */
const roundRatio = (dps: number | null, round: IntakeRound) => (dps === null ? NaN : dps / mean(round.noopDps));

/** NaN and Infinity are not JSON: a figure that could not be measured is null. */
const finite = (x: number | undefined | null): number | null => (x === undefined || x === null || !Number.isFinite(x) ? null : x);

/** The headline ratios, from the targets measured in the same run (the no-op app's mean of its runs as the baseline). */
export function benchFigures(
  base: Pick<BenchFigures, "startedAt" | "node" | "cpus" | "throttle">,
  targets: TargetFigures[],
  sweep: SweepScaleFigures[] = [],
  storage: StorageFigures[] = [],
  moreRounds: IntakeRound[] = [],
): BenchFigures {
  // The baseline is the no-op app as one process, sent the whole day cold; the rest of its runs are there for the replica ratio.
  const noop = targets.filter((t) => t.database === "none" && t.replicas === 1 && !t.warmUpDeliveries);
  const baselineRss = mean(noop.map((t) => t.peakRssMb));
  const replicas = replicaRuns(targets, "postgres", (t) => t.warmUpDeliveries);
  const noopReplicas = replicaRuns(targets, "none", (t) => t.warmUpDeliveries);
  const rounds = [intakeRound(targets), ...moreRounds];
  // Each round's ratio against the no-op app's runs of that round (their mean), then the median of the rounds.
  const ratio = (dps: (r: IntakeRound) => number | null) => median(rounds.map((r) => roundRatio(dps(r), r)));
  const tierkeeper = targets.filter((t) => t.database !== "none");
  const quiet = tierkeeper.map((t) => t.apiRequestsNoComponent).filter((n): n is number => n !== null);
  return {
    ...base,
    aims: AIMS,
    targets,
    ack_ratio_sqlite: finite(ratio((r) => r.sqliteDps)),
    ack_ratio_postgres: finite(ratio((r) => r.postgresDps)),
    ack_p99_ms_sqlite: finite(median(rounds.map((r) => r.sqliteP99Ms))),
    peak_rss_ratio: finite(tierkeeper.length ? Math.max(...tierkeeper.map((t) => t.peakRssMb)) / baselineRss : undefined),
    // Only when both settled: a run cut short by the timeout has its CPU cut short too.
    replica_cpu_ratio: finite(
      replicas && replicas.two.processedSeconds !== null && replicas.one.processedSeconds !== null ? replicas.two.cpuMsPerDelivery / replicas.one.cpuMsPerDelivery : undefined,
    ),
    replica_cpu_ratio_noop: finite(noopReplicas ? noopReplicas.two.cpuMsPerDelivery / noopReplicas.one.cpuMsPerDelivery : undefined),
    api_requests_no_component: quiet.length ? Math.max(...quiet) : null,
    intake_rounds: rounds,
    sweep,
    storage,
  };
}

/**
 * Two processes of one kind of server, and the one process to set them against: the last single run
 * warmed up the same way (the bench makes it beside the pair; earlier single runs are the cold
 * whole-day ones). Undefined when either is missing.
 */
export function replicaRuns<T extends { database: TargetFigures["database"]; replicas: number }>(
  runs: T[],
  database: TargetFigures["database"],
  warmUpOf: (run: T) => number,
): { two: T; one: T } | undefined {
  const two = runs.find((r) => r.database === database && r.replicas === 2);
  const one = two && runs.filter((r) => r.database === database && r.replicas === 1 && warmUpOf(r) === warmUpOf(two)).at(-1);
  return two && one ? { two, one } : undefined;
}

/** Each intake round's ratios against its own no-op runs, and SQLite's p99: one line each. */
export function formatRounds(rounds: IntakeRound[]): string[] {
  const against = (dps: number | null, round: IntakeRound) => (dps === null ? "—" : `${roundRatio(dps, round).toFixed(2)}×`);
  return rounds.map(
    (r, i) =>
      `  round ${i + 1}: SQLite ${against(r.sqliteDps, r)}, PostgreSQL ${against(r.postgresDps, r)} the no-op app's ${r.noopDps.map((d) => Math.round(d).toLocaleString("en-US")).join(" and ")}/s; SQLite p99 ${r.sqliteP99Ms?.toFixed(1) ?? "—"} ms`,
  );
}

/** The aims, judged: one line each. */
export function formatAims(f: BenchFigures): string[] {
  const judge = (value: number | null, ok: (v: number) => boolean) => (value === null ? "not measured" : ok(value) ? "met" : "NOT met");
  const ratio = (x: number | null) => (x === null ? "—" : `${x.toFixed(2)}×`);
  const rounds = f.intake_rounds.length > 1 ? `, the median of ${f.intake_rounds.length} rounds` : "";
  return [
    `throughput on SQLite ${ratio(f.ack_ratio_sqlite)} the no-op app's${rounds} (aim ≥ ${AIMS.ackRatioSqlite}×): ${judge(f.ack_ratio_sqlite, (v) => v >= AIMS.ackRatioSqlite)}`,
    `throughput on PostgreSQL ${ratio(f.ack_ratio_postgres)} the no-op app's${rounds} (aim ≥ ${AIMS.ackRatioPostgres}×): ${judge(f.ack_ratio_postgres, (v) => v >= AIMS.ackRatioPostgres)}`,
    `p99 acknowledgement on SQLite ${f.ack_p99_ms_sqlite?.toFixed(1) ?? "—"} ms${rounds} (aim ≤ ${AIMS.ackP99MsSqlite} ms): ${judge(f.ack_p99_ms_sqlite, (v) => v <= AIMS.ackP99MsSqlite)}`,
    `peak RSS per process ${ratio(f.peak_rss_ratio)} the no-op app's (aim ≤ ${AIMS.peakRssRatio}×): ${judge(f.peak_rss_ratio, (v) => v <= AIMS.peakRssRatio)}`,
    `CPU per delivery, two replicas against one: ${ratio(f.replica_cpu_ratio)} (aim ≤ ${AIMS.replicaCpuRatio}×): ${judge(f.replica_cpu_ratio, (v) => v <= AIMS.replicaCpuRatio)}${f.replica_cpu_ratio_noop === null ? "" : ` (the no-op app's two processes against one: ${ratio(f.replica_cpu_ratio_noop)})`}`,
    `API requests for no-component deliveries: ${f.api_requests_no_component ?? "—"} (aim ${AIMS.apiRequestsNoComponent}): ${judge(f.api_requests_no_component, (v) => v <= AIMS.apiRequestsNoComponent)}`,
  ];
}
