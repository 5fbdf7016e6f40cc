/**
 * `tierkeeper import`: a tier document (tier-document.ts) turned into registry text whose status
 * tables give the document's tables back row for row. Pure: document text in, YAML text out.
 *
 * - Each row becomes a component: its category, tier and Description (footnote markers dropped)
 *   verbatim as `name`, its footnotes' text as `description`.
 * - The Missing cell is read as the requirement model's labels ("CI testing, full-time
 *   maintainer") and written as the facts that produce it (`checks: []`, `maintainer: best-effort`);
 *   what the model cannot express, or a cell the facts would not reproduce exactly, is kept
 *   verbatim as declared notes (`missing: [...]`).
 * - What the document does not say (owners, paths, check names, fuzzing jobs) is guessed so that
 *   every requirement the cell does not list is met, and each guessed line ends in `# guess`:
 *   `tierkeeper validate` warns about every one left (`guessWarnings`).
 */
import type { Component, RegistryProblem, Tier } from "./model.js";
import { nextTier, requirementSet, type RequirementId } from "./requirements.js";
import { missingCell, statusRows } from "./render/status-tables.js";
import { footnoteText, parseTierDocument, type DocumentRow, type TierDocument } from "./tier-document.js";

export const GUESS_MARK = "# guess";
/** Owners nobody can be: a team of an organisation that is not the repository's, so no one is notified. */
export const DEFAULT_OWNER_GUESS = "TODO/owners";

export interface ImportOptions {
  /** The document's path in the repository, written as `policy.document` (omitted when unknown). */
  documentPath?: string;
  /** Owners written (as a guess) on every component whose row does not list a missing owner. */
  owners?: readonly string[];
}

export interface ImportResult {
  yaml: string;
  components: number;
  /** Rows whose Missing cell is kept as declared notes, wholly or in part. */
  notes: number;
  /** Guessed lines written (each ends in `# guess`). */
  guesses: number;
}

interface Draft {
  id: string;
  row: DocumentRow;
  link?: string;
  description?: string;
  owners: string[];
  paths: string[];
  checks: string[];
  fuzzing?: string[];
  facts: Record<string, string>;
  notes: string[];
}

/** What makes each requirement missing, as declared facts (the model's own rules, read backwards). */
const MAKE_MISSING: Partial<Record<RequirementId, (d: Draft) => void>> = {
  "ci-testing": (d) => void (d.checks = []),
  "expansive-ci-testing": (d) => void (d.facts["ci-coverage"] = "limited"),
  "complete-implementation": (d) => void (d.facts.implementation = "partial"),
  "tier1-proposals": (d) => void (d.facts.implementation = "partial"),
  "clear-owner": (d) => void (d.owners = []),
  "target-owner": (d) => void (d.owners = []),
  "full-time-maintainer": (d) => void (d.facts.maintainer = "best-effort"),
  "improved-quality": (d) => void (d.facts.quality = "known-bugs"),
  "continuous-fuzzing": (d) => void (d.fuzzing = []),
  "stable-proposal": (d) => void (d.facts.proposal = "unstable"),
  "path-to-completion": (d) => {
    d.facts.implementation = "partial";
    d.facts.maintainer = "none";
  },
};

const FUZZED_CATEGORIES = ["target", "webassembly proposal"];

export function importDocument(text: string, options: ImportOptions = {}): ImportResult {
  const doc = parseTierDocument(text);
  const owners = options.owners?.length ? [...options.owners] : [DEFAULT_OWNER_GUESS];
  const taken = new Set<string>();
  const drafts = doc.tables.flatMap((t) => t.rows).map((row) => draftFor(doc, row, uniqueId(row, taken), owners));
  let notes = 0;
  for (const d of drafts) if (d.notes.length) notes++;
  const yaml = render(drafts, options.documentPath);
  return { yaml, components: drafts.length, notes, guesses: yaml.split("\n").filter((l) => l.endsWith(GUESS_MARK)).length };
}

