/**
 * Webhook payload builders. Each starts from GitHub's own example payload
 * (@octokit/webhooks-examples) for the event/action, so fields we do not model
 * keep GitHub's shape, and overrides everything we do model from state.
 */
import { createRequire } from "node:module";
import type { Shapes } from "./shapes.js";
import type { SimComment, SimIssue, SimRepo, SimReview } from "./state.js";

export interface WebhookEvent {
  name: string;
  payload: Record<string, any>;
}

type Example = Record<string, any>;
let examples: Map<string, Example[]> | undefined;

function example(name: string, action?: string): Example {
  if (!examples) {
    const defs = createRequire(import.meta.url)("@octokit/webhooks-examples/api.github.com/index.json") as { name: string; examples: Example[] }[];
    examples = new Map(defs.map((d) => [d.name, d.examples]));
  }
  const list = examples.get(name) ?? [];
  const found = list.find((e) => (action ? e.action === action : true)) ?? list[0] ?? {};
  return structuredClone(found);
}

export class PayloadBuilder {
  constructor(private readonly shapes: Shapes) {}

  private get state() {
    return this.shapes.state;
  }

  /** Fields every App webhook carries. */
  private envelope(repo: SimRepo, sender: string) {
    const inst = this.state.installationFor(repo.fullName);
    const owner = this.state.user(repo.owner);
    return {
      repository: this.shapes.repo(repo),
      sender: this.shapes.user(sender),
      ...(inst ? { installation: { id: inst.id, node_id: Buffer.from(`Installation${inst.id}`).toString("base64") } } : {}),
      ...(owner.type === "Organization"
        ? { organization: { login: owner.login, id: owner.id, node_id: this.shapes.user(owner.login).node_id, url: `${this.shapes.api}/orgs/${owner.login}` } }
        : {}),
    };
  }

  /** Open pull requests whose head is `sha`, in the compact form check payloads embed. */
  private pullRefs(repo: SimRepo, sha: string, numbers?: number[]) {
    const prs = numbers
      ? numbers.map((n) => repo.issues.get(n)).filter((i): i is SimIssue => !!i?.pull)
      : [...repo.issues.values()].filter((i) => i.pull && i.state === "open" && i.pull.headSha === sha);
    const mini = { id: repo.id, url: `${this.shapes.api}/repos/${repo.fullName}`, name: repo.name };
    return prs.map((i) => ({
      url: `${this.shapes.api}/repos/${repo.fullName}/pulls/${i.number}`,
      id: i.id,
      number: i.number,
      head: { ref: i.pull!.headRef, sha: i.pull!.headSha, repo: mini },
      base: { ref: i.pull!.baseRef, sha: i.pull!.baseSha, repo: mini },
    }));
  }

  private branchOf(repo: SimRepo, sha: string, branch?: string): string | null {
    if (branch !== undefined) return branch;
    for (const [b, s] of repo.branches) if (s === sha) return b;
    return null;
  }

  pullRequest(action: string, repo: SimRepo, issue: SimIssue, sender = issue.user, extra: Record<string, unknown> = {}): WebhookEvent {
    const ex = example("pull_request", action);
    return {
      name: "pull_request",
      payload: { ...ex, action, number: issue.number, pull_request: { ...ex.pull_request, ...this.shapes.pull(repo, issue) }, ...this.envelope(repo, sender), ...extra },
    };
  }

  pullRequestReview(repo: SimRepo, issue: SimIssue, review: SimReview): WebhookEvent {
    const ex = example("pull_request_review", "submitted");
    return {
      name: "pull_request_review",
      payload: {
        ...ex,
        action: "submitted",
        review: { ...ex.review, ...this.shapes.review(repo, issue, review) },
        pull_request: { ...ex.pull_request, ...this.shapes.pull(repo, issue) },
        ...this.envelope(repo, review.user),
      },
    };
  }

  issues(action: string, repo: SimRepo, issue: SimIssue, sender = issue.user, extra: Record<string, unknown> = {}): WebhookEvent {
    const ex = example("issues", action);
    return { name: "issues", payload: { ...ex, action, issue: { ...ex.issue, ...this.shapes.issue(repo, issue) }, ...this.envelope(repo, sender), ...extra } };
  }

  issueComment(action: "created" | "edited" | "deleted", repo: SimRepo, issue: SimIssue, comment: SimComment, sender = comment.user): WebhookEvent {
    const ex = example("issue_comment", action);
    const payload: Record<string, any> = {
      ...ex,
      action,
      issue: { ...ex.issue, ...this.shapes.issue(repo, issue) },
      comment: { ...ex.comment, ...this.shapes.comment(repo, comment) },
      ...this.envelope(repo, sender),
    };
    if (action === "edited") payload.changes = { body: { from: comment.history.at(-1)?.body ?? "" } };
    else delete payload.changes;
    return { name: "issue_comment", payload };
  }

