/**
 * The tier registry (`.github/tiers.yml`): its schema, parsing and validation.
 * Pure: text or an already-parsed value in, a Registry or a list of located problems out.
 *
 * The zod schema describes the file exactly as written (kebab-case keys, no defaults,
 * no transforms) so that the same definition yields the editors' JSON Schema; defaults
 * and conversions to the model happen after validation, in `toRegistry`.
 */
import { isAlias, isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, type Document } from "yaml";
import { z } from "zod";
import { customRequirementSchema, overrideProblems, requirementOverridesSchema, tierOverridesSchema, toRequirementOverrides } from "./requirements.js";
import { DURATION_EXAMPLES, DURATION_PATTERN, parseDuration } from "./duration.js";
import { globError, MAX_GLOB_LENGTH } from "./glob.js";
import { DEFAULT_CHANGE_POLICY } from "./change-rules.js";
import { DECLARED_FACTS, FUZZING_SERVICES, type Component, type Owner, type Policy, type PolicyDuration, type Registry, type RegistryParseResult, type RegistryProblem, type Tier } from "./model.js";

export const REGISTRY_PATH = ".github/tiers.yml";

/**
 * Limits on what a registry may hold, so that reading one and matching its globs stays cheap
 * whoever wrote it (a pull request can propose any text). Wasmtime's twenty components use a
 * tenth of each.
 */
export const REGISTRY_LIMITS = {
  /** Bytes of UTF-8 text. */
  bytes: 256 * 1024,
  /** Characters per glob. */
  globLength: MAX_GLOB_LENGTH,
  /** Globs per `paths`, `checks` or `fuzzing` list. */
  globsPerList: 50,
  /** Globs in the whole registry. */
  globs: 500,
} as const;

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
// Schema

const COMPONENT_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const LOGIN = "[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}";
const TEAM_SLUG = "[A-Za-z0-9][A-Za-z0-9_-]*";
/** `login` or `org/team-slug`; a leading `@` (CODEOWNERS habit) is tolerated. */
const OWNER = new RegExp(`^@?${LOGIN}(?:/${TEAM_SLUG})?$`);

/** Our message for any issue raised by a schema: "expected X, got Y". Missing keys are handled centrally. */
function expecting(what: string) {
  return {
    error: (issue: { input?: unknown }) =>
      issue.input === undefined ? undefined : `expected ${what}, got ${describeValue(issue.input)}`,
  };
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, expecting(listWords(values.map((v) => JSON.stringify(v)))));
}

function globList(kind: "check" | "path", description: string) {
  const glob = z.string(expecting(`a ${kind} glob`)).superRefine((pattern, ctx) => {
    const error = globError(kind, pattern);
    if (error) ctx.addIssue({ code: "custom", message: `invalid ${kind} glob ${JSON.stringify(pattern)}: ${error}` });
  });
  return z
    .array(glob, expecting(`a list of ${kind} globs`))
    .max(REGISTRY_LIMITS.globsPerList, `at most ${REGISTRY_LIMITS.globsPerList} globs per list`)
    .meta({ description });
}

const text = z.string(expecting("text"));
const ownerList = (description: string) =>
  z.array(z.string(expecting("a GitHub login or org/team-slug")).regex(OWNER), expecting("a list of owners")).meta({ description });
const positiveInt = z.number(expecting("a positive whole number")).int().positive();
const CHECK_GLOBS = "Check-name globs: only * ? [...] are special; parentheses and spaces are literal.";

