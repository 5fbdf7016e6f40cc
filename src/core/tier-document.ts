/**
 * A Markdown tier document in Wasmtime's layout (`docs/stability-tiers.md`): "Tier 1/2/3"
 * headings, each followed by a `| Category | Description | Missing Tier N Requirements |` table,
 * footnotes (`[^4]`, or `[1]` as the spec writes them) and link references. Pure: text in, the
 * tables' rows with their lines out; the comparison with a registry's status rows; and the
 * document with only its tables' rows rewritten.
 */
import type { Tier } from "./model.js";
import { missingCell, type StatusRow } from "./render/status-tables.js";

export interface DocumentRow {
  /** 1-based line of the row. */
  line: number;
  tier: Tier;
  category: string;
  /** The Description cell as written, footnote markers included. */
  description: string;
  /** The Description without its footnote markers: what a component's `name` holds. */
  name: string;
  /** Labels of the footnotes the row refers to ("4", "support"), in order. */
  footnotes: string[];
  /** The Missing cell as written; undefined in Tier 1's table, which has none. */
  missing?: string;
}

export interface DocumentTable {
  tier: Tier;
  /** 1-based lines: the `Tier N` heading, the table's header, and its last row (the header's separator when empty). */
  headingLine: number;
  headerLine: number;
  lastLine: number;
  /** Column widths as the separator line draws them (padding included), to lay new rows out alike. */
  widths: number[];
  /** Whether the header has a third column (the Missing requirements). */
  hasMissing: boolean;
  rows: DocumentRow[];
}

export interface TierDocument {
  tables: DocumentTable[];
  /** Footnote texts by label, each joined into one line. */
  footnotes: Record<string, string>;
  /** Link reference definitions (`[`wasi-nn`]: https://...`) by label. */
  links: Record<string, string>;
}

const TIER_HEADING = /^#{1,6}\s+Tier\s+([123])\s*#*\s*$/i;
const HEADING = /^#{1,6}\s/;
const FOOTNOTE_DEF = /^\[\^([^\]\s]+)\]:\s?(.*)$/;
const NUMBERED_NOTE_DEF = /^\[(\d+)\]\s+(?!:)(.*)$/;
const LINK_DEF = /^\s{0,3}\[([^\]^][^\]]*)\]:\s+(\S+)/;
const SEPARATOR = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;

/** The lines of a text without their line ends (`\n` or `\r\n`). */
function linesOf(text: string): string[] {
  return text.split("\n").map((l) => l.replace(/\r$/, ""));
}

/** A table row's cells: outer pipes dropped, split on unescaped `|`, trimmed, `\|` unescaped. */
export function tableCells(line: string): string[] {
  let body = line.trim();
  if (body.startsWith("|")) body = body.slice(1);
  if (body.endsWith("|") && !body.endsWith("\\|")) body = body.slice(0, -1);
  return body.split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, "|"));
}

