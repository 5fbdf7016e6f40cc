/**
 * The tier registry (`.github/tiers.yml`): parsing and validation, the public entry.
 * Pure: text or an already-parsed value in, a Registry or a list of located problems out.
 *
 * The schema (registry-schema.ts) describes the file exactly as written; defaults and conversions
 * to the model happen after validation, in `toRegistry` here. registry-problems.ts words the
 * problems, registry-positions.ts finds where they are in the text.
 */
import { LineCounter, parseDocument } from "yaml";
import { toRequirementOverrides } from "./requirements.js";
import { parseDuration } from "./duration.js";
import { DEFAULT_CHANGE_POLICY } from "./change-rules.js";
import { DECLARED_FACTS, type Component, type Owner, type Policy, type PolicyDuration, type Registry, type RegistryParseResult, type RegistryProblem } from "./model.js";
import { anchorer, yamlLocator, type Anchor } from "./registry-positions.js";
import { formatPath, issueProblems, issuesOf, problem, yamlProblem } from "./registry-problems.js";
import { REGISTRY_LIMITS, registrySchema, type ComponentInput, type RegistryInput } from "./registry-schema.js";

export { registryAnchor, type Anchor } from "./registry-positions.js";
export { formatPath } from "./registry-problems.js";
export { describeValue, REGISTRY_LIMITS, registryJsonSchema, registrySchema } from "./registry-schema.js";

export const REGISTRY_PATH = ".github/tiers.yml";

/** The spec's numbers: a week to respond, a month before removal. */
export const DEFAULT_POLICY: Policy = {
  responseWindow: { weeks: 1 },
  removalWindow: { months: 1 },
  mode: "enforce",
  tier2: { maintainers: [], demotionBreaches: 3, figuresWindowDays: 90, disabledLimit: { weeks: 2 }, report: "off" },
  changes: DEFAULT_CHANGE_POLICY,
  suggestions: { days: 30 },
  behaviours: { prComment: true },
};

/**
 * Bumped whenever one and the same registry parses to a different Registry (a new policy default,
 * a glob refused, a field renamed): the store's registry cache parses its stored source again
 * when the version it was parsed with differs, so nothing downstream patches older shapes.
 */
export const REGISTRY_PARSER_VERSION = 1;

export type PathKey = string | number;
export interface Position {
  line: number;
  column: number;
}
/** Finds a value (or, with "key", the key naming it) in the source; undefined when it is not there. */
export type RegistryLocator = (path: PathKey[], target?: "key" | "value") => Position | undefined;

// ---------------------------------------------------------------------------------------------
// Entry points

/** Parses and validates registry text; every problem carries a 1-based line and column. */
export function parseRegistry(text: string, file = REGISTRY_PATH): RegistryParseResult {
  // Refused before parsing: the size bounds the work of everything after.
  const tooLarge = sizeProblem(text, file);
  if (tooLarge) return result([tooLarge], undefined);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const at = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const yamlProblems = [...doc.errors.map((e) => yamlProblem(e, text, at, file, "error")), ...doc.warnings.map((w) => yamlProblem(w, text, at, file, "warning"))];
  // After a syntax error the tree is a guess: report only the syntax. Duplicate keys leave a sound tree.
  if (doc.errors.some((e) => e.code !== "DUPLICATE_KEY")) return result(yamlProblems, undefined);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    return result([...yamlProblems, problem(file, { line: 1, column: 1 }, (e as Error).message)], undefined);
  }
  const validated = validateRegistry(value, file, yamlLocator(doc, at));
  const problems = [...yamlProblems, ...(validated.ok ? validated.warnings : validated.errors)];
  return result(problems, validated.ok ? validated.registry : undefined);
}

/**
 * Validates an already-parsed registry (e.g. from Probot's config loader). Without `locate`
 * every problem is at 1:1 and only the key path in the message says where.
 */
export function validateRegistry(value: unknown, file = REGISTRY_PATH, locate?: (path: PathKey[]) => Position | undefined): RegistryParseResult {
  // An empty (or all-comments) file is a registry with no components; config loaders turn it into {}.
  const empty = value == null || (isPlainObject(value) && Object.keys(value).length === 0);
  const input = empty ? { components: {} } : value;
  const anchor = anchorer(locate);
  const parsed = registrySchema.safeParse(input);
  if (!parsed.success) {
    const problems = issuesOf(parsed.error.issues, input).flatMap((issue) => issueProblems(issue, input, anchor, file));
    return result(problems, undefined);
  }
  const registry = toRegistry(parsed.data);
  return result(registryWarnings(registry, anchor, file), registry);
}

/**
 * The registry of a value a config loader produced (organisation defaults and `_extends` merged),
 * given as its JSON text: refused over the size limit, else validated. Its problems carry no line
 * or column (the key path in the message says where).
 */
export function registryFromLoaded(json: string, file = REGISTRY_PATH): RegistryParseResult {
  const tooLarge = sizeProblem(json, file);
  if (tooLarge) return { ok: false, errors: [tooLarge] };
  return validateRegistry(JSON.parse(json) as unknown, file);
}

/** The problem with a registry text over the size limit; undefined within it. */
export function sizeProblem(text: string, file = REGISTRY_PATH): RegistryProblem | undefined {
  const limit = REGISTRY_LIMITS.bytes;
  // UTF-8 takes one to three bytes per UTF-16 unit: most texts are told apart without encoding them.
  if (text.length <= limit / 3) return undefined;
  const bytes = text.length > limit ? text.length : new TextEncoder().encode(text).length;
  if (bytes <= limit) return undefined;
  return bytesProblem(bytes, file);
}

