import { ProbotOctokit } from "probot";
import { Octokit } from "@octokit/core";
import { startSimulator, type Simulator } from "../../src/sim/index.js";

describe("GitHub simulator REST", () => {
  let sim: Simulator;
  let octokit: InstanceType<typeof ProbotOctokit>;
  let installationId: number;

  beforeAll(async () => {
    sim = await startSimulator();
    sim.createRepo({ owner: "acme", name: "widgets", files: { ".github/tiers.yml": "components: {}\n", "src/a.rs": "fn a() {}\n" } });
    installationId = sim.installApp("acme");
    octokit = new ProbotOctokit({
      auth: { appId: sim.appId, privateKey: sim.privateKeyPem, installationId },
      baseUrl: sim.apiUrl,
      throttle: { enabled: false },
      retry: { enabled: false },
    });
  });
  afterAll(() => sim.close());

  test("app JWT and installation token", async () => {
    const appOctokit = new ProbotOctokit({ auth: { appId: sim.appId, privateKey: sim.privateKeyPem }, baseUrl: sim.apiUrl, throttle: { enabled: false } });
    const { data: app } = await appOctokit.request("GET /app");
    expect(app!.id).toBe(sim.appId);
    const { data: inst } = await appOctokit.request("GET /repos/{owner}/{repo}/installation", { owner: "acme", repo: "widgets" });
    expect(inst.id).toBe(installationId);
    const { data: repo } = await octokit.request("GET /repos/{owner}/{repo}", { owner: "acme", repo: "widgets" });
    expect(repo.default_branch).toBe("main");
    expect(sim.requests.some((r) => r.operationId === "apps/create-installation-access-token" && r.status === 201)).toBe(true);
  });

  test("requests without a valid token get 401", async () => {
    const anon = new Octokit({ baseUrl: sim.apiUrl });
    await expect(anon.request("GET /repos/{owner}/{repo}", { owner: "acme", repo: "widgets" })).rejects.toMatchObject({ status: 401 });
    const bad = new Octokit({ baseUrl: sim.apiUrl, auth: "ghs_nope" });
    await expect(bad.request("GET /repos/{owner}/{repo}", { owner: "acme", repo: "widgets" })).rejects.toMatchObject({ status: 401 });
  });

  test("create, edit, get and list comments", async () => {
    const { data: pr } = await octokit.request("POST /repos/{owner}/{repo}/issues", { owner: "acme", repo: "widgets", title: "t" });
    const { data: c } = await octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", { owner: "acme", repo: "widgets", issue_number: pr.number, body: "hello" });
    expect(c.user!.login).toBe("tierkeeper[bot]");
    const { data: e } = await octokit.request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", { owner: "acme", repo: "widgets", comment_id: c.id, body: "edited" });
    expect(e.body).toBe("edited");
    const { data: g } = await octokit.request("GET /repos/{owner}/{repo}/issues/comments/{comment_id}", { owner: "acme", repo: "widgets", comment_id: c.id });
    expect(g.body).toBe("edited");
    for (let i = 0; i < 4; i++)
      await octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", { owner: "acme", repo: "widgets", issue_number: pr.number, body: `n${i}` });
    const all = await octokit.paginate("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", { owner: "acme", repo: "widgets", issue_number: pr.number, per_page: 2 });
    expect(all.map((x) => x.body)).toEqual(["edited", "n0", "n1", "n2", "n3"]);
    expect(
      sim.state
        .mustRepo("acme/widgets")
        .comments.get(Number(c.id))!
        .history.map((h) => h.body),
    ).toEqual(["hello"]);
  });

  test("PR files paginate and stop at 3,000", async () => {
    const files = Array.from({ length: 3500 }, (_, i) => `src/f${i}.rs`);
    const { number } = sim.openPullRequest({ repo: "acme/widgets", author: "dev", files });
    const { data: pr } = await octokit.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", { owner: "acme", repo: "widgets", pull_number: number });
    expect(pr.changed_files).toBe(3500);
    const listed = await octokit.paginate("GET /repos/{owner}/{repo}/pulls/{pull_number}/files", { owner: "acme", repo: "widgets", pull_number: number, per_page: 100 });
    expect(listed).toHaveLength(3000);
    expect(listed[0].filename).toBe("src/f0.rs");
  });

  test("contents raw and JSON; 404 when missing", async () => {
    const raw = await octokit.request("GET /repos/{owner}/{repo}/contents/{path}", { owner: "acme", repo: "widgets", path: ".github/tiers.yml", mediaType: { format: "raw" } });
    expect(raw.data).toBe("components: {}\n");
    const { data } = await octokit.request("GET /repos/{owner}/{repo}/contents/{path}", { owner: "acme", repo: "widgets", path: ".github/tiers.yml", ref: "main" });
    expect(Buffer.from((data as { content: string }).content, "base64").toString()).toBe("components: {}\n");
    await expect(octokit.request("GET /repos/{owner}/{repo}/contents/{path}", { owner: "acme", repo: "widgets", path: "nope.yml" })).rejects.toMatchObject({ status: 404 });
    // Probot's config loader (`context.config`) reads through the same route.
    const cfg = await octokit.config.get({ owner: "acme", repo: "widgets", path: ".github/tiers.yml" });
    expect(cfg.config).toEqual({ components: {} });
  });

  test("a bad body gets 422 and lands in violations; unknown routes 404", async () => {
    await expect(octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", { owner: "acme", repo: "widgets", issue_number: 1, bod: "x" } as any)).rejects.toMatchObject({
      status: 422,
    });
    expect(sim.violations.at(-1)).toMatchObject({ method: "POST", operationId: "issues/create-comment" });
    await expect(octokit.request("POST /repos/{owner}/{repo}/foo", { owner: "acme", repo: "widgets" })).rejects.toMatchObject({ status: 404 });
    expect(sim.violations.at(-1)!.error).toBe("no such operation: POST /repos/acme/widgets/foo");
  });

  test("open a PR that edits a file via git refs and contents", async () => {
    const { data: ref } = await octokit.request("GET /repos/{owner}/{repo}/git/ref/{ref}", { owner: "acme", repo: "widgets", ref: "heads/main" });
    await octokit.request("POST /repos/{owner}/{repo}/git/refs", { owner: "acme", repo: "widgets", ref: "refs/heads/tier-bump", sha: ref.object.sha });
    const { data: file } = await octokit.request("GET /repos/{owner}/{repo}/contents/{path}", { owner: "acme", repo: "widgets", path: ".github/tiers.yml", ref: "tier-bump" });
    await octokit.request("PUT /repos/{owner}/{repo}/contents/{path}", {
      owner: "acme",
      repo: "widgets",
      path: ".github/tiers.yml",
      branch: "tier-bump",
      message: "bump",
      content: Buffer.from("components: {x: 1}\n").toString("base64"),
      sha: (file as { sha: string }).sha,
    });
    const { data: pr } = await octokit.request("POST /repos/{owner}/{repo}/pulls", { owner: "acme", repo: "widgets", title: "Bump", head: "tier-bump", base: "main" });
    const { data: files } = await octokit.request("GET /repos/{owner}/{repo}/pulls/{pull_number}/files", { owner: "acme", repo: "widgets", pull_number: pr.number });
    expect(files.map((f) => [f.filename, f.status])).toEqual([[".github/tiers.yml", "modified"]]);
    const { data: open } = await octokit.request("GET /repos/{owner}/{repo}/pulls", { owner: "acme", repo: "widgets", head: "acme:tier-bump", state: "open" });
    expect(open.map((p) => p.number)).toEqual([pr.number]);
  });

  test("issues, labels, reactions, permissions, teams, check runs", async () => {
    await octokit.request("POST /repos/{owner}/{repo}/labels", { owner: "acme", repo: "widgets", name: "tier-3", color: "ff0000" });
    const { data: issue } = await octokit.request("POST /repos/{owner}/{repo}/issues", { owner: "acme", repo: "widgets", title: "Remove x", labels: ["tier-3"] });
    await octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/labels", { owner: "acme", repo: "widgets", issue_number: issue.number, labels: ["removal"] });
    const { data: listed } = await octokit.request("GET /repos/{owner}/{repo}/issues", { owner: "acme", repo: "widgets", labels: "tier-3,removal", state: "open" });
    expect(listed.map((i) => i.number)).toEqual([issue.number]);
    await octokit.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", { owner: "acme", repo: "widgets", issue_number: issue.number, state: "closed" });
    const { data: closed } = await octokit.request("GET /repos/{owner}/{repo}/issues/{issue_number}", { owner: "acme", repo: "widgets", issue_number: issue.number });
    expect(closed.state).toBe("closed");

    const { comment } = sim.addComment({ repo: "acme/widgets", issueNumber: issue.number, user: "alice", body: "hi" });
    sim.addReaction({ repo: "acme/widgets", commentId: comment.id, user: "bob", content: "+1" });
    const r = await octokit.request("POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", { owner: "acme", repo: "widgets", comment_id: comment.id, content: "eyes" });
    expect(r.status).toBe(201);
    const { data: reactions } = await octokit.request("GET /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", { owner: "acme", repo: "widgets", comment_id: comment.id });
    expect(reactions.map((x) => [x.user!.login, x.content])).toEqual([
      ["bob", "+1"],
      ["tierkeeper[bot]", "eyes"],
    ]);
    const { data: ir } = await octokit.request("GET /repos/{owner}/{repo}/issues/{issue_number}/reactions", { owner: "acme", repo: "widgets", issue_number: issue.number });
    expect(ir).toEqual([]);

    sim.addCollaborator("acme/widgets", "carol", "maintain");
    const { data: perm } = await octokit.request("GET /repos/{owner}/{repo}/collaborators/{username}/permission", { owner: "acme", repo: "widgets", username: "carol" });
    expect([perm.permission, perm.role_name]).toEqual(["write", "maintain"]);
    sim.addTeam("acme", "wasi", ["dave"]);
    const { data: m } = await octokit.request("GET /orgs/{org}/teams/{team_slug}/memberships/{username}", { org: "acme", team_slug: "wasi", username: "dave" });
    expect(m.state).toBe("active");
    await expect(octokit.request("GET /orgs/{org}/teams/{team_slug}/memberships/{username}", { org: "acme", team_slug: "wasi", username: "eve" })).rejects.toMatchObject({ status: 404 });

    const { data: run } = await octokit.request("POST /repos/{owner}/{repo}/check-runs", { owner: "acme", repo: "widgets", name: "tierkeeper", head_sha: "abc", status: "in_progress" });
    const { data: done } = await octokit.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
      owner: "acme",
      repo: "widgets",
      check_run_id: run.id,
      conclusion: "neutral",
      output: { title: "ok", summary: "s" },
    });
    expect([done.status, done.conclusion]).toEqual(["completed", "neutral"]);
    expect(sim.violations.filter((v) => v.operationId !== "issues/create-comment" && !v.error.includes("/foo"))).toEqual([]);
  });
});
