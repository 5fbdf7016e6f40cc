import type { Logger } from "pino";
import { coalesced } from "../coalesce.js";
import { setComponentCi, type CiValue } from "../core/registry-edit.js";
import type { CheckRunDesired } from "../core/registry-check.js";
import type { ActionRecord, Store } from "../store/store.js";
import type { Octokit } from "../handlers/deps.js";
import type { Metrics } from "../observability.js";

/**
 * The executor: carries out recorded intents against GitHub, idempotently.
 * Every action has a key (what it is about), a desired state saved before anything is sent,
 * and the state GitHub last accepted. Applying compares the two and sends only the difference,
 * so repeating it after a crash, a redelivery or on a concurrent replica posts nothing twice:
 * a lease makes one executor at a time work on a key, and an object created just before a
 * crash is found again by the marker hidden in its body (or by its deterministic branch).
 *
 * Kinds (target / desired, both JSON):
 * - "comment": CommentTarget / CommentDesired: one comment on an issue or pull request.
 * - "issue": IssueTarget / IssueDesired: an issue the app opens, edits, labels and closes.
 * - "file-pr": FilePrTarget / FilePrDesired: a branch, a commit editing the registry, a pull request.
 * - "workflow-disable": WorkflowTarget / WorkflowDesired: a GitHub Actions workflow turned off or on.
 * - "review-request": ReviewRequestTarget / ReviewRequestDesired: reviewers asked on a pull request, each once.
 * An action recorded in shadow mode is never sent: it is marked applied with githubId "shadow".
 */

/** How many pending actions one read takes. */
const BATCH = 50;

/** Saved just before a create: after a crash it means "look for the object before creating it". */
const CREATING = "creating";
/** The githubId of an action only ever recorded in shadow mode: nothing exists on GitHub. */
export const SHADOW = "shadow";

/**
 * For a create that a repeat would duplicate (a comment, an issue, a pull request): no blind retry by Octokit's
 * retry plugin. GitHub may answer 5xx to a create it applied; the executor then defers the
 * action, and the next attempt, seeing CREATING, searches for the object before creating it.
 * A secondary rate limit (403) is still waited out and repeated: GitHub applied nothing.
 */
const ONCE = { retries: 0 };

/** The hidden HTML comment that finds an object again: `<!-- tierkeeper:KEY -->`. */
export const hiddenMarker = (key: string) => `<!-- tierkeeper:${key} -->`;

export interface CommentTarget {
  owner: string;
  repo: string;
  /** The issue or pull request; or, instead, `issueKey`. */
  issueNumber?: number;
  /** The key of an "issue" action: the comment waits until that issue exists. */
  issueKey?: string;
  /** Hidden HTML comment that identifies the app's comment among the thread's comments. */
  marker: string;
}

export interface CommentDesired {
  body: string;
  mentions?: string[];
}

interface CommentApplied {
  body: string;
  mentions: string[];
  /** Every mention ever sent through this comment. */
  spent: string[];
}

export interface IssueTarget {
  owner: string;
  repo: string;
  /** Hidden HTML comment, added to the body when the desired body lacks it. */
  marker: string;
}

export interface IssueDesired {
  title: string;
  body: string;
  /** Added when missing (created first if the repository lacks them); never removed. */
  labels: string[];
  state: "open" | "closed";
}

export interface FilePrTarget {
  owner: string;
  repo: string;
  marker: string;
  baseBranch: string;
  /** Deterministic, so a branch created before a crash is found again. */
  branch: string;
  /** The registry file, e.g. `.github/tiers.yml`. */
  path: string;
  /** Optional key of the tracking "issue" action, named in the commit message (waits for it). */
  issueKey?: string;
}

/** What a file pull request changes: a component's `ci` in the registry, or a new registry (onboarding). */
export type RegistryEdit =
  | { op: "set-ci"; component: string; value: CiValue; note?: string }
  | { op: "create"; content: string; message: string };

export interface FilePrDesired {
  title: string;
  body: string;
  edit: RegistryEdit;
  state: "open" | "closed";
}

interface FilePrApplied extends Omit<FilePrDesired, "edit"> {
  /** The edit the branch carries; null when unknown (a pull request found after a crash). */
  edit: RegistryEdit | null;
}

