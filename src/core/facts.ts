import type { EmitterWebhookEvent } from "@octokit/webhooks";
import { REGISTRY_PATH } from "./registry.js";
import type { CiResult, Outcome, RepoRef } from "./model.js";
import type { PullFact, ReviewRequestFact, CiFact, QueueBranch, MergeGroupFact, PushFact, ActivityFact, InstalledFact, InstallationFact, Fact } from "./fact-kinds.js";

export type { PullFact, ReviewRequestFact, CiFact, QueueBranch, MergeGroupFact, PushFact, ActivityFact, InstalledFact, InstallationFact, Fact } from "./fact-kinds.js";

/**
 * Webhook payloads turned into the few facts tierkeeper reasons about.
 * Pure: a webhook goes through here at intake, and its fact is what is stored (stored-fact.ts);
 * a delivery stored as a payload (malformed, or by an earlier version) goes through here when claimed.
 * Payloads are untrusted input, so every field used is checked; a payload that lacks
 * one becomes an `invalid` fact with the reason instead of an exception.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a payload is read field by field, each checked at runtime (see `str`, `num`, ...)
type AnyPayload = Record<string, any>;

const PULL_ACTIONS = new Set(["opened", "synchronize", "reopened", "closed", "edited", "labeled", "unlabeled"]);

export function factFromEvent(name: string, payload: unknown): Fact {
  if (!isObject(payload)) return invalid("payload is not a JSON object");
  const action = typeof payload.action === "string" ? payload.action : undefined;
  try {
    switch (name) {
      case "pull_request":
        if (action === "review_requested" || action === "review_request_removed") {
          return reviewRequestFact(payload as EmitterWebhookEvent<"pull_request.review_requested">["payload"]);
        }
        return action && PULL_ACTIONS.has(action) ? pullFact(payload as EmitterWebhookEvent<"pull_request">["payload"]) : ignored(`pull_request.${action}`);
      case "check_run":
        return action === "completed" ? checkRunFact(payload as EmitterWebhookEvent<"check_run.completed">["payload"]) : ignored(`check_run.${action}`);
      case "check_suite":
        return action === "completed" ? checkSuiteFact(payload as EmitterWebhookEvent<"check_suite.completed">["payload"]) : ignored(`check_suite.${action}`);
      case "workflow_job":
        return action === "completed" ? workflowJobFact(payload as EmitterWebhookEvent<"workflow_job.completed">["payload"]) : ignored(`workflow_job.${action}`);
      case "merge_group":
        // `destroyed` (merged, dequeued, invalidated) changes nothing tierkeeper says: no noise.
        return action === "checks_requested" ? mergeGroupFact(payload as EmitterWebhookEvent<"merge_group.checks_requested">["payload"]) : ignored(`merge_group.${action}`);
      case "status":
        return statusFact(payload as EmitterWebhookEvent<"status">["payload"]);
      case "push":
        return pushFact(payload as EmitterWebhookEvent<"push">["payload"]);
      case "issue_comment":
        return action === "created" ? commentFact(payload as EmitterWebhookEvent<"issue_comment.created">["payload"]) : ignored(`issue_comment.${action}`);
      case "installation":
        if (action === "created") return installedFact(payload, "repositories");
        return action && action in INSTALLATION_CHANGES ? installationFact(payload, INSTALLATION_CHANGES[action], "repositories") : ignored(`installation.${action}`);
      case "installation_repositories":
        if (action === "removed") return installationFact(payload, "repositories-removed", "repositories_removed");
        return action === "added" ? installedFact(payload, "repositories_added") : ignored(`installation_repositories.${action}`);
      case "pull_request_review":
        return action === "submitted" ? reviewFact(payload as EmitterWebhookEvent<"pull_request_review.submitted">["payload"]) : ignored(`pull_request_review.${action}`);
      default:
        return ignored(action ? `${name}.${action}` : name);
    }
  } catch (e) {
    if (e instanceof MissingField) return invalid(`${name}${action ? "." + action : ""}: ${e.message}`);
    throw e;
  }
}

function pullFact(p: EmitterWebhookEvent<"pull_request">["payload"]): PullFact {
  const pr = need(p.pull_request, "pull_request");
  return {
    kind: "pull",
    repo: repoRef(p),
    installationId: installationId(p),
    action: p.action,
    number: needId(pr.number, "pull_request.number"),
    headSha: need(pr.head?.sha, "pull_request.head.sha"),
    baseRef: need(pr.base?.ref, "pull_request.base.ref"),
    author: need(pr.user?.login, "pull_request.user.login"),
    state: pr.state === "closed" ? "closed" : "open",
    mergedAt: pr.merged_at ? date(pr.merged_at, "pull_request.merged_at") : null,
    ...(typeof p.sender?.login === "string" && { sender: p.sender.login }),
    updatedAt: date(pr.updated_at, "pull_request.updated_at"),
    labels: Array.isArray(pr.labels) ? pr.labels.map((l) => l?.name).filter(isString) : [],
    body: typeof pr.body === "string" ? pr.body : "",
  };
}

function reviewRequestFact(p: EmitterWebhookEvent<"pull_request.review_requested">["payload"]): ReviewRequestFact {
  const repo = repoRef(p);
  const pr = need(p.pull_request, "pull_request");
  // Either a user or a team was asked; a team belongs to the repository's organisation.
  const team = "requested_team" in p ? p.requested_team : undefined;
  const user = "requested_reviewer" in p ? p.requested_reviewer : undefined;
  const reviewer = team ? `${repo.owner}/${need(team.slug, "requested_team.slug").toLowerCase()}` : need(user?.login, "requested_reviewer.login");
  return {
    kind: "review-request",
    repo,
    installationId: installationId(p),
    action: p.action === "review_requested" ? "requested" : "removed",
    number: needId(pr.number, "pull_request.number"),
    reviewer,
    requester: need(p.sender?.login, "sender.login"),
    requesterIsBot: p.sender?.type === "Bot",
    at: date(pr.updated_at, "pull_request.updated_at"),
  };
}

function checkRunFact(p: EmitterWebhookEvent<"check_run.completed">["payload"]): CiFact {
  const run = need(p.check_run, "check_run");
  return ciFact(
    p,
    {
      sha: need(run.head_sha, "check_run.head_sha"),
      name: need(run.name, "check_run.name"),
      source: "check_run",
      outcome: outcomeOfConclusion(run.conclusion),
      completedAt: date(run.completed_at, "check_run.completed_at"),
      ...(run.started_at && { startedAt: date(run.started_at, "check_run.started_at") }),
      branch: run.check_suite?.head_branch ?? undefined,
      url: run.html_url ?? undefined,
    },
    pullsOf(run.pull_requests),
  );
}

function checkSuiteFact(p: EmitterWebhookEvent<"check_suite.completed">["payload"]): CiFact {
  const suite = need(p.check_suite, "check_suite");
  return ciFact(
    p,
    {
      sha: need(suite.head_sha, "check_suite.head_sha"),
      // A suite has no name of its own: the app that ran it names it (e.g. "GitHub Actions").
      name: need(suite.app?.name, "check_suite.app.name"),
      source: "check_suite",
      // One suite per workflow, all named after the app: keyed by the suite, they do not overwrite each other.
      key: `check_suite:${need(suite.id, "check_suite.id")}`,
      outcome: outcomeOfConclusion(suite.conclusion),
      completedAt: date(suite.updated_at, "check_suite.updated_at"),
      branch: suite.head_branch ?? undefined,
    },
    pullsOf(suite.pull_requests),
  );
}

function workflowJobFact(p: EmitterWebhookEvent<"workflow_job.completed">["payload"]): CiFact {
  const job = need(p.workflow_job, "workflow_job");
  return ciFact(
    p,
    {
      sha: need(job.head_sha, "workflow_job.head_sha"),
      name: need(job.name, "workflow_job.name"),
      source: "workflow_job",
      outcome: outcomeOfConclusion(job.conclusion),
      completedAt: date(job.completed_at, "workflow_job.completed_at"),
      ...(job.started_at && { startedAt: date(job.started_at, "workflow_job.started_at") }),
      branch: job.head_branch ?? undefined,
      url: job.html_url ?? undefined,
    },
    [],
  );
}

function statusFact(p: EmitterWebhookEvent<"status">["payload"]): CiFact | Fact {
  const state = need(p.state, "state");
  if (state === "pending") return ignored("status.pending");
  const defaultBranch = p.repository?.default_branch;
  const branches = Array.isArray(p.branches) ? p.branches.map((b) => b?.name).filter(isString) : [];
  return ciFact(
    p,
    {
      sha: need(p.sha, "sha"),
      name: need(p.context, "context"),
      source: "status",
      outcome: state === "success" ? "pass" : "fail",
      completedAt: date(p.updated_at, "updated_at"),
      // A status names every branch whose tip is the commit: the default branch matters most.
      branch: defaultBranch && branches.includes(defaultBranch) ? defaultBranch : branches[0],
      url: p.target_url ?? undefined,
    },
    [],
  );
}

/** The common frame of every CI fact: repository, installation, the result, the PRs named, the queue entry. */
function ciFact(p: AnyPayload, result: Omit<CiResult, "repoId">, pulls: CiFact["pulls"]): CiFact {
  const repo = repoRef(p);
  const queue = result.branch === undefined ? undefined : queueBranch(result.branch);
  if (queue === "malformed") throw new MissingField(`merge queue branch ${JSON.stringify(result.branch!.slice(0, 200))} does not parse`);
  return { kind: "ci", repo, installationId: installationId(p), result: { repoId: repo.id, ...result }, pulls, ...(queue && { queue }) };
}