const componentShape = {
  name: text.meta({ description: "Display name." }).optional(),
  description: text.optional(),
  category: text.min(1, "must not be empty").meta({ description: "Free text: Target, WASI Proposal, ..." }),
  tier: z.literal([1, 2, 3], expecting("1, 2 or 3")),
  owners: ownerList("GitHub logins or org/team-slug; [] when the component has no owner."),
  backup: ownerList("Asked instead while every owner is away (/tier away).").optional(),
  escalation: ownerList("Mentioned when a request to the owners is breached a second time (default: the policy's maintainers).").optional(),
  paths: globList("path", "Globs over repository paths (picomatch).").optional(),
  checks: globList("check", `CI checks that test this component. ${CHECK_GLOBS}`).optional(),
  fuzzing: z
    .union([globList("check", `CI checks that fuzz this component. ${CHECK_GLOBS}`), z.enum(FUZZING_SERVICES)], expecting(`a list of check globs, or ${listWords(FUZZING_SERVICES.map((s) => JSON.stringify(s)))}`))
    .meta({ description: `CI checks that fuzz this component (a list of globs), or a service that fuzzes it continuously outside CI: ${FUZZING_SERVICES.join(", ")}.` })
    .optional(),
  implementation: oneOf(["complete", "partial"]).optional(),
  proposal: oneOf(["stable", "unstable"]).optional(),
  maintainer: oneOf(["full-time", "best-effort", "none"]).optional(),
  ci: oneOf(["enabled", "disabled"]).meta({ description: "disabled: turned off in CI (Tier 3)." }).optional(),
  "ci-coverage": oneOf(["full", "limited"]).optional(),
  quality: oneOf(["good", "known-bugs"]).optional(),
  disable: oneOf(["registry", "workflow"])
    .meta({ description: "How a Tier 3 timeline disables it in CI: a PR marking it `ci: disabled` here (default), or the Actions API on its own workflow." })
    .optional(),
  workflow: text.regex(/^[\w.-]+\.ya?ml$/, "must be a workflow file name such as wasi-nn.yml").meta({ description: "Its dedicated workflow file (.github/workflows/...), for `disable: workflow`." }).optional(),
  missing: z
    .array(text.min(1, "must not be empty"), expecting("a list of texts"))
    .meta({ description: "Declared notes for the \"Missing Tier N Requirements\" column that no requirement expresses (\"Support beyond CI checks\"): printed as given after the computed ones." })
    .optional(),
};

/** Component keys copied verbatim into `Component.facts`. */
const FACT_KEYS = [...DECLARED_FACTS, "disable", "workflow"] as const;

const durationSchema = z
  .string(expecting(`a duration such as ${DURATION_EXAMPLES}`))
  .regex(DURATION_PATTERN);