  checkRun(o: {
    repo: SimRepo;
    sha: string;
    name: string;
    conclusion: string | null;
    status?: string;
    action?: string;
    branch?: string | null;
    pullNumbers?: number[];
    completedAt?: Date;
    startedAt?: Date;
    appSlug?: string;
    detailsUrl?: string;
    sender?: string;
  }): WebhookEvent {
    const action = o.action ?? "completed";
    const ex = example("check_run", action);
    const id = this.state.nextId();
    const completedAt = this.shapes.iso(o.completedAt ?? this.state.now());
    const pulls = this.pullRefs(o.repo, o.sha, o.pullNumbers);
    const app = { ...ex.check_run.app, ...this.shapes.appJson(), ...(o.appSlug ? { slug: o.appSlug, name: o.appSlug, id: this.state.nextId() } : {}) };
    const url = `${this.shapes.api}/repos/${o.repo.fullName}/check-runs/${id}`;
    const check_run = {
      ...ex.check_run,
      id,
      head_sha: o.sha,
      name: o.name,
      status: o.status ?? (action === "completed" ? "completed" : "queued"),
      conclusion: o.conclusion,
      started_at: this.shapes.iso(o.startedAt ?? o.completedAt ?? this.state.now()),
      completed_at: action === "completed" ? completedAt : null,
      url,
      html_url: `${this.shapes.html}/${o.repo.fullName}/runs/${id}`,
      details_url: o.detailsUrl ?? `${this.shapes.html}/${o.repo.fullName}/runs/${id}`,
      output: { ...ex.check_run.output, annotations_url: `${url}/annotations` },
      app,
      pull_requests: pulls,
      check_suite: {
        ...ex.check_run.check_suite,
        id: this.state.nextId(),
        head_branch: this.branchOf(o.repo, o.sha, o.branch ?? undefined),
        head_sha: o.sha,
        status: "completed",
        conclusion: o.conclusion,
        pull_requests: pulls,
        app,
      },
    };
    return { name: "check_run", payload: { ...ex, action, check_run, ...this.envelope(o.repo, o.sender ?? app.owner?.login ?? o.repo.owner) } };
  }

  checkSuite(o: {
    repo: SimRepo;
    sha: string;
    conclusion: string | null;
    branch?: string | null;
    pullNumbers?: number[];
    completedAt?: Date;
    appSlug?: string;
    sender?: string;
  }): WebhookEvent {
    const ex = example("check_suite", "completed");
    const at = this.shapes.iso(o.completedAt ?? this.state.now());
    const app = { ...ex.check_suite.app, ...this.shapes.appJson(), ...(o.appSlug ? { slug: o.appSlug, name: o.appSlug } : {}) };
    const check_suite = {
      ...ex.check_suite,
      id: this.state.nextId(),
      head_branch: this.branchOf(o.repo, o.sha, o.branch ?? undefined),
      head_sha: o.sha,
      status: "completed",
      conclusion: o.conclusion,
      pull_requests: this.pullRefs(o.repo, o.sha, o.pullNumbers),
      app,
      created_at: at,
      updated_at: at,
      head_commit: { ...ex.check_suite.head_commit, id: o.sha, tree_id: o.sha, timestamp: at },
    };
    return { name: "check_suite", payload: { ...ex, action: "completed", check_suite, ...this.envelope(o.repo, o.sender ?? o.repo.owner) } };
  }

  workflowJob(o: {
    repo: SimRepo;
    sha: string;
    name: string;
    conclusion: string | null;
    action?: string;
    branch?: string | null;
    completedAt?: Date;
    startedAt?: Date;
    workflowName?: string;
    runId?: number;
    sender?: string;
  }): WebhookEvent {
    const action = o.action ?? "completed";
    const ex = example("workflow_job", action);
    const id = this.state.nextId();
    const runId = o.runId ?? this.state.nextId();
    const workflow_job = {
      ...ex.workflow_job,
      id,
      run_id: runId,
      run_url: `${this.shapes.api}/repos/${o.repo.fullName}/actions/runs/${runId}`,
      url: `${this.shapes.api}/repos/${o.repo.fullName}/actions/jobs/${id}`,
      html_url: `${this.shapes.html}/${o.repo.fullName}/actions/runs/${runId}/job/${id}`,
      check_run_url: `${this.shapes.api}/repos/${o.repo.fullName}/check-runs/${id}`,
      node_id: Buffer.from(`WorkflowJob${id}`).toString("base64"),
      head_sha: o.sha,
      head_branch: this.branchOf(o.repo, o.sha, o.branch ?? undefined),
      name: o.name,
      workflow_name: o.workflowName ?? "CI",
      status: action === "completed" ? "completed" : action,
      conclusion: action === "completed" ? o.conclusion : null,
      started_at: this.shapes.iso(o.startedAt ?? o.completedAt ?? this.state.now()),
      completed_at: action === "completed" ? this.shapes.iso(o.completedAt ?? this.state.now()) : null,
    };
    return { name: "workflow_job", payload: { ...ex, action, workflow_job, ...this.envelope(o.repo, o.sender ?? o.repo.owner) } };
  }

