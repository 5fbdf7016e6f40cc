import type { Registry } from "../../src/core/model.js";
import { parseRegistry } from "../../src/core/registry.js";
import { demotionIssueTitle } from "../../src/core/render/tier2.js";
import type { Evidence } from "../../src/core/requirements.js";
import { judgeTiers, parseSuggestionKey, renderSuggestion, renderWithdrawn, suggestionKey, suggestionTitle, withdrawalReason, type Standing } from "../../src/core/suggestions.js";

const DAY = 86_400_000;
const T0 = new Date("2026-11-01T12:00:00Z");
const day = (n: number) => new Date(T0.getTime() + n * DAY);

function registry(text: string): Registry {
  const parsed = parseRegistry(text);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.registry;
}

const REGISTRY = `
components:
  wasi-nn:
    category: WASI Proposal
    tier: 3
    owners: [abrown]
    checks: ["Test wasi-nn (*)"]
  s390x:
    category: Target
    tier: 2
    owners: [uweigand]
    checks: ["Test s390x"]
  x86_64:
    category: Target
    tier: 1
    owners: [cfallin]
    checks: ["Test x86_64"]
    fuzzing: ["Fuzz x86_64"]
  orphan:
    category: misc
    tier: 3
    owners: []
`;

const passing: Record<string, Evidence> = {
  "wasi-nn": { checksPassedOnDefaultWithinDays: 1 },
  s390x: { checksPassedOnDefaultWithinDays: 1 },
  x86_64: { checksPassedOnDefaultWithinDays: 1, fuzzingPassedWithinDays: 1 },
};

/** Judges day after day, carrying the standings, and returns what was due on each day. */
function judgeDays(reg: Registry, evidence: (n: number) => Record<string, Evidence>, days: number[]) {
  let standings: Standing[] = [];
  return days.map((n) => {
    const judgement = judgeTiers(reg, evidence(n), standings, day(n));
    standings = judgement.standings;
    return { day: n, standings, due: judgement.due.map((s) => `${s.componentId}:${s.direction}-to-${s.to}`) };
  });
}

