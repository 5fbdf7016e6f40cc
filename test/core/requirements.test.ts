import type { Component, Tier } from "../../src/core/model.js";
import {
  evaluateFor,
  missingFor,
  missingText,
  nextTier,
  overrideProblems,
  REQUIREMENT_IDS,
  requirementOverridesSchema,
  requirementSet,
  toRequirementOverrides,
  type Evidence,
  type Requirement,
  type RequirementOverrides,
} from "../../src/core/requirements.js";

/** A component that meets every declared requirement unless told otherwise. */
function component(over: Partial<Component> & { facts?: Record<string, string> } = {}): Component {
  return {
    id: "c",
    category: "WASI Proposal",
    tier: 3,
    owners: [{ kind: "user", login: "owner" }],
    paths: [],
    checks: ["Test c"],
    fuzzing: ["Fuzz"],
    facts: {},
    ...over,
  };
}

const statusOf = (c: Component, tier: Tier, id: string, evidence: Evidence = {}, overrides: RequirementOverrides = {}) =>
  evaluateFor(c, tier, evidence, overrides).find((r) => r.id === id)?.status;

describe("the built-in requirements", () => {
  test("a component meeting every declared fact misses nothing for any tier", () => {
    for (const tier of [1, 2, 3] as const) {
      for (const category of ["Target", "WASI Proposal", "WebAssembly Proposal", "misc"]) {
        expect(missingFor(component({ category }), tier)).toEqual([]);
      }
    }
  });

  test("Tier 2: CI testing needs checks that are not disabled", () => {
    expect(statusOf(component(), 2, "ci-testing")).toBe("met");
    expect(statusOf(component({ checks: [] }), 2, "ci-testing")).toBe("missing");
    expect(statusOf(component({ facts: { ci: "disabled" } }), 2, "ci-testing")).toBe("missing");
    expect(statusOf(component({ facts: { ci: "enabled" } }), 2, "ci-testing")).toBe("met");
  });

  test("Tier 2: more expansive CI testing, complete implementation, full-time maintainer, improved quality", () => {
    expect(missingFor(component({ facts: { "ci-coverage": "limited" } }), 2)).toEqual(["more expansive CI testing"]);
    expect(missingFor(component({ facts: { "ci-coverage": "full" } }), 2)).toEqual([]);
    expect(missingFor(component({ facts: { implementation: "partial" } }), 2)).toEqual(["complete implementation"]);
    expect(missingFor(component({ facts: { maintainer: "best-effort" } }), 2)).toEqual(["full-time maintainer"]);
    expect(missingFor(component({ facts: { maintainer: "none" } }), 2)).toEqual(["full-time maintainer"]);
    expect(missingFor(component({ facts: { maintainer: "full-time" } }), 2)).toEqual([]);
    expect(missingFor(component({ facts: { quality: "known-bugs" } }), 2)).toEqual(["improved quality"]);
  });

  test("Tier 2: a partial target misses all Tier 1 proposals implemented, not complete implementation", () => {
    const target = component({ category: "Target", facts: { implementation: "partial" } });
    expect(missingFor(target, 2)).toEqual(["all Tier 1 proposals implemented"]);
    expect(evaluateFor(component({ category: "misc" }), 2).map((r) => r.id)).not.toContain("tier1-proposals");
  });

  test("clear owner: owners not empty, and not known to be unreachable", () => {
    expect(missingFor(component({ owners: [] }), 2)).toEqual(["clear owner"]);
    expect(missingFor(component({ owners: [] }), 3)).toEqual(["clear owner"]);
    expect(statusOf(component(), 2, "clear-owner", { ownersReachable: false })).toBe("missing");
    expect(statusOf(component(), 2, "clear-owner", { ownersReachable: true })).toBe("met");
  });

  test("the spec's order in the column: CI testing, clear owner; CI testing, full-time maintainer, improved quality", () => {
    expect(missingFor(component({ checks: [], owners: [] }), 2)).toEqual(["CI testing", "clear owner"]);
    const dwarf = component({ category: "misc", checks: [], facts: { maintainer: "none", quality: "known-bugs" } });
    expect(missingFor(dwarf, 2)).toEqual(["CI testing", "full-time maintainer", "improved quality"]);
    expect(missingText(missingFor(dwarf, 2))).toBe("CI testing, full-time maintainer, improved quality");
  });

  test("Tier 1: continuous fuzzing for targets and WebAssembly proposals only", () => {
    expect(missingFor(component({ category: "Target", tier: 2, fuzzing: undefined }), 1)).toEqual(["continuous fuzzing"]);
    expect(missingFor(component({ category: "WebAssembly Proposal", tier: 2, fuzzing: [] }), 1)).toEqual(["continuous fuzzing"]);
    expect(missingFor(component({ category: "WASI Proposal", tier: 2, fuzzing: undefined }), 1)).toEqual([]);
    expect(missingFor(component({ category: "misc", tier: 2, fuzzing: undefined }), 1)).toEqual([]);
  });

  test("Tier 1: an unstable wasm proposal", () => {
    const c = component({ category: "WebAssembly Proposal", tier: 2, facts: { proposal: "unstable" } });
    expect(missingFor(c, 1)).toEqual(["unstable wasm proposal"]);
    expect(missingText(missingFor(c, 1))).toBe("Unstable wasm proposal");
    expect(statusOf(component({ category: "WebAssembly Proposal", facts: { proposal: "stable" } }), 1, "stable-proposal")).toBe("met");
    expect(statusOf(component({ category: "WebAssembly Proposal" }), 1, "stable-proposal")).toBe("met");
    expect(statusOf(component({ category: "Target" }), 1, "stable-proposal")).toBeUndefined(); // does not apply
  });

  test("Tier 1: a target needs a clear owner of the target (instead of the plain clear owner)", () => {
    const target = component({ category: "Target", tier: 2, owners: [] });
    expect(missingFor(target, 1)).toEqual(["clear owner of the target"]);
    expect(missingText(missingFor(target, 1))).toBe("Clear owner of the target");
    expect(missingFor(component({ category: "misc", tier: 2, owners: [] }), 1)).toEqual(["clear owner"]);
  });

  test("Tier 1 includes Tier 2's requirements (each tier encompasses the previous ones)", () => {
    expect(missingFor(component({ category: "Target", tier: 2, checks: [] }), 1)).toEqual(["CI testing"]);
  });

  test("Tier 1: security and RFC process are project-wide: unknown, never missing", () => {
    const results = evaluateFor(component({ tier: 2 }), 1);
    expect(results.find((r) => r.id === "security-process")).toEqual({ id: "security-process", label: "security process", status: "unknown" });
    expect(results.find((r) => r.id === "rfc-process")?.status).toBe("unknown");
  });

  test("Tier 3: path to completion: met when complete, unknown when partial, missing when partial with no maintainer", () => {
    expect(statusOf(component(), 3, "path-to-completion")).toBe("met");
    expect(statusOf(component({ facts: { implementation: "partial" } }), 3, "path-to-completion")).toBe("unknown");
    expect(statusOf(component({ facts: { implementation: "partial", maintainer: "none" } }), 3, "path-to-completion")).toBe("missing");
    expect(missingFor(component({ facts: { implementation: "partial", maintainer: "none" } }), 3)).toEqual(["path to completion"]);
  });

  test("nextTier and missingText", () => {
    expect([nextTier(3), nextTier(2), nextTier(1)]).toEqual([2, 1, undefined]);
    expect(missingText([])).toBe("");
    expect(missingText(["complete implementation"])).toBe("Complete implementation");
  });
});