export interface WorkflowTarget {
  owner: string;
  repo: string;
  /** The workflow's file name (`wasi-nn.yml`) or numeric id. */
  workflow: string | number;
}

export interface WorkflowDesired {
  enabled: boolean;
}

export interface ReviewRequestTarget {
  owner: string;
  repo: string;
  pullNumber: number;
}

export interface ReviewRequestDesired {
  reviewers: string[];
  /** Team slugs of the repository's organisation. */
  teamReviewers: string[];
}

export interface ExecutorOptions {
  store: Store;
  log: Logger;
  now: () => Date;
  github(installationId: number): Promise<Octokit>;
  /** Identifies this process in leases. */
  holder: string;
  leaseMs?: number;
  /** How long a failed action waits before it is tried again. */
  retryMs?: number;
  metrics?: Metrics;
}

/** "waiting": the action depends on one not applied yet; it stays pending for a later pass. */
type Outcome = "applied" | "waiting";

/** An object the action made: its GitHub id and the state GitHub last accepted (the diff's baseline). */
interface Existing<A> {
  id: string;
  applied: A | undefined;
}

export class Executor {
  /** Labels this process has seen exist, so that each new issue does not ask for them again. */
  private readonly knownLabels = new Set<string>();

  constructor(private readonly options: ExecutorOptions) {}

  /** Applies every pending action; concurrent calls coalesce into one more pass. */
  drain = coalesced(() => this.pass());

  private async pass(): Promise<void> {
    const { store, now, holder } = this.options;
    // Actions left pending in this pass (waiting for another, held by a replica, or failed):
    // skipped when the next batch is read, so that neither they nor failures hold up the rest.
    const skipped = new Set<string>();
    let progressed = false;
    for (;;) {
      const pending = (await store.actions.pending(BATCH + skipped.size, now())).filter((a) => !skipped.has(a.key));
      if (pending.length === 0) break;
      for (const candidate of pending) {
        // Leases coordinate processes, so they run on the wall clock: a `tierkeeper sweep --now <later>`
        // deciding in the future must not see the server's live lease as expired (it did: two PRs).
        if (!(await store.actions.lease(candidate.key, holder, new Date(), this.options.leaseMs ?? 60_000))) {
          skipped.add(candidate.key);
          continue;
        }
        // Re-read under the lease: another replica may have applied it meanwhile.
        const action = await store.actions.get(candidate.key);
        if (!action || action.version <= action.appliedVersion) {
          await store.actions.release(candidate.key, holder);
          continue;
        }
        try {
          if ((await this.apply(action)) === "waiting") {
            await store.actions.release(action.key, holder);
            skipped.add(action.key);
          } else {
            progressed = true;
            this.options.metrics?.actionsApplied.inc({ kind: action.kind, mode: action.shadow ? "shadow" : "enforce" });
          }
        } catch (error) {
          // Retried after a pause (never in this pass); meanwhile it cannot hold up the actions behind it.
          await store.actions.defer(candidate.key, new Date(now().getTime() + (this.options.retryMs ?? 60_000)));
          skipped.add(candidate.key);
          this.options.metrics?.actionsFailed.inc({ kind: action.kind });
          this.options.log.warn({ err: error, action: action.key }, "action failed; it stays pending and is retried later");
        }
      }
    }
    // Once more when an action waited and something was applied: what it waited for may be there now.
    if (skipped.size > 0 && progressed) await this.pass();
  }

  private async apply(action: ActionRecord): Promise<Outcome> {
    if (action.shadow) return this.recordShadow(action);
    if (action.installationId === null) throw new Error(`action ${action.key} has no installation`);
    const octokit = await this.options.github(action.installationId);
    switch (action.kind) {
      case "comment":
        return this.applyComment(octokit, action);
      case "issue":
        return this.applyIssue(octokit, action);
      case "file-pr":
        return this.applyFilePr(octokit, action);
      case "check-run":
        return this.applyCheckRun(octokit, action);
      case "workflow-disable":
        return this.applyWorkflow(octokit, action);
      case "review-request":
        return this.applyReviewRequest(octokit, action);
      default:
        throw new Error(`unknown action kind ${action.kind}`);
    }
  }

