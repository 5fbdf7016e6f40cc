import { timelinesCommand } from "../../../src/cli/timelines.js";
import { parseRegistry } from "../../../src/core/registry.js";
import { EXAMPLE_REGISTRY } from "../../../src/demo/stage.js";
import { example } from "../../support/examples.js";
import { freshPostgres } from "../../support/postgres.js";
import { startSimApp, type SimApp } from "../../support/sim-app.js";

/**
 * Tier 3 timelines through the real app and the GitHub simulator, with a driven clock:
 * notify, disable after a week of silence, propose removal after a further month; responses,
 * verification before every step, freeze, commands, shadow mode, and the sweep's idempotency.
 */
const DAY = 24 * 3600 * 1000;
let app: SimApp;
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  expect(app.sim.violations).toEqual([]);
  await app.close();
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const issuesOf = (a: SimApp) => [...a.sim.state.mustRepo(a.repo).issues.values()];
const trackingIssues = (a: SimApp) => issuesOf(a).filter((i) => !i.pull && i.title.startsWith("Tier 3 component"));
const pulls = (a: SimApp) => issuesOf(a).filter((i) => i.pull && i.user !== "contributor");

/** The default branch's "Test <name>" fails: a Tier 3 component blocks everyone. */
async function breakMain(a: SimApp, check = "Test wasi-nn (openvino, ubuntu-24.04)") {
  const main = a.sim.state.mustRepo(a.repo).branches.get("main")!;
  await a.send(a.sim.completeCheckRun({ repo: a.repo, sha: main, name: check, conclusion: "failure", branch: "main", completedAt: a.clock.now() }));
}

async function sweepAt(a: SimApp, days: number) {
  a.clock.advance(days * DAY);
  return a.tierkeeper.sweep();
}

