/**
 * Whether a CI job should run, given the registry: the decision behind `tierkeeper gate` and
 * `tierkeeper matrix --filter`, for CI that builds its jobs its own way (Wasmtime's
 * `ci/build-test-matrix.js`). Pure: the registry, its text and a job name in, a decision out.
 *
 * A job is skipped when the components whose `checks` match its name are all `ci: disabled`.
 * A job that also tests an enabled component runs: sharded CI tests many components per job
 * (Wasmtime's `Test Linux x86_64 (wasmtime-cli-wast)` tests Tier 1 and Tier 3 proposals alike),
 * and skipping it would stop testing the enabled ones. A job no component claims runs.
 */
import { isMap, isScalar, parseDocument } from "yaml";
import { matcherFor } from "./match.js";
import type { Component, Registry, Tier } from "./model.js";

export interface DisabledComponent {
  id: string;
  name?: string;
  tier: Tier;
  /** The day it was disabled (YYYY-MM-DD), from the note tierkeeper's disabling PR writes beside `ci: disabled`. */
  since?: string;
  /** The tracking issue named in that note. */
  issue?: number;
}

export interface GateDecision {
  job: string;
  skip: boolean;
  /** The `ci: disabled` components whose checks match the job. */
  disabled: DisabledComponent[];
  /** The enabled components whose checks match the job (any of them keeps it running). */
  enabled: Component[];
}

/** The gate's decision for one job name. `registryText` is the registry's source, for the disabling notes. */
export function gateFor(registry: Registry, registryText: string, job: string): GateDecision {
  return decide(
    registry,
    lazy(() => disablingNotes(registryText)),
    job,
  );
}

/** The notes are read from the source only when a disabled component is involved, and once per registry. */
function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

function decide(registry: Registry, notesOf: () => Map<string, string>, job: string): GateDecision {
  const matching = matcherFor(registry).componentsForCheck(job);
  const disabled = matching.filter(isDisabled);
  const enabled = matching.filter((c) => !isDisabled(c));
  const notes = disabled.length > 0 ? notesOf() : new Map<string, string>();
  return {
    job,
    skip: disabled.length > 0 && enabled.length === 0,
    disabled: disabled.map((c) => ({
      id: c.id,
      ...(c.name !== undefined && { name: c.name }),
      tier: c.tier,
      ...parseDisablingNote(notes.get(c.id)),
    })),
    enabled,
  };
}

function isDisabled(c: Component): boolean {
  return c.facts.ci === "disabled";
}

/** The trailing comments of the `ci:` lines, by component id (tierkeeper's disabling PR writes its note there). */
function disablingNotes(text: string): Map<string, string> {
  const notes = new Map<string, string>();
  const components = parseDocument(text).get("components", true);
  if (!isMap(components)) return notes;
  for (const pair of components.items) {
    if (!isScalar(pair.key) || !isMap(pair.value)) continue;
    const ci = pair.value.items.find((p) => isScalar(p.key) && p.key.value === "ci");
    const comment = ci && isScalar(ci.value) ? ci.value.comment : undefined;
    if (comment) notes.set(String(pair.key.value), comment);
  }
  return notes;
}

/** `disabled by tierkeeper on 2026-11-30: see issue #12` → since and issue; anything else says nothing. */
export function parseDisablingNote(note: string | undefined): { since?: string; issue?: number } {
  if (!note) return {};
  const since = /\bdisabled by tierkeeper on (\d{4}-\d{2}-\d{2})\b/.exec(note)?.[1];
  const issue = /\bissues?(?: |\/)#?(\d{1,9})\b/.exec(note)?.[1];
  return { ...(since !== undefined && { since }), ...(issue !== undefined && { issue: Number(issue) }) };
}

// ---------------------------------------------------------------------------------------------
// Matrices

export type MatrixInput = unknown[] | { include: unknown[]; [key: string]: unknown };

export interface MatrixFilterResult {
  /** The input's shape with the skipped entries left out. */
  matrix: MatrixInput;
  /** The decisions for the entries left out. */
  dropped: GateDecision[];
  /** Entries kept although a disabled component claims them (an enabled one does too). */
  shared: GateDecision[];
}

