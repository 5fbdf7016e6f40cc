import { ciCostWindowStart, evidenceFor, isFuzzingCheck, pullRequestCiTime, type DefaultBranchCheck } from "../../src/core/evidence.js";
import type { CiResult, Registry } from "../../src/core/model.js";
import { parseRegistry } from "../../src/core/registry.js";
import type { Tier2Request } from "../../src/core/responsiveness.js";

const DAY = 86_400_000;
const NOW = new Date("2026-12-01T12:00:00Z");
const daysAgo = (d: number) => new Date(NOW.getTime() - d * DAY);

function registry(policy = ""): Registry {
  const parsed = parseRegistry(`${policy}
components:
  a:
    category: WASI Proposal
    tier: 3
    owners: [alice]
    checks: ["Test a*"]
    fuzzing: ["Fuzz a"]
  b:
    category: Target
    tier: 2
    owners: [bob]
    checks: ["Test b"]
  docs:
    category: misc
    tier: 3
    owners: [carol]
`);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.registry;
}

const seen = (name: string, o: { first?: number; last?: number; passed?: number | null }): DefaultBranchCheck => ({
  name,
  firstSeenAt: daysAgo(o.first ?? 30),
  lastSeenAt: daysAgo(o.last ?? 0),
  lastPassedAt: o.passed === null || o.passed === undefined ? null : daysAgo(o.passed),
});

const observed = (defaultBranch: DefaultBranchCheck[], pullRequestMs: Record<string, number> = {}) => ({
  defaultBranch,
  pullRequestMs: new Map(Object.entries(pullRequestMs)),
});

describe("checks and fuzzing passing on the default branch", () => {
  test("days since every current check of the component last passed: the stalest counts", () => {
    const evidence = evidenceFor(registry(), observed([seen("Test a1", { passed: 2 }), seen("Test a2", { passed: 1 }), seen("Test b", { passed: 0.5 })]), [], NOW);
    expect(evidence.a.checksPassedOnDefaultWithinDays).toBe(2);
    expect(evidence.b.checksPassedOnDefaultWithinDays).toBe(0.5);
  });

  test("a check still running that never passed is 'never' once the default branch was watched long enough, unknown before", () => {
    const failing = [seen("Test a1", { passed: 1 }), seen("Test a2", { passed: null })];
    expect(evidenceFor(registry(), observed(failing), [], NOW).a.checksPassedOnDefaultWithinDays).toBeNull();
    const fresh = failing.map((c) => ({ ...c, firstSeenAt: daysAgo(3) }));
    expect(evidenceFor(registry(), observed(fresh), [], NOW).a).not.toHaveProperty("checksPassedOnDefaultWithinDays");
  });

  test("a component none of whose checks ran is 'never' after the span, unknown before; one without checks has no such evidence", () => {
    const others = [seen("Test b", { passed: 0, first: 8 })];
    expect(evidenceFor(registry(), observed(others), [], NOW).a.checksPassedOnDefaultWithinDays).toBeNull();
    expect(evidenceFor(registry(), observed(others.map((c) => ({ ...c, firstSeenAt: daysAgo(6) }))), [], NOW).a).toEqual({});
    expect(evidenceFor(registry(), observed([]), [], NOW).a).toEqual({});
    expect(evidenceFor(registry(), observed(others), [], NOW).docs).toEqual({});
  });

  test("the span is the policy's passed-within-days", () => {
    const others = [seen("Test b", { passed: 0, first: 4 })];
    const short = registry("policy:\n  requirements: { passed-within-days: 3 }");
    expect(evidenceFor(short, observed(others), [], NOW).a.checksPassedOnDefaultWithinDays).toBeNull();
    expect(evidenceFor(registry(), observed(others), [], NOW).a).toEqual({});
  });

  test("a name that stopped running while the others go on (a renamed job) is left out", () => {
    const renamed = [seen("Test a-old", { last: 20, passed: 20 }), seen("Test a", { passed: 1 })];
    expect(evidenceFor(registry(), observed(renamed), [], NOW).a.checksPassedOnDefaultWithinDays).toBe(1);
    // Nothing else runs: the branch has been quiet for 20 days, and at its last run the check passed.
    expect(evidenceFor(registry(), observed([renamed[0]]), [], NOW).a.checksPassedOnDefaultWithinDays).toBe(0);
  });

  test("measured back from the branch's latest CI result: a quiet branch keeps its standing, a failing check on a busy one does not", () => {
    // No commit (so no CI) on the default branch for 20 days; everything passed at its last run.
    const quiet = [seen("Test a", { last: 20, passed: 20 }), seen("Test b", { last: 20, passed: 20 })];
    expect(evidenceFor(registry(), observed(quiet), [], NOW).a.checksPassedOnDefaultWithinDays).toBe(0);
    // CI runs every day, and `Test a` has failed for the last 20 of them.
    const busy = [seen("Test a", { last: 0, passed: 20 }), seen("Test b", { last: 0, passed: 0 })];
    expect(evidenceFor(registry(), observed(busy), [], NOW).a.checksPassedOnDefaultWithinDays).toBe(20);
  });

  test("fuzzing jobs are matched by the component's fuzzing patterns", () => {
    const evidence = evidenceFor(registry(), observed([seen("Test a", { passed: 1 }), seen("Fuzz a", { passed: 3 })]), [], NOW);
    expect(evidence.a).toMatchObject({ checksPassedOnDefaultWithinDays: 1, fuzzingPassedWithinDays: 3 });
    expect(evidence.b).not.toHaveProperty("fuzzingPassedWithinDays");
    expect(isFuzzingCheck(registry(), "Fuzz a")).toBe(true);
    expect(isFuzzingCheck(registry(), "Test a")).toBe(false);
  });
});