export function parseTierDocument(text: string): TierDocument {
  const lines = linesOf(text);
  const footnotes: Record<string, string> = {};
  const links: Record<string, string> = {};
  const isDefinition = (l: string) => FOOTNOTE_DEF.test(l) || NUMBERED_NOTE_DEF.test(l) || LINK_DEF.test(l);
  for (let i = 0; i < lines.length; i++) {
    const def = FOOTNOTE_DEF.exec(lines[i]) ?? NUMBERED_NOTE_DEF.exec(lines[i]);
    if (def) {
      const parts = [def[2].trim()];
      // A footnote runs on until a blank line, a heading, a table or the next definition.
      while (i + 1 < lines.length && lines[i + 1].trim() !== "" && !HEADING.test(lines[i + 1]) && !lines[i + 1].trim().startsWith("|") && !isDefinition(lines[i + 1]))
        parts.push(lines[++i].trim());
      footnotes[def[1]] = parts.filter(Boolean).join(" ");
      continue;
    }
    const link = LINK_DEF.exec(lines[i]);
    if (link) links[link[1]] = link[2];
  }

  const tables: DocumentTable[] = [];
  for (let i = 0; i < lines.length; i++) {
    const heading = TIER_HEADING.exec(lines[i]);
    if (!heading) continue;
    const tier = Number(heading[1]) as Tier;
    // The first Category/Description table before the next heading.
    let h = i + 1;
    while (h < lines.length && !HEADING.test(lines[h]) && !isHeader(lines[h])) h++;
    if (h >= lines.length || HEADING.test(lines[h]) || !SEPARATOR.test(lines[h + 1] ?? "")) continue;
    const header = tableCells(lines[h]);
    const widths = tableCells(lines[h + 1]).map((c, k) => Math.max(3, separatorWidths(lines[h + 1])[k] ?? c.length));
    const rows: DocumentRow[] = [];
    let last = h + 1;
    for (let r = h + 2; r < lines.length && lines[r].trim().startsWith("|"); r++) {
      const cells = tableCells(lines[r]);
      const { name, labels } = splitFootnotes(cells[1] ?? "", footnotes);
      rows.push({
        line: r + 1,
        tier,
        category: cells[0] ?? "",
        description: cells[1] ?? "",
        name,
        footnotes: labels,
        ...(header.length >= 3 && { missing: cells[2] ?? "" }),
      });
      last = r;
    }
    tables.push({ tier, headingLine: i + 1, headerLine: h + 1, lastLine: last + 1, widths, hasMissing: header.length >= 3, rows });
    i = last;
  }
  return { tables, footnotes, links };
}

function isHeader(line: string): boolean {
  if (!line.trim().startsWith("|")) return false;
  const [a, b] = tableCells(line).map((c) => c.toLowerCase());
  return a === "category" && b === "description";
}

/** The widths between the separator's pipes (`|------|---|` gives [6, 3]). */
function separatorWidths(line: string): number[] {
  let body = line.trim();
  if (body.startsWith("|")) body = body.slice(1);
  if (body.endsWith("|")) body = body.slice(0, -1);
  return body.split("|").map((c) => c.length);
}

/**
 * `Cranelift [^support]` gives `Cranelift` and ["support"]; the spec's `DWARF debugging [2]`
 * gives ["2"] when a `[2] ...` footnote exists (else `[2]` is part of the name).
 */
function splitFootnotes(cell: string, footnotes: Record<string, string>): { name: string; labels: string[] } {
  const labels: string[] = [];
  let name = cell.replace(/\s*\[\^([^\]\s]+)\]/g, (_m, label: string) => {
    labels.push(label);
    return "";
  });
  name = name.replace(/\s*\[(\d+)\]\s*$/, (m, label: string) => {
    if (footnotes[label] === undefined) return m;
    labels.push(label);
    return "";
  });
  return { name: name.trim(), labels };
}

/** The footnote texts a row refers to, joined: what the component's `description` holds. */
export function footnoteText(doc: TierDocument, row: DocumentRow): string | undefined {
  const texts = row.footnotes.map((l) => doc.footnotes[l]).filter((t): t is string => t !== undefined);
  return texts.length ? texts.join(" ") : undefined;
}

// ---------------------------------------------------------------------------------------------
// The document against a registry's status rows

export interface DocumentFinding {
  /** 1-based line in the document. */
  line: number;
  message: string;
}

const same = (a: string, b: string) => a.replace(/\s+/g, " ").trim() === b.replace(/\s+/g, " ").trim();

/** Pairs each registry row with the document row of the same name (the same category first), in order. */
function pairRows(doc: TierDocument, rows: readonly StatusRow[]): { paired: Map<StatusRow, DocumentRow>; extra: DocumentRow[] } {
  const docRows = doc.tables.flatMap((t) => t.rows);
  const free = new Set(docRows);
  const paired = new Map<StatusRow, DocumentRow>();
  const take = (pick: (d: DocumentRow, r: StatusRow) => boolean) => {
    for (const r of rows) {
      if (paired.has(r)) continue;
      const found = docRows.find((d) => free.has(d) && pick(d, r));
      if (found) {
        paired.set(r, found);
        free.delete(found);
      }
    }
  };
  take((d, r) => same(d.name, r.description) && same(d.category, r.category) && d.tier === r.tier);
  take((d, r) => same(d.name, r.description) && same(d.category, r.category));
  take((d, r) => same(d.name, r.description));
  return { paired, extra: docRows.filter((d) => free.has(d)) };
}