function mergeGroupFact(p: EmitterWebhookEvent<"merge_group.checks_requested">["payload"]): MergeGroupFact {
  const group = need(p.merge_group, "merge_group");
  const ref = String(need(group.head_ref, "merge_group.head_ref")).replace(/^refs\/heads\//, "");
  const queue = queueBranch(ref);
  if (queue === undefined || queue === "malformed") throw new MissingField(`merge_group.head_ref ${JSON.stringify(ref.slice(0, 200))} is not a merge queue branch`);
  return {
    kind: "merge-group",
    repo: repoRef(p),
    installationId: installationId(p),
    headSha: need(group.head_sha, "merge_group.head_sha"),
    baseSha: need(group.base_sha, "merge_group.base_sha"),
    queue,
  };
}

const QUEUE_PREFIX = "gh-readonly-queue/";
const QUEUE_BRANCH = /^gh-readonly-queue\/(.+)\/pr-([1-9][0-9]{0,9})-([0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * Parses a merge queue branch; undefined for any other branch, `malformed` for one in the
 * queue's namespace that does not have its shape (nothing can be said about whose it is).
 */
export function queueBranch(branch: string): QueueBranch | undefined | "malformed" {
  if (!branch.startsWith(QUEUE_PREFIX)) return undefined;
  const m = QUEUE_BRANCH.exec(branch);
  if (!m || !Number.isSafeInteger(Number(m[2]))) return "malformed";
  return { base: m[1], pull: Number(m[2]), baseSha: m[3] };
}

function pushFact(p: EmitterWebhookEvent<"push">["payload"]): PushFact {
  const commits = Array.isArray(p.commits) ? p.commits : [];
  const touchesRegistry = commits.some((c) => [c?.added, c?.modified, c?.removed].some((list) => Array.isArray(list) && list.includes(REGISTRY_PATH)));
  return {
    kind: "push",
    repo: repoRef(p),
    installationId: installationId(p),
    ref: need(p.ref, "ref"),
    // A push with more than 20 commits lists only 20: assume the registry may have changed.
    touchesRegistry: touchesRegistry || commits.length >= 20,
  };
}

function installedFact(p: AnyPayload, listKey: "repositories" | "repositories_added"): InstalledFact {
  return { kind: "installed", installationId: installationId(p), account: need(p.installation?.account?.login, "installation.account.login"), repos: listedRepos(p, listKey) };
}

const INSTALLATION_CHANGES: Record<string, InstallationFact["change"]> = { deleted: "deleted", suspend: "suspended", unsuspend: "unsuspended" };

function installationFact(p: AnyPayload, change: InstallationFact["change"], listKey: "repositories" | "repositories_removed"): InstallationFact {
  return { kind: "installation", installationId: installationId(p), account: need(p.installation?.account?.login, "installation.account.login"), change, repos: listedRepos(p, listKey) };
}

function listedRepos(p: AnyPayload, listKey: string): InstalledFact["repos"] {
  const list: unknown[] = Array.isArray(p[listKey]) ? p[listKey] : [];
  return list.filter(isObject).map((r) => {
    const [owner, name] = String(need(r.full_name, `${listKey}[].full_name`)).split("/");
    return { id: need(r.id, `${listKey}[].id`), owner, name: name ?? need(r.name, `${listKey}[].name`), private: r.private === true };
  });
}

function commentFact(p: EmitterWebhookEvent<"issue_comment.created">["payload"]): ActivityFact {
  const comment = need(p.comment, "comment");
  const issue = need(p.issue, "issue");
  return {
    kind: "activity",
    repo: repoRef(p),
    installationId: installationId(p),
    via: "comment",
    issueNumber: needId(issue.number, "issue.number"),
    isPull: Boolean(issue.pull_request),
    author: need(comment.user?.login, "comment.user.login"),
    authorIsBot: comment.user?.type === "Bot",
    commentId: need(comment.id, "comment.id"),
    body: comment.body ?? "",
    at: date(comment.created_at, "comment.created_at"),
  };
}

function reviewFact(p: EmitterWebhookEvent<"pull_request_review.submitted">["payload"]): ActivityFact {
  const review = need(p.review, "review");
  return {
    kind: "activity",
    repo: repoRef(p),
    installationId: installationId(p),
    via: "review",
    issueNumber: needId(p.pull_request?.number, "pull_request.number"),
    isPull: true,
    author: need(review.user?.login, "review.user.login"),
    authorIsBot: review.user?.type === "Bot",
    body: review.body ?? "",
    at: date(review.submitted_at, "review.submitted_at"),
  };
}

/** What a conclusion means for the component: only a real failure blocks anybody. */
export function outcomeOfConclusion(conclusion: string | null | undefined): Outcome {
  switch (conclusion) {
    case "success":
      return "pass";
    case "failure":
    case "timed_out":
    case "startup_failure":
      return "fail";
    default:
      // cancelled, skipped, neutral, stale, action_required: nobody's component broke.
      return "neutral";
  }
}

function pullsOf(list: unknown): CiFact["pulls"] {
  if (!Array.isArray(list)) return [];
  return list
    .filter((pr) => isObject(pr) && Number.isSafeInteger(pr.number) && pr.number > 0 && isString(pr.head?.sha))
    .map((pr) => ({ number: pr.number, headSha: pr.head.sha, baseRef: pr.base?.ref ?? "" }));
}

function repoRef(p: AnyPayload): RepoRef {
  const r = need(p.repository, "repository");
  return {
    owner: needName(r.owner?.login, "repository.owner.login"),
    name: needName(r.name, "repository.name"),
    id: needId(r.id, "repository.id"),
    defaultBranch: isString(r.default_branch) && r.default_branch !== "" ? r.default_branch : "main",
    private: r.private === true,
  };
}

function installationId(p: AnyPayload): number {
  return needId(p.installation?.id, "installation.id");
}

class MissingField extends Error {}

function need<T>(value: T | null | undefined, field: string): T {
  if (value === undefined || value === null) throw new MissingField(`missing ${field}`);
  return value;
}

/** An id or a number GitHub counts with (PR, issue, repository, installation): a positive integer, or the payload is invalid. */
function needId(value: unknown, field: string): number {
  if (!Number.isSafeInteger(need(value, field)) || (value as number) <= 0) throw new MissingField(`${field} is not a positive integer`);
  return value as number;
}

/** An owner's login or a repository's name, as GitHub allows them: they go into API paths. */
function needName(value: unknown, field: string): string {
  if (typeof need(value, field) !== "string" || !/^[A-Za-z0-9._-]{1,100}$/.test(value as string)) throw new MissingField(`${field} is not a GitHub name`);
  return value as string;
}

function date(value: unknown, field: string): Date {
  const d = new Date(need(value as string | number, field));
  if (Number.isNaN(d.getTime())) throw new MissingField(`${field} is not a date`);
  return d;
}

function isObject(v: unknown): v is AnyPayload {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isString(v: unknown): v is string {
  return typeof v === "string";
}

const ignored = (reason: string): Fact => ({ kind: "ignored", reason });
const invalid = (reason: string): Fact => ({ kind: "invalid", reason });