  /**
   * Shadow mode sends nothing. The action is marked applied so it is not retried; what GitHub
   * accepted before (an object made while the repository enforced) stays the baseline, so
   * switching back to enforce sends exactly the difference, or creates the object.
   */
  private async recordShadow(action: ActionRecord): Promise<Outcome> {
    await this.options.store.actions.markApplied(action.key, action.version, action.applied ?? "null", action.githubId ? null : SHADOW);
    this.options.log.info({ action: action.key, kind: action.kind, shadow: true }, "shadow mode: not sent");
    return "applied";
  }

  /**
   * The object this action already made. Only a create that may have happened before a crash
   * (CREATING) costs a search; what the search finds is the baseline the update diffs against.
   */
  private async existing<A>(action: ActionRecord, find: () => Promise<Existing<A> | null>): Promise<Existing<A> | null> {
    if (action.githubId === CREATING) {
      const found = await find();
      if (found) await this.options.store.actions.setGithubId(action.key, found.id);
      return found;
    }
    if (action.githubId === null || action.githubId === SHADOW) return null;
    return { id: action.githubId, applied: lastApplied<A>(action) };
  }

  /** Saved before a create is sent, so that the next attempt after a crash searches first. */
  private async creating(action: ActionRecord): Promise<void> {
    await this.options.store.actions.setGithubId(action.key, CREATING);
  }

  /** The number of the issue another action made, or undefined while it has none. */
  private async issueOf(action: ActionRecord, issueKey: string): Promise<number | undefined> {
    const id = (await this.options.store.actions.get(issueKey))?.githubId;
    if (id && /^\d+$/.test(id)) return Number(id);
    this.options.log.debug({ action: action.key, issueKey }, "waiting for the issue to exist");
    return undefined;
  }

  private async applyComment(octokit: Octokit, action: ActionRecord): Promise<Outcome> {
    const { store } = this.options;
    const target = JSON.parse(action.target) as CommentTarget;
    const desired = JSON.parse(action.desired) as CommentDesired;
    const issueNumber = target.issueNumber ?? (target.issueKey ? await this.issueOf(action, target.issueKey) : undefined);
    if (issueNumber === undefined) {
      if (target.issueKey) return "waiting";
      throw new Error(`comment ${action.key} names no issue`);
    }
    const params = { owner: target.owner, repo: target.repo };
    const mentions = desired.mentions ?? [];
    const previous = lastApplied<CommentApplied>(action);
    const record: CommentApplied = { body: desired.body, mentions, spent: [...new Set([...(previous?.spent ?? []), ...mentions])] };

    let comment = await this.existing<CommentApplied>(action, () => findComment(octokit, { ...target, issueNumber }, previous));
    if (comment && comment.applied?.body !== desired.body) {
      try {
        await octokit.rest.issues.updateComment({ ...params, comment_id: Number(comment.id), body: desired.body });
      } catch (error) {
        if (!gone(error)) throw error;
        comment = null; // someone deleted it: post it again
      }
    }
    let commentId = comment?.id;
    if (!commentId) {
      await this.creating(action);
      const { data } = await octokit.rest.issues.createComment({ ...params, issue_number: issueNumber, body: desired.body, request: ONCE });
      commentId = String(data.id);
    }
    await store.actions.markApplied(action.key, action.version, JSON.stringify(record), commentId);
    this.options.log.info({ action: action.key, comment: commentId }, "comment applied");
    return "applied";
  }