test.each([
  ["SQLite", async () => ({ url: undefined, drop: async () => {} })],
  ["PostgreSQL", freshPostgres],
] as const)(
  "the whole timeline on %s: notified, disabled after a week, removal proposed after a month, each once",
  async (_db, database) => {
    const db = await database();
    cleanups.push(db.drop);
    app = await startSimApp({ databaseUrl: db.url });
    await breakMain(app);
    const [tracking] = trackingIssues(app);
    expect(trackingIssues(app)).toHaveLength(1);
    expect(tracking.title).toBe("Tier 3 component `wasi-nn` is blocking other work");
    expect(tracking.labels).toEqual(expect.arrayContaining(["tierkeeper", "tier-3"]));
    expect(tracking.body).toContain("@abrown, @bytecodealliance/wasi-nn");
    expect(tracking.body).toContain("disabling it in CI will be proposed on 2026-11-30 (UTC) unless an owner responds: a pull request, which disables it once a maintainer merges it.");
    const notified = () =>
      app.sim.state.notifications
        .filter((n) => n.issueNumber === tracking.number)
        .map((n) => n.to)
        .sort();
    expect(notified()).toEqual(["abrown", "bytecodealliance/wasi-nn"]);

    // A PR that does not touch wasi-nn is blocked by it: added to the issue by an edit, no new ping.
    const pr = app.sim.openPullRequest({ repo: app.repo, author: "contributor", files: ["crates/wasmtime/src/lib.rs"] });
    await app.send(pr);
    await app.send(app.sim.completeCheckRun({ repo: app.repo, sha: pr.headSha, name: "Test wasi-nn (openvino, ubuntu-24.04)", conclusion: "failure", completedAt: app.clock.now() }));
    expect(trackingIssues(app)).toHaveLength(1);
    expect(trackingIssues(app)[0].body).toContain(`#${pr.number}`);
    expect(notified()).toEqual(["abrown", "bytecodealliance/wasi-nn"]);
    // The PR's own comment links the tracking issue.
    expect(app.sim.comments(app.repo, pr.number)[0].body).toContain(`Tracking issue: #${tracking.number}`);

    expect((await sweepAt(app, 6)).steps).toEqual([]); // not due yet: no step, no request
    const report = await sweepAt(app, 1);
    expect(report.steps).toMatchObject([{ component: "wasi-nn", from: "notified", to: "disabling" }]);
    const [disablePr] = pulls(app);
    expect(pulls(app)).toHaveLength(1);
    expect(disablePr.title).toBe("Disable Tier 3 component wasi-nn in CI");
    expect(disablePr.body).toContain("@abrown");
    expect(disablePr.body).toContain("only once this is merged");
    const edited = app.sim.state.mustRepo(app.repo).commits.get(disablePr.pull!.headSha)!.files.get(".github/tiers.yml")!;
    const parsed = parseRegistry(edited);
    expect(parsed.ok && parsed.registry.components.find((c) => c.id === "wasi-nn")!.facts.ci).toBe("disabled");
    expect(
      app.sim
        .comments(app.repo, tracking.number)
        .map((c) => c.body)
        .join(),
    ).toContain(`#${disablePr.number} disables \`wasi-nn\` in CI once a maintainer merges it`);
    // Opened is not merged: the tracking issue says it awaits a maintainer, with the link.
    expect(trackingIssues(app)[0].body).toContain(`#${disablePr.number} (opened on 2026-11-30 (UTC)) disables it in CI and **awaits a maintainer's merge**`);

    const writes = app.writes().length;
    expect((await app.tierkeeper.sweep()).steps).toEqual([]); // twice in a row: nothing more
    expect(app.writes().length).toBe(writes);

    // A month with the PR unmerged: nothing is disabled, so no removal is proposed; the sweep only checks the PR.
    const waiting = await sweepAt(app, 30);
    expect(waiting.steps).toMatchObject([{ from: "disabling", to: "disabling", note: "the disable awaits merge" }]);
    expect(issuesOf(app).filter((i) => i.title.startsWith("Proposal"))).toEqual([]);
    // (Other issues may appear meanwhile: tier suggestions come after 30 days.) Neither the PR nor the tracking issue is touched.
    const touches = (w: { path: string }) => w.path.includes(`/issues/${tracking.number}`) || w.path.includes(`/pulls/${disablePr.number}`) || w.path.includes(`/issues/${disablePr.number}`);
    expect(app.writes().slice(writes).filter(touches)).toEqual([]);

    // A maintainer merges it on 2026-12-30: GitHub sends the push to main, then the PR's closed event.
    const merge = app.sim.mergePullRequest(app.repo, disablePr.number, { sender: "maintainer" });
    await app.send(merge.push);
    await app.send(merge.closed);
    expect(trackingIssues(app)[0].body).toContain(`disabled in CI on 2026-12-30 (UTC) (#${disablePr.number}); removal will be proposed on 2027-01-30 (UTC) unless an owner responds`);
    expect(app.sim.comments(app.repo, tracking.number).at(-1)!.body).toMatch(
      /^`wasi-nn` is disabled in CI since 2026-12-30 \(UTC\) \(the registry on the default branch marks it `ci: disabled`\)/,
    );
    expect(notified()).toEqual(["abrown", "bytecodealliance/wasi-nn"]); // the notes mention nobody

    expect((await sweepAt(app, 30)).steps).toEqual([]); // 2027-01-29: not a month since the merge
    await sweepAt(app, 1);
    const removal = issuesOf(app).filter((i) => i.title === "Proposal: remove Tier 3 component wasi-nn");
    expect(removal).toHaveLength(1);
    expect(removal[0].body).toContain("disabled in CI for 31 days");
    expect(removal[0].body).toContain("`crates/wasi-nn/**`");
    expect(removal[0].body).toContain("tierkeeper never deletes code");
    await sweepAt(app, 60);
    expect(issuesOf(app).filter((i) => i.title.startsWith("Proposal"))).toHaveLength(1);
  },
  60_000,
);

test.each([
  ["SQLite", async () => ({ url: undefined, drop: async () => {} })],
  ["PostgreSQL", freshPostgres],
] as const)(
  "on %s, a merge no webhook announced is found by the sweep, and the removal window runs from the merge",
  async (_db, database) => {
    const db = await database();
    cleanups.push(db.drop);
    app = await startSimApp({ databaseUrl: db.url });
    await breakMain(app);
    await sweepAt(app, 7);
    const [disablePr] = pulls(app);
    app.clock.advance(3 * DAY);
    app.sim.mergePullRequest(app.repo, disablePr.number, { sender: "maintainer" }); // both webhooks lost
    const report = await sweepAt(app, 0.5); // the daily check, due since the day after the PR opened
    expect(report.steps).toMatchObject([{ from: "disabling", to: "disabled", dueAt: "2027-01-03T12:00:00.000Z" }]);
    expect(app.sim.comments(app.repo, trackingIssues(app)[0].number).at(-1)!.body).toContain(`is disabled in CI since 2026-12-03 (UTC) (#${disablePr.number} merged)`);
    expect((await sweepAt(app, 30)).steps).toEqual([]); // 2027-01-03T00:00: a month after the PR opened, not after the merge
    expect((await sweepAt(app, 0.5)).steps).toMatchObject([{ from: "disabled", to: "removal-proposed" }]);
    expect(issuesOf(app).find((i) => i.title.startsWith("Proposal"))!.body).toContain("disabled in CI for 31 days");
  },
  60_000,
);

