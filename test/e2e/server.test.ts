import { createHmac } from "node:crypto";
import { startStage, type Stage } from "../../src/demo/stage.js";

/**
 * End to end: the built server started as `npm start` starts it (`node dist/server.js`, a child
 * process), the GitHub simulator behind it, HMAC-signed webhooks over HTTP, and assertions on
 * the simulator's resulting state. Every request the app makes is checked against GitHub's
 * OpenAPI description by the simulator.
 */
let stage: Stage;
const writes = () => stage.sim.requests.filter((r) => r.method !== "GET" && !r.path.includes("access_tokens"));

beforeAll(async () => {
  stage = await startStage({ spawn: true });
}, 60_000);
afterAll(async () => {
  await stage?.close();
});
afterEach(() => {
  expect(stage.sim.violations).toEqual([]);
});

test("a Tier 3 breakage gives exactly one comment, edited in place, each owner notified once", async () => {
  const { sim, repo } = stage;
  const pr = sim.openPullRequest({ repo, author: "contributor", files: ["crates/wasi-nn/src/backend.rs"] });
  await sim.send(pr);
  const fail = sim.completeCheckRun({ repo, sha: pr.headSha, name: "Test wasi-nn (openvino, ubuntu-24.04)", conclusion: "failure", completedAt: new Date("2026-11-23T10:00:00Z") });
  // The same delivery three times and twenty concurrent failing jobs of the component.
  await Promise.all([sim.send(fail, { id: "same-id" }), sim.send(fail, { id: "same-id" }), sim.send(fail, { id: "same-id" })]);
  await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      sim.send(
        sim.completeWorkflowJob({ repo, sha: pr.headSha, name: "Test wasi-nn (openvino, ubuntu-24.04)", conclusion: "failure", completedAt: new Date(Date.UTC(2026, 10, 23, 10, 1, i)) }),
      ),
    ),
  );
  await stage.settle();
  const comments = sim.comments(repo, pr.number);
  expect(comments).toHaveLength(1);
  expect(comments[0].body).toContain("@abrown, @bytecodealliance/wasi-nn");
  expect(comments[0].body).toContain("Tier 3");
  const notified = sim.state.notifications
    .filter((n) => n.issueNumber === pr.number)
    .map((n) => n.to)
    .sort();
  expect(notified).toEqual(["abrown", "bytecodealliance/wasi-nn"]);

  await sim.send(sim.completeCheckRun({ repo, sha: pr.headSha, name: "Test wasi-nn (openvino, ubuntu-24.04)", conclusion: "success", completedAt: new Date("2026-11-23T11:00:00Z") }));
  await sim.send(sim.completeWorkflowJob({ repo, sha: pr.headSha, name: "Test wasi-nn (openvino, ubuntu-24.04)", conclusion: "success", completedAt: new Date("2026-11-23T11:00:00Z") }));
  await stage.settle();
  const after = sim.comments(repo, pr.number);
  expect(after).toHaveLength(1);
  expect(after[0].id).toBe(comments[0].id);
  expect(after[0].body).toContain("All checks mapped to components pass");
  expect(sim.state.notifications.filter((n) => n.issueNumber === pr.number)).toHaveLength(2);
}, 60_000);

test("a failure already on the default branch is reported without blaming the PR or pinging", async () => {
  const { sim, repo } = stage;
  const main = sim.state.mustRepo(repo).branches.get("main")!;
  await sim.send(sim.commitStatus({ repo, sha: main, context: "Test Linux s390x (1/8)", state: "failure", branches: ["main"], updatedAt: new Date("2026-11-23T09:00:00Z") }));
  const pr = sim.openPullRequest({ repo, author: "contributor", files: ["cranelift/codegen/src/isa/s390x/inst.isle"] });
  await sim.send(pr);
  await sim.send(sim.commitStatus({ repo, sha: pr.headSha, context: "Test Linux s390x (1/8)", state: "failure", updatedAt: new Date("2026-11-23T12:00:00Z") }));
  await stage.settle();
  const comments = sim.comments(repo, pr.number);
  expect(comments).toHaveLength(1);
  expect(comments[0].body).toContain("already broken on `main`");
  expect(sim.state.notifications.filter((n) => n.issueNumber === pr.number)).toEqual([]);
}, 60_000);