/** Why a value is not a matrix this filter reads, or undefined when it is one. */
export function matrixShapeError(value: unknown): string | undefined {
  if (Array.isArray(value)) return undefined;
  if (typeof value === "object" && value !== null && Array.isArray((value as { include?: unknown }).include)) return undefined;
  return 'expected a JSON matrix: an array of entries, or an object with an "include" array';
}

/**
 * Drops the entries whose job (the entry's `key` field, `name` by default) the gate skips. Entries
 * without a string there are kept: nothing says which job they are.
 */
export function filterMatrix(registry: Registry, registryText: string, matrix: MatrixInput, key = "name"): MatrixFilterResult {
  const dropped: GateDecision[] = [];
  const shared: GateDecision[] = [];
  const notes = lazy(() => disablingNotes(registryText));
  const keep = (entry: unknown): boolean => {
    const job = typeof entry === "object" && entry !== null ? (entry as Record<string, unknown>)[key] : undefined;
    if (typeof job !== "string") return true;
    const decision = decide(registry, notes, job);
    if (decision.skip) dropped.push(decision);
    else if (decision.disabled.length > 0) shared.push(decision);
    return !decision.skip;
  };
  const filtered = Array.isArray(matrix) ? matrix.filter(keep) : { ...matrix, include: matrix.include.filter(keep) };
  return { matrix: filtered, dropped, shared };
}

// ---------------------------------------------------------------------------------------------
// Words

/** A component as the messages name it: `wasi-nn` (WASI-NN) · Tier 3. */
function componentWords(c: DisabledComponent, text: (s: string) => string): string {
  return `\`${c.id}\`${c.name && c.name !== c.id ? ` (${text(c.name)})` : ""} · Tier ${c.tier}`;
}

function sinceWords(c: DisabledComponent): string {
  return `${c.since ? ` since ${c.since}` : ""}${c.issue !== undefined ? ` (tracking issue #${c.issue})` : ""}`;
}

/**
 * One line per disabled component, for the log. The job's name is quoted as JSON and names are
 * kept on one line: no line can pass for the last `skip`/`run` or start a runner command (`::`).
 */
export function gateLogLines(d: GateDecision, registryFile: string): string[] {
  const job = JSON.stringify(d.job);
  if (d.disabled.length === 0) {
    return [d.enabled.length === 0 ? `${job}: no component of ${JSON.stringify(registryFile)} claims this job` : `${job}: tests ${d.enabled.map((c) => c.id).join(", ")}`];
  }
  const lines = d.disabled.map((c) => `${job}: ${componentWords(c, oneLine).replace(/`/g, "")} is disabled in CI${sinceWords(c)}`);
  if (!d.skip) lines.push(`${job}: runs, it also tests ${d.enabled.map((c) => c.id).join(", ")}`);
  return lines;
}

function oneLine(value: string): string {
  // eslint-disable-next-line no-control-regex -- control characters and line separators are exactly what a one-line log entry must not carry
  return value.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, " ");
}

/**
 * The step summary's Markdown (GitHub renders it on the run's page), or undefined when no disabled
 * component is involved. The job's name and free-text names come from outside: escaped.
 */
export function gateSummary(d: GateDecision, registryFile: string): string | undefined {
  if (d.disabled.length === 0) return undefined;
  const file = markdownText(registryFile);
  const lines = [`### tierkeeper: ${markdownText(d.job)} ${d.skip ? "skipped" : "runs"}`, ""];
  for (const c of d.disabled) lines.push(`- ${componentWords(c, markdownText)} is disabled in CI (\`ci: disabled\` in ${file})${sinceWords(c)}.`);
  if (!d.skip) lines.push("", `This job runs anyway: it also tests ${d.enabled.map((c) => `\`${c.id}\``).join(", ")}, which ${d.enabled.length === 1 ? "is" : "are"} enabled.`);
  const ids = d.disabled.map((c) => `\`${c.id}\``).join(", ");
  lines.push("", `To re-enable: fix the failures, then remove \`ci: disabled\` from ${ids} in ${file} on the default branch.`, "");
  return lines.join("\n");
}

/** Text that Markdown shows as written, on one line: no links, mentions, HTML or formatting. */
export function markdownText(value: string): string {
  return value.replace(/[\r\n\u2028\u2029]+/g, " ").replace(/[\\`*_{}[\]()<>#+\-.!|~@&:]/g, (c) => `\\${c}`);
}