function bytesProblem(bytes: number, file: string): RegistryProblem {
  return problem(file, { line: 1, column: 1 }, `the registry is larger than ${REGISTRY_LIMITS.bytes / 1024} KB (${Math.floor(bytes / 1024)} KB or more): tierkeeper refuses it`);
}

/** A registry refused on its size alone (GitHub said how large it is; it was never downloaded). */
export function refusedForSize(bytes: number, file = REGISTRY_PATH): RegistryParseResult {
  return result([bytesProblem(bytes, file)], undefined);
}

/** `.github/tiers.yml:12:11: components.wasi-nn.tier: expected 1, 2 or 3, got 4` */
export function formatProblem(p: RegistryProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.severity === "warning" ? "warning: " : ""}${p.message}`;
}

function result(problems: RegistryProblem[], registry: Registry | undefined): RegistryParseResult {
  const sorted = [...problems].sort((a, b) => a.line - b.line || a.column - b.column);
  const errors = sorted.filter((p) => p.severity === "error");
  if (errors.length > 0 || !registry) return { ok: false, errors: errors.length > 0 ? errors : sorted };
  return { ok: true, registry, warnings: sorted };
}

// ---------------------------------------------------------------------------------------------
// Conversion to the model (only ever called on valid input)

/** Component keys copied verbatim into `Component.facts`. */
const FACT_KEYS = [...DECLARED_FACTS, "disable", "workflow"] as const;

function toRegistry(input: RegistryInput): Registry {
  const components = Object.entries(input.components ?? {}).map(([id, c]) => toComponent(id, c));
  return { components, policy: toPolicy(input.policy ?? {}) };
}

function toComponent(id: string, c: ComponentInput[string]): Component {
  const facts: Record<string, string> = {};
  for (const key of FACT_KEYS) if (c[key] !== undefined) facts[key] = c[key];
  return {
    id,
    ...(c.name !== undefined && { name: c.name }),
    ...(c.description !== undefined && { description: c.description }),
    category: c.category,
    tier: c.tier,
    owners: c.owners.map(toOwner),
    ...(c.backup !== undefined && { backup: c.backup.map(toOwner) }),
    ...(c.escalation !== undefined && { escalation: c.escalation.map(toOwner) }),
    paths: c.paths ?? [],
    checks: c.checks ?? [],
    ...(Array.isArray(c.fuzzing) && { fuzzing: c.fuzzing }),
    ...(typeof c.fuzzing === "string" && { fuzzedOutsideCi: c.fuzzing }),
    ...(c.missing !== undefined && { missingNotes: c.missing }),
    facts,
  };
}

/** Team slugs are lowercase on GitHub; logins keep the case the maintainer wrote. */
function toOwner(raw: string): Owner {
  const [org, slug] = raw.replace(/^@/, "").split("/");
  return slug === undefined ? { kind: "user", login: org } : { kind: "team", org, slug: slug.toLowerCase() };
}

function toPolicy(p: NonNullable<RegistryInput["policy"]>): Policy {
  return {
    responseWindow: p["response-window"] ? parseDuration(p["response-window"])! : DEFAULT_POLICY.responseWindow,
    removalWindow: p["removal-window"] ? parseDuration(p["removal-window"])! : DEFAULT_POLICY.removalWindow,
    mode: p.mode ?? DEFAULT_POLICY.mode,
    tier2: {
      maintainers: (p.maintainers ?? []).map(toOwner),
      demotionBreaches: p["demotion-breaches"] ?? DEFAULT_POLICY.tier2.demotionBreaches,
      figuresWindowDays: p["figures-window"] ? durationDays(parseDuration(p["figures-window"])!) : DEFAULT_POLICY.tier2.figuresWindowDays,
      disabledLimit: p["tier2-disabled-limit"] ? parseDuration(p["tier2-disabled-limit"])! : DEFAULT_POLICY.tier2.disabledLimit,
      report: p["report-issue"] ?? DEFAULT_POLICY.tier2.report,
    },
    changes: {
      majorLines: p["major-change"]?.lines ?? DEFAULT_CHANGE_POLICY.majorLines,
      majorLabel: p["major-change"]?.label ?? DEFAULT_CHANGE_POLICY.majorLabel,
      rfcLink: p.rfc?.link ?? DEFAULT_CHANGE_POLICY.rfcLink,
      rfcOverrideLabel: p.rfc?.["override-label"] ?? DEFAULT_CHANGE_POLICY.rfcOverrideLabel,
      rfcRepositories: p.rfc?.repositories ?? DEFAULT_CHANGE_POLICY.rfcRepositories,
    },
    suggestions: p.suggestions === undefined ? DEFAULT_POLICY.suggestions : p.suggestions === "off" ? "off" : parseDuration(p.suggestions)!,
    behaviours: { prComment: p["pr-comment"] ?? DEFAULT_POLICY.behaviours.prComment },
    ...(p.requirements !== undefined && { requirements: toRequirementOverrides(p.requirements) }),
    ...(p.document !== undefined && { document: p.document }),
  };
}

/** A duration in whole days, as the figures window counts them (a month is 30 days). */
function durationDays(d: PolicyDuration): number {
  return Math.max(1, Math.round((d.hours ?? 0) / 24 + (d.days ?? 0) + (d.weeks ?? 0) * 7 + (d.months ?? 0) * 30));
}

function registryWarnings(registry: Registry, anchor: Anchor, file: string): RegistryProblem[] {
  return registry.components
    .filter((c) => c.owners.length === 0)
    .map((c) => {
      const path = ["components", c.id, "owners"];
      const message = `${formatPath(path)}: component ${c.id} has no owner (the policy requires a clearly identified owner)`;
      return problem(file, anchor(path), message, "warning");
    });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
