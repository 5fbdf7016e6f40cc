/**
 * The spec's tier criteria as built-in requirements: each one's wording (the column's label), the
 * declared facts it reads and the observed evidence that can turn it into "missing". Which tier
 * lists which, and overrides, are in requirements.ts.
 */
import type { Component } from "./model.js";
import type { Requirement, RequirementId, RequirementStatus } from "./requirements.js";

/** The limits the requirements read, as the spec sets them (a registry may override each). */
export const DEFAULT_LIMITS = { ciCostAllowance: 0.5, passedWithinDays: 7, replyWithinHours: 7 * 24 } as const;

// ---------------------------------------------------------------------------------------------
// The built-in requirements

const sameCategory = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();
export const isTarget = (c: Component) => sameCategory(c.category, "Target");
export const inCategories = (categories: readonly string[]) => (c: Component) => categories.some((k) => sameCategory(c.category, k));

/** Declared facts decide first; then the observation, when there is one. */
function declaredThenObserved(declared: boolean, observed: boolean | undefined): RequirementStatus {
  if (!declared) return "missing";
  return observed === false ? "missing" : "met";
}

/** `passedWithinDays` evidence: undefined = not known, null = never passed. */
function passedRecently(days: number | null | undefined, limit: number): boolean | undefined {
  if (days === undefined) return undefined;
  return days !== null && days <= limit;
}

function hasFuzzingChecks(c: Component): boolean {
  return (c.fuzzing ?? []).length > 0;
}

/** Fuzzed at all: by CI jobs, or by a service outside CI (`fuzzing: oss-fuzz`). */
export function isFuzzed(c: Component): boolean {
  return hasFuzzingChecks(c) || c.fuzzedOutsideCi !== undefined;
}

export type Limits = { ciCostAllowance: number; passedWithinDays: number; replyWithinHours: number };

export function builtIns(limits: Limits): Record<RequirementId, Requirement> {
  const always = () => true;
  return {
    "continuous-fuzzing": {
      id: "continuous-fuzzing",
      label: "continuous fuzzing",
      summary:
        "Continuous fuzzing is required for WebAssembly proposals and for the architecture of supported targets (`fuzzing` checks, passing; or `fuzzing: oss-fuzz`, fuzzed outside CI, which CI cannot observe).",
      appliesTo: inCategories(["Target", "WebAssembly Proposal"]),
      // A service outside CI reports nothing tierkeeper sees: the declaration is all there is.
      evaluate: (c, e) => (c.fuzzedOutsideCi ? "met" : declaredThenObserved(hasFuzzingChecks(c), passedRecently(e.fuzzingPassedWithinDays, limits.passedWithinDays))),
    },
    "stable-proposal": {
      id: "stable-proposal",
      label: "unstable wasm proposal",
      summary: "A WebAssembly proposal must be stable (`proposal: unstable` is missing it).",
      appliesTo: (c) => c.facts.proposal !== undefined || sameCategory(c.category, "WebAssembly Proposal"),
      evaluate: (c) => (c.facts.proposal === "unstable" ? "missing" : "met"),
    },
    "target-owner": {
      id: "target-owner",
      label: "clear owner of the target",
      summary: "A target has a clearly identified owner (`owners` not empty, reachable).",
      appliesTo: isTarget,
      evaluate: (c, e) => declaredThenObserved(c.owners.length > 0, e.ownersReachable),
    },
    "security-process": {
      id: "security-process",
      label: "security process",
      summary: "CVEs and security releases are performed as necessary for bugs found in it (project-wide; no fact: unknown).",
      appliesTo: always,
      evaluate: () => "unknown",
    },
    "rfc-process": {
      id: "rfc-process",
      label: "RFC process",
      summary: "Major changes affecting it require an RFC and prior agreement (project-wide; no fact: unknown).",
      appliesTo: always,
      evaluate: () => "unknown",
    },
    "ci-testing": {
      id: "ci-testing",
      label: "CI testing",
      summary: "Tests run in CI for it and pass (`checks` not empty, not `ci: disabled`, passing on the default branch).",
      appliesTo: always,
      evaluate: (c, e) => declaredThenObserved(c.checks.length > 0 && c.facts.ci !== "disabled", passedRecently(e.checksPassedOnDefaultWithinDays, limits.passedWithinDays)),
    },
    "expansive-ci-testing": {
      id: "expansive-ci-testing",
      label: "more expansive CI testing",
      summary: "It is otherwise fully tested on CI (`ci-coverage: limited` is missing it).",
      appliesTo: always,
      evaluate: (c) => (c.facts["ci-coverage"] === "limited" ? "missing" : "met"),
    },
    "complete-implementation": {
      id: "complete-implementation",
      label: "complete implementation",
      summary: "The feature is completely implemented (`implementation: partial` is missing it).",
      appliesTo: (c) => !isTarget(c),
      evaluate: (c) => (c.facts.implementation === "partial" ? "missing" : "met"),
    },
    "tier1-proposals": {
      id: "tier1-proposals",
      label: "all Tier 1 proposals implemented",
      summary: "A target implements all of the Tier 1 WebAssembly proposals (`implementation: partial` on a target is missing it).",
      appliesTo: isTarget,
      evaluate: (c) => (c.facts.implementation === "partial" ? "missing" : "met"),
    },
    "clear-owner": {
      id: "clear-owner",
      label: "clear owner",
      summary: "It has a clearly identified owner who is on the hook for it (`owners` not empty, reachable).",
      appliesTo: always,
      evaluate: (c, e) => declaredThenObserved(c.owners.length > 0, e.ownersReachable),
    },
    "full-time-maintainer": {
      id: "full-time-maintainer",
      label: "full-time maintainer",
      summary: "Its maintainers are available to accommodate architectural changes (`maintainer: best-effort|none` is missing it).",
      appliesTo: always,
      evaluate: (c) => (c.facts.maintainer === "best-effort" || c.facts.maintainer === "none" ? "missing" : "met"),
    },
    "responsive-maintainers": {
      id: "responsive-maintainers",
      label: "responsive maintainers",
      summary: "Maintainers reply to requests within a week (observed: the median reply time; unknown without it).",
      appliesTo: always,
      evaluate: (_c, e) => (e.tier2ReplyMedianHours === undefined ? "unknown" : e.tier2ReplyMedianHours <= limits.replyWithinHours ? "met" : "missing"),
    },
    "improved-quality": {
      id: "improved-quality",
      label: "improved quality",
      summary: "It has no major known bugs (`quality: known-bugs` is missing it).",
      appliesTo: always,
      evaluate: (c) => (c.facts.quality === "known-bugs" ? "missing" : "met"),
    },
    "path-to-completion": {
      id: "path-to-completion",
      label: "path to completion",
      summary: "A partial implementation has a clear path forward: met when complete; `implementation: partial` with `maintainer: none` is missing it; other partial ones are unknown.",
      appliesTo: always,
      evaluate: (c) => (c.facts.implementation !== "partial" ? "met" : c.facts.maintainer === "none" ? "missing" : "unknown"),
    },
    "ci-cost": {
      id: "ci-cost",
      label: "CI cost within allowance",
      summary: `A Tier 3 component does not impose unnecessary overhead: its share of pull-request CI time is at most the allowance (default ${DEFAULT_LIMITS.ciCostAllowance}: it would double CI).`,
      appliesTo: (c) => c.tier === 3,
      evaluate: (_c, e) => (e.ciShare === undefined ? "unknown" : e.ciShare > limits.ciCostAllowance ? "missing" : "met"),
    },
  };
}
