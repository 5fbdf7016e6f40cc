/**
 * Registry problems as the maintainer reads them: zod's issues and the YAML parser's errors
 * turned into messages naming the key path, each anchored at a line and column.
 */
import type { z } from "zod";
import { customRequirementSchema, requirementOverridesSchema, tierOverridesSchema } from "./requirements.js";
import type { RegistryProblem } from "./model.js";
import type { PathKey, Position } from "./registry.js";
import type { Anchor } from "./registry-positions.js";
import { componentShape, describeValue, policyShape, rootShape } from "./registry-schema.js";

export function problem(file: string, pos: Position, message: string, severity: RegistryProblem["severity"] = "error"): RegistryProblem {
  return { file, line: pos.line, column: pos.column, message, severity };
}

type Issue = z.core.$ZodIssue;

/**
 * zod does not validate the value under a record key it rejected; validate it here so that a
 * bad component id does not hide the errors inside that component.
 */
export function issuesOf(issues: readonly Issue[], input: unknown): Issue[] {
  return issues.flatMap((issue) => {
    if (issue.code !== "invalid_key") return [issue];
    const inner = rootShape.components.unwrap().valueType.safeParse(valueAt(input, issue.path).value);
    const nested = inner.success ? [] : inner.error.issues.map((i) => ({ ...i, path: [...issue.path, ...i.path] }));
    return [issue, ...nested];
  });
}

export function issueProblems(issue: Issue, input: unknown, anchor: Anchor, file: string): RegistryProblem[] {
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

export function yamlProblem(
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
