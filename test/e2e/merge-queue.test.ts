import { startStage, type Stage } from "../../src/demo/stage.js";

/**
 * The merge queue, end to end: the built server (`node dist/server.js`) behind signed webhooks,
 * the simulator's merge_group, check_run and workflow_job payloads (built from GitHub's published
 * examples) on `gh-readonly-queue/...` commits, and every request checked against GitHub's
 * REST description by the simulator.
 */
let stage: Stage;
const writes = () => stage.sim.requests.filter((r) => r.method !== "GET" && !r.path.includes("access_tokens"));
const minute = (m: number) => new Date(Date.UTC(2026, 10, 23, 9, m));

beforeAll(async () => {
  stage = await startStage({ spawn: true });
}, 60_000);
afterAll(async () => {
  await stage?.close();
});
afterEach(() => {
  expect(stage.sim.violations).toEqual([]);
});

test("a queue run failing a Tier 2 target and a Tier 3 proposal, for a PR touching only core: one PR comment naming the merge queue, Tier 2 owners pinged, one Tier 3 tracking issue", async () => {
  const { sim, repo } = stage;
  const main = sim.state.mustRepo(repo).branches.get("main")!;
  for (const name of ["Test Linux arm64 (1/8)", "Test wasi-nn (openvino, ubuntu-24.04)"]) {
    await sim.send(sim.completeCheckRun({ repo, sha: main, name, conclusion: "success", branch: "main", completedAt: minute(0) }));
  }
  const pr = sim.openPullRequest({ repo, author: "contributor", files: ["crates/wasmtime/src/engine.rs"], title: "Engine tweak" });
  await sim.send(pr);
  // The pull request's own subset of CI passes.
  await sim.send(sim.completeCheckRun({ repo, sha: pr.headSha, name: "Test Linux x86_64 (1/8)", conclusion: "success", completedAt: minute(5) }));
  await stage.settle();
  expect(sim.comments(repo, pr.number)).toEqual([]);

  const group = sim.enqueuePullRequest(repo, pr.number);
  expect(group.payload.merge_group.head_ref).toBe(`refs/heads/gh-readonly-queue/main/pr-${pr.number}-${main}`);
  await sim.send(group);
  const arm64 = sim.completeCheckRun({ repo, sha: group.headSha, name: "Test Linux arm64 (1/8)", conclusion: "failure", completedAt: minute(20) });
  expect(arm64.payload.check_run.pull_requests).toEqual([]); // as on GitHub: a queue commit names no PR
  expect(arm64.payload.check_run.check_suite.head_branch).toBe(group.branch);
  await sim.send(arm64);
  await sim.send(sim.completeWorkflowJob({ repo, sha: group.headSha, name: "Test wasi-nn (openvino, ubuntu-24.04)", conclusion: "failure", completedAt: minute(21) }));
  await sim.send(sim.completeWorkflowJob({ repo, sha: group.headSha, name: "Test Linux x86_64 (1/8)", conclusion: "success", completedAt: minute(22) }));
  await stage.settle();

  const comments = sim.comments(repo, pr.number);
  expect(comments).toHaveLength(1);
  const body = comments[0].body;
  expect(body).toContain(`in the merge queue at ${group.headSha.slice(0, 7)}`);
  expect(body).toContain("`aarch64-unknown-linux-gnu` · Tier 2 · Target** — broken by this pull request in the merge queue (passes on `main`)");
  expect(body).toContain(`[\`Test Linux arm64 (1/8)\`](${arm64.payload.check_run.html_url})`); // the run, linked
  expect(body).toContain("@bytecodealliance/cranelift-core, @akirilov-arm");
  expect(body).toMatch(/`wasi-nn`[^\n]*Tier 3[^\n]*broken by this pull request in the merge queue/);
  const notified = sim.state.notifications
    .filter((n) => n.issueNumber === pr.number)
    .map((n) => n.to)
    .sort();
  expect(notified).toEqual(["abrown", "akirilov-arm", "bytecodealliance/cranelift-core", "bytecodealliance/wasi-nn"]);

  // The PR does not touch wasi-nn: its failure there is blocked work, tracked as on any PR.
  const tracking = [...sim.state.mustRepo(repo).issues.values()].filter((i) => !i.pull && i.labels.includes("tier-3"));
  expect(tracking).toHaveLength(1);
  expect(tracking[0].title).toContain("wasi-nn");
  expect(tracking[0].body).toContain(`#${pr.number}`);

  // The queue drops the group: nothing is said about it.
  const before = writes().length;
  await sim.send(sim.destroyMergeGroup(repo, group.branch, "dequeued"));
  await stage.settle();
  expect(writes()).toHaveLength(before);
}, 90_000);

