import { factFromEvent, outcomeOfConclusion, queueBranch } from "../../src/core/facts.js";
import { allExamples, example } from "../support/examples.js";

describe("facts from GitHub's published example payloads", () => {
  test("installation deleted, suspend, unsuspend and repositories removed: where work stops or resumes", () => {
    const of = (name: string, action: string) =>
      factFromEvent(
        name,
        allExamples(name).find((e) => e.action === action),
      );
    expect(of("installation", "deleted")).toEqual({
      kind: "installation",
      installationId: 2,
      account: "octocat",
      change: "deleted",
      repos: [{ id: 1296269, owner: "octocat", name: "Hello-World", private: false }],
    });
    expect(of("installation", "suspend")).toEqual({ kind: "installation", installationId: 16598467, account: "Codertocat", change: "suspended", repos: [] });
    expect(of("installation", "unsuspend")).toMatchObject({ kind: "installation", change: "unsuspended" });
    expect(of("installation_repositories", "removed")).toEqual({
      kind: "installation",
      installationId: 2,
      account: "octocat",
      change: "repositories-removed",
      repos: [{ id: 1296269, owner: "octocat", name: "Hello-World", private: false }],
    });
    expect(of("installation", "new_permissions_accepted")).toEqual({ kind: "ignored", reason: "installation.new_permissions_accepted" });
  });

  test("check_run.completed becomes a CI result with its PRs", () => {
    const fact = factFromEvent("check_run", example("check_run", "completed"));
    expect(fact.kind).toBe("ci");
    if (fact.kind !== "ci") return;
    expect(fact.repo).toMatchObject({ owner: "Codertocat", name: "Hello-World", id: 186853002, defaultBranch: "master" });
    expect(fact.result).toMatchObject({ name: "Octocoders-linter", outcome: "fail", source: "check_run", branch: "changes" });
    expect(fact.result.completedAt.toISOString()).toBe("2019-05-15T15:21:12.000Z");
    expect(fact.pulls).toEqual([{ number: 2, headSha: "ec26c3e57ca3a959ca5aad62de7213c562f8c821", baseRef: "master" }]);
  });

  test("workflow_job.completed, check_suite.completed and status map to results", () => {
    const job = factFromEvent("workflow_job", example("workflow_job", "completed"));
    expect(job).toMatchObject({ kind: "ci", result: { name: "linters", outcome: "fail", source: "workflow_job", branch: "main" } });
    const suite = factFromEvent("check_suite", example("check_suite", "completed"));
    expect(suite).toMatchObject({ kind: "ci", result: { source: "check_suite" } });
    const status = factFromEvent("status", example("status"));
    // The status names several branches: the default branch is the one that matters.
    expect(status).toMatchObject({ kind: "ci", result: { name: "default", outcome: "pass", branch: "master" } });
  });

  test("every published pull_request example is either a fact or deliberately ignored", () => {
    for (const payload of allExamples("pull_request")) {
      const fact = factFromEvent("pull_request", { ...payload, installation: { id: 1 } });
      expect(["pull", "ignored", "review-request"]).toContain(fact.kind);
      if (fact.kind === "pull" || fact.kind === "review-request") expect(fact.number).toBe(payload.number);
      if (fact.kind === "review-request") expect(fact.reviewer).toBe(payload.requested_reviewer?.login ?? `${payload.repository.owner.login}/${payload.requested_team.slug}`);
    }
  });

  test("queued and in-progress events are ignored", () => {
    expect(factFromEvent("workflow_job", example("workflow_job", "queued")).kind).toBe("ignored");
    expect(factFromEvent("check_run", example("check_run", "created")).kind).toBe("ignored");
    expect(factFromEvent("issues", example("issues", "opened")).kind).toBe("ignored");
  });

  test("malformed payloads become invalid facts with a reason, never exceptions", () => {
    expect(factFromEvent("check_run", null)).toEqual({ kind: "invalid", reason: "payload is not a JSON object" });
    const noInstallation = example("check_run", "completed");
    delete noInstallation.installation;
    expect(factFromEvent("check_run", noInstallation)).toEqual({ kind: "invalid", reason: "check_run.completed: missing installation.id" });
    const badDate = example("check_run", "completed");
    badDate.check_run.completed_at = "yesterday";
    expect(factFromEvent("check_run", badDate)).toMatchObject({ kind: "invalid" });
    expect(factFromEvent("pull_request", { action: "opened" })).toMatchObject({ kind: "invalid", reason: "pull_request.opened: missing pull_request" });
  });

  test("merge_group.checks_requested names the queue commit, its base and the PR; destroyed is ignored", () => {
    const group = example("merge_group", "checks_requested");
    expect(factFromEvent("merge_group", group)).toMatchObject({
      kind: "merge-group",
      headSha: "2ffea6db159f6b6c47a24e778fb9ef40cf6b1c7d",
      baseSha: "380387fbc80638b734a49e1be1c4dfec1c01b33c",
      queue: { base: "main", pull: 104, baseSha: "929f8209d40f77f4abc622a499c93a83babdbe64" },
    });
    expect(factFromEvent("merge_group", { ...group, action: "destroyed", reason: "dequeued" })).toEqual({ kind: "ignored", reason: "merge_group.destroyed" });
    group.merge_group.head_ref = "refs/heads/feature";
    expect(factFromEvent("merge_group", group)).toMatchObject({ kind: "invalid", reason: expect.stringContaining("is not a merge queue branch") });
  });

  test("a CI result on a merge queue branch names the PR; a queue branch that does not parse is invalid input", () => {
    const job = example("workflow_job", "completed");
    job.workflow_job.head_branch = "gh-readonly-queue/release-1.0/pr-42-" + "a".repeat(40);
    expect(factFromEvent("workflow_job", job)).toMatchObject({ kind: "ci", pulls: [], queue: { base: "release-1.0", pull: 42, baseSha: "a".repeat(40) } });
    for (const bad of [
      "gh-readonly-queue/main/pr-42",
      "gh-readonly-queue/main/pr-0-" + "a".repeat(40),
      "gh-readonly-queue/main/pr-x-" + "a".repeat(40),
      "gh-readonly-queue/pr-1-" + "a".repeat(40),
    ]) {
      job.workflow_job.head_branch = bad;
      expect(factFromEvent("workflow_job", job)).toMatchObject({ kind: "invalid", reason: expect.stringContaining("does not parse") });
    }
    expect(queueBranch("main")).toBeUndefined();
    // Every kind of CI result names its queue commit's branch in its own field.
    const branch = "gh-readonly-queue/main/pr-7-" + "b".repeat(40);
    const run = example("check_run", "completed");
    run.check_run.check_suite.head_branch = branch;
    run.check_run.pull_requests = [];
    const suite = example("check_suite", "completed");
    suite.check_suite.head_branch = branch;
    const status = example("status");
    status.branches = [{ name: branch, commit: { sha: status.sha, url: "" }, protected: false }];
    for (const [name, payload] of [
      ["check_run", run],
      ["check_suite", suite],
      ["status", status],
    ] as const) {
      expect(factFromEvent(name, payload)).toMatchObject({ kind: "ci", result: { branch }, queue: { base: "main", pull: 7 } });
    }
    const named = factFromEvent("check_suite", example("check_suite", "completed"));
    // Every workflow's suite is named after the app: the suite's id keeps them apart.
    expect(named).toMatchObject({ kind: "ci", result: { name: "octocoders-linter", key: expect.stringMatching(/^check_suite:\d+$/) } });
  });

  test("only real failures count as failures", () => {
    expect(outcomeOfConclusion("failure")).toBe("fail");
    expect(outcomeOfConclusion("timed_out")).toBe("fail");
    expect(outcomeOfConclusion("success")).toBe("pass");
    expect(outcomeOfConclusion("cancelled")).toBe("neutral");
    expect(outcomeOfConclusion("skipped")).toBe("neutral");
    expect(outcomeOfConclusion(null)).toBe("neutral");
  });

  test("a push says whether it touched the registry", () => {
    const push = example("push");
    push.commits = [{ added: [], removed: [], modified: [".github/tiers.yml"] }];
    expect(factFromEvent("push", push)).toMatchObject({ kind: "push", touchesRegistry: true });
    push.commits = [{ added: ["README.md"], removed: [], modified: [] }];
    expect(factFromEvent("push", push)).toMatchObject({ kind: "push", touchesRegistry: false });
  });
});
