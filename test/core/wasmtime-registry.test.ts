/**
 * examples/wasmtime/tiers.yml against the real Wasmtime: its check globs against the job names of
 * Wasmtime's CI, its path globs against Wasmtime's files (test/fixtures/wasmtime, with their source).
 */
import { readFileSync } from "node:fs";
import { parseRegistry } from "../../src/core/registry.js";
import { compileCheckGlob, compilePathGlob } from "../../src/core/glob.js";
import { evaluateFor } from "../../src/core/requirements.js";

const read = (path: string) => readFileSync(new URL(path, import.meta.url), "utf8");
/** The fixture's lines, without its `#` header. */
const lines = (path: string) =>
  read(path)
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"));

const JOBS = lines("../fixtures/wasmtime/jobs.txt");
const FILES = lines("../fixtures/wasmtime/files.txt");
const parsed = parseRegistry(read("../../examples/wasmtime/tiers.yml"), "examples/wasmtime/tiers.yml");
if (!parsed.ok) throw new Error("examples/wasmtime/tiers.yml is not valid");
const { components } = parsed.registry;

describe("the fixtures say where they come from", () => {
  test.each(["jobs.txt", "files.txt"])("%s names the repository and commit, and how it was produced", (file) => {
    const header = read(`../fixtures/wasmtime/${file}`).split("\n").slice(0, 2).join("\n");
    expect(header).toMatch(/https:\/\/github\.com\/bytecodealliance\/wasmtime at commit [0-9a-f]{40}/);
    expect(header).toContain("generate.mjs");
  });

  test("the job list is the real, sharded one", () => {
    expect(JOBS).toEqual(expect.arrayContaining(["Test Linux x86_64 (1/8)", "Test Linux arm64 (wasmtime-cli-wast)", "Test wasi-nn (openvino, ubuntu-24.04)", "Test DWARF debugging"]));
    expect(new Set(JOBS).size).toBe(JOBS.length);
  });
});

describe("every glob of examples/wasmtime/tiers.yml matches something real", () => {
  const checkGlobs = components.flatMap((c) => [...c.checks.map((g) => [c.id, "checks", g]), ...(c.fuzzing ?? []).map((g) => [c.id, "fuzzing", g])]);
  const pathGlobs = components.flatMap((c) => c.paths.map((g) => [c.id, g]));

  test("there are globs to check", () => {
    expect(checkGlobs.length).toBeGreaterThanOrEqual(30);
    expect(pathGlobs.length).toBeGreaterThanOrEqual(30);
  });

  test.each(checkGlobs)("%s %s %j matches a job of Wasmtime's CI", (_id, _key, glob) => {
    const pattern = compileCheckGlob(glob);
    expect(JOBS.filter((name) => pattern.test(name))).not.toEqual([]);
  });

  test.each(pathGlobs)("%s paths %j matches a file of Wasmtime", (_id, glob) => {
    const pattern = compilePathGlob(glob);
    expect(FILES.filter((f) => pattern.test(f))).not.toEqual([]);
  });

  test("the fixtures can tell: the invented names of the old registry and its stale paths match nothing", () => {
    for (const glob of ["Spec tests (simd)", "Fuzz targets", "Test threads", "Test Windows MSVC x86_64", "Test Linux x86_64", "Test wasi-nn"]) {
      expect(JOBS.filter((name) => compileCheckGlob(glob).test(name))).toEqual([]);
    }
    for (const glob of ["crates/wasi-common/**", "crates/wasi-crypto/**", "tests/all/threads/**", "crates/wasi/src/preview1.rs"]) {
      const pattern = compilePathGlob(glob);
      expect(FILES.filter((f) => pattern.test(f))).toEqual([]);
    }
    // Enough files that match none of the registry's paths, so that a glob such as `**` would stand out.
    const anyPath = pathGlobs.map(([, glob]) => compilePathGlob(glob));
    expect(FILES.filter((f) => !anyPath.some((m) => m.test(f))).length).toBeGreaterThanOrEqual(50);
  });

  test("each Tier 1 and Tier 2 target's checks are its own platform's test shards", () => {
    const shards = (id: string) => {
      const c = components.find((x) => x.id === id)!;
      return JOBS.filter((name) => c.checks.some((g) => compileCheckGlob(g).test(name)));
    };
    expect(shards("x86_64-unknown-linux-gnu")).toHaveLength(8);
    expect(shards("x86_64-unknown-linux-gnu").every((n) => n.startsWith("Test Linux x86_64 ("))).toBe(true);
    expect(shards("aarch64-unknown-linux-gnu").every((n) => n.startsWith("Test Linux arm64 ("))).toBe(true);
    expect(shards("x86_64-pc-windows-gnu").every((n) => n.startsWith("Test MinGW x86_64 ("))).toBe(true);
    expect(shards("wasi-nn")).toHaveLength(5);
  });
});

describe("fuzzing outside CI (`fuzzing: oss-fuzz`)", () => {
  const byId = Object.fromEntries(components.map((c) => [c.id, c]));

  test("the Tier 1 components declare OSS-Fuzz, not a CI job", () => {
    for (const c of components.filter((c) => c.tier === 1)) {
      expect(c.fuzzedOutsideCi).toBe("oss-fuzz");
      expect(c).not.toHaveProperty("fuzzing");
    }
  });

  test("meets continuous fuzzing, and CI evidence cannot take it away (CI does not see OSS-Fuzz)", () => {
    const fuzzing = (id: string, evidence = {}) => evaluateFor(byId[id], 1, evidence).find((r) => r.id === "continuous-fuzzing")?.status;
    expect(fuzzing("x86_64-pc-windows-gnu")).toBe("met");
    expect(fuzzing("x86_64-pc-windows-gnu", { fuzzingPassedWithinDays: null })).toBe("met");
    expect(fuzzing("aarch64-unknown-linux-gnu")).toBe("missing");
    // A CI fuzzing job, by contrast, must be seen passing once evidence is known.
    const withJob = { ...byId["x86_64-pc-windows-gnu"], fuzzedOutsideCi: undefined, fuzzing: ["Test wasmtime-fuzzing"] };
    expect(evaluateFor(withJob, 1, { fuzzingPassedWithinDays: null }).find((r) => r.id === "continuous-fuzzing")?.status).toBe("missing");
  });

  test("any other string is an error that names the accepted values", () => {
    const result = parseRegistry("components:\n  a:\n    category: Target\n    tier: 2\n    owners: [x]\n    fuzzing: Fuzz targets\n", "t.yml");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.message)).toEqual(['components.a.fuzzing: expected a list of check globs, or "oss-fuzz" or "outside-ci", got "Fuzz targets"']);
  });
});

describe("the bench replays Wasmtime's real job names", () => {
  test("the names it says the registry maps are real jobs some component claims; the others real jobs none claims", async () => {
    const { MAPPED, UNMAPPED } = await import("../../src/bench/stream.js");
    const claimed = (name: string) => components.some((c) => c.checks.some((g) => compileCheckGlob(g).test(name)));
    expect([...MAPPED, ...UNMAPPED].filter((n) => !JOBS.includes(n))).toEqual([]);
    expect(MAPPED.filter((n) => !claimed(n))).toEqual([]);
    expect(UNMAPPED.filter(claimed)).toEqual([]);
  });
});
