import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { appendFile, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Io } from "../../src/cli/io.js";
import { run } from "../../src/cli/run.js";
import { markdownText, parseDisablingNote } from "../../src/core/gate.js";
import { setComponentCi } from "../../src/core/registry-edit.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const WASMTIME = readFileSync(join(ROOT, "examples/wasmtime/tiers.yml"), "utf8");
/** Wasmtime's real CI job names (test/fixtures/wasmtime/jobs.txt). */
const JOBS = readFileSync(join(ROOT, "test/fixtures/wasmtime/jobs.txt"), "utf8")
  .split("\n")
  .filter((l) => l !== "" && !l.startsWith("#"));
/** The note tierkeeper's disabling pull request writes beside `ci: disabled`. */
const NOTE = "disabled by tierkeeper on 2026-11-30: see issue #12";
const disable = (text: string, id: string, note: string | undefined = NOTE) => setComponentCi(text, id, "disabled", note);

let temp: string;
beforeEach(() => {
  temp = mkdtempSync(join(tmpdir(), "tierkeeper-gate-"));
});
afterEach(() => rmSync(temp, { recursive: true, force: true }));

/** Runs the CLI in-process in a checkout whose `.github/tiers.yml` is `registry`, inside GitHub Actions (files for outputs and summary). */
async function cli(argv: string[], registry: string, options: { stdin?: string; actions?: boolean } = {}) {
  writeFileSync(join(temp, "tiers.yml"), registry);
  const output = join(temp, "output");
  const summary = join(temp, "summary");
  writeFileSync(output, "earlier=1\n");
  let stdout = "";
  let stderr = "";
  const io: Io = {
    stdout: (s) => void (stdout += s),
    stderr: (s) => void (stderr += s),
    cwd: temp,
    readFile: (path) => readFile(path, "utf8"),
    readStdin: async () => options.stdin ?? "",
    appendFile: (path, text) => appendFile(path, text, "utf8"),
    env: options.actions === false ? {} : { GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary },
  };
  const code = await run([...argv, "--registry", "tiers.yml"], io);
  const readOr = (path: string) => {
    try {
      return readFileSync(path, "utf8");
    } catch {
      return undefined;
    }
  };
  return { code, stdout, stderr, lastLine: stdout.trimEnd().split("\n").at(-1), output: readOr(output), summary: readOr(summary) };
}