describe("judging the tiers", () => {
  test("a Tier 3 component meeting Tier 2 with its checks passing is suggested for promotion after the period (30 days), not before", () => {
    const [first, before, after] = judgeDays(registry(REGISTRY), () => passing, [0, 29, 30]);
    expect(first.standings.find((s) => s.componentId === "wasi-nn")).toEqual({ componentId: "wasi-nn", tier: 3, meetsAboveSince: day(0), missesOwnSince: null });
    expect(first.due).toEqual([]);
    expect(before.due).toEqual([]);
    // s390x misses Tier 1's continuous fuzzing: no promotion; x86_64 is Tier 1 already.
    expect(after.due).toEqual(["wasi-nn:promote-to-2"]);
    const [suggestion] = judgeTiers(registry(REGISTRY), passing, after.standings, day(31)).due;
    expect(suggestion).toMatchObject({ componentId: "wasi-nn", direction: "promote", from: 3, to: 2, since: day(0) });
    // What no evidence can show for a Tier 3 component yet is listed as unknown, not held against it.
    expect(suggestion.requirements.filter((r) => r.status !== "met").map((r) => `${r.id}:${r.status}`)).toEqual(["responsive-maintainers:unknown", "ci-cost:unknown"]);
  });

  test("declared facts alone suggest nothing: the checks must have been seen passing", () => {
    const days = judgeDays(registry(REGISTRY), () => ({}), [0, 40]);
    expect(days.map((d) => d.due)).toEqual([[], []]);
    expect(days[1].standings.find((s) => s.componentId === "wasi-nn")?.meetsAboveSince).toBeNull();
  });

  test("the clock restarts when the condition breaks: a check failing on main for a while, or a CI share above the allowance", () => {
    const broken = (n: number) => (n === 10 ? { ...passing, "wasi-nn": { checksPassedOnDefaultWithinDays: 9 } } : passing);
    const days = judgeDays(registry(REGISTRY), broken, [0, 10, 11, 40, 41]);
    expect(days.map((d) => d.due.filter((s) => s.startsWith("wasi-nn")))).toEqual([[], [], [], [], ["wasi-nn:promote-to-2"]]);
    const costly = judgeDays(registry(REGISTRY), () => ({ ...passing, "wasi-nn": { checksPassedOnDefaultWithinDays: 1, ciShare: 0.8 } }), [0, 40]);
    expect(costly[1].due).toEqual([]);
  });

  test("a Tier 1 or Tier 2 component missing its own tier's requirements for the period is suggested for demotion; Tier 3 never", () => {
    const failing = {
      "wasi-nn": { checksPassedOnDefaultWithinDays: null },
      s390x: { checksPassedOnDefaultWithinDays: null },
      x86_64: { checksPassedOnDefaultWithinDays: 1, fuzzingPassedWithinDays: null },
    };
    const [, , after] = judgeDays(registry(REGISTRY), () => failing, [0, 29, 30]);
    expect(after.due).toEqual(["s390x:demote-to-3", "x86_64:demote-to-2"]);
    // `orphan` misses a clear owner, its own Tier 3 requirement, but there is no tier below.
    expect(after.standings.find((s) => s.componentId === "orphan")).toMatchObject({ missesOwnSince: null });
    const [x86] = judgeTiers(registry(REGISTRY), failing, after.standings, day(30)).due.filter((s) => s.componentId === "x86_64");
    expect(x86.requirements.filter((r) => r.status === "missing").map((r) => r.label)).toEqual(["continuous fuzzing"]);
  });

  test("a new tier starts the clocks again", () => {
    const before = judgeDays(registry(REGISTRY), () => passing, [0, 20]).at(-1)!.standings;
    const promoted = registry(REGISTRY.replace("tier: 3\n    owners: [abrown]", "tier: 2\n    owners: [abrown]"));
    const judgement = judgeTiers(promoted, passing, before, day(31));
    // It meets Tier 1's requirements too (a WASI proposal needs no fuzzing): that clock starts now, not on day 0.
    expect(judgement.standings.find((s) => s.componentId === "wasi-nn")).toEqual({ componentId: "wasi-nn", tier: 2, meetsAboveSince: day(31), missesOwnSince: null });
    expect(judgement.due).toEqual([]);
  });

  test("a different period, and suggestions off (the standings are still kept)", () => {
    const twoWeeks = registry(`policy:\n  suggestions: 2 weeks\n${REGISTRY}`);
    expect(judgeDays(twoWeeks, () => passing, [0, 13, 14]).map((d) => d.due)).toEqual([[], [], ["wasi-nn:promote-to-2"]]);
    const off = registry(`policy:\n  suggestions: off\n${REGISTRY}`);
    const days = judgeDays(off, () => passing, [0, 400]);
    expect(days[1].due).toEqual([]);
    expect(days[1].standings.find((s) => s.componentId === "wasi-nn")?.meetsAboveSince).toEqual(day(0));
  });

  test("components no longer in the registry lose their standing", () => {
    const before = judgeDays(registry(REGISTRY), () => passing, [0]).at(-1)!.standings;
    const fewer = registry(REGISTRY.slice(0, REGISTRY.indexOf("  s390x:")));
    expect(judgeTiers(fewer, passing, before, day(1)).standings.map((s) => s.componentId)).toEqual(["wasi-nn"]);
  });
});