  status(o: {
    repo: SimRepo;
    sha: string;
    context: string;
    state: "pending" | "success" | "failure" | "error";
    branches?: string[];
    updatedAt?: Date;
    description?: string | null;
    targetUrl?: string | null;
    sender?: string;
  }): WebhookEvent {
    const ex = example("status");
    const at = this.shapes.iso(o.updatedAt ?? this.state.now());
    const branches = (o.branches ?? [...o.repo.branches].filter(([, s]) => s === o.sha).map(([b]) => b)).map((name) => ({
      name,
      commit: { sha: o.repo.branches.get(name) ?? o.sha, url: `${this.shapes.api}/repos/${o.repo.fullName}/commits/${o.repo.branches.get(name) ?? o.sha}` },
      protected: false,
    }));
    const payload = {
      ...ex,
      id: this.state.nextId(),
      sha: o.sha,
      name: o.repo.fullName,
      target_url: o.targetUrl ?? null,
      context: o.context,
      description: o.description ?? null,
      state: o.state,
      commit: { ...ex.commit, sha: o.sha, url: `${this.shapes.api}/repos/${o.repo.fullName}/commits/${o.sha}`, html_url: `${this.shapes.html}/${o.repo.fullName}/commit/${o.sha}` },
      branches,
      created_at: at,
      updated_at: at,
      ...this.envelope(o.repo, o.sender ?? o.repo.owner),
    };
    delete (payload as Record<string, unknown>).action;
    return { name: "status", payload };
  }

  /** A merge queue commit's group: `checks_requested`, or `destroyed` with GitHub's reason. */
  mergeGroup(o: {
    repo: SimRepo;
    action: "checks_requested" | "destroyed";
    reason?: "merged" | "invalidated" | "dequeued";
    headSha: string;
    headRef: string;
    baseSha: string;
    message: string;
    author: string;
    sender?: string;
  }): WebhookEvent {
    const ex = example("merge_group", "checks_requested");
    const at = this.shapes.iso(this.state.now());
    const person = { name: o.author, email: `${o.author}@users.noreply.github.com` };
    const merge_group = {
      ...ex.merge_group,
      head_sha: o.headSha,
      head_ref: `refs/heads/${o.headRef}`,
      base_sha: o.baseSha,
      base_ref: `refs/heads/${o.repo.defaultBranch}`,
      head_commit: { ...ex.merge_group.head_commit, id: o.headSha, tree_id: o.headSha, message: o.message, timestamp: at, author: person, committer: person },
    };
    return {
      name: "merge_group",
      payload: { ...ex, action: o.action, ...(o.action === "destroyed" && { reason: o.reason ?? "dequeued" }), merge_group, ...this.envelope(o.repo, o.sender ?? o.author) },
    };
  }

  push(o: {
    repo: SimRepo;
    branch: string;
    before: string;
    after: string;
    message: string;
    author: string;
    changed: { added: string[]; removed: string[]; modified: string[] };
  }): WebhookEvent {
    const ex = example("push");
    const at = this.shapes.iso(this.state.now());
    const author = { name: o.author, email: `${o.author}@users.noreply.github.com`, username: o.author };
    const commit = {
      id: o.after,
      tree_id: o.after,
      distinct: true,
      message: o.message,
      timestamp: at,
      url: `${this.shapes.html}/${o.repo.fullName}/commit/${o.after}`,
      author,
      committer: author,
      ...o.changed,
    };
    const payload = {
      ...ex,
      ref: `refs/heads/${o.branch}`,
      before: o.before,
      after: o.after,
      created: /^0+$/.test(o.before),
      deleted: false,
      forced: false,
      base_ref: null,
      compare: `${this.shapes.html}/${o.repo.fullName}/compare/${o.before.slice(0, 12)}...${o.after.slice(0, 12)}`,
      commits: [commit],
      head_commit: commit,
      pusher: { name: o.author, email: author.email },
      ...this.envelope(o.repo, o.author),
    };
    return { name: "push", payload };
  }
}
