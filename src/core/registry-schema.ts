/**
 * The registry's zod schema: the file exactly as written (kebab-case keys, no defaults, no
 * transforms), so that the same definition yields the editors' JSON Schema, and its messages
 * ("expected X, got Y"). Defaults and conversion to the model come after validation (registry.ts).
 */
import { z } from "zod";
import { overrideProblems, requirementOverridesSchema, toRequirementOverrides } from "./requirements.js";
import { DURATION_EXAMPLES, DURATION_PATTERN } from "./duration.js";
import { globError, MAX_GLOB_LENGTH } from "./glob.js";
import { FUZZING_SERVICES } from "./model.js";

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

const COMPONENT_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const LOGIN = "[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}";
const TEAM_SLUG = "[A-Za-z0-9][A-Za-z0-9_-]*";
/** `login` or `org/team-slug`; a leading `@` (CODEOWNERS habit) is tolerated. */
const OWNER = new RegExp(`^@?${LOGIN}(?:/${TEAM_SLUG})?$`);

/** Our message for any issue raised by a schema: "expected X, got Y". Missing keys are handled centrally. */
function expecting(what: string) {
  return {
    error: (issue: { input?: unknown }) => (issue.input === undefined ? undefined : `expected ${what}, got ${describeValue(issue.input)}`),
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
const ownerList = (description: string) => z.array(z.string(expecting("a GitHub login or org/team-slug")).regex(OWNER), expecting("a list of owners")).meta({ description });
const positiveInt = z.number(expecting("a positive whole number")).int().positive();
const CHECK_GLOBS = "Check-name globs: only * ? [...] are special; parentheses and spaces are literal.";

export const componentShape = {
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
    .union(
      [globList("check", `CI checks that fuzz this component. ${CHECK_GLOBS}`), z.enum(FUZZING_SERVICES)],
      expecting(`a list of check globs, or ${listWords(FUZZING_SERVICES.map((s) => JSON.stringify(s)))}`),
    )
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
  workflow: text
    .regex(/^[\w.-]+\.ya?ml$/, "must be a workflow file name such as wasi-nn.yml")
    .meta({ description: "Its dedicated workflow file (.github/workflows/...), for `disable: workflow`." })
    .optional(),
  missing: z
    .array(text.min(1, "must not be empty"), expecting("a list of texts"))
    .meta({
      description: 'Declared notes for the "Missing Tier N Requirements" column that no requirement expresses ("Support beyond CI checks"): printed as given after the computed ones.',
    })
    .optional(),
};

const durationSchema = z.string(expecting(`a duration such as ${DURATION_EXAMPLES}`)).regex(DURATION_PATTERN);

export const policyShape = {
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
          .meta({
            description: "The repositories whose pull requests and issues count as RFCs; links elsewhere are ignored. Default: the repository owner's own rfcs repository (<owner>/rfcs).",
          })
          .optional(),
      },
      expecting("a mapping"),
    )
    .optional(),
  suggestions: z
    .string(expecting(`"off" or a duration such as ${DURATION_EXAMPLES}`))
    .regex(new RegExp(`^off$|${DURATION_PATTERN.source}`))
    .meta({
      description: "How long a component must meet the tier above (or miss its own tier's requirements) before an issue suggests its promotion (or demotion); off: never. Default: 30 days.",
    })
    .optional(),
  requirements: requirementOverridesSchema
    .superRefine((v, ctx) => {
      for (const message of overrideProblems(toRequirementOverrides(v))) ctx.addIssue({ code: "custom", message });
    })
    .meta({ description: "Rename, drop or add tier requirements, and set the limits observed evidence is held to." })
    .optional(),
  document: text
    .regex(/^(?!\/)(?!.*(?:^|\/)\.\.(?:\/|$))[^\0]+\.md$/, "must be a Markdown file's path in the repository, such as docs/stability-tiers.md")
    .meta({ description: 'The repository\'s tier document (Markdown, "Tier 1/2/3" tables) kept in step with this registry: the check `tierkeeper/document` compares them on pull requests.' })
    .optional(),
};

export const rootShape = {
  policy: z.strictObject(policyShape, expecting("a mapping")).nullable().optional(),
  components: z
    .record(
      z.string().regex(COMPONENT_ID),
      z.strictObject(componentShape, expecting("a mapping")).refine((c) => c.disable !== "workflow" || c.workflow !== undefined, {
        error: "`disable: workflow` needs `workflow: <file name>`",
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

export type RegistryInput = z.infer<typeof registrySchema>;
export type ComponentInput = z.infer<(typeof rootShape)["components"]> & {};

/** JSON Schema (draft-07, what YAML editors support best) describing the file as written. */
export function registryJsonSchema(): object {
  return z.toJSONSchema(registrySchema, { io: "input", target: "draft-7" });
}

function isRegExp(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}

/** `4`, `"three"`, `a list`, `a mapping`, `nothing`: what the maintainer wrote, in words. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  // Symbols and functions: never in YAML or JSON, only in a value built in code.
  return `a ${typeof value}`;
}

function listWords(words: string[]): string {
  return words.length <= 1 ? words.join("") : `${words.slice(0, -1).join(", ")} or ${words.at(-1)}`;
}