test("a failure already at the queue's base is reported as such and pings nobody; results on main count from any trigger, the queue's base included", async () => {
  const { sim, repo } = stage;
  const pr = sim.openPullRequest({ repo, author: "contributor", files: ["crates/wasmtime/src/store.rs"], title: "Store tweak" });
  await sim.send(pr);
  const group = sim.enqueuePullRequest(repo, pr.number);
  await sim.send(group);
  // The nightly run (a workflow_dispatch on main, as Wasmtime's cron does) says s390x passes...
  await sim.send(sim.completeWorkflowJob({ repo, sha: group.baseSha, name: "Test Linux s390x (1/8)", conclusion: "success", branch: "main", completedAt: minute(25) }));
  // ...and a later result at the queue's base (no branch named: main moved on) says it fails.
  await sim.send(sim.completeCheckRun({ repo, sha: group.baseSha, name: "Test Linux s390x (1/8)", conclusion: "failure", branch: null, completedAt: minute(30) }));
  await sim.send(sim.completeCheckRun({ repo, sha: group.headSha, name: "Test Linux s390x (1/8)", conclusion: "failure", completedAt: minute(31) }));
  await stage.settle();
  const comments = sim.comments(repo, pr.number);
  expect(comments).toHaveLength(1);
  expect(comments[0].body).toContain("fails in the merge queue, already broken on `main`, not by this pull request");
  expect(sim.state.notifications.filter((n) => n.issueNumber === pr.number)).toEqual([]);

  // The queue's base is a default-branch commit: its result is main's latest for every PR.
  const other = sim.openPullRequest({ repo, author: "contributor", files: ["crates/wasmtime/src/linker.rs"] });
  await sim.send(other);
  await sim.send(sim.commitStatus({ repo, sha: other.headSha, context: "Test Linux s390x (1/8)", state: "failure", updatedAt: minute(32) }));
  await stage.settle();
  expect(sim.comments(repo, other.number)[0].body).toContain("**`s390x-unknown-linux-gnu` · Tier 2 · Target** — already broken on `main`, not by this pull request");
}, 90_000);

test("tierkeeper's own checks are set on the merge group's head with the PR head's conclusion", async () => {
  const { sim, repo } = stage;
  const registry = sim.state.mustRepo(repo).commits.get(sim.state.mustRepo(repo).branches.get("main")!)!.files.get(".github/tiers.yml")!;
  const pr = sim.openPullRequest({ repo, author: "contributor", files: [".github/tiers.yml"], contents: { ".github/tiers.yml": registry + "\n# a comment\n" } });
  await sim.send(pr);
  await stage.settle();
  const runs = () => [...sim.state.mustRepo(repo).checkRuns.values()];
  const atHead = runs().filter((r) => r.headSha === pr.headSha && r.name === "tierkeeper/registry");
  expect(atHead).toHaveLength(1);

  const group = sim.enqueuePullRequest(repo, pr.number);
  await sim.send(group);
  await sim.send(group); // a redelivery sets nothing twice
  await stage.settle();
  const onQueue = runs().filter((r) => r.headSha === group.headSha);
  expect(onQueue.map((r) => [r.name, r.status, r.conclusion])).toEqual([["tierkeeper/registry", "completed", atHead[0].conclusion]]);
}, 90_000);

test("bad input posts nothing and crashes nothing: a queue branch that does not parse, a PR that does not exist, a group for a closed PR", async () => {
  const { sim, repo } = stage;
  const before = writes().length;
  const main = sim.state.mustRepo(repo).branches.get("main")!;
  const fail = (o: { sha: string; branch: string }) => sim.completeCheckRun({ repo, ...o, name: "Test Linux arm64 (1/8)", conclusion: "failure", completedAt: minute(40) });

  await sim.send(fail({ sha: "a".repeat(40), branch: "gh-readonly-queue/main/not-a-pull-request" }));
  await sim.send(fail({ sha: "b".repeat(40), branch: `gh-readonly-queue/main/pr-9999-${main}` }));

  const closed = sim.openPullRequest({ repo, author: "contributor", files: ["crates/wasmtime/src/func.rs"] });
  await sim.send(closed);
  const group = sim.enqueuePullRequest(repo, closed.number);
  await sim.send(sim.closePullRequest(repo, closed.number));
  await sim.send(group);
  await sim.send(fail({ sha: group.headSha, branch: group.branch }));
  await stage.settle();

  expect(writes()).toHaveLength(before);
  expect(sim.requests.some((r) => r.path.endsWith("/pulls/9999") && r.status === 404)).toBe(true);
  expect(stage.child!.exitCode).toBeNull();
  const health = (await (await fetch(`${stage.appUrl}/healthz`)).json()) as { status: string; queue: { pending: number } };
  expect(health).toMatchObject({ status: "ok", queue: { pending: 0 } });
}, 90_000);