/**
 * Where the document's tables and the registry disagree: rows missing or extra, a wrong tier,
 * category or Missing cell. Each finding is on the document line to fix.
 */
export function documentFindings(doc: TierDocument, rows: readonly StatusRow[]): DocumentFinding[] {
  const findings: DocumentFinding[] = [];
  if (doc.tables.length === 0) return [{ line: 1, message: 'no "Tier 1", "Tier 2" or "Tier 3" heading followed by a Category | Description table was found' }];
  const { paired, extra } = pairRows(doc, rows);
  for (const r of rows) {
    const d = paired.get(r);
    const label = `${r.description} (${r.id})`;
    if (!d) {
      const table = doc.tables.find((t) => t.tier === r.tier);
      findings.push({
        line: table?.lastLine ?? doc.tables[0].headingLine,
        message: `${label} is Tier ${r.tier} in the registry but has no row in ${table ? "this table" : `the document (it has no Tier ${r.tier} table)`}`,
      });
      continue;
    }
    if (d.tier !== r.tier) {
      findings.push({ line: d.line, message: `${label} is Tier ${r.tier} in the registry, not Tier ${d.tier}` });
      continue;
    }
    if (!same(d.category, r.category)) findings.push({ line: d.line, message: `${label}: the registry's category is "${r.category}", not "${d.category}"` });
    if (r.toward !== null && d.missing !== undefined) {
      const expected = missingCell(r);
      const quoted = (cell: string) => (cell.trim() ? `"${cell}"` : "empty");
      if (!same(d.missing, expected))
        findings.push({ line: d.line, message: `${label}: Missing Tier ${r.toward} Requirements is ${quoted(expected)} from the registry, not ${quoted(d.missing)}` });
    }
  }
  for (const d of extra) findings.push({ line: d.line, message: `${d.name} (Tier ${d.tier}, ${d.category}) is not in the registry` });
  return findings.sort((a, b) => a.line - b.line);
}

// ---------------------------------------------------------------------------------------------
// Rewriting the tables in place

/**
 * The document with each tier table's rows replaced by the registry's, in registry order, and
 * nothing else changed: headings, headers, footnotes and prose keep their bytes. A row that
 * already says what the registry says keeps its line as written; a changed or new row is laid
 * out in the table's column widths. Footnote markers of existing rows are kept; a new row gets
 * none (the footnote text would have to be added outside the table). A registry tier without a
 * table in the document is not added: `documentFindings` reports it.
 */
export function rewriteTables(text: string, doc: TierDocument, rows: readonly StatusRow[]): string {
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const lines = text.split("\n");
  const { paired } = pairRows(doc, rows);
  // From the last table up, so earlier line numbers stay valid.
  for (const table of [...doc.tables].sort((a, b) => b.headerLine - a.headerLine)) {
    const rendered = rows
      .filter((r) => r.tier === table.tier)
      .map((r) => {
        const d = paired.get(r);
        const missing = r.toward !== null && table.hasMissing ? missingCell(r) : undefined;
        if (d && d.tier === r.tier && same(d.category, r.category) && (missing === undefined || same(d.missing ?? "", missing))) return lines[d.line - 1].replace(/\r$/, "");
        const description = d && same(d.name, r.description) ? d.description : r.description;
        return layoutRow([r.category, description, ...(missing === undefined ? [] : [missing])], table.widths);
      });
    const start = table.headerLine + 1; // 0-based index of the first row: after header and separator
    const end = table.rows.length ? table.lastLine : start; // exclusive 0-based end
    lines.splice(start, end - start, ...rendered.map((l) => l + (eol === "\r\n" ? "\r" : "")));
  }
  return lines.join("\n");
}

/** `| Target               | x |`: each cell padded to its column's width, when it fits. */
function layoutRow(cells: readonly string[], widths: readonly number[]): string {
  return `|${cells
    .map(
      (c, i) =>
        ` ${c
          .replace(/\|/g, "\\|")
          .replace(/\s*\n\s*/g, " ")
          .padEnd(Math.max(0, (widths[i] ?? 0) - 2))} `,
    )
    .join("|")}|`;
}