test("a disabling PR closed unmerged is noted; nobody is escalated; the timeline waits until the component recovers", async () => {
  app = await startSimApp();
  app.sim.addCollaborator(app.repo, "maintainer", "write");
  await breakMain(app);
  const [tracking] = trackingIssues(app);
  await sweepAt(app, 7);
  const [disablePr] = pulls(app);
  const notices = app.sim.state.notifications.length;
  expect(
    app.sim.state.notifications
      .filter((n) => n.issueNumber === disablePr.number)
      .map((n) => n.to)
      .sort(),
  ).toEqual(["abrown", "bytecodealliance/wasi-nn"]);
  app.clock.advance(DAY);
  await app.send(app.sim.closePullRequest(app.repo, disablePr.number, { sender: "maintainer" }));
  const note = app.sim.comments(app.repo, tracking.number).at(-1)!.body;
  expect(note).toContain(`#${disablePr.number} was closed without merging by @\u200bmaintainer: the maintainers chose not to disable \`wasi-nn\`. Nobody is escalated`);
  expect(trackingIssues(app)[0].body).toContain(`the maintainers closed #${disablePr.number} without merging on 2026-12-01 (UTC)`);
  // Months pass: no step, no removal proposal, no new ping; the closed PR stays closed.
  const writes = app.writes().length;
  expect((await sweepAt(app, 90)).steps).toEqual([]);
  // (Tier suggestions for other components may be opened meanwhile.) Neither the PR nor the tracking issue is touched, nobody about wasi-nn is pinged.
  const touches = (w: { path: string }) => w.path.includes(`/issues/${tracking.number}`) || w.path.includes(`/pulls/${disablePr.number}`) || w.path.includes(`/issues/${disablePr.number}`);
  expect(app.writes().slice(writes).filter(touches)).toEqual([]);
  const aboutWasiNn = (n: { issueNumber: number }) =>
    issuesOf(app)
      .find((i) => i.number === n.issueNumber)!
      .title.includes("wasi-nn");
  expect(app.sim.state.notifications.slice(notices).filter(aboutWasiNn)).toEqual([]);
  expect(issuesOf(app).filter((i) => i.title.startsWith("Proposal"))).toEqual([]);
  expect(pulls(app).map((p) => p.state)).toEqual(["closed"]);
  // The owners fix it: the issue closes.
  const main = app.sim.state.mustRepo(app.repo).branches.get("main")!;
  await app.send(app.sim.completeCheckRun({ repo: app.repo, sha: main, name: "Test wasi-nn (openvino, ubuntu-24.04)", conclusion: "success", branch: "main", completedAt: app.clock.now() }));
  expect(trackingIssues(app)[0].state).toBe("closed");
}, 60_000);

test("after a declined disable, a maintainer's /tier unfreeze gives the owners a new week, and silence proposes the disable again", async () => {
  app = await startSimApp();
  app.sim.addCollaborator(app.repo, "maintainer", "write");
  await breakMain(app);
  const [tracking] = trackingIssues(app);
  await sweepAt(app, 7);
  const [disablePr] = pulls(app);
  await app.send(app.sim.closePullRequest(app.repo, disablePr.number, { sender: "maintainer" }));
  app.clock.advance(2 * DAY);
  await app.send(app.sim.addComment({ repo: app.repo, issueNumber: tracking.number, user: "maintainer", body: "/tier unfreeze wasi-nn" }));
  expect(app.sim.comments(app.repo, tracking.number).at(-1)!.body).toContain("Next: disabling in CI proposed on 2026-12-09 (UTC) unless an owner responds");
  expect((await sweepAt(app, 6)).steps).toEqual([]);
  expect((await sweepAt(app, 1)).steps).toMatchObject([{ from: "notified", to: "disabling" }]);
  expect(pulls(app)).toMatchObject([{ number: disablePr.number, state: "open" }]); // the same PR, reopened
}, 60_000);