const policyShape = {
  "response-window": durationSchema.meta({ description: "How long owners have to respond. Default: 1 week." }).optional(),
  "removal-window": durationSchema.meta({ description: "How long a Tier 3 component stays disabled in CI before removal is proposed. Default: 1 month." }).optional(),
  mode: oneOf(["enforce", "shadow"]).meta({ description: "shadow: decide and record, write nothing." }).optional(),
  "pr-comment": z.boolean(expecting("true or false")).optional(),
  maintainers: ownerList("The repository's maintainers: mentioned on a second breach and in alarms about Tier 1/2 components turned off.").optional(),
  "demotion-breaches": positiveInt.meta({ description: "Breaches within the figures window after which a Tier 2 component's demotion is proposed. Default: 3." }).optional(),
  "figures-window": durationSchema.meta({ description: "The rolling window of the Tier 2 reply figures. Default: 90 days." }).optional(),
  "tier2-disabled-limit": durationSchema.meta({ description: "How long a Tier 2 component may stay disabled in CI before the alarm. Default: 2 weeks." }).optional(),
  "report-issue": oneOf(["off", "monthly"]).meta({ description: "monthly: a report issue with the reply figures on the first of each month. Default: off." }).optional(),
  "major-change": z
    .strictObject(
      {
        lines: positiveInt.meta({ description: "Changed lines (added + deleted) within a component's paths that make a change major for it. Default: none (label only)." }).optional(),
        label: text.min(1, "must not be empty").meta({ description: "A label that makes a change major for every component it touches. Default: major-change." }).optional(),
      },
      expecting("a mapping"),
    )
    .optional(),
  rfc: z
    .strictObject(
      {
        link: text
          .refine(isRegExp, "must be a valid regular expression")
          .meta({ description: "A regular expression an accepted RFC's link matches. Default: any GitHub rfcs repository's pull request or issue." })
          .optional(),
        "override-label": text.min(1, "must not be empty").meta({ description: "A maintainer's label that lifts the RFC requirement for one PR. Default: rfc-not-needed." }).optional(),
        repositories: z
          .array(z.string(expecting("a repository as owner/name")).regex(/^[\w.-]+\/[\w.-]+$/, "must be a repository as owner/name"), expecting("a list of repositories (owner/name)"))
          .min(1, "must name at least one repository")
          .meta({ description: "The repositories whose pull requests and issues count as RFCs; links elsewhere are ignored. Default: the repository owner's own rfcs repository (<owner>/rfcs)." })
          .optional(),
      },
      expecting("a mapping"),
    )
    .optional(),
  suggestions: z
    .string(expecting(`"off" or a duration such as ${DURATION_EXAMPLES}`))
    .regex(new RegExp(`^off$|${DURATION_PATTERN.source}`))
    .meta({ description: "How long a component must meet the tier above (or miss its own tier's requirements) before an issue suggests its promotion (or demotion); off: never. Default: 30 days." })
    .optional(),
  requirements: requirementOverridesSchema
    .superRefine((v, ctx) => {
      for (const message of overrideProblems(toRequirementOverrides(v))) ctx.addIssue({ code: "custom", message });
    })
    .meta({ description: "Rename, drop or add tier requirements, and set the limits observed evidence is held to." })
    .optional(),
  document: text
    .regex(/^(?!\/)(?!.*(?:^|\/)\.\.(?:\/|$))[^\0]+\.md$/, "must be a Markdown file's path in the repository, such as docs/stability-tiers.md")
    .meta({ description: "The repository's tier document (Markdown, \"Tier 1/2/3\" tables) kept in step with this registry: the check `tierkeeper/document` compares them on pull requests." })
    .optional(),
};

const rootShape = {
  policy: z.strictObject(policyShape, expecting("a mapping")).nullable().optional(),
  components: z
    .record(
      z.string().regex(COMPONENT_ID),
      z.strictObject(componentShape, expecting("a mapping")).refine((c) => c.disable !== "workflow" || c.workflow !== undefined, {
        message: "`disable: workflow` needs `workflow: <file name>`",
        path: ["disable"],
      }),
      expecting("a mapping of component ids to components"),
    )
    .superRefine((components, ctx) => {
      const globs = Object.values(components).reduce((n, c) => n + (c.paths?.length ?? 0) + (c.checks?.length ?? 0) + (c.fuzzing?.length ?? 0), 0);
      if (globs > REGISTRY_LIMITS.globs) ctx.addIssue({ code: "custom", message: `at most ${REGISTRY_LIMITS.globs} globs in all (paths, checks and fuzzing), got ${globs}` });
    })
    .nullable()
    .meta({ description: "Component id (lowercase, digits, . _ -) to component." }),
};

export const registrySchema = z
  .strictObject(rootShape, expecting("a mapping"))
  .meta({ title: "tierkeeper registry", description: "Support tiers of a project's components (.github/tiers.yml)." });

type RegistryInput = z.infer<typeof registrySchema>;
type ComponentInput = z.infer<(typeof rootShape)["components"]> & {};