/** A component id from the row's name: `[`wasi-nn`]` gives wasi-nn, C++ cpp; unique (`-2`, `-3`, ... on a clash). */
export function componentId(name: string): string {
  const plain = name
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/[[\]`*]/g, "")
    .replace(/\+/g, "p")
    .toLowerCase()
    .replace(/[^a-z0-9._]+/g, "-")
    .replace(/^[-._]+|[-._]+$/g, "")
    .slice(0, 60)
    .replace(/[-._]+$/, "");
  return plain || "component";
}

function uniqueId(row: DocumentRow, taken: Set<string>): string {
  const base = componentId(row.name);
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  taken.add(id);
  return id;
}

function draftFor(doc: TierDocument, row: DocumentRow, id: string, owners: readonly string[]): Draft {
  const linkLabel = /^\[([^\]]+)\]$/.exec(row.name)?.[1];
  const link = linkLabel !== undefined ? doc.links[linkLabel] : undefined;
  const description = footnoteText(doc, row);
  const baseline = (): Draft => ({
    id,
    row,
    ...(link && { link }),
    ...(description && { description }),
    owners: [...owners],
    paths: /^wasi proposal$/i.test(row.category.trim()) && id.startsWith("wasi-") ? [`crates/${id}/**`] : [],
    checks: [`*${id}*`],
    ...(FUZZED_CATEGORIES.includes(row.category.trim().toLowerCase()) && { fuzzing: ["*fuzz*"] }),
    facts: {},
    notes: [],
  });
  const toward = nextTier(row.tier);
  const cell = (row.missing ?? "").trim();
  if (toward === undefined || cell === "") return baseline();

  // First the model: every item that is a requirement's label becomes the facts that miss it.
  const draft = baseline();
  const requirements = requirementSet()[toward].filter((r) => r.appliesTo(asComponent(draft)));
  for (const item of cell
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const requirement = requirements.find((r) => r.label.toLowerCase() === item.toLowerCase());
    const make = requirement && MAKE_MISSING[requirement.id as RequirementId];
    if (make) make(draft);
    else draft.notes.push(item);
  }
  if (missingCell(statusRows({ components: [asComponent(draft)] })[0]) === cell) return draft;
  // Not reproduced exactly (order, case, wording): the whole cell as one declared note.
  return { ...baseline(), notes: [cell] };
}

function asComponent(d: Draft): Component {
  return {
    id: d.id,
    name: d.row.name,
    category: d.row.category,
    tier: d.row.tier,
    owners: d.owners.map((o) => (o.includes("/") ? { kind: "team", org: o.split("/")[0], slug: o.split("/")[1] } : { kind: "user", login: o })),
    paths: d.paths,
    checks: d.checks,
    ...(d.fuzzing && { fuzzing: d.fuzzing }),
    facts: d.facts,
    ...(d.notes.length && { missingNotes: d.notes }),
  };
}

const q = (s: string) => JSON.stringify(s);
const list = (items: readonly string[]) => `[${items.map(q).join(", ")}]`;

function render(drafts: readonly Draft[], documentPath: string | undefined): string {
  const out = [
    "# Imported by `tierkeeper import`" + (documentPath ? ` from ${documentPath}` : "") + ".",
    "# Tiers, categories, names, footnotes (description) and the Missing cells are the document's:",
    "# the cells are written as the facts that produce them, and what no requirement expresses is",
    "# kept verbatim under `missing:`. Every line ending in `# guess` was invented by the importer",
    "# (owners, paths, check names, fuzzing jobs): confirm or fix it, then delete the comment;",
    "# `tierkeeper validate` warns about each one left. Start in shadow mode: nothing is posted.",
    "policy:",
    "  mode: shadow",
    ...(documentPath ? [`  document: ${q(documentPath)}`] : []),
    "components:",
  ];
  let tier: Tier | undefined;
  for (const d of drafts) {
    if (d.row.tier !== tier) {
      tier = d.row.tier;
      out.push(`  # --- Tier ${tier} ---`);
    }
    out.push(`  ${d.id}:`);
    out.push(`    name: ${q(d.row.name)}${d.link ? `  # ${d.link.replace(/\s/g, "")}` : ""}`);
    if (d.description) out.push(`    description: ${q(d.description)}`);
    out.push(`    category: ${q(d.row.category)}`);
    out.push(`    tier: ${d.row.tier}`);
    out.push(d.owners.length ? `    owners: ${list(d.owners)}  ${GUESS_MARK}` : "    owners: []  # the document: no clear owner");
    if (d.paths.length) out.push(`    paths: ${list(d.paths)}  ${GUESS_MARK}`);
    out.push(d.checks.length ? `    checks: ${list(d.checks)}  ${GUESS_MARK}` : "    checks: []  # the document: no CI testing");
    if (d.fuzzing) out.push(d.fuzzing.length ? `    fuzzing: ${list(d.fuzzing)}  ${GUESS_MARK}` : "    fuzzing: []  # the document: no continuous fuzzing");
    for (const [fact, value] of Object.entries(d.facts)) out.push(`    ${fact}: ${value}`);
    if (d.notes.length) out.push(`    missing: ${list(d.notes)}`);
  }
  return `${out.join("\n")}\n`;
}

/** A warning for each line still marked `# guess` (left by `tierkeeper import`). */
export function guessWarnings(text: string, file: string): RegistryProblem[] {
  return text.split("\n").flatMap((line, i) => {
    const at = line.indexOf(GUESS_MARK);
    if (at < 0 || !line.trimEnd().endsWith(GUESS_MARK)) return [];
    return [{ file, line: i + 1, column: at + 1, message: "guessed by `tierkeeper import`: confirm or fix this line, then delete the `# guess` comment", severity: "warning" as const }];
  });
}