describe("keys and texts", () => {
  const reg = registry(REGISTRY);
  const wasiNn = reg.components[0];

  test("keys name the repository, the component, the direction and the tier", () => {
    const key = suggestionKey(7, { componentId: "wasi-nn", direction: "promote", to: 2 });
    expect(key).toBe("suggest:7:wasi-nn:promote-to-2");
    expect(parseSuggestionKey(key)).toEqual({ componentId: "wasi-nn", direction: "promote", to: 2 });
    expect(parseSuggestionKey("t2-demotion:7:s390x")).toBeUndefined();
  });

  test("the promotion issue: the requirements with their status, the evidence, and that tierkeeper changes no tier", () => {
    const judgement = judgeTiers(reg, passing, [{ componentId: "wasi-nn", tier: 3, meetsAboveSince: day(0), missesOwnSince: null }], day(30));
    const s = judgement.due[0];
    expect(suggestionTitle(wasiNn, s)).toBe("Suggestion: promote `wasi-nn` from Tier 3 to Tier 2");
    const body = renderSuggestion(wasiNn, s, { checksPassedOnDefaultWithinDays: 1.5, ciShare: 0.123 }, reg, day(30));
    expect(body).toContain("`wasi-nn` (WASI Proposal, Tier 3) has met every requirement of Tier 2 since 2026-11-01 (UTC) (the registry's `suggestions` period is 30 days)");
    expect(body).toContain("| CI testing | met |");
    expect(body).toContain("| responsive maintainers | not known |");
    expect(body).toContain("- Checks (`Test wasi-nn (*)`) on the default branch: all passed 1 day ago.");
    expect(body).toContain("- Share of pull-request CI time over the last 30 days: 12%.");
    expect(body).toContain("To promote it, set `tier: 2` for `wasi-nn` in `.github/tiers.yml`");
    expect(body).toContain("Owners: @abrown");
  });

  test("the demotion issue says what is missing, and is told apart from the Tier 2 breach proposal", () => {
    const s390x = reg.components[1];
    const judgement = judgeTiers(reg, { s390x: { checksPassedOnDefaultWithinDays: null } }, [{ componentId: "s390x", tier: 2, meetsAboveSince: null, missesOwnSince: day(0) }], day(30));
    const s = judgement.due.find((x) => x.componentId === "s390x")!;
    const title = suggestionTitle(s390x, s);
    expect(title).toBe("Suggestion: demote `s390x` from Tier 2 to Tier 3 (its tier's requirements are not met)");
    expect(title).not.toBe(demotionIssueTitle(s390x));
    const body = renderSuggestion(s390x, s, { checksPassedOnDefaultWithinDays: null }, reg, day(30));
    expect(body).toContain("is Tier 2, but has missed requirements of Tier 2 since 2026-11-01 (UTC)");
    expect(body).toContain(": CI testing.");
    expect(body).toContain("| CI testing | **missing** |");
    expect(body).toContain("on the default branch: not all passing within the last 7 days.");
  });

  test("why an open suggestion is withdrawn", () => {
    const promote = { componentId: "wasi-nn", direction: "promote", to: 2 } as const;
    expect(withdrawalReason(reg, { "wasi-nn": { checksPassedOnDefaultWithinDays: 9 } }, promote)).toBe("`wasi-nn` no longer meets every Tier 2 requirement: it misses CI testing.");
    expect(withdrawalReason(reg, {}, promote)).toBe("The checks of `wasi-nn` have not been seen passing on the default branch lately.");
    expect(withdrawalReason(registry(REGISTRY.replace("tier: 3\n    owners: [abrown]", "tier: 2\n    owners: [abrown]")), passing, promote)).toBe("`wasi-nn` is Tier 2 now.");
    expect(withdrawalReason(registry("components: {}"), passing, promote)).toBe("`wasi-nn` is no longer in the registry.");
    expect(withdrawalReason(registry(`policy:\n  suggestions: off\n${REGISTRY}`), passing, promote)).toBe("Suggestions are turned off in the registry's policy (`suggestions: off`).");
    expect(withdrawalReason(reg, passing, { componentId: "s390x", direction: "demote", to: 3 })).toBe("`s390x` meets every Tier 2 requirement again.");
    expect(renderWithdrawn("old text", "why", day(3))).toBe("**No longer applies** (2026-11-04 (UTC)): why\n\n---\n\nold text");
  });
});