/** JSON Schema (draft-07, what YAML editors support best) describing the file as written. */
export function registryJsonSchema(): object {
  return z.toJSONSchema(registrySchema, { io: "input", target: "draft-7" });
}

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
  const yamlProblems = [...doc.errors.map((e) => yamlProblem(e, text, at, file, "error")),
    ...doc.warnings.map((w) => yamlProblem(w, text, at, file, "warning"))];
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
export function validateRegistry(
  value: unknown,
  file = REGISTRY_PATH,
  locate?: (path: PathKey[]) => Position | undefined,
): RegistryParseResult {
  // An empty (or all-comments) file is a registry with no components; config loaders turn it into {}.
  const empty = value == null || (isPlainObject(value) && Object.keys(value).length === 0);
  const input = empty ? { components: {} } : value;
  const anchor = anchorer(locate as RegistryLocator | undefined);
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

function problem(file: string, pos: Position, message: string, severity: RegistryProblem["severity"] = "error"): RegistryProblem {
  return { file, line: pos.line, column: pos.column, message, severity };
}

// ---------------------------------------------------------------------------------------------
// Conversion to the model (only ever called on valid input)

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
    tier: c.tier as Tier,
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

function isRegExp(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
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

// ---------------------------------------------------------------------------------------------
// Issues to problems

type Issue = z.core.$ZodIssue;

/**
 * zod does not validate the value under a record key it rejected; validate it here so that a
 * bad component id does not hide the errors inside that component.
 */
function issuesOf(issues: readonly Issue[], input: unknown): Issue[] {
  return issues.flatMap((issue) => {
    if (issue.code !== "invalid_key") return [issue];
    const inner = rootShape.components.unwrap().valueType.safeParse(valueAt(input, issue.path).value);
    const nested = inner.success ? [] : inner.error.issues.map((i) => ({ ...i, path: [...issue.path, ...i.path] }));
    return [issue, ...nested];
  });
}

function issueProblems(issue: Issue, input: unknown, anchor: Anchor, file: string): RegistryProblem[] {
  const path = issue.path as PathKey[];
  // `about` names the key path in the message; `at` is where the problem is anchored.
  const make = (about: PathKey[], message: string, at = about, target: "key" | "value" = "value") =>
    problem(file, anchor(at, target), about.length ? `${formatPath(about)}: ${message}` : message);
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => make(path, unknownKeyMessage(key, allowedKeys(path)), [...path, key], "key"));
  }
  if (issue.code === "invalid_key") {
    const id = JSON.stringify(path.at(-1));
    return [make(path, `invalid component id ${id}: use at most 64 lowercase letters, digits, ".", "_" and "-", starting with a letter or digit`, path, "key")];
  }
  if (path.length > 0 && !valueAt(input, path).found) {
    const key = String(path.at(-1));
    const hint = REQUIRED_HINTS[key];
    const parent = path.slice(0, -1);
    return [make(parent, `missing required key "${key}"${hint ? ` (${hint})` : ""}`, parent, "key")];
  }
  if (path.length === 0 && issue.code === "invalid_type") {
    return [make(path, `the registry must be a mapping with a "components" key, got ${describeValue(input)}`)];
  }
  return [make(path, issue.message)];
}

const REQUIRED_HINTS: Record<string, string> = {
  components: "a mapping of component ids to components; {} for none",
  category: 'free text such as "Target" or "WASI Proposal"',
  tier: "1, 2 or 3",
  owners: "a list of GitHub logins or org/team-slugs; [] when there is none",
};

/** The keys allowed in the strict object at `path`. */
function allowedKeys(path: PathKey[]): string[] {
  if (path.length === 0) return Object.keys(rootShape);
  if (path[0] === "policy" && path[1] === "requirements") {
    if (path.length === 2) return Object.keys(requirementOverridesSchema.shape);
    if (path.length === 3) return Object.keys(tierOverridesSchema.shape);
    return Object.keys(customRequirementSchema.shape);
  }
  if (path[0] === "policy" && (path[1] === "major-change" || path[1] === "rfc") && path.length === 2) {
    return Object.keys(policyShape[path[1]].unwrap().shape);
  }
  return Object.keys(path[0] === "policy" ? policyShape : componentShape);
}

function unknownKeyMessage(key: string, allowed: string[]): string {
  const guess = allowed.find((a) => similar(a, key));
  return `unknown key "${key}"${guess ? ` (did you mean "${guess}"?)` : ""}; allowed keys: ${allowed.join(", ")}`;
}

/** Same up to case and separators (response_window, responseWindow), or one or two typos away. */
function similar(a: string, b: string): boolean {
  const norm = (s: string) => s.toLowerCase().replace(/[-_ ]/g, "");
  return norm(a) === norm(b) || editDistance(a, b) <= Math.min(2, Math.floor(a.length / 3));
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length];
}

