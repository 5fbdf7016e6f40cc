import { readFileSync } from "node:fs";
import { join } from "node:path";
import { componentId, DEFAULT_OWNER_GUESS, GUESS_MARK, guessWarnings, importDocument } from "../../src/core/import-document.js";
import { parseRegistry } from "../../src/core/registry.js";
import { missingCell, renderStatusMarkdown, statusRows } from "../../src/core/render/status-tables.js";
import { footnoteText, parseTierDocument, type TierDocument } from "../../src/core/tier-document.js";
import type { Registry } from "../../src/core/model.js";

const ROOT = process.cwd();
export const SPEC = readFileSync(join(ROOT, "../shared/spec/tiers-of-support.md"), "utf8");
export const WASMTIME = readFileSync(join(ROOT, "test/fixtures/wasmtime/stability-tiers.md"), "utf8");

function imported(text: string, options = {}): Registry {
  const result = parseRegistry(importDocument(text, options).yaml, "imported.yml");
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.line}: ${e.message}`).join("\n"));
  return result.registry;
}

/** Each row of the document's tables as the status tables would print it. */
function documentTables(doc: TierDocument) {
  return doc.tables.flatMap((t) => t.rows).map((r) => ({ tier: r.tier, category: r.category, description: r.name, footnote: footnoteText(doc, r), missing: r.missing }));
}

function statusTables(registry: Registry) {
  return statusRows(registry).map((r) => ({
    tier: r.tier,
    category: r.category,
    description: r.description,
    footnote: r.footnote?.text,
    missing: r.toward === null ? undefined : missingCell(r),
  }));
}

test("the spec's document imports to a registry whose status tables are the spec's, byte for byte", () => {
  const registry = imported(SPEC);
  const tables = SPEC.slice(SPEC.indexOf("### Tier 1\n"), SPEC.indexOf("\n## Tier Details"));
  expect(tables.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| Category"))).toHaveLength(20);
  expect(renderStatusMarkdown(statusRows(registry))).toBe(tables);
});

test("Wasmtime's current document: 64 rows back row for row, with Winch, Pulley, footnotes and the free-text cells verbatim", () => {
  const doc = parseTierDocument(WASMTIME);
  const registry = imported(WASMTIME);
  const rows = documentTables(doc);
  expect(
    rows
      .map((r) => r.tier)
      .join("")
      .match(/1+|2+|3+/g)!
      .map((s) => s.length),
  ).toEqual([32, 9, 23]);
  expect(statusTables(registry)).toEqual(rows);
  // The status output, read back as a tier document, holds the same rows again.
  const printed = parseTierDocument(renderStatusMarkdown(statusRows(registry)));
  expect(documentTables(printed)).toEqual(rows);

  const byName = (name: string) => registry.components.find((c) => c.name === name)!;
  expect(byName("Winch")).toMatchObject({
    id: "winch",
    category: "Compiler",
    tier: 1,
    description: expect.stringMatching(/^Compiler support is further broken down .* all tier 1 targets\/proposals\.$/),
  });
  expect(byName("Pulley")).toMatchObject({ category: "Execution Backend", tier: 2, missingNotes: ["More time fuzzing/baking"] });
  expect(byName("Support for `#![no_std]`")).toMatchObject({ id: "support-for-no_std", missingNotes: ["Support beyond CI checks"] });
  // `riscv32imac-unknown-none-elf`[^5] (no space before the marker) and a footnote two rows share.
  expect(byName("`riscv32imac-unknown-none-elf`").description).toBe(byName("`x86_64-unknown-none`").description);
  // What the model expresses becomes facts, not notes.
  expect(byName("DWARF debugging")).toMatchObject({ checks: [], facts: { maintainer: "best-effort", quality: "known-bugs" } });
  expect(byName("DWARF debugging").missingNotes).toBeUndefined();
  expect(byName("`x86_64-pc-windows-gnu`")).toMatchObject({ owners: [], fuzzing: ["*fuzz*"] });
  expect(byName("[`custom-page-sizes`]").facts).toEqual({ proposal: "unstable" });
  expect(byName("[`wasi-nn`]")).toMatchObject({ id: "wasi-nn", paths: ["crates/wasi-nn/**"], facts: { "ci-coverage": "limited" } });
  // A lowercase cell the model would capitalise is kept as it is written.
  expect(byName("`i686-unknown-linux-gnu`").missingNotes).toEqual(["full-time maintainer"]);
  expect(new Set(registry.components.map((c) => c.id)).size).toBe(64);
  expect(registry.policy.mode).toBe("shadow");
});

test("every guess is marked on its line, and validate's warnings name each one", () => {
  const { yaml, guesses } = importDocument(WASMTIME, { documentPath: "docs/stability-tiers.md" });
  const lines = yaml.split("\n");
  const guessed = lines.filter((l) => l.endsWith(GUESS_MARK));
  expect(guessed.length).toBe(guesses);
  // Every owners, paths, checks and fuzzing line is either a guess or the document's own "none".
  for (const line of lines.filter((l) => /^ {4}(owners|paths|checks|fuzzing):/.test(l))) expect(line).toMatch(/# (guess|the document: no .+)$/);
  expect(lines).toContain(`    owners: ["${DEFAULT_OWNER_GUESS}"]  ${GUESS_MARK}`);
  expect(lines).toContain('  document: "docs/stability-tiers.md"');
  const warnings = guessWarnings(yaml, ".github/tiers.yml");
  expect(warnings).toHaveLength(guesses);
  expect(warnings[0]).toMatchObject({ severity: "warning", line: lines.indexOf(guessed[0]) + 1, message: expect.stringContaining("guessed by `tierkeeper import`") });
});

test("--owner replaces the placeholder owners; a cell listing no clear owner still gets none", () => {
  const registry = imported(SPEC, { owners: ["bytecodealliance/wasmtime-core", "alexcrichton"] });
  const crypto = registry.components.find((c) => c.id === "wasi-crypto")!;
  expect(crypto.owners).toEqual([]);
  expect(registry.components.find((c) => c.id === "simd")!.owners).toEqual([
    { kind: "team", org: "bytecodealliance", slug: "wasmtime-core" },
    { kind: "user", login: "alexcrichton" },
  ]);
});

test("component ids come from the description, without Markdown, and stay unique", () => {
  expect(componentId("[`wasi-nn`]")).toBe("wasi-nn");
  expect(componentId("`wasi_snapshot_preview1`")).toBe("wasi_snapshot_preview1");
  expect(componentId("Non-Wasmtime Cranelift usage")).toBe("non-wasmtime-cranelift-usage");
  expect(componentId("C++")).toBe("cpp");
  expect(componentId("***")).toBe("component");
  const doc = "### Tier 3\n\n| Category | Description | Missing Tier 2 Requirements |\n|---|---|---|\n| misc | C | CI testing |\n| misc | `C` | CI testing |\n| misc | *C* | CI testing |\n";
  expect(imported(doc).components.map((c) => c.id)).toEqual(["c", "c-2", "c-3"]);
});

test('a document without tier tables imports nothing; headings like "Tier 3 - Not Production Ready" are not tables', () => {
  expect(importDocument("# Tiers\n\n#### Tier 3 - Not Production Ready\n\n| Category | Description |\n|---|---|\n| misc | x |\n").components).toBe(0);
  expect(parseTierDocument(WASMTIME).tables.map((t) => t.tier)).toEqual([1, 2, 3]);
});
