/**
 * Edits of the tier registry's text, for the pull requests tierkeeper opens. Pure.
 *
 * A maintainer reviews the diff, so it must show the one line that changes: the edit is a
 * splice at the positions the `yaml` parser reports, and every other byte (comments,
 * anchors and aliases, key order, flow sequences, folded descriptions) stays as written.
 * Re-serialising the document would re-wrap long lines and re-space trailing comments.
 * Only a component written in flow style (`wasi-nn: { tier: 3, ... }`) falls back to the
 * Document API, which keeps comments and anchors but may re-format that file.
 */
import { isAlias, isMap, isScalar, parseDocument, type Node, type Pair, type YAMLMap } from "yaml";
import { formatProblem, parseRegistry } from "./registry.js";

export type CiValue = "disabled" | "enabled";

/**
 * The registry text with `ci: disabled` on `componentId`, or, for "enabled", without the
 * `ci: disabled` (enabled is the default; an explicit `ci: enabled` is left alone). `note`
 * becomes the `ci` line's trailing comment. Setting the value the component already has
 * returns the text unchanged, so repeating an edit is a no-op.
 * Throws when the component does not exist or the result would not be a valid registry.
 */
export function setComponentCi(text: string, componentId: string, value: CiValue, note?: string): string {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new Error(`the registry is not valid YAML: ${doc.errors[0].message}`);
  const components = doc.get("components", true);
  const entry = isMap(components) ? components.items.find((p) => keyOf(p) === componentId) : undefined;
  if (!entry) throw new Error(`component "${componentId}" is not in the registry`);
  if (isAlias(entry.value)) throw new Error(`component "${componentId}" is an alias (*${entry.value.source}): edit the anchored mapping instead`);
  if (!isMap(entry.value)) throw new Error(`component "${componentId}" is not a mapping`);
  const component = entry.value;
  const ci = component.items.find((p) => keyOf(p) === "ci");
  const current = ci && isScalar(ci.value) ? String(ci.value.value) : undefined;
  const comment = note ? ` # ${note.replace(/[\r\n]+/g, " ").trim()}` : "";

  if ((current === "disabled") === (value === "disabled")) return text; // already so
  const edited = !component.flow && (!ci || startsLine(text, ci)) ? (ci ? splice(text, ci, value, comment) : insertCi(text, component, comment)) : viaDocument(doc, component, value, note);
  check(text, edited, componentId, value);
  return edited;
}

function keyOf(p: Pair): string | undefined {
  return isScalar(p.key) ? String(p.key.value) : undefined;
}

const rangeOf = (n: unknown): [number, number, number] => (n as Node).range!;
const lineStart = (text: string, offset: number) => text.lastIndexOf("\n", offset - 1) + 1;
/** The offset after the newline ending the line that holds `offset - 1` (block scalars already end past theirs). */
const lineEndAfter = (text: string, offset: number) => {
  const nl = text.indexOf("\n", offset - 1);
  return nl < 0 ? text.length : nl + 1;
};
const newline = (text: string) => (text.includes("\r\n") ? "\r\n" : "\n");

/** A block-style pair alone at the start of its line (after indentation), which a line splice can edit. */
function startsLine(text: string, pair: Pair): boolean {
  const start = rangeOf(pair.key)[0];
  return /^[ \t]*$/.test(text.slice(lineStart(text, start), start));
}

/** Existing `ci` pair: "disabled" rewrites the value (and the comment, with a note); "enabled" removes the line. */
function splice(text: string, ci: Pair, value: CiValue, comment: string): string {
  const [valueStart, valueEnd] = rangeOf(ci.value);
  const end = lineEndAfter(text, valueEnd);
  if (value === "enabled") return text.slice(0, lineStart(text, rangeOf(ci.key)[0])) + text.slice(end);
  // Keep what follows the value on its line (a maintainer's comment) unless there is a note to write.
  const rest = comment ? comment + (text.slice(valueEnd, end).match(/\r?\n$/)?.[0] ?? "") : text.slice(valueEnd, end);
  return text.slice(0, valueStart) + "disabled" + rest + text.slice(end);
}

/** A new `ci: disabled` line after the component's last entry, indented like its first key. */
function insertCi(text: string, component: YAMLMap, comment: string): string {
  const firstKey = rangeOf(component.items[0].key)[0];
  const indent = text.slice(lineStart(text, firstKey), firstKey);
  const last = component.items.at(-1) as Pair;
  const at = lineEndAfter(text, rangeOf(last.value ?? last.key)[1]);
  const nl = newline(text);
  const before = at === text.length && !text.endsWith("\n") ? nl : "";
  return `${text.slice(0, at)}${before}${indent}ci: disabled${comment}${nl}${text.slice(at)}`;
}

/** Flow-style components: the Document API keeps comments and anchors, not the exact layout. */
function viaDocument(doc: ReturnType<typeof parseDocument>, component: YAMLMap, value: CiValue, note?: string): string {
  if (value === "enabled") {
    component.delete("ci");
  } else {
    const scalar = doc.createNode("disabled");
    if (note) scalar.comment = ` ${note.replace(/[\r\n]+/g, " ").trim()}`;
    component.set("ci", scalar);
  }
  return doc.toString();
}

/**
 * The edit must leave a registry tierkeeper accepts, with the component's CI as asked and every
 * other component as it was (an anchored mapping that another component aliases would change both).
 */
function check(before: string, after: string, componentId: string, value: CiValue): void {
  const parsed = parseRegistry(after);
  if (!parsed.ok) throw new Error(`editing ${componentId} would leave an invalid registry: ${parsed.errors.map(formatProblem).join("; ")}`);
  const ci = parsed.registry.components.find((c) => c.id === componentId)?.facts.ci;
  if ((ci === "disabled") !== (value === "disabled")) throw new Error(`editing ${componentId} did not set ci: ${value} (got ${ci ?? "no ci key"})`);
  const old = parseRegistry(before);
  if (!old.ok) return; // the edit repaired it (e.g. `ci: off`): nothing to compare with
  const was = new Map(old.registry.components.map((c) => [c.id, JSON.stringify(c)]));
  const also = parsed.registry.components.filter((c) => c.id !== componentId && was.get(c.id) !== JSON.stringify(c));
  if (also.length) throw new Error(`editing ${componentId} would also change ${also.map((c) => c.id).join(", ")} (an alias shares its mapping)`);
}
