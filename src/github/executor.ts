import type { Logger } from "pino";
import type { ActionRecord, Store } from "../store/store.js";
import type { Octokit } from "../handlers/deps.js";

/**
 * The executor: carries out recorded intents against GitHub, idempotently.
 * Every action has a key (what it is about), a desired state saved before anything is sent,
 * and the state GitHub last accepted. Applying compares the two and sends only the difference,
 * so repeating it after a crash, a redelivery or on a concurrent replica posts nothing twice:
 * a lease makes one executor at a time work on a key, and an object created just before a
 * crash is found again by the marker hidden in its body.
 */

/** Saved just before a create: after a crash it means "look for the object before creating it". */
const CREATING = "creating";

export interface CommentTarget {
  owner: string;
  repo: string;
  issueNumber: number;
  /** Hidden HTML comment that identifies the app's comment among the thread's comments. */
  marker: string;
}

interface CommentDesired {
  body: string;
  mentions?: string[];
}

interface CommentApplied {
  body: string;
  mentions: string[];
  /** Every mention ever sent through this comment. */
  spent: string[];
}

export interface ExecutorOptions {
  store: Store;
  log: Logger;
  now: () => Date;
  github(installationId: number): Promise<Octokit>;
  /** Identifies this process in leases. */
  holder: string;
  leaseMs?: number;
}

export class Executor {
  private running: Promise<void> | undefined;
  private again = false;

  constructor(private readonly options: ExecutorOptions) {}

  /** Applies every pending action; concurrent calls coalesce into one more pass. */
  drain(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.pass();
        } while (this.again);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  private async pass(): Promise<void> {
    const { store, now, holder } = this.options;
    for (;;) {
      const pending = await store.pendingActions(50);
      let progressed = false;
      for (const candidate of pending) {
        if (!(await store.leaseAction(candidate.key, holder, now(), this.options.leaseMs ?? 60_000))) continue;
        // Re-read under the lease: another replica may have applied it meanwhile.
        const action = await store.getAction(candidate.key);
        if (!action || action.version <= action.appliedVersion) {
          await store.releaseAction(candidate.key, holder);
          continue;
        }
        try {
          await this.apply(action);
          progressed = true;
        } catch (error) {
          await store.releaseAction(candidate.key, holder);
          this.options.log.warn({ err: error, action: action.key }, "action failed; it stays pending and is retried");
        }
      }
      if (!progressed || pending.length < 50) return;
    }
  }

  private async apply(action: ActionRecord): Promise<void> {
    if (action.installationId === null) throw new Error(`action ${action.key} has no installation`);
    const octokit = await this.options.github(action.installationId);
    switch (action.kind) {
      case "comment":
        return this.applyComment(octokit, action);
      default:
        throw new Error(`unknown action kind ${action.kind}`);
    }
  }

  private async applyComment(octokit: Octokit, action: ActionRecord): Promise<void> {
    const { store } = this.options;
    const target = JSON.parse(action.target) as CommentTarget;
    const desired = JSON.parse(action.desired) as CommentDesired;
    const applied = action.applied ? (JSON.parse(action.applied) as CommentApplied) : undefined;
    const mentions = desired.mentions ?? [];
    const record: CommentApplied = { body: desired.body, mentions, spent: [...new Set([...(applied?.spent ?? []), ...mentions])] };
    const params = { owner: target.owner, repo: target.repo };

    // Only a create that may have happened before a crash needs the thread searched.
    let commentId = action.githubId === CREATING ? await findComment(octokit, target) : action.githubId;
    if (commentId && commentId !== action.githubId) await store.setGithubId(action.key, commentId);
    if (commentId) {
      if (applied?.body !== desired.body) {
        try {
          await octokit.rest.issues.updateComment({ ...params, comment_id: Number(commentId), body: desired.body });
        } catch (error) {
          if ((error as { status?: number }).status !== 404) throw error;
          commentId = null; // someone deleted it: post it again
        }
      }
    }
    if (!commentId) {
      await store.setGithubId(action.key, CREATING);
      const { data } = await octokit.rest.issues.createComment({ ...params, issue_number: target.issueNumber, body: desired.body });
      commentId = String(data.id);
    }
    await store.markApplied(action.key, action.version, JSON.stringify(record), commentId);
    this.options.log.info({ action: action.key, comment: commentId }, "comment applied");
  }
}

/** The app's earlier comment on the thread, recognised by its marker. */
async function findComment(octokit: Octokit, target: CommentTarget): Promise<string | null> {
  for await (const page of octokit.paginate.iterator(octokit.rest.issues.listComments, {
    owner: target.owner,
    repo: target.repo,
    issue_number: target.issueNumber,
    per_page: 100,
  })) {
    const mine = page.data.find((c) => c.user?.type === "Bot" && c.body?.includes(target.marker));
    if (mine) return String(mine.id);
  }
  return null;
}