test("a workflow disabled through the Actions API counts as disabled from when GitHub accepted it", async () => {
  const registry = EXAMPLE_REGISTRY.replace('checks: ["Test wasi-nn (*)"]', 'checks: ["Test wasi-nn (*)"]\n    disable: workflow\n    workflow: wasi-nn.yml');
  app = await startSimApp({ registry });
  await app.send(app.sim.pushCommit({ repo: app.repo, branch: "main", files: { ".github/workflows/wasi-nn.yml": "on: push\n" } }));
  await breakMain(app);
  const report = await sweepAt(app, 7);
  expect(report.steps).toMatchObject([{ from: "notified", to: "disabling" }]);
  expect(app.writes().filter((w) => w.path.endsWith("/actions/workflows/wasi-nn.yml/disable"))).toHaveLength(1);
  const [record] = await app.store.episodes.changedSince(new Date(0), 10);
  expect(record.state).toMatchObject({ phase: "disabled", disabledAt: app.clock.now().toISOString() });
  expect(trackingIssues(app)[0].body).toContain("its workflow `wasi-nn.yml` was disabled on 2026-11-30 (UTC); removal will be proposed on 2026-12-30 (UTC)");
  expect(pulls(app)).toEqual([]);
}, 60_000);

test("an episode stored by the previous version, 'disabled' since its PR opened, waits for the merge before any removal", async () => {
  app = await startSimApp();
  await breakMain(app);
  await sweepAt(app, 7);
  const [disablePr] = pulls(app);
  // Rewrite the stored episode as the previous version saved it: disabled when the PR was opened, removal due a month later.
  const record = (await app.store.episodes.changedSince(new Date(0), 10))[0];
  const { disableProposedAt, ...episode } = record.state;
  const legacy = { ...episode, phase: "disabled" as const, disabledAt: disableProposedAt, dueAt: "2026-12-30T12:00:00.000Z" };
  expect(await app.store.episodes.save({ ...record, state: legacy, dueAt: new Date(legacy.dueAt), version: record.version + 1 })).toBe(true);
  // Its old removal date: the PR is still open, so it is a pending disable, not a removal.
  expect((await sweepAt(app, 30)).steps).toMatchObject([{ from: "disabling", to: "disabling" }]);
  expect(issuesOf(app).filter((i) => i.title.startsWith("Proposal"))).toEqual([]);
  const merge = app.sim.mergePullRequest(app.repo, disablePr.number, { sender: "maintainer" });
  await app.send(merge.push);
  await app.send(merge.closed);
  expect((await sweepAt(app, 30)).steps).toEqual([]);
  expect((await sweepAt(app, 1)).steps).toMatchObject([{ to: "removal-proposed" }]);
  expect(issuesOf(app).find((i) => i.title.startsWith("Proposal"))!.body).toContain("disabled in CI for 31 days");
}, 60_000);

test("an owner who answers in time postpones the step; nobody else's activity counts", async () => {
  app = await startSimApp();
  await breakMain(app);
  const [tracking] = trackingIssues(app);
  app.clock.advance(2 * DAY);
  await app.send(app.sim.addComment({ repo: app.repo, issueNumber: tracking.number, user: "random-user", body: "me too" }));
  app.clock.advance(3 * DAY);
  await app.send(app.sim.addComment({ repo: app.repo, issueNumber: tracking.number, user: "abrown", body: "Looking into it" }));
  expect(trackingIssues(app)[0].body).toContain("disabling it in CI will be proposed on 2026-12-05 (UTC)");
  expect((await sweepAt(app, 2)).steps).toEqual([]); // the original week: nothing
  expect(pulls(app)).toHaveLength(0);
  const report = await sweepAt(app, 5);
  expect(report.steps).toMatchObject([{ from: "notified", to: "disabling" }]);
}, 60_000);

test("before escalating, GitHub is asked: a reaction no webhook announced postpones the step", async () => {
  app = await startSimApp();
  await breakMain(app);
  const [tracking] = trackingIssues(app);
  app.clock.advance(3 * DAY);
  app.sim.addReaction({ repo: app.repo, user: "abrown", content: "eyes", issueNumber: tracking.number });
  const report = await sweepAt(app, 4);
  expect(report.steps).toMatchObject([{ from: "notified", to: "notified", note: "postponed: an owner responded" }]);
  expect(pulls(app)).toHaveLength(0);
  expect(trackingIssues(app)[0].body).toContain("reaction on #");
}, 60_000);

