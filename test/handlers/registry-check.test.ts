import { EXAMPLE_REGISTRY } from "../../src/demo/stage.js";
import { startSimApp, type SimApp } from "../support/sim-app.js";

/** A pull request that edits the registry gets `tierkeeper/registry`, judged on the file at its head. */
let app: SimApp;
afterEach(async () => {
  expect(app.sim.violations).toEqual([]);
  await app.close();
});

const checkRuns = (a: SimApp) => [...a.sim.state.mustRepo(a.repo).checkRuns.values()].filter((r) => r.name === "tierkeeper/registry");
const annotations = (run: { output: unknown }) => ((run.output as { annotations?: { start_line: number; annotation_level: string; message: string }[] }).annotations ?? []);

async function openEdit(a: SimApp, text: string, id?: string) {
  const pr = a.sim.openPullRequest({ repo: a.repo, author: "contributor", files: [".github/tiers.yml"], contents: { ".github/tiers.yml": text } });
  await a.send(pr, id);
  return pr;
}

test("a valid edit passes, its warnings anchored to their lines; a redelivery adds nothing", async () => {
  app = await startSimApp();
  const pr = await openEdit(app, EXAMPLE_REGISTRY, "edit-1");
  await app.send(pr, "edit-1");
  const [run] = checkRuns(app);
  expect(checkRuns(app)).toHaveLength(1);
  expect(run).toMatchObject({ headSha: pr.headSha, status: "completed", conclusion: "success" });
  expect((run.output as { title: string }).title).toBe(".github/tiers.yml is valid, with 2 warnings");
  expect(annotations(run).map((a) => [a.start_line, a.annotation_level])).toEqual([[130, "warning"], [178, "warning"]]);
});

test("a broken edit fails, with the error where the maintainer edits, and the rules in force do not change", async () => {
  app = await startSimApp();
  const edited = EXAMPLE_REGISTRY.replace("  wasi-nn:\n    name: wasi-nn\n    category: WASI Proposal\n    tier: 3", "  wasi-nn:\n    name: wasi-nn\n    category: WASI Proposal\n    tier: 4");
  expect(edited).not.toBe(EXAMPLE_REGISTRY);
  await openEdit(app, edited);
  const [run] = checkRuns(app);
  expect(run.conclusion).toBe("failure");
  const failures = annotations(run).filter((a) => a.annotation_level === "failure");
  expect(failures).toHaveLength(1);
  expect(failures[0].message).toBe("components.wasi-nn.tier: expected 1, 2 or 3, got 4");
  expect(edited.split("\n")[failures[0].start_line - 1]).toBe("    tier: 4");
  // The rules in force are still the default branch's: a wasi-nn failure on main is still Tier 3 business.
  const main = app.sim.state.mustRepo(app.repo).branches.get("main")!;
  await app.send(app.sim.completeCheckRun({ repo: app.repo, sha: main, name: "Test wasi-nn", conclusion: "failure", branch: "main", completedAt: app.clock.now() }));
  expect([...app.sim.state.mustRepo(app.repo).issues.values()].some((i) => i.title === "Tier 3 component `wasi-nn` is blocking other work")).toBe(true);
});

test("more than 50 findings are sent in batches of 50", async () => {
  app = await startSimApp();
  const components = Array.from({ length: 120 }, (_, i) => `  c${i}:\n    category: misc\n    tier: 9\n    owners: [me]\n`).join("");
  await openEdit(app, `components:\n${components}`);
  const [run] = checkRuns(app);
  expect(annotations(run)).toHaveLength(120);
  const sent = app.sim.requests.filter((r) => r.template?.startsWith("/repos/{owner}/{repo}/check-runs"));
  expect(sent.map((r) => r.method)).toEqual(["POST", "PATCH", "PATCH"]);
});
