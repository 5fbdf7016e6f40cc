import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Io } from "../../src/cli/io.js";
import { run } from "../../src/cli/run.js";

const SPEC = readFileSync(join(process.cwd(), "../shared/spec/tiers-of-support.md"), "utf8");
const WASMTIME = readFileSync(join(process.cwd(), "test/fixtures/wasmtime/stability-tiers.md"), "utf8");

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "tk-import-"));
  mkdirSync(join(dir, "docs"));
  writeFileSync(join(dir, "docs/stability-tiers.md"), WASMTIME);
  writeFileSync(join(dir, "spec.md"), SPEC);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...argv: string[]) {
  const out = { stdout: "", stderr: "" };
  const io: Io = {
    stdout: (s) => void (out.stdout += s),
    stderr: (s) => void (out.stderr += s),
    cwd: dir,
    readFile: (p) => readFile(p, "utf8"),
    writeFile: (p, t) => writeFile(p, t, "utf8"),
  };
  const code = await run(argv, io);
  return { code, ...out };
}

test("import --out writes a registry whose status prints the spec's tables; validate warns about each guess", async () => {
  const imported = await cli("import", "spec.md", "--out", "tiers.yml");
  expect(imported).toMatchObject({ code: 0, stdout: "" });
  expect(imported.stderr).toBe("tierkeeper import: 20 components, 0 with declared notes, 48 guessed lines to confirm\n");
  const status = await cli("status", "--registry", "tiers.yml");
  expect(status.code).toBe(0);
  expect(status.stdout).toBe(SPEC.slice(SPEC.indexOf("### Tier 1\n"), SPEC.indexOf("\n## Tier Details")));
  const validate = await cli("validate", "tiers.yml", "--skip-paths");
  expect(validate.code).toBe(0);
  expect(validate.stdout.match(/guessed by `tierkeeper import`/g)).toHaveLength(48);
});

test("a document under the current directory is recorded as policy.document; the registry is printed without --out", async () => {
  const result = await cli("import", "docs/stability-tiers.md");
  expect(result.code).toBe(0);
  expect(result.stdout).toContain('\n  document: "docs/stability-tiers.md"\n');
  expect(result.stderr).toMatch(/^tierkeeper import: 64 components, 11 with declared notes, \d+ guessed lines to confirm\n$/);
  expect((await cli("import", join(dir, "docs/stability-tiers.md"))).stdout).not.toContain("\n  document:");
});

test("a missing file, a document without tier tables and an owner that is no login are clear errors that write nothing", async () => {
  expect(await cli("import", "nope.md")).toMatchObject({ code: 1, stderr: "tierkeeper import: cannot read nope.md: no such file\n" });
  writeFileSync(join(dir, "prose.md"), "# Tiers\n\nNo tables here.\n");
  expect(await cli("import", "prose.md", "--out", "tiers.yml")).toMatchObject({ code: 1, stderr: expect.stringContaining('has no "Tier 1", "Tier 2" or "Tier 3" heading') });
  const bad = await cli("import", "spec.md", "--owner", "not a login", "--out", "tiers.yml");
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain("nothing written");
  expect(() => readFileSync(join(dir, "tiers.yml"))).toThrow();
  expect((await cli("import")).code).toBe(2);
});

test("status --write-document rewrites the document's tables from the registry in place, and nothing else in the file", async () => {
  expect((await cli("import", "docs/stability-tiers.md", "--out", "tiers.yml")).code).toBe(0);
  // Unchanged registry: the document keeps every byte.
  expect(await cli("status", "--registry", "tiers.yml", "--write-document")).toMatchObject({
    code: 0,
    stderr: "tierkeeper status: docs/stability-tiers.md: the tables already match the registry\n",
  });
  expect(readFileSync(join(dir, "docs/stability-tiers.md"), "utf8")).toBe(WASMTIME);
  // Pulley promoted to Tier 1: its row moves to the Tier 1 table; every line outside the tables is kept.
  const registry = readFileSync(join(dir, "tiers.yml"), "utf8").replace('    category: "Execution Backend"\n    tier: 2', '    category: "Execution Backend"\n    tier: 1');
  writeFileSync(join(dir, "tiers.yml"), registry);
  expect(await cli("status", "--registry", "tiers.yml", "--write-document", "--document", "docs/stability-tiers.md")).toMatchObject({
    code: 0,
    stderr: "tierkeeper status: docs/stability-tiers.md: tables rewritten from the registry\n",
  });
  const rewritten = readFileSync(join(dir, "docs/stability-tiers.md"), "utf8");
  const isRow = (l: string) => /^\| (Target|Compiler|WebAssembly Proposal|WASI Proposal|Embedding API|Execution Backend|\*misc\*) /.test(l);
  expect(rewritten.split("\n").filter((l) => !isRow(l))).toEqual(WASMTIME.split("\n").filter((l) => !isRow(l)));
  expect(rewritten).toContain("| C                                          |\n| Execution Backend    | Pulley                                     |\n\n[`mutable-globals`]");
  expect(rewritten).not.toContain("More time fuzzing/baking");
  expect(await cli("status", "--registry", "tiers.yml")).toMatchObject({ code: 0 });
  // Without a document to write: a usage error.
  writeFileSync(join(dir, "bare.yml"), "components:\n  a:\n    category: misc\n    tier: 3\n    owners: []\n");
  expect((await cli("status", "--registry", "bare.yml", "--write-document")).code).toBe(2);
});
