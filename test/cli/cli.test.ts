import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Io } from "../../src/cli/io.js";
import { matrixEntries } from "../../src/cli/matrix.js";
import { run } from "../../src/cli/run.js";
import { parseInstant, runSweep, sweepCommand, type SweepOptions } from "../../src/cli/sweep.js";
import { parseRegistry } from "../../src/core/registry.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const EXAMPLE = "examples/wasmtime/tiers.yml";
const EXAMPLE_TEXT = readFileSync(join(ROOT, EXAMPLE), "utf8");

/** Runs the CLI in-process against the real file system, capturing its output. */
async function cli(argv: string[], cwd = ROOT) {
  let stdout = "";
  let stderr = "";
  const io: Io = {
    stdout: (s) => void (stdout += s),
    stderr: (s) => void (stderr += s),
    cwd,
    readFile: (path) => readFile(path, "utf8"),
  };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}

let temp: string;
beforeEach(() => {
  temp = mkdtempSync(join(tmpdir(), "tierkeeper-cli-"));
});
afterEach(() => rmSync(temp, { recursive: true, force: true }));

/** Writes `text` to `<temp>/<name>` and returns the directory. */
function tempFile(name: string, text: string): string {
  mkdirSync(join(temp, name, ".."), { recursive: true });
  writeFileSync(join(temp, name), text);
  return temp;
}

const EXAMPLE_WITH_WASI_NN_DISABLED = EXAMPLE_TEXT.replace(/^ {2}wasi-nn:\n/m, "  wasi-nn:\n    ci: disabled\n");