  private async applyIssue(octokit: Octokit, action: ActionRecord): Promise<Outcome> {
    const target = JSON.parse(action.target) as IssueTarget;
    const wanted = JSON.parse(action.desired) as IssueDesired;
    const desired: IssueDesired = { ...wanted, body: withMarker(wanted.body, target.marker) };
    const params = { owner: target.owner, repo: target.repo };

    let issue = await this.existing<IssueDesired>(action, () => findIssue(octokit, target, desired.labels[0]));
    if (issue) {
      const applied = issue.applied;
      try {
        const changes = changed(applied, desired, ["title", "body", "state"]);
        if (changes) await octokit.rest.issues.update({ ...params, issue_number: Number(issue.id), ...changes });
        const added = desired.labels.filter((l) => !applied?.labels.some((a) => a.toLowerCase() === l.toLowerCase()));
        if (added.length) {
          await ensureLabels(octokit, params, added, this.knownLabels);
          await octokit.rest.issues.addLabels({ ...params, issue_number: Number(issue.id), labels: added });
        }
      } catch (error) {
        if (!gone(error)) throw error;
        issue = null; // deleted: open it again
      }
    }
    let number = issue?.id;
    if (!number) {
      await ensureLabels(octokit, params, desired.labels, this.knownLabels);
      await this.creating(action);
      const { data } = await octokit.rest.issues.create({ ...params, title: desired.title, body: desired.body, labels: desired.labels, request: ONCE });
      number = String(data.number);
      // Issues are created open; a crash before this close is repaired by the diff after the search.
      if (desired.state === "closed") await octokit.rest.issues.update({ ...params, issue_number: data.number, state: "closed" });
    }
    await this.options.store.actions.markApplied(action.key, action.version, JSON.stringify(desired), number);
    this.options.log.info({ action: action.key, issue: number }, "issue applied");
    return "applied";
  }

  private async applyFilePr(octokit: Octokit, action: ActionRecord): Promise<Outcome> {
    const target = JSON.parse(action.target) as FilePrTarget;
    const wanted = JSON.parse(action.desired) as FilePrDesired;
    const desired: FilePrDesired = { ...wanted, body: withMarker(wanted.body, target.marker) };
    const params = { owner: target.owner, repo: target.repo };
    const record = (githubId: string | null) => this.options.store.actions.markApplied(action.key, action.version, JSON.stringify(desired), githubId);
    const issueNumber = target.issueKey ? await this.issueOf(action, target.issueKey) : undefined;
    if (target.issueKey && issueNumber === undefined) return "waiting";

    const pr = await this.existing<FilePrApplied>(action, () => findPull(octokit, target));
    // The branch needs a commit only when the edit is new to it; a closed pull request gets none.
    if (desired.state === "open" && !sameEdit(pr?.applied?.edit, desired.edit)) {
      const { proposes } = await pushEdit(octokit, target, desired.edit, issueNumber);
      if (!proposes && !pr) {
        await record(null);
        this.options.log.info({ action: action.key, path: target.path }, "the file already has the edit: no pull request");
        return "applied";
      }
    }
    let number = pr?.id;
    if (pr) {
      const changes = changed(pr.applied, desired, ["title", "body", "state"]);
      if (changes) await updatePull(octokit, { ...params, pull_number: Number(pr.id), ...changes });
    } else if (desired.state === "open") {
      await this.creating(action);
      number = await createPull(octokit, target, desired);
    } // else: closed before it was ever opened: nothing to do.
    await record(number ?? null);
    this.options.log.info({ action: action.key, pull: number }, "file pull request applied");
    return "applied";
  }

  /**
   * A completed check run on a commit, with its annotations sent 50 at a time (GitHub's limit
   * per request; later batches are appended by updates). Found again by name on the commit.
   */
  private async applyCheckRun(octokit: Octokit, action: ActionRecord): Promise<Outcome> {
    const target = JSON.parse(action.target) as { owner: string; repo: string; headSha: string };
    const desired = JSON.parse(action.desired) as CheckRunDesired;
    const params = { owner: target.owner, repo: target.repo };
    const output = (annotations: CheckRunDesired["annotations"]) => ({ title: desired.title, summary: desired.summary, annotations });
    let id = action.githubId === CREATING ? await findCheckRun(octokit, target, desired.name) : action.githubId === SHADOW ? null : action.githubId;
    if (!id) {
      await this.creating(action);
      const batches = chunk(desired.annotations, 50);
      const { data } = await octokit.rest.checks.create({
        ...params,
        name: desired.name,
        head_sha: target.headSha,
        status: "completed",
        conclusion: desired.conclusion,
        output: output(batches[0] ?? []),
        request: ONCE,
      });
      id = String(data.id);
      await this.options.store.actions.setGithubId(action.key, id);
      for (const batch of batches.slice(1)) await octokit.rest.checks.update({ ...params, check_run_id: data.id, output: output(batch) });
    } else if (action.applied !== action.desired) {
      // Annotations already sent stay: updates would only append them again.
      await octokit.rest.checks.update({ ...params, check_run_id: Number(id), conclusion: desired.conclusion, output: output([]) });
    }
    await this.options.store.actions.markApplied(action.key, action.version, action.desired, id);
    this.options.log.info({ action: action.key, checkRun: id, conclusion: desired.conclusion }, "check run applied");
    return "applied";
  }

