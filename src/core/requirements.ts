/**
 * The spec's tier criteria as named requirements, and what a component is missing for a tier.
 * Pure: a component (its declared facts), optional observed evidence and optional policy
 * overrides in, statuses out. This is what the "Missing Tier N Requirements" column of the
 * spec's "Current Tier Status" tables is computed from; the column is never stored.
 *
 * Conventions
 * - A requirement's `label` is the spec's wording as it appears inside the column's list
 *   ("CI testing, clear owner"): lowercase except acronyms. A table cell capitalises the first
 *   letter of the joined list ("Continuous fuzzing", "Complete implementation").
 * - Each tier's list is self-contained: it is exactly what the "Missing Tier N Requirements"
 *   column checks. Because "each tier additionally encompasses all the guarantees of previous
 *   tiers", Tier 1's list repeats Tier 2's requirements and Tier 2's repeats Tier 3's (sharing the
 *   same definitions), except where a higher tier words it differently (Tier 1 asks targets for
 *   a "clear owner of the target" instead of a "clear owner"). Overrides are per list.
 * - Declared facts default to the good value when absent (no `implementation` = complete, no
 *   `maintainer` = full-time, ...), as the example registry's comment says.
 * - Observed evidence can only turn a requirement that the declared facts meet into "missing";
 *   absent evidence never does. A requirement that only observation can decide (responsive
 *   maintainers, CI cost) is "unknown" without it. "unknown" never appears in the column.
 */
import { z } from "zod";
import { DECLARED_FACTS, type Component, type Tier } from "./model.js";

export type RequirementStatus = "met" | "missing" | "unknown";

/** Facts observed from CI and GitHub (all optional: absent = not known). */
export interface Evidence {
  /** Days since the component's checks last passed on the default branch; null: never (within what is known). */
  checksPassedOnDefaultWithinDays?: number | null;
  /** Days since its fuzzing checks last passed; null: never. */
  fuzzingPassedWithinDays?: number | null;
  /** Whether the listed owners exist and can be reached (accounts, teams with access). */
  ownersReachable?: boolean;
  /** Median time, in hours, for the owners to reply to requests that concern the component. */
  tier2ReplyMedianHours?: number;
  /** The component's share (0..1) of the CI time spent on pull requests. */
  ciShare?: number;
}

export interface Requirement {
  id: string;
  /** The spec's wording in the column, lowercase except acronyms: "CI testing", "clear owner". */
  label: string;
  /** What is asked, in one sentence (for JSON and help). */
  summary: string;
  appliesTo(component: Component): boolean;
  evaluate(component: Component, evidence: Evidence): RequirementStatus;
}

export interface RequirementResult {
  id: string;
  label: string;
  status: RequirementStatus;
}

// ---------------------------------------------------------------------------------------------
// Overrides (what `policy.requirements` in the registry would hold, converted to camelCase)

/** A requirement a repository adds from the registry: met when a declared fact says so. */
export interface CustomRequirement {
  id: string;
  label: string;
  summary?: string;
  /** Categories it applies to (case-insensitive); all components when absent. */
  categories?: string[];
  /**
   * `checks` | `fuzzing` | `owners`: the list must not be empty. A mapping `{ fact: [values] }`:
   * each named fact must have one of the values (a fact that is not declared: "unknown").
   */
  requires: "checks" | "fuzzing" | "owners" | Record<string, string[]>;
}

export interface TierOverrides {
  /** Requirement ids left out of this tier's list. */
  drop?: string[];
  /** New labels, by requirement id. */
  rename?: Record<string, string>;
  /** New scopes, by requirement id: the categories (case-insensitive) it applies to instead of its own rule. */
  categories?: Record<string, string[]>;
  /** Requirements appended to this tier's list: declared in the registry, or (in code) full definitions. */
  add?: (CustomRequirement | Requirement)[];
}

export interface RequirementOverrides {
  /** Largest share of pull-request CI time a Tier 3 component may take. Default 0.5 (it would double CI). */
  ciCostAllowance?: number;
  /** Checks and fuzzing count as passing when they last passed within this many days. Default 7. */
  passedWithinDays?: number;
  /** Tier 2 maintainers reply within this many hours (median). Default 168: the spec's week. */
  replyWithinHours?: number;
  tier1?: TierOverrides;
  tier2?: TierOverrides;
  tier3?: TierOverrides;
}