describe("tierkeeper validate", () => {
  test("the Wasmtime example: valid, its two warnings, exit 0", async () => {
    // Its paths are Wasmtime's, not this repository's: --skip-paths.
    const { code, stdout, stderr } = await cli(["validate", EXAMPLE, "--skip-paths"]);
    expect(code).toBe(0);
    expect(stderr).toBe("");
    expect(stdout.trimEnd().split("\n")).toEqual([
      `${EXAMPLE}:141:13: warning: components.x86_64-pc-windows-gnu.owners: component x86_64-pc-windows-gnu has no owner (the policy requires a clearly identified owner)`,
      `${EXAMPLE}:191:13: warning: components.wasi-crypto.owners: component wasi-crypto has no owner (the policy requires a clearly identified owner)`,
      `${EXAMPLE}: valid, 20 components, 2 warnings`,
    ]);
  });

  test("--format json", async () => {
    const { code, stdout } = await cli(["validate", "--format", "json", "--skip-paths", EXAMPLE]);
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(Object.keys(out)).toEqual(["ok", "errors", "warnings", "notes"]);
    expect(out.notes).toEqual([]);
    expect(out.ok).toBe(true);
    expect(out.errors).toEqual([]);
    expect(out.warnings).toEqual([
      expect.objectContaining({ file: EXAMPLE, line: 141, column: 13, severity: "warning" }),
      expect.objectContaining({ file: EXAMPLE, line: 191, column: 13, severity: "warning" }),
    ]);
  });

  test("defaults to .github/tiers.yml in the current directory", async () => {
    const cwd = tempFile(".github/tiers.yml", "components:\n  a:\n    category: misc\n    tier: 3\n    owners: [x]\n");
    const { code, stdout } = await cli(["validate"], cwd);
    expect(code).toBe(0);
    expect(stdout).toBe(".github/tiers.yml: valid, 1 component\n");
  });

  const BROKEN = "components:\n  wasi-nn:\n    category: WASI Proposal\n    tier: 4\n    owner: [abrown]\n";

  test("a broken file: each error at file:line:col, exit 1", async () => {
    const cwd = tempFile("tiers.yml", BROKEN);
    const { code, stdout } = await cli(["validate", "tiers.yml"], cwd);
    expect(code).toBe(1);
    expect(stdout.trimEnd().split("\n")).toEqual([
      'tiers.yml:2:3: components.wasi-nn: missing required key "owners" (a list of GitHub logins or org/team-slugs; [] when there is none)',
      "tiers.yml:4:11: components.wasi-nn.tier: expected 1, 2 or 3, got 4",
      expect.stringMatching(/^tiers\.yml:5:5: components\.wasi-nn: unknown key "owner" \(did you mean "owners"\?\)/),
      "tiers.yml: 3 errors, not valid",
    ]);
  });

  test("a broken file as json: ok false, exit 1", async () => {
    const cwd = tempFile("tiers.yml", BROKEN);
    const { code, stdout } = await cli(["validate", "tiers.yml", "--format=json"], cwd);
    expect(code).toBe(1);
    const out = JSON.parse(stdout);
    expect(out.ok).toBe(false);
    expect(out.errors.map((e: { line: number; column: number }) => `${e.line}:${e.column}`)).toEqual(["2:3", "4:11", "5:5"]);
    expect(out.warnings).toEqual([]);
  });

  test("a registry over the size limit is refused unread, and a hostile glob is judged against the files at once", async () => {
    const big = tempFile("tiers.yml", `components: {}\n# ${"x".repeat(256 * 1024)}\n`);
    expect(await cli(["validate", "tiers.yml"], big)).toMatchObject({
      code: 1,
      stdout: "tiers.yml:1:1: the registry is larger than 256 KB (256 KB or more): tierkeeper refuses it\ntiers.yml: 1 error, not valid\n",
    });
    const hostile = tempFile(".github/tiers.yml", `components:\n  a:\n    category: misc\n    tier: 3\n    owners: [x]\n    paths: ["${"*a".repeat(14)}*b"]\n`);
    tempFile("a".repeat(200), "");
    execFileSync("git", ["init", "-q"], { cwd: hostile });
    const { code, stdout } = await cli(["validate"], hostile);
    expect(code).toBe(0);
    expect(stdout).toContain(`.github/tiers.yml:6:13: warning: components.a.paths[0]: "${"*a".repeat(14)}*b" matches no file in the repository`);
  });

  test("a YAML syntax error", async () => {
    const cwd = tempFile("tiers.yml", "components:\n  a: [unclosed\n");
    const { code, stdout } = await cli(["validate", "tiers.yml"], cwd);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^tiers\.yml:\d+:\d+: YAML syntax error: /);
  });

  test("a missing file is an error (exit 1), in both formats", async () => {
    expect(await cli(["validate"], temp)).toEqual({ code: 1, stdout: "", stderr: "tierkeeper validate: cannot read .github/tiers.yml: no such file\n" });
    const json = await cli(["validate", "nope.yml", "--format", "json"], temp);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({
      ok: false,
      errors: [{ file: "nope.yml", line: 1, column: 1, message: "cannot read nope.yml: no such file", severity: "error" }],
      warnings: [],
      notes: [],
    });
  });

  const OWNED = 'components:\n  a:\n    category: misc\n    tier: 3\n    owners: [x]\n    paths: ["src/a/**", "src/typo/**"]\n    implementation: partial\n';

  test("paths globs are compared with the files git lists under the current directory, new ones included", async () => {
    const cwd = tempFile(".github/tiers.yml", OWNED);
    tempFile("src/a/new-and-untracked.rs", "//\n");
    tempFile("src/typo/ignored.rs", "//\n");
    tempFile(".gitignore", "src/typo/\n");
    execFileSync("git", ["init", "-q"], { cwd });
    const { code, stdout, stderr } = await cli(["validate"], cwd);
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    expect(stdout.trimEnd().split("\n")).toEqual([
      '.github/tiers.yml:6:25: warning: components.a.paths[1]: "src/typo/**" matches no file in the repository',
      ".github/tiers.yml: valid, 1 component, 1 warning",
    ]);
    expect((await cli(["validate", "--skip-paths"], cwd)).stdout).toBe(".github/tiers.yml: valid, 1 component\n");
  });

  test("outside a git work tree the globs are not compared, and stderr says so", async () => {
    const cwd = tempFile(".github/tiers.yml", OWNED);
    const { code, stdout, stderr } = await cli(["validate"], cwd);
    expect(code).toBe(0);
    expect(stdout).toBe(".github/tiers.yml: valid, 1 component\n");
    expect(stderr).toBe("tierkeeper validate: note: Path globs were not compared with the repository's files: the current directory is not in a git work tree.\n");
    const json = JSON.parse((await cli(["validate", "--format", "json"], cwd)).stdout);
    expect(json.notes).toEqual(["Path globs were not compared with the repository's files: the current directory is not in a git work tree."]);
  });

  test("--base: a promotion missing requirements is an error (exit 1), a demotion and a lost owner are warnings", async () => {
    const cwd = tempFile("base.yml", OWNED);
    tempFile("promoted.yml", OWNED.replace("tier: 3", "tier: 2"));
    const promoted = await cli(["validate", "promoted.yml", "--base", "base.yml", "--skip-paths"], cwd);
    expect(promoted.code).toBe(1);
    expect(promoted.stdout.trimEnd().split("\n")).toEqual([
      "promoted.yml:4:11: components.a.tier: promotion from Tier 3 to Tier 2 is missing: CI testing, complete implementation",
      "promoted.yml: 1 error, not valid",
    ]);
    const json = JSON.parse((await cli(["validate", "promoted.yml", "--base=base.yml", "--skip-paths", "--format", "json"], cwd)).stdout);
    expect(json).toMatchObject({ ok: false, errors: [{ line: 4, column: 11, severity: "error" }], warnings: [] });

    tempFile("base1.yml", OWNED.replace("tier: 3", "tier: 2"));
    tempFile("head.yml", OWNED.replace("owners: [x]", "owners: []"));
    const demoted = await cli(["validate", "head.yml", "--base", "base1.yml", "--skip-paths"], cwd);
    expect(demoted.code).toBe(0);
    expect(demoted.stdout.trimEnd().split("\n")).toEqual([
      expect.stringMatching(/^head\.yml:4:11: warning: components\.a\.tier: demotion from Tier 2 to Tier 3 drops Tier 2's duties \(its maintainers reply to requests within a week; /),
      "head.yml:5:13: warning: components.a.owners: a loses its last owner; the policy requires a clearly identified owner",
      "head.yml: valid, 1 component, 2 warnings",
    ]);
  });

  test("--base must be a readable, valid registry: exit 1", async () => {
    const cwd = tempFile("head.yml", OWNED);
    expect(await cli(["validate", "head.yml", "--base", "nope.yml"], cwd)).toEqual({ code: 1, stdout: "", stderr: "tierkeeper validate: --base: cannot read nope.yml: no such file\n" });
    tempFile("bad.yml", "components:\n  a: {}\n");
    const bad = await cli(["validate", "head.yml", "--base", "bad.yml"], cwd);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^tierkeeper validate: --base: bad\.yml is not a valid registry \(bad\.yml:2:3: /);
  });

  test("--help documents what the globs are compared with", async () => {
    const { stdout } = await cli(["validate", "--help"]);
    expect(stdout).toContain("git ls-files --cached --others --exclude-standard");
    expect(stdout).toMatch(/--base <file>\s+the registry in force/);
    expect(stdout).toMatch(/--skip-paths\s+do not compare/);
  });

  test("usage errors exit 2", async () => {
    expect((await cli(["validate", "--format", "xml"])).code).toBe(2);
    expect((await cli(["validate", "a.yml", "b.yml"])).code).toBe(2);
    const unknown = await cli(["validate", "--strict"]);
    expect(unknown).toEqual({ code: 2, stdout: "", stderr: "tierkeeper validate: unknown option --strict for `tierkeeper validate`\n(see `tierkeeper validate --help`)\n" });
  });
});

