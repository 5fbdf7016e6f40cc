/**
 * The spec's "Current Tier Status" tables, computed from a registry: Markdown laid out exactly
 * as in the spec (`### Tier 1` with `| Category | Description |`, then Tier 2 and Tier 3 with a
 * "Missing Tier N Requirements" column), and the same rows as JSON. Pure.
 *
 * - Rows are in registry order; Description is the component's `name` (its id without one).
 * - A component with a `description` gets a footnote: " [n]" after its name, numbered in the
 *   order of the rows, and "[n] <description>" under its table, as the spec writes them.
 * - The Missing column is `missingFor(component, tier - 1)`, labels joined with ", " and the
 *   first letter capitalised. "unknown" requirements are not listed. The component's declared
 *   notes (`missing:` in the registry) follow, exactly as written.
 */
import type { Component, Registry, Tier } from "../model.js";
import { evaluateFor, missingText, nextTier, requirementSet, type Evidence, type RequirementOverrides, type RequirementResult } from "../requirements.js";

export interface StatusOptions {
  /** Observed evidence by component id. */
  evidence?: Readonly<Record<string, Evidence>>;
  overrides?: RequirementOverrides;
}

export interface StatusRow {
  tier: Tier;
  category: string;
  /** The component's name (without the footnote marker). */
  description: string;
  id: string;
  /** The tier the Missing column is about (one up); null for Tier 1. */
  toward: Tier | null;
  /** Labels of the missing requirements, in the column's order. */
  missing: string[];
  /** Declared notes (`missing:`) that no requirement expresses, as written; printed after the labels. Absent when none. */
  notes?: string[];
  /** Every requirement of `toward` that applies to the component, with its status. */
  requirements: RequirementResult[];
  /** The footnote number and text, when the component has a description. */
  footnote?: { number: number; text: string };
}

/** The rows of the three tables: Tier 1, 2, 3, each in registry order. */
export function statusRows(registry: Pick<Registry, "components">, options: StatusOptions = {}): StatusRow[] {
  const set = requirementSet(options.overrides);
  const rows: StatusRow[] = [];
  let footnotes = 0;
  for (const tier of [1, 2, 3] as const) {
    for (const c of registry.components.filter((c) => c.tier === tier)) {
      const toward = nextTier(tier) ?? null;
      const requirements = toward === null ? [] : evaluateFor(c, toward, options.evidence?.[c.id] ?? {}, set);
      const text = c.description?.trim();
      rows.push({
        tier,
        category: c.category,
        description: displayName(c),
        id: c.id,
        toward,
        missing: requirements.filter((r) => r.status === "missing").map((r) => r.label),
        ...(toward !== null && c.missingNotes?.length && { notes: c.missingNotes }),
        requirements,
        ...(text && { footnote: { number: ++footnotes, text } }),
      });
    }
  }
  return rows;
}

/** The Markdown tables, from `### Tier 1` to the last footnote, ending in one newline. */
export function renderStatusMarkdown(rows: readonly StatusRow[]): string {
  const sections = ([1, 2, 3] as const).map((tier) => {
    const mine = rows.filter((r) => r.tier === tier);
    const toward = nextTier(tier);
    const header = toward ? ["Category", "Description", `Missing Tier ${toward} Requirements`] : ["Category", "Description"];
    const lines = [`### Tier ${tier}`, "", tableRow(header), tableRow(header.map(() => "---"))];
    for (const r of mine) {
      const description = r.footnote ? `${r.description} [${r.footnote.number}]` : r.description;
      const cells = [r.category, description];
      if (toward) cells.push(missingCell(r));
      lines.push(tableRow(cells));
    }
    for (const r of mine) if (r.footnote) lines.push("", `[${r.footnote.number}] ${oneLine(r.footnote.text)}`);
    return lines.join("\n");
  });
  return `${sections.join("\n\n")}\n`;
}

/** The Missing column's text: the computed labels (first letter capitalised), then the declared notes as written. */
export function missingCell(row: Pick<StatusRow, "missing" | "notes">): string {
  return [...(row.missing.length ? [missingText(row.missing)] : []), ...(row.notes ?? [])].join(", ");
}

/** The JSON rendering: one object per row. */
export function renderStatusJson(rows: readonly StatusRow[]): string {
  return `${JSON.stringify(rows, null, 2)}\n`;
}

function displayName(c: Component): string {
  return c.name ?? c.id;
}

/** `| a | b |`, with the cells made safe for a table (one line, `|` escaped). */
function tableRow(cells: readonly string[]): string {
  if (cells.every((c) => c === "---")) return `|${cells.join("|")}|`;
  return `| ${cells.map((c) => oneLine(c).replace(/\|/g, "\\|")).join(" | ")} |`;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}
