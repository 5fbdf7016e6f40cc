import { AIMS, benchFigures, formatAims, type TargetFigures } from "../../src/bench/figures.js";

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
      "api_requests_no_component",
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

describe("the replica CPU ratio", () => {
  it("is left out when a run did not settle (its CPU was cut short by the timeout)", () => {
    const single = target({ label: "postgres", database: "postgres", cpuMsPerDelivery: 2, processedSeconds: null });
    const pair = target({ label: "postgres ×2", database: "postgres", replicas: 2, cpuMsPerDelivery: 2.2 });
    expect(benchFigures(base, [single, pair]).replica_cpu_ratio).toBeNull();
    expect(benchFigures(base, [{ ...single, processedSeconds: 30 }, pair]).replica_cpu_ratio).toBeCloseTo(1.1);
  });
});
