import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { verify } from "@octokit/webhooks-methods";
import { Webhooks, createNodeMiddleware } from "@octokit/webhooks";
import { startSimulator, type Simulator } from "../../src/sim/index.js";

describe("simulator webhooks", () => {
  let sim: Simulator;
  let server: Server;
  const received: { headers: Record<string, unknown>; body: string }[] = [];
  const secret = "s3cret";
  const webhooks = new Webhooks({ secret });
  const seen: string[] = [];
  webhooks.onAny(({ id, name, payload }) => {
    seen.push(`${name}.${(payload as { action?: string }).action ?? ""}:${id}`);
  });
  const middleware = createNodeMiddleware(webhooks, { path: "/hook" });

  beforeAll(async () => {
    sim = await startSimulator();
    sim.createRepo({ owner: "acme", name: "wasmtime", files: { "README.md": "hi\n" } });
    sim.installApp("acme");
    server = createServer((req, res) => {
      if (req.url === "/raw") {
        const chunks: Buffer[] = [];
        req.on("data", (c) => chunks.push(c));
        req.on("end", () => {
          received.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
          res.end("ok");
        });
      } else void middleware(req, res);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    sim.setWebhookTarget(`http://127.0.0.1:${port}/hook`, secret);
  });
  afterAll(async () => {
    await sim.close();
    await new Promise((r) => server.close(r));
  });

  test("signature verifies with @octokit/webhooks-methods; redelivery reuses the id", async () => {
    const { name, payload } = sim.openPullRequest({ repo: "acme/wasmtime", author: "dev", files: ["cranelift/codegen/src/isa/s390x/lower.rs"] });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/raw`;
    const r = await sim.deliver(name, payload, { url, id: "fixed-id" });
    expect(r.status).toBe(200);
    expect(r.ms).toBeGreaterThan(0);
    const got = received.at(-1)!;
    expect(got.headers["x-github-event"]).toBe("pull_request");
    expect(got.headers["x-github-delivery"]).toBe("fixed-id");
    expect(got.headers["content-type"]).toBe("application/json");
    expect(await verify(secret, got.body, String(got.headers["x-hub-signature-256"]))).toBe(true);
    expect(await verify("other", got.body, String(got.headers["x-hub-signature-256"]))).toBe(false);
    const again = await sim.deliver(name, payload, { url });
    expect(again.id).not.toBe("fixed-id");
  });

  test("payloads are accepted by @octokit/webhooks and carry GitHub's fields", async () => {
    const pr = sim.openPullRequest({ repo: "acme/wasmtime", author: "dev", files: ["a.rs"] });
    expect(pr.payload).toMatchObject({
      action: "opened",
      number: pr.number,
      installation: { id: expect.any(Number) },
      repository: { full_name: "acme/wasmtime", default_branch: "main" },
      sender: { login: "dev" },
      pull_request: { number: pr.number, state: "open", head: { sha: pr.headSha, ref: expect.any(String) }, base: { ref: "main" }, user: { login: "dev" } },
    });
    const run = sim.completeCheckRun({ repo: "acme/wasmtime", sha: pr.headSha, name: "test (s390x)", conclusion: "failure" });
    expect(run.payload.check_run).toMatchObject({ status: "completed", conclusion: "failure", head_sha: pr.headSha, name: "test (s390x)" });
    expect(run.payload.check_run.check_suite.head_branch).toBe(pr.payload.pull_request.head.ref);
    expect(run.payload.check_run.pull_requests).toEqual([
      expect.objectContaining({ number: pr.number, head: expect.objectContaining({ sha: pr.headSha }), base: expect.objectContaining({ ref: "main" }) }),
    ]);
    const job = sim.completeWorkflowJob({ repo: "acme/wasmtime", sha: pr.headSha, name: "Test s390x", conclusion: "failure" });
    expect(job.payload.workflow_job).toMatchObject({ conclusion: "failure", head_sha: pr.headSha, name: "Test s390x", status: "completed" });
    const st = sim.commitStatus({ repo: "acme/wasmtime", sha: pr.headSha, context: "ci/fuzz", state: "failure" });
    expect(st.payload).toMatchObject({ sha: pr.headSha, context: "ci/fuzz", state: "failure" });
    expect(st.payload.branches.map((b: { name: string }) => b.name)).toEqual([pr.payload.pull_request.head.ref]);
    const suite = sim.completeCheckSuite({ repo: "acme/wasmtime", sha: pr.headSha, conclusion: "success" });
    const comment = sim.addComment({ repo: "acme/wasmtime", issueNumber: pr.number, user: "owner1", body: "looking" });
    const push = sim.pushCommit({ repo: "acme/wasmtime", branch: "main", files: { "x.rs": "x" } });

    for (const ev of [pr, run, job, st, suite, comment, push]) {
      const r = await sim.send(ev);
      expect(r.status).toBe(200);
    }
    expect(seen.map((s) => s.split(":")[0])).toEqual([
      "pull_request.opened",
      "check_run.completed",
      "workflow_job.completed",
      "status.",
      "check_suite.completed",
      "issue_comment.created",
      "push.",
    ]);
  });

  test("the merge queue: a queue commit of the PR's changes on the base's tip, merge_group events, results naming no PR", async () => {
    const pr = sim.openPullRequest({ repo: "acme/wasmtime", author: "dev", files: ["queued.rs"], contents: { "queued.rs": "fn queued() {}\n" } });
    const repo = sim.state.mustRepo("acme/wasmtime");
    const base = repo.branches.get("main")!;
    const group = sim.enqueuePullRequest("acme/wasmtime", pr.number);
    expect(group.branch).toBe(`gh-readonly-queue/main/pr-${pr.number}-${base}`);
    expect(repo.branches.get(group.branch)).toBe(group.headSha);
    expect(repo.commits.get(group.headSha)).toMatchObject({ parents: [base] });
    expect(repo.commits.get(group.headSha)!.files.get("queued.rs")).toBe("fn queued() {}\n");
    expect(group.payload).toMatchObject({
      action: "checks_requested",
      installation: { id: expect.any(Number) },
      repository: { full_name: "acme/wasmtime" },
      merge_group: { head_sha: group.headSha, head_ref: `refs/heads/${group.branch}`, base_sha: base, base_ref: "refs/heads/main", head_commit: { id: group.headSha } },
    });
    const run = sim.completeCheckRun({ repo: "acme/wasmtime", sha: group.headSha, name: "Test Linux arm64", conclusion: "failure" });
    expect(run.payload.check_run.pull_requests).toEqual([]);
    expect(run.payload.check_run.check_suite.head_branch).toBe(group.branch);
    const destroyed = sim.destroyMergeGroup("acme/wasmtime", group.branch, "invalidated");
    expect(destroyed.payload).toMatchObject({ action: "destroyed", reason: "invalidated", merge_group: { head_sha: group.headSha, base_sha: base } });
    expect(repo.branches.has(group.branch)).toBe(false);
    expect(() => sim.destroyMergeGroup("acme/wasmtime", group.branch)).toThrow(/no merge queue branch/);

    seen.length = 0;
    for (const ev of [group, run, destroyed]) expect((await sim.send(ev)).status).toBe(200);
    expect(seen.map((s) => s.split(":")[0])).toEqual(["merge_group.checks_requested", "check_run.completed", "merge_group.destroyed"]);
  });

  test("mention notifications: create, edit adding one, edit keeping both", async () => {
    const { comment } = sim.addComment({ repo: "acme/wasmtime", issueNumber: 1, user: "tierkeeper[bot]", body: "cc @alice" });
    const mine = () => sim.state.notifications.filter((n) => n.commentId === comment.id).map((n) => n.to);
    expect(mine()).toEqual(["alice"]);
    sim.editComment({ repo: "acme/wasmtime", commentId: comment.id, body: "cc @alice @bob" });
    expect(mine()).toEqual(["alice", "bob"]);
    sim.editComment({ repo: "acme/wasmtime", commentId: comment.id, body: "cc @bob and @alice (updated)" });
    expect(mine()).toEqual(["alice", "bob"]);
    sim.editComment({ repo: "acme/wasmtime", commentId: comment.id, body: "cc @acme/wasi `@carol`" });
    expect(mine()).toEqual(["alice", "bob", "acme/wasi"]);
  });

  test("mention notifications through the REST API", async () => {
    const { ProbotOctokit } = await import("probot");
    const octokit = new ProbotOctokit({
      auth: { appId: sim.appId, privateKey: sim.privateKeyPem, installationId: sim.installApp("acme") },
      baseUrl: sim.apiUrl,
      throttle: { enabled: false },
    });
    const base = { owner: "acme", repo: "wasmtime", issue_number: 1 };
    const { data: c } = await octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", { ...base, body: "ping @a" });
    await octokit.request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", { owner: "acme", repo: "wasmtime", comment_id: c.id, body: "ping @a @b" });
    await octokit.request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", { owner: "acme", repo: "wasmtime", comment_id: c.id, body: "ping @b @a!" });
    const to = sim.state.notifications.filter((n) => n.commentId === c.id).map((n) => n.to);
    expect(to).toEqual(["a", "b"]);
    // "each owner mentioned at most once"
    expect(new Set(to).size).toBe(to.length);
  });
});
