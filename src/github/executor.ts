import type { Logger } from "pino";
import { coalesced } from "../app/coalesce.js";
import { parseAction, type StoredAction } from "../intents/index.js";
import type { ActionRecord, Store } from "../store/store.js";
import type { Octokit } from "./octokit.js";
import type { Metrics } from "../observability/metrics.js";
import { ACTIONS, CREATING, SHADOW, lastApplied, type ActionContext, type ActionHandler, type Existing, type Outcome } from "./actions/index.js";

/**
 * The executor: carries out recorded intents against GitHub, idempotently.
 * Every action has a key (what it is about), a desired state saved before anything is sent,
 * and the state GitHub last accepted. Applying compares the two and sends only the difference,
 * so repeating it after a crash, a redelivery or on a concurrent replica posts nothing twice:
 * a lease makes one executor at a time work on a key, and an object created just before a
 * crash is found again by the marker hidden in its body (or by its deterministic branch).
 *
 * This file is the loop (pending actions, leases, retries, shadow mode, metrics); each kind
 * (comment, issue, file-pr, check-run, workflow-disable, review-request) lives in actions/, and
 * its target and desired state are typed in src/intents.
 * An action recorded in shadow mode is never sent: it is marked applied with githubId "shadow".
 */

export { SHADOW };

/** How many pending actions one read takes. */
const BATCH = 50;

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

export class Executor {
  /** Labels this process has seen exist, so that each new issue does not ask for them again. */
  private readonly knownLabels = new Set<string>();
  private readonly context: ActionContext;

  constructor(private readonly options: ExecutorOptions) {
    this.context = {
      store: options.store,
      log: options.log,
      knownLabels: this.knownLabels,
      existing: (action, find) => this.existing(action, find),
      creating: (action) => this.creating(action),
      issueOf: (action, issueKey) => this.issueOf(action, issueKey),
    };
  }

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

  private async apply(record: ActionRecord): Promise<Outcome> {
    if (record.shadow) return this.recordShadow(record);
    if (record.installationId === null) throw new Error(`action ${record.key} has no installation`);
    const octokit = await this.options.github(record.installationId);
    const action = parseAction(record);
    const kind: ActionHandler = ACTIONS[action.kind];
    return kind.apply(octokit, action, this.context);
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

  private async existing<A>(action: StoredAction, find: () => Promise<Existing<A> | null>): Promise<Existing<A> | null> {
    if (action.githubId === CREATING) {
      const found = await find();
      if (found) await this.options.store.actions.setGithubId(action.key, found.id);
      return found;
    }
    if (action.githubId === null || action.githubId === SHADOW) return null;
    return { id: action.githubId, applied: lastApplied<A>(action) };
  }

  private async creating(action: StoredAction): Promise<void> {
    await this.options.store.actions.setGithubId(action.key, CREATING);
  }

  private async issueOf(action: StoredAction, issueKey: string): Promise<number | undefined> {
    const id = (await this.options.store.actions.get(issueKey))?.githubId;
    if (id && /^\d+$/.test(id)) return Number(id);
    this.options.log.debug({ action: action.key, issueKey }, "waiting for the issue to exist");
    return undefined;
  }
}