export const DEFAULT_LIMITS = { ciCostAllowance: 0.5, passedWithinDays: 7, replyWithinHours: 7 * 24 } as const;

/** The ids of the built-in requirements. */
export const REQUIREMENT_IDS = [
  "continuous-fuzzing",
  "stable-proposal",
  "target-owner",
  "security-process",
  "rfc-process",
  "ci-testing",
  "expansive-ci-testing",
  "complete-implementation",
  "tier1-proposals",
  "clear-owner",
  "full-time-maintainer",
  "responsive-maintainers",
  "improved-quality",
  "path-to-completion",
  "ci-cost",
] as const;
export type RequirementId = (typeof REQUIREMENT_IDS)[number];

/** Declared facts a custom requirement may name (the registry's fact keys). */
export const FACT_NAMES = DECLARED_FACTS;

// ---------------------------------------------------------------------------------------------
// The built-in requirements

const sameCategory = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();
const isTarget = (c: Component) => sameCategory(c.category, "Target");
const inCategories = (categories: readonly string[]) => (c: Component) => categories.some((k) => sameCategory(c.category, k));

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
function isFuzzed(c: Component): boolean {
  return hasFuzzingChecks(c) || c.fuzzedOutsideCi !== undefined;
}

type Limits = { ciCostAllowance: number; passedWithinDays: number; replyWithinHours: number };

