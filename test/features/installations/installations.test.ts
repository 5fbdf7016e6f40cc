import { allExamples } from "../../support/examples.js";
import { startSimApp, type SimApp } from "../../support/sim-app.js";

/**
 * Installations deleted or suspended, and repositories removed from an installation (issue 11 §5),
 * with GitHub's published payloads: work for them stops cleanly (deliveries dropped, actions and
 * sweep items parked, no GitHub request, no error at every sweep) and resumes on `unsuspend` or
 * when the repository is added again.
 */
const DAY = 24 * 3600 * 1000;
let app: SimApp;

afterEach(async () => {
  expect(app.sim.violations).toEqual([]);
  await app.close();
});

/** GitHub's published example of `name.action`, for this simulator's installation and repository. */
function published(name: string, action: string): { name: string; payload: Record<string, any> } {
  const payload = allExamples(name).find((e) => e.action === action)!;
  const repo = app.sim.state.mustRepo(app.repo);
  const installationId = [...app.sim.state.installations.keys()][0];
  payload.installation = { ...payload.installation, id: installationId };
  const listed = { id: repo.id, node_id: "R_1", name: repo.name, full_name: repo.fullName, private: false };
  if (Array.isArray(payload.repositories)) payload.repositories = [listed];
  if (name === "installation_repositories") {
    payload.repositories_added = action === "added" ? [listed] : [];
    payload.repositories_removed = action === "removed" ? [listed] : [];
  }
  return { name, payload };
}

/** wasi-nn (Tier 3) fails on the default branch: a timeline starts, due in a week. */
async function breakMain() {
  await app.send(mainFails());
}
const mainFails = () => {
  const main = app.sim.state.mustRepo(app.repo).branches.get("main")!;
  return app.sim.completeCheckRun({ repo: app.repo, sha: main, name: "Test wasi-nn (openvino, ubuntu-24.04)", conclusion: "failure", branch: "main", completedAt: app.clock.now() });
};

const dropped = async () =>
  (await app.store.db.query<{ last_error: string }>("SELECT last_error FROM deliveries WHERE last_error LIKE 'dropped:%' ORDER BY received_at")).map((r) => r.last_error);

test.each([
  ["installation.suspend, then unsuspend", ["installation", "suspend"], ["installation", "unsuspend"], "dropped: installation suspended"],
  ["installation_repositories.removed, then added again", ["installation_repositories", "removed"], ["installation_repositories", "added"], "dropped: repository removed"],
] as const)("%s: nothing is done or asked meanwhile, and the timeline resumes after", async (_name, [stopName, stopAction], [resumeName, resumeAction], reason) => {
  app = await startSimApp();
  await breakMain();
  expect(app.writes().filter((w) => w.method === "POST" && w.path.endsWith("/issues"))).toHaveLength(1); // the tracking issue

  await app.send(published(stopName, stopAction));
  const asked = app.sim.requests.length;
  // A delivery for it meanwhile is dropped, the due step waits: no request, no error.
  const pr = app.sim.openPullRequest({ repo: app.repo, author: "contributor", files: ["crates/wasi-nn/src/lib.rs"] });
  await app.send(pr);
  app.clock.advance(8 * DAY);
  const report = await app.tierkeeper.sweep();
  expect([report.due, report.steps, report.failed]).toEqual([0, [], []]);
  expect(await app.tierkeeper.sweep()).toMatchObject({ due: 0, failed: [] });
  expect(app.sim.requests.length).toBe(asked);
  expect(await dropped()).toEqual([reason]);

  await app.send(published(resumeName, resumeAction));
  const resumed = await app.tierkeeper.sweep();
  expect(resumed.steps.map((s) => [s.component, s.from, s.to])).toEqual([["wasi-nn", "notified", "disabling"]]);
  expect(resumed.failed).toEqual([]);
});

test("installation.deleted: its pending actions are never sent, its timelines never swept, its deliveries dropped", async () => {
  app = await startSimApp();
  const installationId = [...app.sim.state.installations.keys()][0];
  const inFlight = mainFails(); // a delivery that was on its way when the installation went away
  await app.send(published("installation", "deleted"));
  // GitHub forgets the installation: every write through it would now be refused.
  app.sim.state.installations.delete(installationId);
  const asked = app.sim.requests.length;
  await app.send(inFlight);
  // An action decided before, still pending: it waits, and nothing is sent.
  const target = JSON.stringify({ owner: "bytecodealliance", repo: "wasmtime", marker: "<!-- tierkeeper:left -->" });
  await app.store.actions.saveIntent({
    key: "left",
    kind: "issue",
    target,
    desired: JSON.stringify({ title: "t", body: "b", labels: [], state: "open" }),
    installationId,
    now: app.clock.now(),
    shadow: false,
  });
  await app.tierkeeper.settle();
  expect(await app.store.actions.get("left")).toMatchObject({ version: 1, appliedVersion: 0 });
  app.clock.advance(8 * DAY);
  expect(await app.tierkeeper.sweep()).toMatchObject({ due: 0, steps: [], failed: [] });
  expect(app.sim.requests.length).toBe(asked);
  expect(await dropped()).toEqual(["dropped: installation deleted"]);
  expect(await app.store.parked.list()).toEqual([{ installationId, repoId: 0, repoKey: "", reason: "deleted", since: new Date(app.clock.now().getTime() - 8 * DAY) }]);
});