test("a member of an owner team answers for the team", async () => {
  app = await startSimApp();
  app.sim.addTeam("bytecodealliance", "wasi-nn", ["team-member"]);
  await breakMain(app);
  const [tracking] = trackingIssues(app);
  app.clock.advance(DAY);
  await app.send(app.sim.addComment({ repo: app.repo, issueNumber: tracking.number, user: "team-member", body: "on it" }));
  expect(trackingIssues(app)[0].body).toContain("@\u200bteam-member");
}, 60_000);

test("/tier freeze by a maintainer stops the clock; by a reader it is refused with a reason and changes nothing", async () => {
  app = await startSimApp();
  app.sim.addCollaborator(app.repo, "maintainer", "write");
  app.sim.addCollaborator(app.repo, "reader", "read");
  await breakMain(app);
  const [tracking] = trackingIssues(app);
  await app.send(app.sim.addComment({ repo: app.repo, issueNumber: tracking.number, user: "reader", body: "/tier freeze wasi-nn please" }));
  const refused = app.sim.comments(app.repo, tracking.number).at(-1)!;
  expect(refused.body).toMatch(/^@reader not done: only users with write access can freeze/);
  await app.send(app.sim.addComment({ repo: app.repo, issueNumber: tracking.number, user: "maintainer", body: "/tier freeze wasi-nn release week" }));
  expect(app.sim.comments(app.repo, tracking.number).at(-1)!.body).toContain("is frozen");
  expect((await sweepAt(app, 30)).steps).toEqual([]);
  expect(pulls(app)).toHaveLength(0);
  await app.send(app.sim.addComment({ repo: app.repo, issueNumber: tracking.number, user: "maintainer", body: "/tier unfreeze wasi-nn" }));
  expect((await sweepAt(app, 7)).steps).toMatchObject([{ to: "disabling" }]);
}, 60_000);

test("/tier status answers anyone; /tier ack counts only from an owner; unknown commands get a short answer; one reply per comment", async () => {
  app = await startSimApp();
  await breakMain(app);
  const [tracking] = trackingIssues(app);
  const event = app.sim.addComment({ repo: app.repo, issueNumber: tracking.number, user: "someone", body: "/tier status wasi-nn\n/tier ack\n/tier dance" });
  await app.send(event);
  await app.send(event, "redelivered-or-not"); // a second delivery of the same comment: no second reply
  const replies = app.sim.comments(app.repo, tracking.number).filter((c) => c.body.startsWith("@someone"));
  expect(replies).toHaveLength(1);
  const [status, ack, dance] = replies[0].body.split("\n").filter((l) => l.startsWith("- "));
  expect(status).toContain("`/tier status wasi-nn`: `wasi-nn`: Tier 3");
  expect(status).toContain("Timeline: notified. Next: disabling in CI proposed on 2026-11-30 (UTC)");
  expect(ack).toContain("`/tier ack`: not done: only owners of wasi-nn can acknowledge");
  expect(dance).toContain("unknown command `/tier dance`");
  await app.send(app.sim.addComment({ repo: app.repo, issueNumber: tracking.number, user: "abrown", body: "/tier ack" }));
  expect(app.sim.comments(app.repo, tracking.number).at(-1)!.body).toContain("acknowledged for `wasi-nn`");
}, 60_000);

test("shadow mode writes nothing to GitHub and keeps what it would have done", async () => {
  app = await startSimApp({ registry: EXAMPLE_REGISTRY.replace("mode: enforce", "mode: shadow") });
  await breakMain(app);
  await sweepAt(app, 7);
  expect(app.writes()).toEqual([]);
  const pending = await app.store.actions.keysWithPrefix("tier3:");
  expect(pending.some((k) => k.endsWith(":tracking"))).toBe(true);
  expect(pending.some((k) => k.endsWith(":disable"))).toBe(true);
  expect((await app.store.actions.get(pending.find((k) => k.endsWith(":disable"))!))!.shadow).toBe(true);
  // The CLI shows what would have happened, with dates.
  let out = "";
  const io = { stdout: (s: string) => void (out += s), stderr: () => {}, cwd: ".", readFile: async () => "" };
  await timelinesCommand(["--shadow"], io, { DATABASE_URL: app.databaseUrl });
  expect(out).toContain("bytecodealliance/wasmtime wasi-nn #1: disabling; next: disabled once the disable is merged (checked again at 2026-12-01T12:00:00.000Z)");
  expect(out).toMatch(/would create file-pr tier3:\d+:wasi-nn:1:disable: Disable Tier 3 component wasi-nn in CI/);
  expect(out).toMatch(/would create issue tier3:\d+:wasi-nn:1:tracking: Tier 3 component `wasi-nn` is blocking other work/);
}, 60_000);

