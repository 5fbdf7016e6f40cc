import { readFileSync } from "node:fs";
import { join } from "node:path";
import { importDocument } from "../../../src/core/import-document.js";
import { parseRegistry } from "../../../src/core/registry.js";
import { statusRows } from "../../../src/core/render/status-tables.js";
import { parseTierDocument, rewriteTables } from "../../../src/core/tier-document.js";
import { startSimApp, type SimApp } from "../../support/sim-app.js";

/** With `policy.document`, a PR changing the registry or the document gets `tierkeeper/document`. */
const SPEC = readFileSync(join(process.cwd(), "../shared/spec/tiers-of-support.md"), "utf8");
const DOC = "docs/tiers.md";
const REGISTRY = importDocument(SPEC, { documentPath: DOC, owners: ["alexcrichton"] }).yaml.replace("  mode: shadow\n", "  mode: enforce\n");

let app: SimApp;
afterEach(async () => {
  expect(app.sim.violations).toEqual([]);
  await app.close();
});

type Output = { title: string; summary: string; annotations?: { path: string; start_line: number; annotation_level: string; message: string }[] };
const documentChecks = (a: SimApp) => [...a.sim.state.mustRepo(a.repo).checkRuns.values()].filter((r) => r.name === "tierkeeper/document");
const output = (run: { output: unknown }) => run.output as Output;
const lineOf = (text: string, snippet: string) => text.split("\n").findIndex((l) => l.includes(snippet)) + 1;

async function startWorld(): Promise<SimApp> {
  const a = await startSimApp({ registry: REGISTRY });
  a.sim.state.pushFiles(a.sim.state.mustRepo(a.repo), "main", { [DOC]: SPEC });
  return a;
}

async function openPr(a: SimApp, contents: Record<string, string | null>) {
  const files = Object.entries(contents).map(([filename, text]) => (text === null ? { filename, status: "removed" as const } : filename));
  const pr = a.sim.openPullRequest({ repo: a.repo, author: "contributor", files, contents });
  await a.send(pr);
  return pr;
}

test("a document edit that disagrees with the registry fails, annotated on the document's lines", async () => {
  app = await startWorld();
  const edited = SPEC.replace("| Target | aarch64-unknown-linux-gnu | Continuous fuzzing |\n", "")
    .replace("| WASI Proposal | wasi-nn | More expansive CI testing |", "| WASI Proposal | wasi-nn | CI testing |")
    .replace("| Target | aarch64-apple-darwin | CI testing |\n", "")
    .replace("| Target | x86_64-unknown-linux-gnu |\n", "| Target | x86_64-unknown-linux-gnu |\n| Target | aarch64-apple-darwin |\n")
    .replace("improved quality |\n", "improved quality |\n| misc | Something new | CI testing |\n| misc | Placeholder |\n");
  const pr = await openPr(app, { [DOC]: edited });
  const [run] = documentChecks(app);
  expect(documentChecks(app)).toHaveLength(1);
  expect(run).toMatchObject({ headSha: pr.headSha, status: "completed", conclusion: "failure" });
  expect(output(run).title).toBe(`5 differences between ${DOC} and the registry`);
  expect(output(run).annotations!.map((a) => [a.path, a.start_line, a.annotation_level, a.message])).toEqual([
    [DOC, lineOf(edited, "| Target | aarch64-apple-darwin |"), "failure", "aarch64-apple-darwin (aarch64-apple-darwin) is Tier 3 in the registry, not Tier 1"],
    [
      DOC,
      lineOf(edited, "| WebAssembly Proposal | multi-memory |"),
      "failure",
      "aarch64-unknown-linux-gnu (aarch64-unknown-linux-gnu) is Tier 2 in the registry but has no row in this table",
    ],
    [DOC, lineOf(edited, "| WASI Proposal | wasi-nn |"), "failure", 'wasi-nn (wasi-nn): Missing Tier 2 Requirements is "More expansive CI testing" from the registry, not "CI testing"'],
    [DOC, lineOf(edited, "| misc | Something new |"), "failure", "Something new (Tier 3, misc) is not in the registry"],
    [DOC, lineOf(edited, "| misc | Placeholder |"), "failure", "Placeholder (Tier 3, misc) is not in the registry"],
  ]);
  expect(output(run).summary).toContain("`npx tierkeeper status --write-document` rewrites the document's tables");
});

test("a registry edit the document does not follow fails; the same edit with the rewritten document passes", async () => {
  app = await startWorld();
  const registry = REGISTRY.replace('    category: "WebAssembly Proposal"\n    tier: 2\n', '    category: "WebAssembly Proposal"\n    tier: 1\n');
  expect(registry).not.toBe(REGISTRY);
  const alone = await openPr(app, { ".github/tiers.yml": registry });
  const [run] = documentChecks(app);
  expect(run).toMatchObject({ headSha: alone.headSha, conclusion: "failure" });
  expect(output(run).annotations!.map((a) => a.message)).toEqual(["memory64 (memory64) is Tier 1 in the registry, not Tier 2"]);

  const parsed = parseRegistry(registry);
  if (!parsed.ok) throw new Error("the edited registry is not valid");
  const rewritten = rewriteTables(SPEC, parseTierDocument(SPEC), statusRows(parsed.registry));
  const both = await openPr(app, { ".github/tiers.yml": registry, [DOC]: rewritten });
  const passed = documentChecks(app).find((r) => r.headSha === both.headSha)!;
  expect(passed).toMatchObject({ conclusion: "success", output: expect.objectContaining({ title: `${DOC} matches the registry` }) });
});

test("a PR touching neither gets no document check; one deleting the document fails; a broken registry is not compared", async () => {
  app = await startWorld();
  await openPr(app, { "crates/wasi-nn/src/lib.rs": "// changed\n" });
  expect(documentChecks(app)).toEqual([]);
  const deleting = await openPr(app, { [DOC]: null });
  expect(documentChecks(app).find((r) => r.headSha === deleting.headSha)).toMatchObject({ conclusion: "failure", output: expect.objectContaining({ title: `${DOC} does not exist` }) });
  const broken = await openPr(app, { ".github/tiers.yml": REGISTRY.replace("    tier: 3\n", "    tier: 4\n") });
  expect(documentChecks(app).find((r) => r.headSha === broken.headSha)).toMatchObject({
    conclusion: "neutral",
    output: expect.objectContaining({ title: "Not compared: the registry at head is not valid" }),
  });
});