describe("observed evidence", () => {
  test("unknown evidence never makes a requirement missing: observation-only ones are unknown", () => {
    const results = evaluateFor(component(), 2, {});
    expect(results.filter((r) => r.status === "missing")).toEqual([]);
    expect(results.filter((r) => r.status === "unknown").map((r) => r.id)).toEqual(["responsive-maintainers", "ci-cost"]);
  });

  test("checks that have not passed on the default branch recently (or ever) miss CI testing", () => {
    expect(statusOf(component(), 2, "ci-testing", { checksPassedOnDefaultWithinDays: 2 })).toBe("met");
    expect(statusOf(component(), 2, "ci-testing", { checksPassedOnDefaultWithinDays: 7 })).toBe("met");
    expect(statusOf(component(), 2, "ci-testing", { checksPassedOnDefaultWithinDays: 8 })).toBe("missing");
    expect(statusOf(component(), 2, "ci-testing", { checksPassedOnDefaultWithinDays: null })).toBe("missing");
    expect(statusOf(component(), 2, "ci-testing", { checksPassedOnDefaultWithinDays: 20 }, { passedWithinDays: 30 })).toBe("met");
    // Good evidence never makes up for a missing declaration.
    expect(statusOf(component({ checks: [] }), 2, "ci-testing", { checksPassedOnDefaultWithinDays: 0 })).toBe("missing");
  });

  test("fuzzing that has not passed recently misses continuous fuzzing", () => {
    const target = component({ category: "Target", tier: 2 });
    expect(statusOf(target, 1, "continuous-fuzzing", { fuzzingPassedWithinDays: 1 })).toBe("met");
    expect(statusOf(target, 1, "continuous-fuzzing", { fuzzingPassedWithinDays: null })).toBe("missing");
    expect(statusOf(target, 1, "continuous-fuzzing", { fuzzingPassedWithinDays: 30 })).toBe("missing");
  });

  test("responsive maintainers: the median reply within a week", () => {
    expect(statusOf(component(), 2, "responsive-maintainers", { tier2ReplyMedianHours: 48 })).toBe("met");
    expect(statusOf(component(), 2, "responsive-maintainers", { tier2ReplyMedianHours: 168 })).toBe("met");
    expect(statusOf(component(), 2, "responsive-maintainers", { tier2ReplyMedianHours: 200 })).toBe("missing");
    expect(statusOf(component(), 2, "responsive-maintainers", { tier2ReplyMedianHours: 30 }, { replyWithinHours: 24 })).toBe("missing");
  });
});

