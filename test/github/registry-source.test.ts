import { REGISTRY_PARSER_VERSION } from "../../src/core/registry.js";
import { EXAMPLE_REGISTRY } from "../../src/demo/stage.js";
import { startSimApp, type SimApp } from "../support/sim-app.js";

/**
 * Where the rules come from, through Probot's config loader against the simulator: the
 * repository's own `.github/tiers.yml`, else the organisation's `.github` repository, and
 * `_extends` to share a registry between repositories.
 */
let app: SimApp;
afterEach(async () => {
  expect(app.sim.violations).toEqual([]);
  await app.close();
});

async function breakMain(a: SimApp) {
  const main = a.sim.state.mustRepo(a.repo).branches.get("main")!;
  await a.send(a.sim.completeCheckRun({ repo: a.repo, sha: main, name: "Test wasi-nn (openvino, ubuntu-24.04)", conclusion: "failure", branch: "main", completedAt: a.clock.now() }));
}

const trackingIssues = (a: SimApp) => [...a.sim.state.mustRepo(a.repo).issues.values()].filter((i) => i.title.startsWith("Tier 3 component"));

test("without a file of its own, a repository follows its organisation's .github repository", async () => {
  app = await startSimApp();
  app.sim.pushCommit({ repo: app.repo, branch: "main", files: { ".github/tiers.yml": null } });
  app.sim.createRepo({ owner: "bytecodealliance", name: ".github", files: { ".github/tiers.yml": EXAMPLE_REGISTRY } });
  await breakMain(app);
  expect(trackingIssues(app)).toHaveLength(1);
});

test("_extends shares a registry; the repository's own keys win (here: shadow mode)", async () => {
  app = await startSimApp();
  app.sim.createRepo({ owner: "bytecodealliance", name: "shared-tiers", files: { ".github/tiers.yml": EXAMPLE_REGISTRY } });
  app.sim.pushCommit({ repo: app.repo, branch: "main", files: { ".github/tiers.yml": "_extends: shared-tiers\npolicy:\n  mode: shadow\n" } });
  await breakMain(app);
  expect(trackingIssues(app)).toHaveLength(0); // shadow: nothing written to GitHub ...
  const kept = await app.store.actions.keysWithPrefix("tier3:");
  expect(kept.some((k) => k.endsWith(":tracking"))).toBe(true); // ... but decided, from the shared components
});

test("a default-branch registry over 256 KB (once the loader has parsed it) is refused with the limit: nothing is acted on", async () => {
  app = await startSimApp();
  const huge = EXAMPLE_REGISTRY.replace(/^components:\n/m, `components:\n  padding:\n    category: misc\n    tier: 3\n    owners: []\n    description: "${"x".repeat(256 * 1024)}"\n`);
  app.sim.pushCommit({ repo: app.repo, branch: "main", files: { ".github/tiers.yml": huge } });
  await breakMain(app);
  expect(trackingIssues(app)).toHaveLength(0);
  const cached = await app.store.registries.get(app.sim.state.mustRepo(app.repo).id);
  expect(cached?.registry).toBeNull();
  expect(cached!.errors).toEqual([
    { file: ".github/tiers.yml", line: 1, column: 1, message: expect.stringMatching(/^the registry is larger than 256 KB \(2\d\d KB or more\): tierkeeper refuses it$/), severity: "error" },
  ]);
});

test("a registry cached by an older tierkeeper with a glob this one refuses is parsed again from its source, not compiled at every delivery", async () => {
  app = await startSimApp();
  await breakMain(app); // caches the example registry
  const repoId = app.sim.state.mustRepo(app.repo).id;
  const [row] = await app.store.db.query<{ source_json: string; registry_json: string }>("SELECT source_json, registry_json FROM registry_cache WHERE repo_id = $1", [repoId]);
  // As an older parser left it: a glob it accepted (picomatch does), in the source and in the parsed registry.
  const source = JSON.parse(row.source_json);
  const [first] = Object.keys(source.components);
  source.components[first].paths = ["crates/(old|glob)/**"];
  const registry = JSON.parse(row.registry_json);
  registry.components[0].paths = ["crates/(old|glob)/**"];
  await app.store.db.run("UPDATE registry_cache SET source_json = $2, registry_json = $3, parser_version = $4 WHERE repo_id = $1", [
    repoId,
    JSON.stringify(source),
    JSON.stringify(registry),
    REGISTRY_PARSER_VERSION - 1,
  ]);
  const main = app.sim.state.mustRepo(app.repo).branches.get("main")!;
  await app.send(app.sim.completeCheckRun({ repo: app.repo, sha: main, name: "Test wasi-nn (openvino, ubuntu-24.04)", conclusion: "failure", branch: "main", completedAt: app.clock.now() }));
  const again = await app.store.registries.get(repoId);
  expect(again!.registry).toBeNull(); // this parser refuses the glob: nothing is acted on ...
  expect(again!.errors.map((p) => p.message).join("\n")).toContain("(old|glob)"); // ... and says why
  const [stored] = await app.store.db.query<{ parser_version: number }>("SELECT parser_version FROM registry_cache WHERE repo_id = $1", [repoId]);
  expect(Number(stored.parser_version)).toBe(REGISTRY_PARSER_VERSION); // parsed again once, not at every read
});

test("a registry cached before its source was kept is read again from GitHub", async () => {
  app = await startSimApp();
  await breakMain(app); // caches the example registry
  const repoId = app.sim.state.mustRepo(app.repo).id;
  const before = await app.store.registries.get(repoId);
  await app.store.db.run("UPDATE registry_cache SET source_json = NULL, parser_version = 0, registry_json = $2 WHERE repo_id = $1", [repoId, '{"components":[]}']);
  expect(await app.store.registries.get(repoId)).toBeUndefined(); // stale: no source to parse again
  app.clock.advance(60_000);
  const main = app.sim.state.mustRepo(app.repo).branches.get("main")!;
  await app.send(app.sim.completeCheckRun({ repo: app.repo, sha: main, name: "Test wasi-nn (openvino, ubuntu-24.04)", conclusion: "failure", branch: "main", completedAt: app.clock.now() }));
  const again = await app.store.registries.get(repoId);
  expect(again!.fetchedAt.getTime()).toBeGreaterThan(before!.fetchedAt.getTime()); // fetched again
  expect(again!.registry).toEqual(before!.registry);
});
