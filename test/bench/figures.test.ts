import { AIMS, benchFigures, formatAims, formatRounds, type IntakeRound, type TargetFigures } from "../../src/bench/figures.js";

/** A target's figures with the values a test cares about; the rest are plausible fillers. */
function target(over: Partial<TargetFigures> & Pick<TargetFigures, "label" | "database">): TargetFigures {
  return {
    replicas: 1,
    deliveries: 1000,
    non2xx: 0,
    ackSeconds: 1,
    deliveriesPerSecond: 1000,
    ackP50Ms: 5,
    ackP99Ms: 20,
    ackMaxMs: 30,
    processedSeconds: 2,
    peakRssMb: 100,
    cpuSeconds: 1,
    cpuMsPerDelivery: 1,
    cpuAckMsPerDelivery: 0.5,
    warmUpDeliveries: 0,
    warmUpCpuMsPerDelivery: null,
    apiRequests: 10,
    apiRequestsNoComponent: null,
    duplicatedActions: null,
    failedDeliveries: 0,
    ...over,
  };
}

const base = { startedAt: "2026-12-01T00:00:00.000Z", node: "v20", cpus: 2, throttle: true };

describe("the bench's figures (BENCH_JSON)", () => {
  const targets = [
    target({ label: "no-op", database: "none", deliveriesPerSecond: 2000, peakRssMb: 100 }),
    target({ label: "sqlite", database: "sqlite", deliveriesPerSecond: 1700, ackP99Ms: 12, peakRssMb: 150, apiRequestsNoComponent: 0, duplicatedActions: 0 }),
    target({ label: "postgres", database: "postgres", deliveriesPerSecond: 1300, cpuMsPerDelivery: 2, apiRequestsNoComponent: 0, duplicatedActions: 0 }),
    target({ label: "postgres ×2", database: "postgres", replicas: 2, deliveriesPerSecond: 1400, cpuMsPerDelivery: 2.2, peakRssMb: 130, apiRequestsNoComponent: 3, duplicatedActions: 0 }),
    target({ label: "no-op again", database: "none", deliveriesPerSecond: 1800, peakRssMb: 110 }),
  ];

  it("holds the headline ratios against the baselines of the same run", () => {
    const f = benchFigures(base, targets);
    expect(f.ack_ratio_sqlite).toBeCloseTo(1700 / 1900);
    expect(f.ack_ratio_postgres).toBeCloseTo(1300 / 1900);
    expect(f.ack_p99_ms_sqlite).toBe(12);
    expect(f.peak_rss_ratio).toBeCloseTo(150 / 105);
    expect(f.replica_cpu_ratio).toBeCloseTo(1.1);
    expect(f.api_requests_no_component).toBe(3);
    expect(f.aims).toEqual(AIMS);
  });

  it("round-trips through JSON with every named figure present, null where not measured", () => {
    const f = JSON.parse(JSON.stringify(benchFigures(base, targets.slice(0, 2)))) as Record<string, unknown>;
    for (const key of [
      "ack_ratio_sqlite",
      "ack_ratio_postgres",
      "ack_p99_ms_sqlite",
      "peak_rss_ratio",
      "replica_cpu_ratio",
      "replica_cpu_ratio_noop",
      "api_requests_no_component",
      "intake_rounds",
      "sweep",
      "storage",
      "targets",
      "aims",
    ]) {
      expect(f).toHaveProperty(key);
    }
    // No PostgreSQL in this run: its figures are null, not NaN (which JSON cannot hold).
    expect(f.ack_ratio_postgres).toBeNull();
    expect(f.replica_cpu_ratio).toBeNull();
    expect(f.ack_ratio_sqlite).toBeCloseTo(1700 / 2000);
  });

  it("judges each aim, and says when one was not measured", () => {
    const lines = formatAims(benchFigures(base, targets));
    expect(lines).toHaveLength(6);
    expect(lines.find((l) => l.startsWith("CPU per delivery"))).toMatch(/1\.10× \(aim ≤ 1\.15×\): met/);
    expect(lines.find((l) => l.startsWith("API requests"))).toMatch(/NOT met/);
    expect(formatAims(benchFigures(base, targets.slice(0, 2))).find((l) => l.startsWith("CPU per delivery"))).toMatch(/not measured/);
  });
});