describe("tierkeeper matrix", () => {
  const matrixOf = async (argv: string[], cwd = ROOT) => {
    const result = await cli(["matrix", ...argv], cwd);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout.endsWith("\n") && !result.stdout.trimEnd().includes("\n")).toBe(true); // one line
    return JSON.parse(result.stdout);
  };
  const ids = (matrix: { include: { component: string }[] }) => matrix.include.map((e) => e.component);

  test("the example: every component that has checks and is not disabled, as a compact include list", async () => {
    const matrix = await matrixOf(["--registry", EXAMPLE]);
    const parsed = parseRegistry(EXAMPLE_TEXT);
    if (!parsed.ok) throw new Error("example invalid");
    const expected = parsed.registry.components.filter((c) => c.checks.length > 0 && c.facts.ci !== "disabled").map((c) => c.id);
    expect(ids(matrix)).toEqual(expected);
    expect(expected).toHaveLength(16);
    expect(ids(matrix)).not.toContain("aarch64-apple-darwin"); // checks: []
    expect(matrix.include).toContainEqual({ component: "wasi-nn", tier: 3, checks: ["Test wasi-nn (*)"] });
    const raw = (await cli(["matrix", "--registry", EXAMPLE])).stdout;
    expect(raw.startsWith('{"include":[{"component":"x86_64-apple-darwin","tier":1,"checks":["Test macOS x86_64 (*)"]},')).toBe(true);
  });

  test("a component with `ci: disabled` is left out, unless --include-disabled", async () => {
    const cwd = tempFile(".github/tiers.yml", EXAMPLE_WITH_WASI_NN_DISABLED);
    const matrix = await matrixOf([], cwd);
    expect(ids(matrix)).not.toContain("wasi-nn");
    expect(ids(matrix)).toHaveLength(15);
    expect(ids(await matrixOf(["--exclude-disabled"], cwd))).toEqual(ids(matrix));
    expect(ids(await matrixOf(["--include-disabled"], cwd))).toContain("wasi-nn");
  });

  test("--tier filters", async () => {
    expect(ids(await matrixOf(["--registry", EXAMPLE, "--tier", "3"]))).toEqual(["wasi-nn", "threads", "component-model"]);
    expect((await matrixOf(["--registry", EXAMPLE, "--tier=1,2"])).include.every((e: { tier: number }) => e.tier < 3)).toBe(true);
  });

  test("--format checks: a JSON array of the enabled check names", async () => {
    const checks = await matrixOf(["--registry", EXAMPLE, "--format", "checks", "--tier", "3"]);
    expect(checks).toEqual(["Test wasi-nn (*)", "Test Linux x86_64 (wasmtime-cli-all)", "Test Linux x86_64 (wasmtime-cli-wast)"]);
    const cwd = tempFile(".github/tiers.yml", EXAMPLE_WITH_WASI_NN_DISABLED);
    expect(await matrixOf(["--format", "checks"], cwd)).not.toContain("Test wasi-nn (*)");
  });

  test("no component left: an empty include list", async () => {
    expect(await matrixOf(["--registry", EXAMPLE, "--tier", "3", "--format", "json"], ROOT)).not.toEqual({ include: [] });
    const cwd = tempFile(".github/tiers.yml", "components: {}\n");
    expect(await matrixOf([], cwd)).toEqual({ include: [] });
  });

  test("an invalid registry: its errors on stderr, nothing on stdout, exit 1", async () => {
    const cwd = tempFile(".github/tiers.yml", "components:\n  a:\n    category: misc\n    tier: 9\n    owners: []\n");
    const { code, stdout, stderr } = await cli(["matrix"], cwd);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toContain(".github/tiers.yml:4:11: components.a.tier: expected 1, 2 or 3, got 9\n");
    const missing = await cli(["matrix"], temp + "/nowhere");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe("tierkeeper matrix: cannot read .github/tiers.yml: no such file\n");
  });

  test("usage errors exit 2", async () => {
    for (const argv of [["--tier", "4"], ["--tier"], ["--format", "yaml"], ["--include-disabled", "--exclude-disabled"], ["extra"], ["--include-disabled=yes"]]) {
      const { code, stdout } = await cli(["matrix", "--registry", EXAMPLE, ...argv]);
      expect({ argv, code, stdout }).toEqual({ argv, code: 2, stdout: "" });
    }
  });

  test("matrixEntries keeps the registry's order and copies the check globs", () => {
    const parsed = parseRegistry(EXAMPLE_TEXT);
    if (!parsed.ok) throw new Error("example invalid");
    const entries = matrixEntries(parsed.registry.components, { tiers: new Set([2]) });
    expect(entries.map((e) => e.component)).toEqual(["aarch64-unknown-linux-gnu", "s390x-unknown-linux-gnu", "x86_64-pc-windows-gnu", "memory64", "multi-memory"]);
    entries[0].checks.push("mutated");
    expect(parsed.registry.components[8].checks).toEqual(["Test Linux arm64 (*)"]);
  });
});

