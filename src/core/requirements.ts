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
import { builtIns, DEFAULT_LIMITS, inCategories, isFuzzed, isTarget, type Limits } from "./requirements-builtin.js";

export { DEFAULT_LIMITS };

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