describe("tierkeeper gate", () => {
  test("a job only a disabled component claims: skip, skip=true, and a summary with since when and how to re-enable", async () => {
    const r = await cli(["gate", "--job", "Test wasi-nn (openvino, ubuntu-24.04)"], disable(WASMTIME, "wasi-nn"));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('"Test wasi-nn (openvino, ubuntu-24.04)": wasi-nn · Tier 3 is disabled in CI since 2026-11-30 (tracking issue #12)\nskip\n');
    expect(r.output).toBe("earlier=1\nskip=true\n");
    expect(r.summary).toBe(
      [
        "### tierkeeper: Test wasi\\-nn \\(openvino, ubuntu\\-24\\.04\\) skipped",
        "",
        "- `wasi-nn` · Tier 3 is disabled in CI (`ci: disabled` in tiers\\.yml) since 2026-11-30 (tracking issue #12).",
        "",
        "To re-enable: fix the failures, then remove `ci: disabled` from `wasi-nn` in tiers\\.yml on the default branch.",
        "",
      ].join("\n"),
    );
  });

  test("every job of a disabled platform is skipped, and no other job of Wasmtime's CI", async () => {
    const registry = disable(WASMTIME, "s390x-unknown-linux-gnu");
    const skipped: string[] = [];
    for (const job of JOBS) if ((await cli(["gate", "--job", job], registry, { actions: false })).lastLine === "skip") skipped.push(job);
    expect(skipped).toEqual(JOBS.filter((j) => j.startsWith("Test Linux s390x (")));
    expect(skipped).toHaveLength(8);
  });

  test("an enabled component's job: run, skip=false, nothing in the summary", async () => {
    const r = await cli(["gate", "--job", "Test Linux x86_64 (1/8)"], disable(WASMTIME, "wasi-nn"));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('"Test Linux x86_64 (1/8)": tests x86_64-unknown-linux-gnu\nrun\n');
    expect(r.output).toBe("earlier=1\nskip=false\n");
    expect(r.summary).toBeUndefined();
  });

  test("a job no component claims runs", async () => {
    const r = await cli(["gate", "--job", "Rustfmt"], WASMTIME);
    expect([r.code, r.lastLine, r.output]).toEqual([0, "run", "earlier=1\nskip=false\n"]);
    expect(r.stdout).toContain("no component of");
  });

  test("a shard that also tests enabled components runs, and the summary says why", async () => {
    const r = await cli(["gate", "--job", "Test Linux x86_64 (wasmtime-cli-all)"], disable(WASMTIME, "threads"));
    expect([r.code, r.lastLine, r.output]).toEqual([0, "run", "earlier=1\nskip=false\n"]);
    expect(r.summary).toContain("### tierkeeper: Test Linux x86\\_64 \\(wasmtime\\-cli\\-all\\) runs");
    expect(r.summary).toContain("- `threads` · Tier 3 is disabled in CI");
    expect(r.summary).toContain("This job runs anyway: it also tests `x86_64-unknown-linux-gnu`, `component-model`, which are enabled.");
  });

  test("disabled by hand (no tierkeeper note): no date is made up", async () => {
    const r = await cli(["gate", "--job", "Test wasi-nn (winml, windows-2025)"], setComponentCi(WASMTIME, "wasi-nn", "disabled"));
    expect(r.lastLine).toBe("skip");
    expect(r.summary).toContain("- `wasi-nn` · Tier 3 is disabled in CI (`ci: disabled` in tiers\\.yml).\n");
  });

  test("untrusted names are escaped in the summary and cannot forge the log's last line or a runner command", async () => {
    const registry = [
      "components:",
      "  evil:",
      '    name: "<img src=x onerror=alert(1)> @bytecodealliance/wasmtime-core [x](https://evil.example)"',
      "    category: misc",
      "    tier: 3",
      "    owners: [x]",
      '    checks: ["Evil*"]',
      "    ci: disabled # disabled by tierkeeper on 2026-11-30: see issue #3",
      "",
    ].join("\n");
    const job = "Evil](https://evil.example) <script>x</script> @someone `x`\n::set-output name=skip::false\nrun";
    const r = await cli(["gate", "--job", job], registry);
    expect(r.code).toBe(0);
    expect(r.lastLine).toBe("skip");
    expect(r.stdout.split("\n").filter((l) => l.startsWith("::") || l === "run")).toEqual([]);
    expect(r.output).toBe("earlier=1\nskip=true\n");
    const summary = r.summary!;
    expect(summary.split("\n")[0]).toBe(`### tierkeeper: ${markdownText(job)} skipped`);
    // Every character Markdown would act on is escaped, but for the component id's and the key's code spans.
    const [heading, component] = summary.split("\n").filter(Boolean);
    const unescaped = /(?<!\\)[<>@[\]`*_]/; // our own parentheses are harmless once no `]` precedes them
    expect(heading).not.toMatch(unescaped);
    expect(component.replace("`evil`", "").replace("`ci: disabled`", "")).not.toMatch(unescaped);
    expect(summary).toContain("\\<img src=x onerror=alert\\(1\\)\\> \\@bytecodealliance/wasmtime\\-core \\[x\\]\\(https\\:");
  });

  test("an invalid registry fails the step (exit 1) and writes no output; so does a missing one", async () => {
    const r = await cli(["gate", "--job", "Test Linux x86_64 (1/8)"], "components:\n  a:\n    category: misc\n    tier: 9\n    owners: []\n");
    expect([r.code, r.stdout, r.output, r.summary]).toEqual([1, "", "earlier=1\n", undefined]);
    expect(r.stderr).toContain("tiers.yml:4:11: components.a.tier: expected 1, 2 or 3, got 9");
    let stderr = "";
    const io: Io = { stdout: () => {}, stderr: (s) => void (stderr += s), cwd: temp, readFile: (p) => readFile(p, "utf8") };
    expect(await run(["gate", "--job", "x"], io)).toBe(1);
    expect(stderr).toBe("tierkeeper gate: cannot read .github/tiers.yml: no such file\n");
  });

  test("usage errors exit 2", async () => {
    for (const argv of [["gate"], ["gate", "--job"], ["gate", "--job", " "], ["gate", "--job", "x", "extra"], ["gate", "--job", "x", "--skip"]]) {
      const r = await cli(argv, WASMTIME);
      expect({ argv, code: r.code, stdout: r.stdout, output: r.output }).toEqual({ argv, code: 2, stdout: "", output: "earlier=1\n" });
    }
  });

  test("the disabling note: tierkeeper's date and issue, nothing from other comments", () => {
    expect(parseDisablingNote(" disabled by tierkeeper on 2026-11-30: see issue #12")).toEqual({ since: "2026-11-30", issue: 12 });
    expect(parseDisablingNote("disabled by tierkeeper on 2026-01-02: https://github.com/o/r/issues/7")).toEqual({ since: "2026-01-02", issue: 7 });
    expect(parseDisablingNote("turned off by hand, flaky")).toEqual({});
    expect(parseDisablingNote(undefined)).toEqual({});
  });
});

/** Wasmtime's generated test matrix, as `ci/build-test-matrix.js` prints it (names from the fixture, other fields abridged). */
const TEST_MATRIX = JOBS.filter((j) => /^Tests? (Linux|macOS|MSVC|MinGW|ASAN|MPK)/.test(j)).map((name) => ({ name, os: "ubuntu-24.04", bucket: "--package x" }));

describe("tierkeeper matrix --filter", () => {
  test("Wasmtime's matrix without the disabled platform's shards, same shape, other entries untouched", async () => {
    const input = { include: TEST_MATRIX, extra: 1 };
    const r = await cli(["matrix", "--filter"], disable(WASMTIME, "s390x-unknown-linux-gnu"), { stdin: JSON.stringify(input) });
    expect(r.code).toBe(0);
    expect(r.stdout.endsWith("\n") && !r.stdout.trimEnd().includes("\n")).toBe(true);
    const out = JSON.parse(r.stdout);
    expect(out).toEqual({ include: TEST_MATRIX.filter((e) => !e.name.startsWith("Test Linux s390x")), extra: 1 });
    expect(TEST_MATRIX.length - out.include.length).toBe(8);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(8);
    expect(r.stderr).toContain('left out: "Test Linux s390x (1/8)": s390x-unknown-linux-gnu · Tier 2 is disabled in CI since 2026-11-30 (tracking issue #12)\n');
    // It writes no step output of its own: the workflow decides what to do with the matrix.
    expect(r.output).toBe("earlier=1\n");
  });

  test("a bare array stays a bare array; nothing disabled keeps everything", async () => {
    const r = await cli(["matrix", "--filter"], WASMTIME, { stdin: JSON.stringify(TEST_MATRIX) });
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(JSON.parse(r.stdout)).toEqual(TEST_MATRIX);
  });

  test("a shard shared with enabled components is kept, and stderr says so", async () => {
    const r = await cli(["matrix", "--filter"], disable(WASMTIME, "threads"), { stdin: JSON.stringify({ include: TEST_MATRIX }) });
    expect(JSON.parse(r.stdout)).toEqual({ include: TEST_MATRIX });
    expect(r.stderr).toMatch(
      /^kept: "Test Linux x86_64 \(wasmtime-cli-all\)": threads · Tier 3 is disabled in CI since 2026-11-30 \(tracking issue #12\); .*runs, it also tests x86_64-unknown-linux-gnu, component-model\n/,
    );
  });

  test("--key names the field holding the job name; entries without one are kept", async () => {
    const input = [{ job: "Test wasi-nn (openvino, ubuntu-24.04)" }, { job: "Test Linux x86_64 (1/8)" }, { other: 1 }, "not an object"];
    const r = await cli(["matrix", "--filter", "--key", "job"], disable(WASMTIME, "wasi-nn"), { stdin: JSON.stringify(input) });
    expect(JSON.parse(r.stdout)).toEqual(input.slice(1));
  });

  test("stdin that is not a matrix: exit 1, nothing on stdout", async () => {
    for (const stdin of ["", "{", '{"include": 3}', "42", "null"]) {
      const r = await cli(["matrix", "--filter"], WASMTIME, { stdin });
      expect({ stdin, code: r.code, stdout: r.stdout }).toEqual({ stdin, code: 1, stdout: "" });
      expect(r.stderr).toMatch(/^tierkeeper matrix --filter: /);
    }
  });

  test("--filter with the options of the registry's own matrix, or --key alone: usage errors", async () => {
    for (const argv of [
      ["--filter", "--tier", "3"],
      ["--filter", "--format", "checks"],
      ["--filter", "--include-disabled"],
      ["--key", "name"],
    ]) {
      const r = await cli(["matrix", ...argv], WASMTIME, { stdin: "[]" });
      expect({ argv, code: r.code, stdout: r.stdout }).toEqual({ argv, code: 2, stdout: "" });
    }
  });
});

describe("the built executable (dist/cli/main.js) wires stdin, GITHUB_OUTPUT and the step summary", () => {
  const MAIN = join(ROOT, "dist/cli/main.js");
  const exec = (args: string[], env: Record<string, string>, stdin?: string) =>
    new Promise<{ code: number; stdout: string }>((resolve) => {
      const child = execFile(process.execPath, [MAIN, ...args], { cwd: temp, env: { ...process.env, ...env } }, (error, stdout) => resolve({ code: error ? Number(error.code) : 0, stdout }));
      child.stdin!.end(stdin ?? "");
    });

  test("gate and matrix --filter", async () => {
    writeFileSync(join(temp, "tiers.yml"), disable(WASMTIME, "wasi-nn"));
    const env = { GITHUB_OUTPUT: join(temp, "out"), GITHUB_STEP_SUMMARY: join(temp, "summary") };
    const gate = await exec(["gate", "--registry", "tiers.yml", "--job", "Test wasi-nn (onnx-download, windows-2025)"], env);
    expect([gate.code, gate.stdout.trimEnd().split("\n").at(-1)]).toEqual([0, "skip"]);
    expect(readFileSync(env.GITHUB_OUTPUT, "utf8")).toBe("skip=true\n");
    expect(readFileSync(env.GITHUB_STEP_SUMMARY, "utf8")).toContain("since 2026-11-30");
    const input = [{ name: "Test wasi-nn (openvino, ubuntu-24.04)" }, { name: "Test Linux x86_64 (1/8)" }];
    const filtered = await exec(["matrix", "--filter", "--registry", "tiers.yml"], {}, JSON.stringify(input));
    expect([filtered.code, filtered.stdout]).toEqual([0, `${JSON.stringify(input.slice(1))}\n`]);
  });
});