describe("tierkeeper sweep", () => {
  const io = () => {
    const out = { stdout: "", stderr: "" };
    const value: Io = { stdout: (s) => void (out.stdout += s), stderr: (s) => void (out.stderr += s), cwd: ROOT, readFile: (p) => readFile(p, "utf8") };
    return { io: value, out };
  };

  test("passes the parsed options to the sweep and returns its exit code", async () => {
    const calls: SweepOptions[] = [];
    const run = async (o: SweepOptions) => (calls.push(o), 1);
    const { io: i } = io();
    expect(await sweepCommand(["--now", "2026-11-23T10:00:00+02:00", "--dry-run", "--limit", "5"], i, run)).toBe(1);
    expect(await sweepCommand([], i, run)).toBe(1);
    expect(calls).toEqual([{ now: new Date("2026-11-23T08:00:00Z"), dryRun: true, limit: 5 }, { dryRun: false }]);
  });

  test("without the App's credentials it says what is missing: exit 2", async () => {
    const { io: i, out } = io();
    expect(await runSweep({ dryRun: true }, i, {})).toBe(2);
    expect(out.stderr).toMatch(/APP_ID and PRIVATE_KEY/);
  });

  test("--now must be an ISO-8601 instant, --limit a positive number: usage errors, checked before loading", async () => {
    for (const argv of [
      ["--now", "2026-11-23"],
      ["--now", "2026-02-30T10:00:00Z"],
      ["--now", "2026-11-23T10:00:00"],
      ["--now", "yesterday"],
      ["--now", "2026-11-23T24:00:00Z"],
      ["--limit", "0"],
      ["--limit", "-3"],
      ["--limit", "2.5"],
      ["--limit", "ten"],
    ]) {
      const { code, stderr } = await cli(["sweep", ...argv]);
      expect({ argv, code }).toEqual({ argv, code: 2 });
      expect(stderr).toMatch(/^tierkeeper sweep: --(now|limit) (must|needs)/);
    }
  });

  test("parseInstant accepts Z, offsets and fractions", () => {
    expect(parseInstant("2026-11-23T10:00Z").toISOString()).toBe("2026-11-23T10:00:00.000Z");
    expect(parseInstant("2026-11-23T10:00:00.250-05:00").toISOString()).toBe("2026-11-23T15:00:00.250Z");
    expect(parseInstant("2028-02-29T00:00:00z").toISOString()).toBe("2028-02-29T00:00:00.000Z");
  });
});