function builtIns(limits: Limits): Record<RequirementId, Requirement> {
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

/**
 * Each tier's list, in the order the column lists them (the spec's rows fix: CI testing before
 * clear owner; CI testing, full-time maintainer, improved quality).
 */
const TIER2_LIST: readonly RequirementId[] = [
  "ci-testing",
  "expansive-ci-testing",
  "complete-implementation",
  "tier1-proposals",
  "clear-owner",
  "full-time-maintainer",
  "responsive-maintainers",
  "improved-quality",
  "ci-cost",
];

/** "Each tier additionally encompasses all the guarantees of previous tiers": Tier 1 adds its own to Tier 2's. */
const TIER_LISTS: Record<Tier, readonly RequirementId[]> = {
  3: ["clear-owner", "path-to-completion", "ci-cost"],
  2: TIER2_LIST,
  1: ["continuous-fuzzing", "stable-proposal", "target-owner", "security-process", "rfc-process", ...TIER2_LIST],
};

/** Tier 1 asks targets for a "clear owner of the target": the plain "clear owner" is for the rest. */
const TIER1_SCOPE: Partial<Record<RequirementId, (c: Component) => boolean>> = {
  "clear-owner": (c) => !isTarget(c),
};

export type RequirementSet = Record<Tier, readonly Requirement[]>;

const TIER_KEYS = { 1: "tier1", 2: "tier2", 3: "tier3" } as const;

/** Problems in overrides, as `path: message` (empty when they are sound). */
export function overrideProblems(overrides: RequirementOverrides = {}): string[] {
  const problems: string[] = [];
  const share = overrides.ciCostAllowance;
  if (share !== undefined && !(share > 0 && share <= 1)) problems.push(`ci-cost-allowance: expected a share above 0 and at most 1, got ${share}`);
  for (const key of ["passedWithinDays", "replyWithinHours"] as const) {
    const v = overrides[key];
    if (v !== undefined && !(Number.isFinite(v) && v > 0)) problems.push(`${kebab(key)}: expected a positive number, got ${v}`);
  }
  for (const tier of [1, 2, 3] as const) {
    const o = overrides[TIER_KEYS[tier]];
    if (!o) continue;
    const where = TIER_KEYS[tier];
    const inTier = new Set<string>(TIER_LISTS[tier]);
    const added = (o.add ?? []).map((a) => a.id);
    const known = new Set([...inTier, ...added]);
    const unknown = (id: string) => `unknown requirement ${JSON.stringify(id)} for Tier ${tier}; known: ${[...known].join(", ")}`;
    for (const id of o.drop ?? []) if (!inTier.has(id)) problems.push(`${where}.drop: ${unknown(id)}`);
    for (const [id, label] of Object.entries(o.rename ?? {})) {
      if (!known.has(id)) problems.push(`${where}.rename: ${unknown(id)}`);
      else if (label.trim() === "") problems.push(`${where}.rename.${id}: the label must not be empty`);
    }
    for (const id of Object.keys(o.categories ?? {})) if (!known.has(id)) problems.push(`${where}.categories: ${unknown(id)}`);
    const seen = new Set<string>(inTier);
    for (const a of o.add ?? []) {
      if (seen.has(a.id)) problems.push(`${where}.add: requirement ${JSON.stringify(a.id)} is already in Tier ${tier}'s list (rename it instead)`);
      seen.add(a.id);
      if (!a.label?.trim()) problems.push(`${where}.add.${a.id}: the label must not be empty`);
    }
  }
  return problems;
}

/** The requirement lists of the three tiers with the overrides applied; throws a RangeError on unsound overrides. */
export function requirementSet(overrides: RequirementOverrides = {}): RequirementSet {
  const problems = overrideProblems(overrides);
  if (problems.length > 0) throw new RangeError(`invalid requirement overrides: ${problems.join("; ")}`);
  const defs = builtIns({ ...DEFAULT_LIMITS, ...definedOnly(overrides) });
  const set = {} as Record<Tier, Requirement[]>;
  for (const tier of [1, 2, 3] as const) {
    const o = overrides[TIER_KEYS[tier]] ?? {};
    const dropped = new Set(o.drop ?? []);
    const base = TIER_LISTS[tier]
      .filter((id) => !dropped.has(id))
      .map((id) => {
        const scope = tier === 1 ? TIER1_SCOPE[id] : undefined;
        return scope ? { ...defs[id], appliesTo: scope } : defs[id];
      });
    const list = [...base, ...(o.add ?? []).map(toRequirement)];
    set[tier] = list.map((r) => {
      const label = o.rename?.[r.id];
      const categories = o.categories?.[r.id];
      if (label === undefined && categories === undefined) return r;
      return { ...r, ...(label !== undefined && { label }), ...(categories !== undefined && { appliesTo: inCategories(categories) }) };
    });
  }
  return set;
}

function definedOnly(o: RequirementOverrides): Partial<Limits> {
  const out: Partial<Limits> = {};
  if (o.ciCostAllowance !== undefined) out.ciCostAllowance = o.ciCostAllowance;
  if (o.passedWithinDays !== undefined) out.passedWithinDays = o.passedWithinDays;
  if (o.replyWithinHours !== undefined) out.replyWithinHours = o.replyWithinHours;
  return out;
}

function isRequirement(r: CustomRequirement | Requirement): r is Requirement {
  return typeof (r as Requirement).evaluate === "function";
}

function toRequirement(r: CustomRequirement | Requirement): Requirement {
  if (isRequirement(r)) return r;
  const { requires } = r;
  return {
    id: r.id,
    label: r.label,
    summary: r.summary ?? r.label,
    appliesTo: r.categories ? inCategories(r.categories) : () => true,
    evaluate: (c) => {
      if (requires === "checks") return c.checks.length > 0 ? "met" : "missing";
      if (requires === "fuzzing") return isFuzzed(c) ? "met" : "missing";
      if (requires === "owners") return c.owners.length > 0 ? "met" : "missing";
      let status: RequirementStatus = "met";
      for (const [fact, allowed] of Object.entries(requires)) {
        const value = c.facts[fact];
        if (value === undefined) status = status === "missing" ? status : "unknown";
        else if (!allowed.includes(value)) status = "missing";
      }
      return status;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/** The tier above, the one a component's "Missing Tier N Requirements" column is about; none for Tier 1. */
export function nextTier(tier: Tier): Tier | undefined {
  return tier === 1 ? undefined : ((tier - 1) as Tier);
}

/** Every requirement of `targetTier` that applies to the component, with its status, in the list's order. */
export function evaluateFor(component: Component, targetTier: Tier, evidence: Evidence = {}, requirements: RequirementSet | RequirementOverrides = {}): RequirementResult[] {
  const set = isSet(requirements) ? requirements : requirementSet(requirements);
  return set[targetTier].filter((r) => r.appliesTo(component)).map((r) => ({ id: r.id, label: r.label, status: r.evaluate(component, evidence) }));
}

/** The labels of the requirements of `targetTier` the component misses ("unknown" ones are not missing). */
export function missingFor(component: Component, targetTier: Tier, evidence: Evidence = {}, requirements: RequirementSet | RequirementOverrides = {}): string[] {
  return evaluateFor(component, targetTier, evidence, requirements)
    .filter((r) => r.status === "missing")
    .map((r) => r.label);
}

/** The column's text: the labels joined with ", ", its first letter capitalised ("CI testing, clear owner"). */
export function missingText(labels: readonly string[]): string {
  const text = labels.join(", ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function isSet(value: RequirementSet | RequirementOverrides): value is RequirementSet {
  return Array.isArray((value as RequirementSet)[1]);
}

// ---------------------------------------------------------------------------------------------
// The registry's `policy.requirements`, as written (kebab-case). Proposed for registry.ts's
// policyShape as `requirements: requirementOverridesSchema.optional()`; converted with
// `toRequirementOverrides`.

const requirementId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, "must be a requirement id such as ci-testing");
const categoryList = z.array(z.string().min(1)).min(1);

export const customRequirementSchema = z.strictObject({
  id: requirementId,
  label: z.string().min(1),
  summary: z.string().optional(),
  categories: categoryList.optional(),
  requires: z.union([z.enum(["checks", "fuzzing", "owners"]), z.partialRecord(z.enum(FACT_NAMES), z.array(z.string()).min(1))]),
});

export const tierOverridesSchema = z.strictObject({
  drop: z.array(z.enum(REQUIREMENT_IDS)).optional().meta({ description: "Requirement ids this tier's column no longer checks." }),
  rename: z.record(requirementId, z.string().min(1)).optional().meta({ description: "New labels by requirement id (lowercase except acronyms)." }),
  categories: z.record(requirementId, categoryList).optional().meta({ description: "The categories a requirement applies to, by id." }),
  add: z.array(customRequirementSchema).optional().meta({ description: "Requirements met when a declared fact says so." }),
});

export const requirementOverridesSchema = z
  .strictObject({
    "ci-cost-allowance": z.number().gt(0).max(1).optional().meta({ description: "Largest share of PR CI time a Tier 3 component may take. Default 0.5." }),
    "passed-within-days": z.number().positive().optional().meta({ description: "Checks and fuzzing count as passing when they passed within this many days. Default 7." }),
    "reply-within-hours": z.number().positive().optional().meta({ description: "Tier 2 maintainers' median reply time. Default 168 (a week)." }),
    tier1: tierOverridesSchema.optional(),
    tier2: tierOverridesSchema.optional(),
    tier3: tierOverridesSchema.optional(),
  })
  .meta({ description: "Changes to the tier requirements the status tables are computed from." });

export type RequirementOverridesInput = z.infer<typeof requirementOverridesSchema>;

/** `policy.requirements` as written to the overrides `requirementSet` takes. */
export function toRequirementOverrides(input: RequirementOverridesInput): RequirementOverrides {
  const out: RequirementOverrides = {};
  if (input["ci-cost-allowance"] !== undefined) out.ciCostAllowance = input["ci-cost-allowance"];
  if (input["passed-within-days"] !== undefined) out.passedWithinDays = input["passed-within-days"];
  if (input["reply-within-hours"] !== undefined) out.replyWithinHours = input["reply-within-hours"];
  for (const key of ["tier1", "tier2", "tier3"] as const) {
    const t = input[key];
    if (!t) continue;
    out[key] = {
      ...(t.drop && { drop: [...t.drop] }),
      ...(t.rename && { rename: { ...t.rename } }),
      ...(t.categories && { categories: { ...t.categories } }),
      // partialRecord's values are typed `string[] | undefined`; parsed ones are always lists.
      ...(t.add && { add: t.add.map((a) => ({ ...a, requires: a.requires })) }),
    };
  }
  return out;
}

function kebab(s: string): string {
  return s.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`);
}
