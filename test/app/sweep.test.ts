import { startSimApp, type SimApp } from "../support/sim-app.js";

/**
 * The sweep against a failing item (issue 11): one timeline that cannot be swept (a corrupt stored
 * state, GitHub answering 500) backs off with a growing delay, and the rest of the sweep proceeds.
 */
const DAY = 24 * 3600 * 1000;
const MINUTE = 60_000;
let app: SimApp;

afterEach(async () => {
  expect(app.sim.violations).toEqual([]);
  await app.close();
});

test("a corrupt timeline backs off (10 minutes, then 20) while the others are swept", async () => {
  app = await startSimApp();
  const repo = app.sim.state.mustRepo(app.repo);
  const main = repo.branches.get("main")!;
  await app.send(app.sim.completeCheckRun({ repo: app.repo, sha: main, name: "Test wasi-nn (openvino, ubuntu-24.04)", conclusion: "failure", branch: "main", completedAt: app.clock.now() }));
  // Another component's stored timeline is corrupt, and due before wasi-nn's.
  await app.store.db.run("INSERT INTO episodes (repo_id, component_id, repo_key, installation_id, state, due_at, version, updated_at) VALUES ($1, 'winch', $2, 1, '{not json', $3, 1, $3)", [
    repo.id,
    app.repo,
    app.clock.now(),
  ]);

  app.clock.advance(8 * DAY);
  const first = await app.tierkeeper.sweep();
  expect(first.steps.map((s) => [s.component, s.from, s.to])).toEqual([["wasi-nn", "notified", "disabling"]]);
  expect(first.failed).toEqual([expect.stringMatching(/^timeline bytecodealliance\/wasmtime winch: .*JSON/)]);
  // Said where it is read, naming the table, the row and the column.
  expect(first.failed[0]).toContain(`episodes (repo ${repo.id}, component winch): state is not valid JSON`);
  expect((await app.store.episodes.get(repo.id, "winch"))?.dueAt).toEqual(new Date(app.clock.now().getTime() + 10 * MINUTE));

  app.clock.advance(10 * MINUTE);
  expect((await app.tierkeeper.sweep()).failed).toHaveLength(1);
  expect((await app.store.episodes.get(repo.id, "winch"))?.dueAt).toEqual(new Date(app.clock.now().getTime() + 20 * MINUTE));
  app.clock.advance(10 * MINUTE);
  expect(await app.tierkeeper.sweep()).toMatchObject({ due: 0, failed: [] }); // not looked at again yet
});

test("GitHub answering 500 for one timeline's tracking issue: that one backs off, the other steps", async () => {
  app = await startSimApp();
  const repo = app.sim.state.mustRepo(app.repo);
  const main = repo.branches.get("main")!;
  for (const check of ["Test wasi-nn (openvino, ubuntu-24.04)", "Test Linux x86_64 (wasmtime-cli-all)"]) {
    await app.send(app.sim.completeCheckRun({ repo: app.repo, sha: main, name: check, conclusion: "failure", branch: "main", completedAt: app.clock.now() }));
  }
  const tracking = [...repo.issues.values()].filter((i) => !i.pull && i.title.startsWith("Tier 3 component"));
  // The tests/all shard fails two Tier 3 proposals at once, as in Wasmtime's CI.
  expect(tracking.map((i) => i.title).sort()).toEqual(["component-model", "threads", "wasi-nn"].map((id) => `Tier 3 component \`${id}\` is blocking other work`));
  const broken = tracking.find((i) => i.title.includes("`wasi-nn`"))!.number;
  // Reading wasi-nn's tracking issue's comments fails on GitHub's side, at every try.
  const original = app.sim.faults;
  app.sim.faults = {
    before: (_m: string, path: string) => (path.includes(`/issues/${broken}/comments`) ? { status: 500, body: { message: "Server Error" } } : undefined),
    after: () => undefined,
  } as never;

  app.clock.advance(8 * DAY);
  const report = await app.tierkeeper.sweep();
  app.sim.faults = original;
  expect(report.steps.map((s) => [s.component, s.from, s.to]).sort()).toEqual([
    ["component-model", "notified", "disabling"],
    ["threads", "notified", "disabling"],
  ]);
  expect(report.failed).toEqual([expect.stringMatching(/^timeline bytecodealliance\/wasmtime wasi-nn: /)]);
});
