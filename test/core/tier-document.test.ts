import { readFileSync } from "node:fs";
import { join } from "node:path";
import { importDocument } from "../../src/core/import-document.js";
import { parseRegistry } from "../../src/core/registry.js";
import { missingCell, statusRows } from "../../src/core/render/status-tables.js";
import { documentFindings, parseTierDocument, rewriteTables } from "../../src/core/tier-document.js";
import type { Registry } from "../../src/core/model.js";

const WASMTIME = readFileSync(join(process.cwd(), "test/fixtures/wasmtime/stability-tiers.md"), "utf8");
const IMPORTED = importDocument(WASMTIME).yaml;

function registryOf(yaml: string): Registry {
  const result = parseRegistry(yaml);
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.line}: ${e.message}`).join("\n"));
  return result.registry;
}

/** The registry edited: wasi-nn promoted to Tier 2, C++ given a full-time maintainer, Pulley dropped, a new Tier 3 row. */
const EDITED = IMPORTED.replace(
  '  wasi-nn:\n    name: "[`wasi-nn`]"  # https://github.com/WebAssembly/wasi-nn\n    category: "WASI Proposal"\n    tier: 3',
  '  wasi-nn:\n    name: "[`wasi-nn`]"\n    category: "WASI Proposal"\n    tier: 2',
)
  .replace(
    '    tier: 2\n    owners: ["TODO/owners"]  # guess\n    checks: ["*cpp*"]  # guess\n    maintainer: best-effort\n',
    '    tier: 2\n    owners: ["TODO/owners"]  # guess\n    checks: ["*cpp*"]  # guess\n',
  )
  .replace(/ {2}pulley:\n(?: {4}.*\n)+/, "")
  .concat('  wasi-blobstore:\n    name: "`wasi-blobstore`"\n    category: "WASI Proposal"\n    tier: 3\n    owners: []\n');

/** The document's lines that are not rows of its tier tables. */
function outsideTables(text: string): string[] {
  const rows = new Set(parseTierDocument(text).tables.flatMap((t) => t.rows.map((r) => r.line)));
  return text.split("\n").filter((_, i) => !rows.has(i + 1));
}

const lineOf = (text: string, snippet: string) => text.split("\n").findIndex((l) => l.includes(snippet)) + 1;

test("the imported registry agrees with its document: no findings, and rewriting changes no byte", () => {
  const rows = statusRows(registryOf(IMPORTED));
  const doc = parseTierDocument(WASMTIME);
  expect(documentFindings(doc, rows)).toEqual([]);
  expect(rewriteTables(WASMTIME, doc, rows)).toBe(WASMTIME);
});

test("rows missing, extra, in the wrong tier or with the wrong Missing cell are found on their document lines", () => {
  expect(EDITED).not.toBe(IMPORTED);
  const findings = documentFindings(parseTierDocument(WASMTIME), statusRows(registryOf(EDITED)));
  expect(findings).toEqual([
    { line: lineOf(WASMTIME, "| Pulley "), message: "Pulley (Tier 2, Execution Backend) is not in the registry" },
    { line: lineOf(WASMTIME, "| C++ "), message: 'C++ (cpp): Missing Tier 1 Requirements is empty from the registry, not "Full-time maintainer"' },
    { line: lineOf(WASMTIME, "[`wasi-nn`]                       |"), message: "[`wasi-nn`] (wasi-nn) is Tier 2 in the registry, not Tier 3" },
    { line: lineOf(WASMTIME, "DWARF debugging [^2]"), message: "`wasi-blobstore` (wasi-blobstore) is Tier 3 in the registry but has no row in this table" },
  ]);
});

test("--write-document's rewrite: the tables say what the registry says, and every other line keeps its bytes", () => {
  const rows = statusRows(registryOf(EDITED));
  const rewritten = rewriteTables(WASMTIME, parseTierDocument(WASMTIME), rows);
  expect(outsideTables(rewritten)).toEqual(outsideTables(WASMTIME));
  const again = parseTierDocument(rewritten);
  expect(documentFindings(again, rows)).toEqual([]);
  expect(again.tables.flatMap((t) => t.rows).map((r) => [r.tier, r.category, r.name, r.missing])).toEqual(
    rows.map((r) => [r.tier, r.category, r.description, r.toward === null ? undefined : missingCell(r)]),
  );
  // Unchanged rows keep their own layout; changed and new ones take the table's column widths.
  expect(rewritten).toContain("| Target               | `aarch64-unknown-linux-gnu`| Continuous fuzzing          |\n");
  expect(rewritten).toContain("| Embedding API        | C++                        |                             |\n");
  expect(rewritten).toContain("| WASI Proposal        | `wasi-blobstore`                  | CI testing, clear owner     |\n");
  expect(rewritten).not.toContain("Pulley                     |");
  // Footnote markers of existing rows stay.
  expect(rewritten).toContain("| *misc*               | DWARF debugging [^2]              |");
});

test("CRLF documents keep their line ends; the spec's [n] footnotes are footnotes, link references are not", () => {
  const crlf = WASMTIME.replace(/\n/g, "\r\n");
  const rows = statusRows(registryOf(EDITED));
  const rewritten = rewriteTables(crlf, parseTierDocument(crlf), rows);
  expect(rewritten.replace(/\r\n/g, "")).not.toContain("\n");
  expect(rewritten.replace(/\r\n/g, "\n")).toBe(rewriteTables(WASMTIME, parseTierDocument(WASMTIME), rows));
  const spec = parseTierDocument(
    "### Tier 3\n\n| Category | Description | Missing Tier 2 Requirements |\n|---|---|---|\n| misc | DWARF [2] | CI testing |\n| misc | [`gc`] | CI testing |\n\n[2] Known bugs.\n\n[`gc`]: https://github.com/WebAssembly/gc\n",
  );
  expect(spec.tables[0].rows.map((r) => [r.name, r.footnotes])).toEqual([
    ["DWARF", ["2"]],
    ["[`gc`]", []],
  ]);
  expect(spec.footnotes).toEqual({ 2: "Known bugs." });
  expect(spec.links).toEqual({ "`gc`": "https://github.com/WebAssembly/gc" });
});

test("policy.document must be a Markdown path inside the repository; missing notes must be a list of texts", () => {
  const errors = (yaml: string) => {
    const result = parseRegistry(yaml);
    return result.ok ? [] : result.errors.map((e) => `${e.line}:${e.column} ${e.message}`);
  };
  const component = "components:\n  a:\n    category: misc\n    tier: 3\n    owners: []\n";
  expect(errors(`policy:\n  document: docs/stability-tiers.md\n${component}`)).toEqual([]);
  for (const bad of ["/etc/tiers.md", "../other/tiers.md", "docs/tiers.txt"]) {
    expect(errors(`policy:\n  document: ${bad}\n${component}`)).toEqual(["2:13 policy.document: must be a Markdown file's path in the repository, such as docs/stability-tiers.md"]);
  }
  expect(errors(`${component}    missing: Support beyond CI checks\n`)).toEqual(['6:14 components.a.missing: expected a list of texts, got "Support beyond CI checks"']);
  expect(registryOf(`${component}    missing: ["Support beyond CI checks"]\n`).components[0].missingNotes).toEqual(["Support beyond CI checks"]);
});