describe("the CI-cost rule", () => {
  test("a Tier 3 component above its share of PR CI time fails CI cost within allowance", () => {
    const c = component({ tier: 3 });
    expect(missingFor(c, 2, { ciShare: 0.6 })).toEqual(["CI cost within allowance"]);
    expect(missingFor(c, 3, { ciShare: 0.6 })).toEqual(["CI cost within allowance"]);
    expect(missingText(missingFor(component({ checks: [] }), 2, { ciShare: 0.9 }))).toBe("CI testing, CI cost within allowance");
    expect(statusOf(c, 2, "ci-cost", { ciShare: 0.5 })).toBe("met");
    expect(statusOf(c, 2, "ci-cost", { ciShare: 0.1 })).toBe("met");
    expect(statusOf(c, 2, "ci-cost", {})).toBe("unknown");
  });

  test("the allowance comes from the overrides", () => {
    expect(missingFor(component(), 2, { ciShare: 0.3 }, { ciCostAllowance: 0.25 })).toEqual(["CI cost within allowance"]);
    expect(missingFor(component(), 2, { ciShare: 0.6 }, { ciCostAllowance: 0.75 })).toEqual([]);
  });

  test("it is a Tier 3 rule: Tier 1 and 2 components are not held to it", () => {
    expect(statusOf(component({ tier: 2 }), 1, "ci-cost", { ciShare: 0.9 })).toBeUndefined();
  });
});