test("bad input is answered without a crash: wrong signature 401, broken JSON 400, unknown events 200", async () => {
  const body = JSON.stringify({ action: "completed" });
  const post = (headers: Record<string, string>, payload = body) =>
    fetch(stage.webhookUrl, {
      method: "POST",
      body: payload,
      headers: { "content-type": "application/json", "x-github-event": "check_run", "x-github-delivery": crypto.randomUUID(), ...headers },
    });
  const sign = (payload: string) => "sha256=" + createHmac("sha256", "stage-webhook-secret").update(payload).digest("hex");

  expect((await post({ "x-hub-signature-256": "sha256=" + "0".repeat(64) })).status).toBe(401);
  expect((await post({})).status).toBe(401);
  expect((await post({ "x-hub-signature-256": sign("{not json") }, "{not json")).status).toBe(400);
  expect((await post({ "x-hub-signature-256": sign(body) })).status).toBe(200); // stored, then skipped as malformed
  expect((await post({ "x-hub-signature-256": sign("[]"), "x-github-event": "made_up_event" }, "[]")).status).toBe(200);
  await stage.settle();
  expect(stage.child!.exitCode).toBeNull();
  const health = (await (await fetch(`${stage.appUrl}/healthz`)).json()) as { status: string };
  expect(health.status).toBe("ok");
}, 60_000);

test("a repository without a registry gets no comment and costs no request after the first lookup", async () => {
  const { sim } = stage;
  sim.createRepo({ owner: "bytecodealliance", name: "no-registry", files: { "README.md": "hi\n" } });
  const pr = sim.openPullRequest({ repo: "bytecodealliance/no-registry", author: "someone", files: ["src/lib.rs"] });
  await sim.send(pr);
  await stage.settle();
  const before = sim.requests.length;
  for (let i = 0; i < 5; i++) {
    await sim.send(sim.completeCheckRun({ repo: "bytecodealliance/no-registry", sha: pr.headSha, name: "Test wasi-nn (openvino, ubuntu-24.04)", conclusion: "failure" }));
  }
  await stage.settle();
  expect(sim.requests.length).toBe(before);
  expect(sim.comments("bytecodealliance/no-registry", pr.number)).toEqual([]);
  expect(writes().every((w) => !w.path.includes("no-registry"))).toBe(true);
}, 60_000);

test("killed with SIGKILL after acknowledging, the restarted server loses nothing and posts nothing twice", async () => {
  const { sim, repo } = stage;
  const pr = sim.openPullRequest({ repo, author: "contributor", files: ["crates/wasi-nn/src/x.rs"] });
  const events = [
    pr,
    ...Array.from({ length: 30 }, (_, i) =>
      sim.completeWorkflowJob({ repo, sha: pr.headSha, name: "Test wasi-nn (openvino, ubuntu-24.04)", conclusion: "failure", completedAt: new Date(Date.UTC(2026, 10, 23, 13, 0, i)) }),
    ),
  ];
  for (const event of events) expect((await sim.send(event)).status).toBe(200); // acknowledged = stored
  await stage.restart(); // SIGKILL, then `node dist/server.js` again on the same database
  await stage.settle();
  expect(sim.comments(repo, pr.number)).toHaveLength(1);
  expect(sim.state.notifications.filter((n) => n.issueNumber === pr.number)).toHaveLength(2);
  const health = (await (await fetch(`${stage.appUrl}/healthz`)).json()) as { queue: { pending: number } };
  expect(health.queue.pending).toBe(0);
}, 60_000);