describe("tierkeeper (dispatch)", () => {
  test("--help lists the commands, exit 0", async () => {
    for (const flag of ["--help", "-h", "help"]) {
      const { code, stdout } = await cli([flag]);
      expect(code).toBe(0);
      expect(stdout).toMatch(/^usage: tierkeeper <command>/);
      for (const name of ["validate", "matrix", "sweep"]) expect(stdout).toMatch(new RegExp(`^  ${name} `, "m"));
    }
  });

  test("each command has --help, exit 0", async () => {
    for (const name of ["validate", "matrix", "sweep"]) {
      const { code, stdout } = await cli([name, "--help"]);
      expect(code).toBe(0);
      expect(stdout).toMatch(new RegExp(`^usage: tierkeeper ${name}`));
      expect(stdout).toContain("-h, --help");
    }
  });

  test("no command or an unknown one: usage on stderr, exit 2", async () => {
    expect(await cli([])).toMatchObject({ code: 2, stdout: "", stderr: expect.stringMatching(/^usage: tierkeeper/) });
    expect(await cli(["frobnicate"])).toMatchObject({ code: 2, stdout: "", stderr: expect.stringMatching(/^tierkeeper: unknown command "frobnicate"/) });
  });
});

describe("the built executable (dist/cli/main.js; `npm test` builds it first)", () => {
  const MAIN = join(ROOT, "dist/cli/main.js");
  const node = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [MAIN, ...args], { cwd: ROOT }, (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      });
    });

  beforeAll(() => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` (npm test does) before these tests`);
  });

  test("starts with a shebang", () => {
    expect(readFileSync(MAIN, "utf8").split("\n")[0]).toBe("#!/usr/bin/env node");
  });

  test("matrix --registry examples/wasmtime/tiers.yml prints the same line as in-process", async () => {
    const child = await node(["matrix", "--registry", EXAMPLE]);
    expect(child.stderr).toBe("");
    expect(child.code).toBe(0);
    expect(child.stdout).toBe((await cli(["matrix", "--registry", EXAMPLE])).stdout);
  });

  test("exit codes reach the shell: 1 for an invalid registry, 2 for usage", async () => {
    const cwd = tempFile("bad.yml", "components:\n  a: {}\n");
    expect((await node(["validate", join(cwd, "bad.yml")])).code).toBe(1);
    expect((await node(["bogus"])).code).toBe(2);
  });
});