describe("the intake rounds", () => {
  const targets = [
    target({ label: "no-op", database: "none", deliveriesPerSecond: 2000 }),
    target({ label: "sqlite", database: "sqlite", deliveriesPerSecond: 1000, ackP99Ms: 40 }),
    target({ label: "postgres", database: "postgres", deliveriesPerSecond: 1200 }),
    target({ label: "no-op again", database: "none", deliveriesPerSecond: 2000 }),
  ];
  const round = (noop: number[], sqlite: number | null, postgres: number | null, p99: number | null): IntakeRound => ({
    noopDps: noop,
    sqliteDps: sqlite,
    postgresDps: postgres,
    sqliteP99Ms: p99,
  });

  it("judge throughput and p99 on the median of the rounds, each ratio against its own round's no-op runs", () => {
    // Ratios 0.5 (the full run), 0.8 and 0.7 (a slower machine in round 3: 0.7 of its own baseline); p99 40, 20, 30.
    const f = benchFigures(base, targets, [], [], [round([3000, 1000], 1600, 1800, 20), round([1000], 700, 200, 30)]);
    expect(f.ack_ratio_sqlite).toBeCloseTo(0.7);
    expect(f.ack_ratio_postgres).toBeCloseTo(0.6); // 0.6, 0.9 and 0.2
    expect(f.ack_p99_ms_sqlite).toBe(30);
    expect(f.intake_rounds).toHaveLength(3);
    expect(f.intake_rounds[0]).toEqual(round([2000, 2000], 1000, 1200, 40));
    expect(formatAims(f)[0]).toMatch(/^throughput on SQLite 0\.70× the no-op app's, the median of 3 rounds \(aim ≥ 0\.8×\): NOT met$/);
    expect(formatRounds(f.intake_rounds)[1]).toBe("  round 2: SQLite 0.80×, PostgreSQL 0.90× the no-op app's 3,000 and 1,000/s; SQLite p99 20.0 ms");
  });

  it("take the median of two as the mean of both, and leave out a round without the database", () => {
    const f = benchFigures(base, targets, [], [], [round([2000], 1400, null, null)]);
    expect(f.ack_ratio_sqlite).toBeCloseTo(0.6); // 0.5 and 0.7
    expect(f.ack_ratio_postgres).toBeCloseTo(0.6); // only the full run's
    expect(f.ack_p99_ms_sqlite).toBe(40);
    expect(benchFigures(base, targets).ack_ratio_sqlite).toBeCloseTo(0.5); // one round: the full run alone, as before
  });
});

describe("the replica CPU ratio", () => {
  it("compares two replicas with one warmed up the same way; warmed-up runs stay out of the intake and its baselines", () => {
    const warm = { warmUpDeliveries: 3000, warmUpCpuMsPerDelivery: 3 };
    const f = benchFigures(base, [
      target({ label: "no-op", database: "none", deliveriesPerSecond: 2000, peakRssMb: 100, cpuMsPerDelivery: 0.3 }),
      target({ label: "postgres", database: "postgres", deliveriesPerSecond: 1000, cpuMsPerDelivery: 3 }),
      target({ label: "postgres ×1, warm", database: "postgres", deliveriesPerSecond: 9000, cpuMsPerDelivery: 2, ...warm }),
      target({ label: "postgres ×2, warm", database: "postgres", replicas: 2, cpuMsPerDelivery: 2.2, ...warm }),
      target({ label: "no-op ×2, warm", database: "none", replicas: 2, deliveriesPerSecond: 9000, peakRssMb: 10, cpuMsPerDelivery: 0.25, ...warm }),
      target({ label: "no-op ×1, warm", database: "none", deliveriesPerSecond: 9000, peakRssMb: 10, cpuMsPerDelivery: 0.2, ...warm }),
    ]);
    expect(f.replica_cpu_ratio).toBeCloseTo(1.1); // against the warm one (2), not the cold one (3)
    expect(f.replica_cpu_ratio_noop).toBeCloseTo(1.25);
    expect(f.ack_ratio_postgres).toBeCloseTo(0.5);
    expect(f.intake_rounds[0].noopDps).toEqual([2000]);
    expect(f.peak_rss_ratio).toBeCloseTo(1);
  });

  it("is left out when a run did not settle (its CPU was cut short by the timeout)", () => {
    const single = target({ label: "postgres", database: "postgres", cpuMsPerDelivery: 2, processedSeconds: null });
    const pair = target({ label: "postgres ×2", database: "postgres", replicas: 2, cpuMsPerDelivery: 2.2 });
    expect(benchFigures(base, [single, pair]).replica_cpu_ratio).toBeNull();
    expect(benchFigures(base, [{ ...single, processedSeconds: 30 }, pair]).replica_cpu_ratio).toBeCloseTo(1.1);
  });

  it("is set beside the no-op app's own two processes against one, which stay out of the baselines", () => {
    const targets = [
      target({ label: "no-op", database: "none", deliveriesPerSecond: 2000, peakRssMb: 100, cpuMsPerDelivery: 0.3 }),
      target({ label: "sqlite", database: "sqlite", deliveriesPerSecond: 1600, peakRssMb: 120 }),
      target({ label: "postgres", database: "postgres", cpuMsPerDelivery: 2 }),
      target({ label: "postgres ×2", database: "postgres", replicas: 2, cpuMsPerDelivery: 2.4 }),
      target({ label: "no-op ×2", database: "none", replicas: 2, deliveriesPerSecond: 500, peakRssMb: 60, cpuMsPerDelivery: 0.42 }),
      target({ label: "no-op again", database: "none", deliveriesPerSecond: 2000, peakRssMb: 100, cpuMsPerDelivery: 0.3 }),
    ];
    const f = benchFigures(base, targets);
    expect(f.replica_cpu_ratio).toBeCloseTo(1.2);
    expect(f.replica_cpu_ratio_noop).toBeCloseTo(1.4);
    // The pair's throughput and memory are not the baseline's.
    expect(f.ack_ratio_sqlite).toBeCloseTo(0.8);
    expect(f.peak_rss_ratio).toBeCloseTo(1.2);
    expect(f.intake_rounds[0].noopDps).toEqual([2000, 2000]);
    expect(formatAims(f).find((l) => l.startsWith("CPU per delivery"))).toMatch(/1\.20× \(aim ≤ 1\.15×\): NOT met \(the no-op app's two processes against one: 1\.40×\)$/);
    expect(
      benchFigures(
        base,
        targets.filter((t) => t.label !== "no-op ×2"),
      ).replica_cpu_ratio_noop,
    ).toBeNull();
  });
});