test.each([
  ["SQLite", async () => ({ url: undefined, drop: async () => {} })],
  ["PostgreSQL", freshPostgres],
] as const)(
  "on %s, two replicas sweeping at once, and a crash between deciding and acting, still take each step once",
  async (_db, database) => {
    const db = await database();
    cleanups.push(db.drop);
    app = await startSimApp({ databaseUrl: db.url });
    await breakMain(app);
    const twin = await app.twin();
    app.clock.advance(7 * DAY);
    // The executor dies before anything reaches GitHub: the decided intents stay recorded.
    const apply = app.tierkeeper.executor!.drain.bind(app.tierkeeper.executor);
    app.tierkeeper.executor!.drain = async () => {};
    twin.executor!.drain = async () => {};
    await Promise.all([app.tierkeeper.sweep(), twin.sweep()]);
    expect(pulls(app)).toHaveLength(0);
    app.tierkeeper.executor!.drain = apply;
    await app.tierkeeper.sweep(); // the restart: nothing due any more, the pending intents are carried out
    await app.tierkeeper.executor!.drain();
    expect(pulls(app)).toHaveLength(1);
    expect(app.sim.comments(app.repo, trackingIssues(app)[0].number).filter((c) => c.body.includes("disables"))).toHaveLength(1);
  },
  60_000,
);

test("re-enabling the component on the default branch closes the tracking issue", async () => {
  app = await startSimApp();
  await breakMain(app);
  await sweepAt(app, 7);
  const [disablePr] = pulls(app);
  const disabledText = app.sim.state.mustRepo(app.repo).commits.get(disablePr.pull!.headSha)!.files.get(".github/tiers.yml")!;
  await app.send(app.sim.pushCommit({ repo: app.repo, branch: "main", files: { ".github/tiers.yml": disabledText } }));
  app.clock.advance(3 * DAY);
  await app.send(app.sim.pushCommit({ repo: app.repo, branch: "main", files: { ".github/tiers.yml": EXAMPLE_REGISTRY } }));
  const [tracking] = trackingIssues(app);
  expect(tracking.state).toBe("closed");
  expect(app.sim.comments(app.repo, tracking.number).at(-1)!.body).toContain("Closed: it was re-enabled in CI");
}, 60_000);

test("while a component is disabled in CI, its failures ping nobody on PRs", async () => {
  app = await startSimApp({ registry: EXAMPLE_REGISTRY.replace('checks: ["Test wasi-nn (*)"]', 'checks: ["Test wasi-nn (*)"]\n    ci: disabled') });
  const pr = app.sim.openPullRequest({ repo: app.repo, author: "contributor", files: ["crates/wasi-nn/src/lib.rs"] });
  await app.send(pr);
  await app.send(app.sim.completeCheckRun({ repo: app.repo, sha: pr.headSha, name: "Test wasi-nn (openvino, ubuntu-24.04)", conclusion: "failure", completedAt: app.clock.now() }));
  expect(app.sim.comments(app.repo, pr.number)).toEqual([]);
  expect(trackingIssues(app)).toEqual([]);
}, 60_000);

test("an owner's review on a blocked pull request counts as a response", async () => {
  app = await startSimApp();
  await breakMain(app);
  const pr = app.sim.openPullRequest({ repo: app.repo, author: "contributor", files: ["crates/wasmtime/src/lib.rs"] });
  await app.send(pr);
  await app.send(app.sim.completeCheckRun({ repo: app.repo, sha: pr.headSha, name: "Test wasi-nn (openvino, ubuntu-24.04)", conclusion: "failure", completedAt: app.clock.now() }));
  app.clock.advance(4 * DAY);
  // GitHub's published pull_request_review.submitted example, placed on the simulator's PR.
  const review = example("pull_request_review", "submitted");
  review.repository = pr.payload.repository;
  review.installation = pr.payload.installation;
  review.pull_request = pr.payload.pull_request;
  review.review.user = { ...review.review.user, login: "abrown", type: "User" };
  review.review.submitted_at = app.clock.now().toISOString();
  await app.send({ name: "pull_request_review", payload: review });
  expect(trackingIssues(app)[0].body).toContain(`@\u200babrown on 2026-11-27 (UTC) (review on #${pr.number})`);
  expect((await sweepAt(app, 3)).steps).toEqual([]);
}, 60_000);