/** `components.wasi-nn.owners[1]`; ids that are not plain words are quoted. */
export function formatPath(path: PathKey[]): string {
  return path
    .map((seg, i) => {
      if (typeof seg === "number") return `[${seg}]`;
      if (/^[A-Za-z0-9_-]+$/.test(seg)) return i === 0 ? seg : `.${seg}`;
      return `[${JSON.stringify(seg)}]`;
    })
    .join("");
}

function valueAt(root: unknown, path: readonly PropertyKey[]): { found: boolean; value: unknown } {
  let value = root;
  for (const seg of path) {
    if (value === null || typeof value !== "object" || !Object.hasOwn(value, seg)) return { found: false, value: undefined };
    value = (value as Record<PropertyKey, unknown>)[seg];
  }
  return { found: true, value };
}

/** `4`, `"three"`, `a list`, `a mapping`, `nothing`: what the maintainer wrote, in words. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  return String(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function listWords(words: string[]): string {
  return words.length <= 1 ? words.join("") : `${words.slice(0, -1).join(", ")} or ${words.at(-1)}`;
}

// ---------------------------------------------------------------------------------------------
// Positions

export type Anchor = (path: PathKey[], target?: "key" | "value") => Position;

/** Where key paths are in a registry text: the positions problems are anchored at. */
export function registryAnchor(text: string): Anchor {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  return anchorer(yamlLocator(doc, (offset) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  }));
}

/** Falls back to the nearest enclosing key that exists, then to 1:1. */
function anchorer(locate: RegistryLocator | undefined): Anchor {
  return (path, target = "value") => {
    if (!locate) return { line: 1, column: 1 };
    for (let p = path, t = target; ; p = p.slice(0, -1), t = "key") {
      const pos = locate(p, t);
      if (pos) return pos;
      if (p.length === 0) return { line: 1, column: 1 };
    }
  };
}

function yamlLocator(doc: Document, at: (offset: number) => Position): RegistryLocator {
  return (path, target = "value") => {
    let node: unknown = doc.contents;
    let key: unknown;
    for (const seg of path) {
      // Below an alias (`*shared`) nothing has text of its own here: the caller falls back to the alias's key.
      if (isAlias(node)) return undefined;
      if (isMap(node)) {
        const pair = node.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === String(seg));
        if (!pair) return undefined;
        [key, node] = [pair.key, pair.value];
      } else if (isSeq(node) && typeof seg === "number" && seg < node.items.length) {
        [key, node] = [undefined, node.items[seg]];
      } else {
        return undefined;
      }
    }
    // An empty value (`owners:`) has no text of its own: point at its key.
    const emptyValue = !isNode(node) || (isScalar(node) && node.value === null && node.range?.[0] === node.range?.[1]);
    const chosen = target === "key" || emptyValue ? (key ?? node) : node;
    const offset = isNode(chosen) ? chosen.range?.[0] : undefined;
    return offset === undefined ? (path.length === 0 ? { line: 1, column: 1 } : undefined) : at(offset);
  };
}

function yamlProblem(
  e: { code: string; message: string; pos: [number, number] },
  text: string,
  at: (offset: number) => Position,
  file: string,
  severity: RegistryProblem["severity"],
): RegistryProblem {
  const message =
    e.code === "DUPLICATE_KEY"
      ? `duplicate key ${JSON.stringify(keyTextAt(text, e.pos[0]))}: each key may appear only once in a mapping`
      : `YAML ${severity === "error" ? "syntax error" : "warning"}: ${e.message}`;
  return problem(file, at(e.pos[0]), message, severity);
}

function keyTextAt(text: string, offset: number): string {
  const match = /^(?:"([^"]*)"|'([^']*)'|([^:\n,{}]*))/.exec(text.slice(offset));
  return (match?.[1] ?? match?.[2] ?? match?.[3] ?? "").trim();
}
