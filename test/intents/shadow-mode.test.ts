import { timelinesCommand } from "../../src/cli/timelines.js";
import { SHADOW } from "../../src/github/executor.js";
import type { ActionKind } from "../../src/intents/index.js";
import { startSimApp, type SimApp } from "../support/sim-app.js";

/**
 * Shadow mode, one action kind at a time: with the registry's `policy: { mode: shadow }`, the
 * event that makes the kind goes through the real handlers and the executor, against the GitHub
 * simulator (every request checked against GitHub's REST description). GitHub receives reads
 * only, and the action is kept as shadow, where `tierkeeper timelines --shadow` shows it.
 */
const DAY = 24 * 3600 * 1000;
const REGISTRY = `
policy:
  mode: shadow
  major-change: { lines: 100 }
components:
  s390x:
    category: Target
    tier: 2
    owners: [uweigand]
    paths: ["cranelift/codegen/src/isa/s390x/**"]
    checks: ["Test Linux s390x (*)"]
  wasi-nn:
    category: WASI Proposal
    tier: 3
    owners: [abrown]
    paths: ["crates/wasi-nn/**"]
    checks: ["Test wasi-nn (*)"]
`;
const WASI_NN_CHECK = "Test wasi-nn (openvino, ubuntu-24.04)";

let app: SimApp;

afterEach(async () => {
  expect(app.sim.violations).toEqual([]);
  await app.close();
});

async function start(registry = REGISTRY) {
  app = await startSimApp({ registry });
  for (const login of ["uweigand", "abrown"]) app.sim.addCollaborator(app.repo, login, "write");
}

/** The default branch's wasi-nn check fails: a Tier 3 component blocks everyone. */
async function breakMain() {
  const main = app.sim.state.mustRepo(app.repo).branches.get("main")!;
  await app.send(app.sim.completeCheckRun({ repo: app.repo, sha: main, name: WASI_NN_CHECK, conclusion: "failure", branch: "main", completedAt: app.clock.now() }));
}

async function sweepAfter(days: number) {
  app.clock.advance(days * DAY);
  await app.tierkeeper.sweep();
}

/**
 * GitHub was only read; the kind was decided, kept as shadow and settled (nothing left pending
 * to send); and the CLI lists it. Returns the keys kept for that kind.
 */
async function expectKeptInShadow(kind: ActionKind): Promise<string[]> {
  expect(app.writes()).toEqual([]);
  expect(app.sim.requests.filter((r) => r.method === "GET").length).toBeGreaterThan(0);
  const kept = (await app.store.actions.shadow(100)).filter((a) => a.kind === kind);
  expect(kept.length).toBeGreaterThan(0);
  for (const action of kept) expect(action).toMatchObject({ shadow: true, githubId: SHADOW, appliedVersion: action.version });
  expect(await app.store.actions.pending(100, app.clock.now())).toEqual([]);
  let out = "";
  const io = { stdout: (s: string) => void (out += s), stderr: () => {}, cwd: ".", readFile: async () => "" };
  await timelinesCommand(["--shadow"], io, { DATABASE_URL: app.databaseUrl });
  for (const action of kept) expect(out).toContain(`would create ${kind} ${action.key}`);
  return kept.map((a) => a.key);
}

test("comment: a PR that breaks a component gets no breaking-PR comment on GitHub", async () => {
  await start();
  const pr = app.sim.openPullRequest({ repo: app.repo, author: "contributor", files: ["crates/wasi-nn/src/lib.rs"] });
  await app.send(pr);
  await app.send(app.sim.completeCheckRun({ repo: app.repo, sha: pr.headSha, name: WASI_NN_CHECK, conclusion: "failure", completedAt: app.clock.now() }));
  expect(await expectKeptInShadow("comment")).toEqual([expect.stringMatching(new RegExp(`^breakage:\\d+#${pr.number}$`))]);
  expect(app.sim.comments(app.repo, pr.number)).toEqual([]);
}, 60_000);

test("issue: a Tier 3 component broken on the default branch opens no tracking issue", async () => {
  await start();
  await breakMain();
  expect(await expectKeptInShadow("issue")).toEqual([expect.stringMatching(/^tier3:\d+:wasi-nn:1:tracking$/)]);
}, 60_000);

test("file-pr: a week of silence opens no disabling pull request and pushes no branch", async () => {
  await start();
  await breakMain();
  await sweepAfter(7);
  expect(await expectKeptInShadow("file-pr")).toEqual([expect.stringMatching(/^tier3:\d+:wasi-nn:1:disable$/)]);
  expect([...app.sim.state.mustRepo(app.repo).branches.keys()]).toEqual(["main"]);
}, 60_000);

test("workflow-disable: a week of silence disables no workflow", async () => {
  await start(REGISTRY.replace('checks: ["Test wasi-nn (*)"]', 'checks: ["Test wasi-nn (*)"]\n    disable: workflow\n    workflow: wasi-nn.yml'));
  await app.send(app.sim.pushCommit({ repo: app.repo, branch: "main", files: { ".github/workflows/wasi-nn.yml": "on: push\n" } }));
  await breakMain();
  await sweepAfter(7);
  expect(await expectKeptInShadow("workflow-disable")).toEqual([expect.stringMatching(/^tier3:\d+:wasi-nn:1:disable$/)]);
}, 60_000);

test("review-request: a major change to a Tier 2 component asks nobody for a review", async () => {
  await start();
  const pr = app.sim.openPullRequest({ repo: app.repo, author: "contributor", files: ["cranelift/codegen/src/isa/s390x/lower.rs"] });
  await app.send(pr);
  await app.send(app.sim.labelPullRequest({ repo: app.repo, number: pr.number, label: "major-change", sender: "uweigand" }));
  expect(await expectKeptInShadow("review-request")).toHaveLength(1);
  expect(app.sim.state.mustRepo(app.repo).issues.get(pr.number)!.pull!.requestedReviewers ?? []).toEqual([]);
}, 60_000);

test("check-run: a PR editing the registry gets no registry check on GitHub", async () => {
  await start();
  const text = REGISTRY.replace("tier: 2", "tier: 1");
  const pr = app.sim.openPullRequest({ repo: app.repo, author: "contributor", files: [".github/tiers.yml"], contents: { ".github/tiers.yml": text } });
  await app.send(pr);
  expect(await expectKeptInShadow("check-run")).toEqual(expect.arrayContaining([expect.stringContaining(pr.headSha)]));
}, 60_000);