describe("overrides", () => {
  const partialThreads = component({ category: "WebAssembly Proposal", facts: { implementation: "partial" } });

  test("rename: a new label in that tier's column only", () => {
    const overrides = { tier2: { rename: { "complete-implementation": "finished feature" } } };
    expect(missingFor(partialThreads, 2, {}, overrides)).toEqual(["finished feature"]);
    expect(missingFor(component({ tier: 2, facts: { implementation: "partial" } }), 1, {}, overrides)).toEqual(["complete implementation"]);
  });

  test("drop: the requirement is no longer checked", () => {
    expect(missingFor(partialThreads, 2, {}, { tier2: { drop: ["complete-implementation"] } })).toEqual([]);
    const set = requirementSet({ tier1: { drop: ["security-process", "rfc-process"] } });
    expect(set[1].map((r) => r.id)).not.toContain("security-process");
    expect(set[2].map((r) => r.id)).toEqual(requirementSet()[2].map((r) => r.id));
  });

  test("categories: re-scope a requirement (fuzzing for WASI proposals too)", () => {
    const wasi = component({ category: "WASI Proposal", tier: 2, fuzzing: undefined });
    expect(missingFor(wasi, 1)).toEqual([]);
    expect(missingFor(wasi, 1, {}, { tier1: { categories: { "continuous-fuzzing": ["wasi proposal", "Target"] } } })).toEqual(["continuous fuzzing"]);
  });

  test("add: a requirement declared in the registry, met by a declared fact", () => {
    const overrides: RequirementOverrides = {
      tier2: {
        add: [
          { id: "stable-proposal-2", label: "stable proposal", categories: ["WebAssembly Proposal"], requires: { proposal: ["stable"] } },
          { id: "fuzzed", label: "some fuzzing", requires: "fuzzing" },
        ],
      },
    };
    const wasm = component({ category: "WebAssembly Proposal", fuzzing: undefined, facts: { proposal: "unstable" } });
    expect(missingFor(wasm, 2, {}, overrides)).toEqual(["stable proposal", "some fuzzing"]);
    const undeclared = component({ category: "WebAssembly Proposal" });
    expect(statusOf(undeclared, 2, "stable-proposal-2", {}, overrides)).toBe("unknown");
    expect(statusOf(component({ category: "misc" }), 2, "stable-proposal-2", {}, overrides)).toBeUndefined();
    // Added requirements come last in the column, and can be renamed like the others.
    expect(missingFor(component({ checks: [], fuzzing: [] }), 2, {}, { tier2: { ...overrides.tier2, rename: { fuzzed: "fuzzing" } } })).toEqual(["CI testing", "fuzzing"]);
  });

  test("add: a full definition in code", () => {
    const mine: Requirement = {
      id: "docs",
      label: "documentation",
      summary: "documented",
      appliesTo: () => true,
      evaluate: (c) => (c.description ? "met" : "missing"),
    };
    expect(missingFor(component(), 2, {}, { tier2: { add: [mine] } })).toEqual(["documentation"]);
    expect(missingFor(component({ description: "x" }), 2, {}, { tier2: { add: [mine] } })).toEqual([]);
  });

  test("unsound overrides are refused with every problem named", () => {
    const bad: RequirementOverrides = {
      ciCostAllowance: 1.5,
      replyWithinHours: -1,
      tier3: { drop: ["ci-testing"], rename: { nope: "x", "clear-owner": " " } },
      tier2: { add: [{ id: "ci-testing", label: "again", requires: "checks" }], categories: { what: ["misc"] } },
    };
    expect(overrideProblems(bad)).toEqual([
      "ci-cost-allowance: expected a share above 0 and at most 1, got 1.5",
      "reply-within-hours: expected a positive number, got -1",
      expect.stringMatching(/^tier2\.categories: unknown requirement "what" for Tier 2; known: ci-testing, /),
      `tier2.add: requirement "ci-testing" is already in Tier 2's list (rename it instead)`,
      'tier3.drop: unknown requirement "ci-testing" for Tier 3; known: clear-owner, path-to-completion, ci-cost',
      'tier3.rename: unknown requirement "nope" for Tier 3; known: clear-owner, path-to-completion, ci-cost',
      "tier3.rename.clear-owner: the label must not be empty",
    ]);
    expect(() => requirementSet(bad)).toThrow(RangeError);
    expect(overrideProblems({})).toEqual([]);
  });

  test("every built-in id is in some tier's list, and ids are unique within a list", () => {
    const set = requirementSet();
    const all = new Set([1, 2, 3].flatMap((t) => set[t as Tier].map((r) => r.id)));
    expect([...all].sort()).toEqual([...REQUIREMENT_IDS].sort());
    for (const tier of [1, 2, 3] as const) expect(new Set(set[tier].map((r) => r.id)).size).toBe(set[tier].length);
  });
});

describe("policy.requirements as written in the registry (proposed schema)", () => {
  test("parses and converts to the overrides", () => {
    const input = requirementOverridesSchema.parse({
      "ci-cost-allowance": 0.25,
      "passed-within-days": 14,
      tier1: { drop: ["security-process", "rfc-process"] },
      tier2: {
        rename: { "ci-testing": "CI tests" },
        categories: { "complete-implementation": ["misc"] },
        add: [{ id: "good-docs", label: "documentation", requires: { quality: ["good"] } }],
      },
    });
    const overrides = toRequirementOverrides(input);
    expect(overrides).toEqual({
      ciCostAllowance: 0.25,
      passedWithinDays: 14,
      tier1: { drop: ["security-process", "rfc-process"] },
      tier2: {
        rename: { "ci-testing": "CI tests" },
        categories: { "complete-implementation": ["misc"] },
        add: [{ id: "good-docs", label: "documentation", requires: { quality: ["good"] } }],
      },
    });
    expect(overrideProblems(overrides)).toEqual([]);
    expect(missingFor(component({ checks: [], facts: { quality: "good" } }), 2, { ciShare: 0.3 }, overrides)).toEqual(["CI tests", "CI cost within allowance"]);
  });

  test("rejects unknown keys, unknown drop ids, bad shares and unknown facts", () => {
    expect(requirementOverridesSchema.safeParse({ tier4: {} }).success).toBe(false);
    expect(requirementOverridesSchema.safeParse({ tier2: { drop: ["ci-tests"] } }).success).toBe(false);
    expect(requirementOverridesSchema.safeParse({ "ci-cost-allowance": 0 }).success).toBe(false);
    expect(requirementOverridesSchema.safeParse({ tier2: { add: [{ id: "x", label: "x", requires: { colour: ["red"] } }] } }).success).toBe(false);
    expect(requirementOverridesSchema.safeParse({ tier2: { add: [{ id: "x", label: "x", requires: "paths" }] } }).success).toBe(false);
  });
});