  private async applyReviewRequest(octokit: Octokit, action: ActionRecord): Promise<Outcome> {
    const applied = await requestReviews(octokit, action, this.options.log);
    await this.options.store.actions.markApplied(action.key, action.version, JSON.stringify(applied), null);
    this.options.log.info({ action: action.key }, "review request applied");
    return "applied";
  }

  private async applyWorkflow(octokit: Octokit, action: ActionRecord): Promise<Outcome> {
    const target = JSON.parse(action.target) as WorkflowTarget;
    const desired = JSON.parse(action.desired) as WorkflowDesired;
    // Enabling and disabling are idempotent on GitHub; the diff only saves the request.
    if (lastApplied<WorkflowDesired>(action)?.enabled !== desired.enabled) {
      const params = { owner: target.owner, repo: target.repo, workflow_id: target.workflow };
      if (desired.enabled) await octokit.rest.actions.enableWorkflow(params);
      else await octokit.rest.actions.disableWorkflow(params);
    }
    await this.options.store.actions.markApplied(action.key, action.version, JSON.stringify(desired), String(target.workflow));
    this.options.log.info({ action: action.key, workflow: target.workflow, enabled: desired.enabled }, "workflow applied");
    return "applied";
  }
}

/**
 * Asks for reviews, each reviewer once: only those not asked before are sent, so a reviewer who
 * removed the request is not asked again. GitHub refuses (422) reviewers who are not
 * collaborators; that is recorded and logged, not retried forever.
 */
