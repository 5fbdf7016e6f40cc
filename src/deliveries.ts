import { coalesced } from "./coalesce.js";
import { factFromEvent, type Fact } from "./core/facts.js";
import { onCiResult } from "./handlers/ci-result.js";
import type { Deps } from "./handlers/deps.js";
import { onPullRequest } from "./handlers/pull-request.js";
import { onPush } from "./handlers/registry-push.js";
import { onCommands } from "./handlers/commands.js";
import { onOwnerActivity } from "./handlers/owner-responses.js";
import { onInstalled } from "./handlers/onboarding.js";
import { onMergeGroup } from "./handlers/merge-queue.js";
import { onReplyActivity, onReviewRequest, onTeamMentions } from "./handlers/tier2-requests.js";
import type { Metrics } from "./observability.js";
import type { StoredDelivery } from "./store/store.js";

/**
 * The delivery queue. A webhook is acknowledged once it is stored (GitHub does not retry,
 * and waits only 10 s), then processed from the store: a crash after the acknowledgement
 * loses nothing, because unfinished deliveries are claimed again after their lease expires.
 */

export interface WorkerOptions {
  /** Identifies this process in leases. */
  holder: string;
  batch?: number;
  leaseMs?: number;
  /** How often to look for deliveries stored by other replicas or left by a crash. */
  pollMs?: number;
  maxAttempts?: number;
  /** Called (not awaited) after each batch, e.g. to run the executor: GitHub's pace must not hold up intake. */
  afterBatch?: () => Promise<void>;
  metrics?: Metrics;
}

export class DeliveryWorker {
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;

  constructor(
    private readonly deps: Deps,
    private readonly options: WorkerOptions,
  ) {}

  start(): void {
    this.stopped = false;
    const tick = () => {
      this.timer = setTimeout(() => void this.drain().finally(() => !this.stopped && tick()), this.options.pollMs ?? 1000);
      this.timer.unref();
    };
    tick();
    void this.drain();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.drain();
  }

  /** Processes stored deliveries until none is left; concurrent calls coalesce. */
  drain = coalesced(async () => {
    try {
      while (await this.batch()) {
        /* keep going while there is work */
      }
      // Every tick, even an idle one: actions decided before a restart are carried out too.
      this.kickAfterBatch();
    } catch (error) {
      // The database is unreachable or similar: the next tick tries again.
      this.deps.log.error({ err: error }, "delivery worker pass failed");
    }
  });

  /** One batch; returns whether there was anything to do. */
  private async batch(): Promise<boolean> {
    const { store, now } = this.deps;
    const claimed = await store.claimDeliveries(this.options.holder, this.options.batch ?? 20, now(), this.options.leaseMs ?? 60_000);
    const done: string[] = [];
    for (const delivery of claimed) if (await this.process(delivery)) done.push(delivery.id);
    // Marked done together: a crash before this line only means processing them again, which
    // every handler tolerates (results keep the newest, intents are keyed).
    await store.finishDeliveries(done);
    for (const d of claimed) if (done.includes(d.id)) this.options.metrics?.deliveriesProcessed.inc({ event: d.name });
    if (claimed.length > 0) this.kickAfterBatch();
    return claimed.length > 0;
  }

  private kickAfterBatch(): void {
    this.options.afterBatch?.().catch((error) => this.deps.log.error({ err: error }, "after-batch step failed; the next batch tries again"));
  }

  /** Returns true when the delivery was processed and only remains to be marked done. */
  private async process(delivery: StoredDelivery): Promise<boolean> {
    const { store, now } = this.deps;
    const log = this.deps.log.child({ delivery: delivery.id, event: delivery.name });
    let fact: Fact;
    try {
      fact = factFromEvent(delivery.name, JSON.parse(delivery.payload));
    } catch {
      fact = { kind: "invalid", reason: "payload is not JSON" };
    }
    if (fact.kind === "invalid") {
      log.warn({ reason: fact.reason }, "malformed delivery; stored and skipped");
      await store.finishDelivery(delivery.id, "failed", fact.reason);
      this.options.metrics?.deliveriesFailed.inc({ event: delivery.name, outcome: "malformed" });
      return false;
    }
    const scoped =
      fact.kind === "ignored" ? log : log.child({ installation: fact.installationId, ...("repo" in fact ? { repository: `${fact.repo.owner}/${fact.repo.name}` } : { account: fact.account }) });
    try {
      await dispatch({ ...this.deps, log: scoped }, fact);
      return true;
    } catch (error) {
      const attempts = delivery.attempts;
      if (attempts >= (this.options.maxAttempts ?? 8)) {
        scoped.error({ err: error, attempts }, "delivery failed for good");
        await store.finishDelivery(delivery.id, "failed", String((error as Error).message));
        this.options.metrics?.deliveriesFailed.inc({ event: delivery.name, outcome: "gave_up" });
        return false;
      }
      // Exponential backoff: GitHub outages and rate limits pass.
      const retryAt = new Date(now().getTime() + Math.min(2 ** attempts * 1000, 10 * 60_000));
      scoped.warn({ err: error, attempts, retryAt }, "delivery failed; will retry");
      await store.retryDelivery(delivery.id, retryAt, String((error as Error).message));
      this.options.metrics?.deliveriesFailed.inc({ event: delivery.name, outcome: "retry" });
      return false;
    }
  }
}

async function dispatch(deps: Deps, fact: Fact): Promise<void> {
  switch (fact.kind) {
    case "pull":
      return onPullRequest(deps, fact);
    case "ci":
      return onCiResult(deps, fact);
    case "merge-group":
      return onMergeGroup(deps, fact);
    case "push":
      return onPush(deps, fact);
    case "installed":
      return onInstalled(deps, fact);
    case "review-request":
      return onReviewRequest(deps, fact);
    case "activity":
      await onCommands(deps, fact);
      await onReplyActivity(deps, fact);
      await onTeamMentions(deps, fact);
      return onOwnerActivity(deps, fact);
    default:
      return;
  }
}
