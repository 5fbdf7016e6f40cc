import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import { parse as parseYaml } from "yaml";
import type { Io } from "../../src/cli/io.js";
import { run } from "../../src/cli/run.js";
import { statusCommand } from "../../src/cli/status.js";
import { publishedSchema } from "../../src/cli/schema.js";
import { parseRegistry } from "../../src/core/registry.js";
import { renderStatusMarkdown, statusRows, type StatusRow } from "../../src/core/render/status-tables.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SPEC = readFileSync(new URL("../../../shared/spec/tiers-of-support.md", import.meta.url), "utf8");
const EXAMPLE = "examples/wasmtime/tiers.yml";
const EXAMPLE_TEXT = readFileSync(join(ROOT, EXAMPLE), "utf8");
const SCHEMA_FILE = join(ROOT, "schema/tiers.schema.json");

async function cli(argv: string[], cwd = ROOT) {
  let stdout = "";
  let stderr = "";
  const io: Io = { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), cwd, readFile: (path) => readFile(path, "utf8") };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}

interface TableRow {
  tier: number;
  category: string;
  description: string;
  missing?: string;
}

/** The rows of the "### Tier N" tables under "## Current Tier Status" of a Markdown text. */
function parseStatusTables(markdown: string): { rows: TableRow[]; footnotes: string[] } {
  const start = markdown.indexOf("## Current Tier Status");
  const section = markdown.slice(start === -1 ? 0 : start).split(/\n## (?!#)/)[0];
  const rows: TableRow[] = [];
  const footnotes: string[] = [];
  let tier = 0;
  for (const line of section.split("\n")) {
    const heading = /^### Tier ([123])$/.exec(line);
    if (heading) tier = Number(heading[1]);
    if (/^\[\d+\] /.test(line)) footnotes.push(line);
    if (!line.startsWith("|") || /^\|[-| ]+\|$/.test(line)) continue;
    const cells = line
      .slice(1, -1)
      .split("|")
      .map((c) => c.trim());
    if (cells[0] === "Category") continue;
    rows.push({ tier, category: cells[0], description: cells[1], ...(cells.length > 2 && { missing: cells[2] }) });
  }
  return { rows, footnotes };
}

let temp: string;
beforeEach(() => {
  temp = mkdtempSync(join(tmpdir(), "tierkeeper-status-"));
});
afterEach(() => rmSync(temp, { recursive: true, force: true }));

function tempFile(name: string, text: string): string {
  mkdirSync(join(temp, name, ".."), { recursive: true });
  writeFileSync(join(temp, name), text);
  return temp;
}

describe("tierkeeper status (markdown)", () => {
  const spec = parseStatusTables(SPEC);

  test("the spec has the tables this test reads (20 rows, 2 footnotes)", () => {
    expect(spec.rows).toHaveLength(20);
    expect(spec.rows.filter((r) => r.tier === 1)).toHaveLength(8);
    expect(spec.rows.filter((r) => r.tier === 2).every((r) => r.missing)).toBe(true);
    expect(spec.footnotes).toHaveLength(2);
  });

  test("the Wasmtime example reproduces the spec's tables row for row: category, description, missing column", async () => {
    const { code, stdout, stderr } = await cli(["status", "--registry", EXAMPLE]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const ours = parseStatusTables(`## Current Tier Status\n\n${stdout}`);
    expect(ours.rows).toHaveLength(spec.rows.length);
    ours.rows.forEach((row, i) => expect({ row: i, ...row }).toEqual({ row: i, ...spec.rows[i] }));
    expect(ours.footnotes).toEqual(spec.footnotes);
  });

  test("and byte for byte: the section from ### Tier 1 to the last footnote", async () => {
    const section = SPEC.slice(SPEC.indexOf("### Tier 1"), SPEC.indexOf("\n## Tier Details")).trimEnd();
    expect((await cli(["status", "--registry", EXAMPLE])).stdout).toBe(`${section}\n`);
  });

  test("defaults to .github/tiers.yml; a component without name shows its id; cells are escaped", async () => {
    const cwd = tempFile(
      ".github/tiers.yml",
      "components:\n  a:\n    category: misc\n    tier: 2\n    owners: [x]\n    checks: [t]\n  b:\n    name: B|C\n    category: misc\n    tier: 3\n    owners: []\n",
    );
    const { code, stdout } = await cli(["status"], cwd);
    expect(code).toBe(0);
    expect(stdout).toContain("| misc | a |  |\n");
    expect(stdout).toContain("| misc | B\\|C | CI testing, clear owner |\n");
    expect(stdout).toMatch(/^### Tier 1\n\n\| Category \| Description \|\n\|---\|---\|\n\n### Tier 2\n/);
  });
});

describe("tierkeeper status --format json", () => {
  test("one object per row with every requirement's status", async () => {
    const { code, stdout } = await cli(["status", "--registry", EXAMPLE, "--format", "json"]);
    expect(code).toBe(0);
    const rows = JSON.parse(stdout) as StatusRow[];
    expect(rows).toHaveLength(20);
    expect(rows.map((r) => r.id).slice(8, 13)).toEqual(["aarch64-unknown-linux-gnu", "s390x-unknown-linux-gnu", "x86_64-pc-windows-gnu", "memory64", "multi-memory"]);
    expect(rows[0]).toEqual({ tier: 1, category: "Target", description: "x86_64-apple-darwin", id: "x86_64-apple-darwin", toward: null, missing: [], requirements: [] });
    const crypto = rows.find((r) => r.id === "wasi-crypto")!;
    expect(crypto).toMatchObject({ tier: 3, category: "WASI Proposal", description: "wasi-crypto", toward: 2, missing: ["CI testing", "clear owner"] });
    expect(crypto.requirements).toContainEqual({ id: "ci-testing", label: "CI testing", status: "missing" });
    expect(crypto.requirements).toContainEqual({ id: "responsive-maintainers", label: "responsive maintainers", status: "unknown" });
    const dwarf = rows.find((r) => r.id === "dwarf-debugging")!;
    expect(dwarf.footnote).toEqual({ number: 2, text: expect.stringMatching(/^Currently there is no active maintainer/) });
    expect(dwarf.description).toBe("DWARF debugging");
    const memory64 = rows.find((r) => r.id === "memory64")!;
    expect(memory64.missing).toEqual(["unstable wasm proposal"]);
    // Every row's missing list is exactly its missing requirements.
    for (const r of rows) expect(r.missing).toEqual(r.requirements.filter((q) => q.status === "missing").map((q) => q.label));
  });

  test("statusRows takes observed evidence per component", () => {
    const parsed = parseRegistry(EXAMPLE_TEXT);
    if (!parsed.ok) throw new Error("example invalid");
    const rows = statusRows(parsed.registry, { evidence: { "wasi-nn": { ciShare: 0.8 }, threads: { tier2ReplyMedianHours: 400 } } });
    expect(rows.find((r) => r.id === "wasi-nn")!.missing).toEqual(["more expansive CI testing", "CI cost within allowance"]);
    expect(rows.find((r) => r.id === "threads")!.missing).toEqual(["complete implementation", "responsive maintainers"]);
    expect(renderStatusMarkdown(rows)).toContain("| WASI Proposal | wasi-nn | More expansive CI testing, CI cost within allowance |\n");
  });
});

describe("tierkeeper status: exit codes", () => {
  test("a missing file: exit 1, message on stderr", async () => {
    expect(await cli(["status"], temp)).toEqual({ code: 1, stdout: "", stderr: "tierkeeper status: cannot read .github/tiers.yml: no such file\n" });
  });

  test("an invalid registry: its errors on stderr, nothing on stdout, exit 1", async () => {
    const cwd = tempFile("t.yml", "components:\n  a:\n    category: misc\n    tier: 9\n    owners: []\n");
    const { code, stdout, stderr } = await cli(["status", "--registry", "t.yml", "--format", "json"], cwd);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toContain("t.yml:4:11: components.a.tier: expected 1, 2 or 3, got 9\n");
    expect(stderr).toContain("tierkeeper status: t.yml is not valid; run `tierkeeper validate t.yml`\n");
  });

  test("usage errors exit 2; --help exits 0", async () => {
    for (const argv of [["--format", "html"], ["--registry"], ["extra"], ["--tier", "1"]]) {
      const { code, stdout } = await cli(["status", "--registry", EXAMPLE, ...argv]);
      expect({ argv, code, stdout }).toEqual({ argv, code: 2, stdout: "" });
    }
    const help = await cli(["status", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: tierkeeper status \[--registry file\] \[--format markdown\|json\]/);
    expect((await cli(["--help"])).stdout).toMatch(/^ {2}status /m);
  });

  test("--repo: a repository the database knows no registry of is exit 1; misused with --registry or --now alone, exit 2", async () => {
    let stderr = "";
    const io: Io = { stdout: () => {}, stderr: (s) => void (stderr += s), cwd: temp, readFile: (path) => readFile(path, "utf8") };
    expect(await statusCommand(["--repo", "o/r"], io, { DATABASE_URL: join(temp, "tk.db") })).toBe(1);
    expect(stderr).toBe("tierkeeper status: no registry of o/r is known: tierkeeper has seen no event of it, or it has none\n");
    for (const argv of [
      ["--repo", "o/r", "--registry", EXAMPLE],
      ["--registry", EXAMPLE, "--now", "2026-11-23T12:00:00Z"],
      ["--repo", "o"],
    ]) {
      const { code, stdout } = await cli(["status", ...argv]);
      expect({ argv, code, stdout }).toEqual({ argv, code: 2, stdout: "" });
    }
  });
});

describe("tierkeeper schema", () => {
  test("prints the registry's JSON Schema, pretty, exit 0", async () => {
    const { code, stdout, stderr } = await cli(["schema"]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    const schema = JSON.parse(stdout);
    expect(schema.$schema).toBe("http://json-schema.org/draft-07/schema#");
    expect(schema.title).toBe("tierkeeper registry");
    expect(stdout).toBe(`${JSON.stringify(publishedSchema(), null, 2)}\n`);
    expect((await cli(["schema", "extra"])).code).toBe(2);
  });

  test("schema/tiers.schema.json is the generated one (run `npm run schema` after changing the registry's schema)", async () => {
    expect(existsSync(SCHEMA_FILE)).toBe(true);
    expect(readFileSync(SCHEMA_FILE, "utf8")).toBe((await cli(["schema"])).stdout);
  });

  test("the checked-in schema accepts the Wasmtime example and rejects a bad tier", () => {
    const validate = new Ajv({ strict: false }).compile(JSON.parse(readFileSync(SCHEMA_FILE, "utf8")));
    expect(validate(parseYaml(EXAMPLE_TEXT))).toBe(true);
    expect(validate({ components: { a: { category: "misc", tier: 4, owners: [] } } })).toBe(false);
  });
});

describe("the built executable", () => {
  const MAIN = join(ROOT, "dist/cli/main.js");
  test("status prints the same as in-process", async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` (npm test does) before these tests`);
    const child = await new Promise<{ code: number; stdout: string }>((resolve) =>
      execFile(process.execPath, [MAIN, "status", "--registry", EXAMPLE], { cwd: ROOT }, (error, stdout) => resolve({ code: error ? Number(error.code) : 0, stdout })),
    );
    expect(child).toEqual({ code: 0, stdout: (await cli(["status", "--registry", EXAMPLE])).stdout });
  });
});