async function requestReviews(octokit: Octokit, action: ActionRecord, log: Logger): Promise<ReviewRequestDesired & { refused?: string }> {
  const target = JSON.parse(action.target) as ReviewRequestTarget;
  const desired = JSON.parse(action.desired) as ReviewRequestDesired;
  const before = lastApplied<ReviewRequestDesired>(action);
  const reviewers = desired.reviewers.filter((r) => !before?.reviewers.includes(r));
  const teamReviewers = desired.teamReviewers.filter((t) => !before?.teamReviewers.includes(t));
  if (reviewers.length === 0 && teamReviewers.length === 0) return desired;
  try {
    await octokit.rest.pulls.requestReviewers({ owner: target.owner, repo: target.repo, pull_number: target.pullNumber, reviewers, team_reviewers: teamReviewers });
    return desired;
  } catch (error) {
    if ((error as { status?: number }).status !== 422) throw error;
    const refused = (error as Error).message;
    log.warn({ action: action.key, reviewers, teamReviewers, refused }, "GitHub refused the review request");
    return { ...desired, refused };
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers: one GitHub step each

async function findCheckRun(octokit: Octokit, target: { owner: string; repo: string; headSha: string }, name: string): Promise<string | null> {
  const { data } = await octokit.rest.checks.listForRef({ owner: target.owner, repo: target.repo, ref: target.headSha, check_name: name });
  return data.check_runs.length ? String(data.check_runs[0].id) : null;
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** What GitHub last accepted; nothing when the action was only ever recorded in shadow mode. */
function lastApplied<A>(action: ActionRecord): A | undefined {
  if (action.githubId === SHADOW || !action.applied) return undefined;
  return (JSON.parse(action.applied) as A | null) ?? undefined;
}

function withMarker(body: string, marker: string): string {
  return body.includes(marker) ? body : `${body}\n\n${marker}`;
}

/** The fields whose desired value differs from the applied one, or undefined when none does. */
function changed<T extends object, K extends keyof T>(applied: Partial<Pick<T, K>> | undefined, desired: T, fields: K[]): Pick<T, K> | undefined {
  const out: Partial<Pick<T, K>> = {};
  for (const f of fields) if (applied?.[f] !== desired[f]) out[f] = desired[f];
  return Object.keys(out).length ? (out as Pick<T, K>) : undefined;
}

const statusOf = (error: unknown) => (error as { status?: number }).status;
/** Deleted (404) or gone for good (410, a deleted issue). */
const gone = (error: unknown) => statusOf(error) === 404 || statusOf(error) === 410;

function sameEdit(a: RegistryEdit | null | undefined, b: RegistryEdit): boolean {
  return !!a && JSON.stringify(a) === JSON.stringify(b);
}

/** The app's earlier comment on the thread, recognised by its marker. */
async function findComment(octokit: Octokit, target: CommentTarget & { issueNumber: number }, previous: CommentApplied | undefined): Promise<Existing<CommentApplied> | null> {
  for await (const page of octokit.paginate.iterator(octokit.rest.issues.listComments, {
    owner: target.owner,
    repo: target.repo,
    issue_number: target.issueNumber,
    per_page: 100,
  })) {
    const mine = page.data.find((c) => c.user?.type === "Bot" && c.body?.includes(target.marker));
    if (mine) return { id: String(mine.id), applied: { mentions: [], spent: [], ...previous, body: mine.body ?? "" } };
  }
  return null;
}

/** The app's issue, by its marker; the label narrows the listing (newest first: a crashed create is recent). */
async function findIssue(octokit: Octokit, target: IssueTarget, label: string | undefined): Promise<Existing<IssueDesired> | null> {
  for await (const page of octokit.paginate.iterator(octokit.rest.issues.listForRepo, {
    owner: target.owner,
    repo: target.repo,
    state: "all",
    ...(label !== undefined && { labels: label }),
    per_page: 100,
  })) {
    const mine = page.data.find((i) => !i.pull_request && i.user?.type === "Bot" && i.body?.includes(target.marker));
    if (mine) {
      const labels = mine.labels.map((l) => (typeof l === "string" ? l : (l.name ?? "")));
      return { id: String(mine.number), applied: { title: mine.title, body: mine.body ?? "", labels, state: mine.state as IssueDesired["state"] } };
    }
  }
  return null;
}

/** Labels must exist before an issue uses them; one that already does answers 422 already_exists. */
/** Creates the labels that are not known to exist; `known` remembers them for this process. */
async function ensureLabels(octokit: Octokit, params: { owner: string; repo: string }, labels: string[], known: Set<string>): Promise<void> {
  for (const name of labels) {
    const key = `${params.owner}/${params.repo}:${name}`.toLowerCase();
    if (known.has(key)) continue;
    try {
      await octokit.rest.issues.createLabel({ ...params, name });
    } catch (error) {
      const errors = (error as { response?: { data?: { errors?: { code?: string }[] } } }).response?.data?.errors;
      if (statusOf(error) !== 422 || !errors?.some((e) => e.code === "already_exists")) throw error;
    }
    if (known.size > 10_000) known.clear();
    known.add(key);
  }
}

/** The pull request from the action's branch, recognised by its marker. Its edit is unknown: the branch is checked again. */
async function findPull(octokit: Octokit, target: FilePrTarget): Promise<Existing<FilePrApplied> | null> {
  for await (const page of octokit.paginate.iterator(octokit.rest.pulls.list, {
    owner: target.owner,
    repo: target.repo,
    head: `${target.owner}:${target.branch}`,
    state: "all",
    per_page: 100,
  })) {
    const mine = page.data.find((p) => p.body?.includes(target.marker));
    if (mine) return { id: String(mine.number), applied: { title: mine.title, body: mine.body ?? "", state: mine.state as FilePrDesired["state"], edit: null } };
  }
  return null;
}

async function createPull(octokit: Octokit, target: FilePrTarget, desired: FilePrDesired): Promise<string> {
  try {
    const { data } = await octokit.rest.pulls.create({ owner: target.owner, repo: target.repo, title: desired.title, body: desired.body, head: target.branch, base: target.baseBranch, request: ONCE });
    return String(data.number);
  } catch (error) {
    // "A pull request already exists" for the branch: ours, made by a run whose record was lost.
    const found = statusOf(error) === 422 ? await findPull(octokit, target) : null;
    if (!found) throw error;
    return found.id;
  }
}

/** A merged pull request cannot change state; there is nothing left to do with it. */
async function updatePull(octokit: Octokit, params: { owner: string; repo: string; pull_number: number; title?: string; body?: string; state?: "open" | "closed" }): Promise<void> {
  try {
    await octokit.rest.pulls.update(params);
  } catch (error) {
    if (statusOf(error) !== 422) throw error;
    const { data } = await octokit.rest.pulls.get({ owner: params.owner, repo: params.repo, pull_number: params.pull_number });
    if (!data.merged) throw error;
  }
}

interface RepoFile {
  text: string;
  sha: string;
}

async function readFile(octokit: Octokit, target: FilePrTarget, ref: string): Promise<RepoFile | null> {
  try {
    const { data } = await octokit.rest.repos.getContent({ owner: target.owner, repo: target.repo, path: target.path, ref });
    if (Array.isArray(data) || data.type !== "file" || !("content" in data) || data.encoding !== "base64") {
      throw new Error(`${target.path} at ${ref} is not a file GitHub returns inline`);
    }
    return { text: Buffer.from(data.content, "base64").toString("utf8"), sha: data.sha };
  } catch (error) {
    if (statusOf(error) === 404) return null;
    throw error;
  }
}

async function branchHead(octokit: Octokit, target: FilePrTarget, branch: string): Promise<string | null> {
  try {
    const { data } = await octokit.rest.git.getRef({ owner: target.owner, repo: target.repo, ref: `heads/${branch}` });
    return data.object.sha;
  } catch (error) {
    if (statusOf(error) === 404) return null;
    throw error;
  }
}

/**
 * Makes the branch hold the base branch's registry with the edit applied, committing only when
 * it does not already. `proposes` is false when the base branch already has the edit (and the
 * branch does not exist): there is nothing to propose.
 */
async function pushEdit(octokit: Octokit, target: FilePrTarget, edit: RegistryEdit, issueNumber: number | undefined): Promise<{ proposes: boolean }> {
  const params = { owner: target.owner, repo: target.repo };
  const baseSha = await branchHead(octokit, target, target.baseBranch);
  if (!baseSha) throw new Error(`branch ${target.baseBranch} not found in ${params.owner}/${params.repo}`);
  const base = await readFile(octokit, target, baseSha);
  if (!base && edit.op === "set-ci") throw new Error(`${target.path} not found on ${target.baseBranch} in ${params.owner}/${params.repo}`);
  // A new file is proposed only while the base branch has none: one added meanwhile wins.
  const text = edit.op === "set-ci" ? setComponentCi(base!.text, edit.component, edit.value, edit.note) : base ? base.text : edit.content;
  const proposes = text !== base?.text;

  let onBranch: RepoFile | null = base;
  if (await branchHead(octokit, target, target.branch)) {
    onBranch = await readFile(octokit, target, target.branch);
  } else if (!proposes) {
    return { proposes };
  } else {
    try {
      await octokit.rest.git.createRef({ ...params, ref: `refs/heads/${target.branch}`, sha: baseSha });
    } catch (error) {
      if (statusOf(error) !== 422) throw error;
      onBranch = await readFile(octokit, target, target.branch); // created meanwhile
    }
  }
  if (onBranch?.text === text) return { proposes }; // the branch already has the edit
  const message =
    edit.op === "create"
      ? edit.message
      : [`${edit.value === "disabled" ? "Disable" : "Re-enable"} CI for ${edit.component} in ${target.path}`, edit.note, issueNumber !== undefined ? `Tracking issue: #${issueNumber}` : undefined]
          .filter(Boolean)
          .join("\n\n");
  await octokit.rest.repos.createOrUpdateFileContents({
    ...params,
    path: target.path,
    branch: target.branch,
    message,
    content: Buffer.from(text, "utf8").toString("base64"),
    ...(onBranch && { sha: onBranch.sha }),
  });
  return { proposes };
}