describe("CI cost", () => {
  test("a component's share is its checks' and fuzzing jobs' time over all pull-request CI time", () => {
    const evidence = evidenceFor(registry(), observed([], { "Test a1": 50, "Fuzz a": 10, "Test b": 20, lint: 20 }), [], NOW);
    expect(evidence.a.ciShare).toBeCloseTo(0.6);
    expect(evidence.b.ciShare).toBeCloseTo(0.2);
    expect(evidence.docs.ciShare).toBe(0);
  });

  test("no pull-request CI time: no share", () => {
    expect(evidenceFor(registry(), observed([], {}), [], NOW).a).not.toHaveProperty("ciShare");
  });

  const result = (o: Partial<CiResult>): CiResult => ({ repoId: 1, sha: "abc", name: "Test a", source: "check_run", outcome: "pass", completedAt: new Date("2026-12-01T10:30:00Z"), ...o });

  test("a result's pull-request time: started to completed, in its completion day's bucket; none on the default branch or without a start", () => {
    expect(pullRequestCiTime(result({ branch: "feature", startedAt: new Date("2026-12-01T10:00:00Z") }), "main")).toEqual({ day: new Date("2026-12-01T00:00:00Z"), ms: 30 * 60_000 });
    expect(pullRequestCiTime(result({ startedAt: new Date("2026-12-01T10:00:00Z") }), "main")).toEqual({ day: new Date("2026-12-01T00:00:00Z"), ms: 30 * 60_000 });
    expect(pullRequestCiTime(result({ branch: "main", startedAt: new Date("2026-12-01T10:00:00Z") }), "main")).toBeUndefined();
    expect(pullRequestCiTime(result({ branch: "feature" }), "main")).toBeUndefined();
    expect(pullRequestCiTime(result({ branch: "feature", startedAt: new Date("2026-12-01T11:00:00Z") }), "main")).toBeUndefined();
  });

  test("the window is the last 30 days, today included", () => {
    expect(ciCostWindowStart(NOW)).toEqual(new Date("2026-11-02T00:00:00Z"));
  });
});

describe("responsive maintainers", () => {
  const request = (component: string, requestedDaysAgo: number, replyHours: number | undefined): Tier2Request => {
    const requestedAt = daysAgo(requestedDaysAgo);
    return {
      component,
      thread: 1,
      isPull: true,
      requestee: "bob",
      team: false,
      source: "ping",
      requestedBy: "tierkeeper",
      requestedAt: requestedAt.toISOString(),
      status: replyHours === undefined ? "open" : "replied",
      ...(replyHours !== undefined && { reply: { by: "bob", at: new Date(requestedAt.getTime() + replyHours * 3_600_000).toISOString(), via: "comment on #1" } }),
      breaches: [],
      dueAt: null,
    };
  };

  test("the median reply time of the component's requests within the figures window", () => {
    const requests = [request("b", 10, 10), request("b", 20, 30), request("b", 30, 20), request("b", 120, 500), request("b", 5, undefined)];
    expect(evidenceFor(registry(), observed([]), requests, NOW).b.tier2ReplyMedianHours).toBe(20);
    expect(evidenceFor(registry("policy:\n  figures-window: 15 days"), observed([]), requests, NOW).b.tier2ReplyMedianHours).toBe(10);
    expect(evidenceFor(registry(), observed([]), [request("b", 5, undefined)], NOW).b).toEqual({});
    expect(evidenceFor(registry(), observed([]), requests, NOW).a).toEqual({});
  });
});
