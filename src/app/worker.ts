import { setImmediate as afterPendingIo, setTimeout as sleep } from "node:timers/promises";
import { coalesced } from "./coalesce.js";
import { factFromEvent, type Fact } from "../core/facts.js";
import { readStoredFact } from "../core/stored-fact.js";
import type { Deps } from "../features/deps.js";
import type { AnyFeature } from "../features/feature.js";
import { route } from "./router.js";
import { lazyChild } from "../observability/lazy-logger.js";
import type { Metrics } from "../observability/metrics.js";
import type { ParkedScope, StoredDelivery } from "../store/store.js";

/**
 * The delivery queue. A webhook is acknowledged once it is stored (GitHub does not retry,
 * and waits only 10 s), then processed from the store: a crash after the acknowledgement
 * loses nothing, because unfinished deliveries are claimed again after their lease expires.
 * Every claim counts as an attempt: a delivery whose processing crashes or hangs the process is
 * claimed again after each restart, and given up (dead) after `maxAttempts` claims.
 */

export interface WorkerOptions {
  /** Identifies this process in leases. */
  holder: string;
  batch?: number;
  /** The most payload bytes one batch claims (default 8 MiB; the first delivery comes whatever its size, up to GitHub's 25 MB). */
  batchBytes?: number;
  leaseMs?: number;
  /** How often to look for deliveries stored by other replicas or left by a crash. */
  pollMs?: number;
  /** Claims of a delivery before it is given up for good (default 5). */
  maxAttempts?: number;
  /** How long a delivery's handlers may take before they are abandoned and the delivery retried later (default 30 s). */
  budgetMs?: number;
  /** A timer that resolves `expired` when `ms` have passed (tests drive it); cancelled once the handlers finish in time. */
  budgetTimer?: (ms: number) => BudgetTimer;
  /** Called (not awaited) after each batch, e.g. to run the executor: GitHub's pace must not hold up intake. */
  afterBatch?: () => Promise<void>;
  metrics?: Metrics;
  /** The features deliveries are routed to (default: features/index.ts; tests pass their own). */
  features?: readonly AnyFeature[];
  /** Whether webhooks are arriving now: while they are, processing waits for a pause (acknowledgements have 10 s, processing may lag). */
  intakeBusy?: () => boolean;
  /** The longest a delivery waits for a lull, in ms (default 1 s): under sustained intake the backlog still drains. */
  maxDeferMs?: number;
}

export interface BudgetTimer {
  expired: Promise<void>;
  cancel: () => void;
}

/**
 * A plain timer: one per delivery, so no AbortSignal (aborting one builds an AbortError, stack and
 * all, for every delivery that finishes in time). Cancelled, it never settles.
 */
function budgetTimer(ms: number): BudgetTimer {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)).unref());
  return { expired, cancel: () => clearTimeout(timer) };
}

/** A batch's payloads are read and parsed together: at most this many bytes of them (8 MiB). */
const BATCH_BYTES = 8 * 1024 * 1024;

/** How often a paused worker looks whether the intake still is busy, in ms. */
const PAUSE_POLL_MS = 2;

export class DeliveryWorker {
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  /** When dead deliveries were last looked for (wall clock; 0: at the first batch). */
  private lastBurial = 0;
  /**
   * Polls in a row that found nothing: the next waits longer (up to 8× pollMs). A replica drains
   * what it receives at once, so the poll only finds crash leftovers and retries; idle replicas
   * polling at full rate cost CPU and database round-trips for nothing.
   */
  private idlePolls = 0;

  constructor(
    private readonly deps: Deps,
    private readonly options: WorkerOptions,
  ) {}

  start(): void {
    this.stopped = false;
    const tick = () => {
      const delay = (this.options.pollMs ?? 1000) * 2 ** Math.min(this.idlePolls, 3);
      this.timer = setTimeout(() => void this.drain().finally(() => !this.stopped && tick()), delay);
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
      let found = false;
      while (await this.batch()) found = true; // keep going while there is work
      this.idlePolls = found ? 0 : this.idlePolls + 1;
      // Every tick, even an idle one: actions decided before a restart are carried out too.
      this.kickAfterBatch();
    } catch (error) {
      // The database is unreachable or similar: the next tick tries again.
      this.deps.log.error({ err: error }, "delivery worker pass failed");
    }
  });

  /**
   * One batch; returns whether there was anything to do. Acknowledgements first: processing
   * shares the event loop (and, on SQLite, the database) with the intake, and GitHub waits at most
   * 10 s for an answer while a delivery may wait to be processed. So each delivery waits for a
   * lull in the intake, at most `maxDeferMs`; in a flood that never pauses, processing goes on at
   * one delivery per `maxDeferMs`, claimed alone (twenty claimed in a flood would wait twenty times
   * that under their lease).
   */
  private async batch(): Promise<boolean> {
    const { store, now } = this.deps;
    const maxClaims = this.maxClaims;
    const lull = await this.awaitLull();
    // A delivery claimed maxClaims times is never claimed again (the claim excludes it); marking it
    // dead only makes that visible, so it is done once a minute, not before every batch: the
    // statement reads the whole backlog, and on SQLite it would hold up the acknowledgements.
    if (Date.now() - this.lastBurial >= 60_000) {
      this.lastBurial = Date.now();
      for (const dead of await store.deliveries.bury(maxClaims, now(), `gave up after ${maxClaims} claims without finishing: processing it crashed or hung the process`)) {
        this.deps.log.error({ delivery: dead.id, event: dead.name, attempts: dead.attempts }, "delivery claimed too often without finishing; given up for good");
        this.options.metrics?.deliveriesDead.inc({ event: dead.name, cause: "unfinished" });
      }
    }
    const limit = lull ? (this.options.batch ?? 20) : 1;
    const claimed = readFacts(await store.deliveries.claim(this.options.holder, limit, now(), this.options.leaseMs ?? 60_000, maxClaims, this.options.batchBytes ?? BATCH_BYTES));
    const parked = claimed.length > 0 ? await store.parked.list() : [];
    const done: ClaimedDelivery[] = [];
    for (const [i, delivery] of claimed.entries()) {
      // Webhooks go first, those waiting to be read and, after the first delivery, those arriving
      // again after a lull: a lull (the sender's pause, a stall of our own) must not start twenty
      // deliveries' worth of work in front of the webhooks that follow it.
      await afterPendingIo();
      if (i > 0) await this.awaitLull();
      if (await this.process(delivery, parked)) done.push(delivery);
    }
    // Marked done together: a crash before this line only means processing them again, which
    // every handler tolerates (results keep the newest, intents are keyed).
    await store.deliveries.finishAll(done.map((d) => d.id));
    for (const d of done) this.options.metrics?.deliveriesProcessed.inc({ event: d.name });
    if (claimed.length > 0) this.kickAfterBatch();
    return claimed.length > 0;
  }

  /** Waits while webhooks arrive, at most maxDeferMs; true when the intake is quiet, false when it still is busy. */
  private async awaitLull(): Promise<boolean> {
    const busy = this.options.intakeBusy;
    if (!busy) return true;
    const deadline = performance.now() + (this.options.maxDeferMs ?? 1000);
    while (!this.stopped && busy()) {
      if (performance.now() >= deadline) return false;
      await sleep(PAUSE_POLL_MS, undefined, { ref: false });
    }
    return true;
  }

  private get maxClaims(): number {
    return this.options.maxAttempts ?? 5;
  }

  private kickAfterBatch(): void {
    this.options.afterBatch?.().catch((error) => this.deps.log.error({ err: error }, "after-batch step failed; the next batch tries again"));
  }

  /** Returns true when the delivery was processed and only remains to be marked done. */
  private async process(delivery: ClaimedDelivery, parked: readonly ParkedScope[]): Promise<boolean> {
    const { store, now } = this.deps;
    const { fact } = delivery;
    const ids = { delivery: delivery.id, event: delivery.name };
    const log = lazyChild(this.deps.log, ids);
    if (fact.kind === "invalid") {
      log.warn({ reason: fact.reason }, "malformed delivery; stored and skipped");
      await store.deliveries.finish(delivery.id, "failed", fact.reason);
      this.options.metrics?.deliveriesFailed.inc({ event: delivery.name, outcome: "malformed" });
      this.options.metrics?.deliveriesDead.inc({ event: delivery.name, cause: "malformed" });
      return false;
    }
    const scoped =
      fact.kind === "ignored"
        ? log
        : lazyChild(this.deps.log, { ...ids, installation: fact.installationId, ...("repo" in fact ? { repository: `${fact.repo.owner}/${fact.repo.name}` } : { account: fact.account }) });
    const stopped = parkedScopeOf(fact, parked);
    if (stopped) {
      const reason = `dropped: ${stopped.repoId === 0 ? "installation" : "repository"} ${stopped.reason}`;
      scoped.info({ reason }, "delivery for a parked installation or repository; dropped");
      await store.deliveries.finish(delivery.id, "done", reason);
      this.options.metrics?.deliveriesDropped.inc({ event: delivery.name });
      return false;
    }
    try {
      await this.withinBudget(route({ ...this.deps, log: scoped }, fact, this.options.features));
      return true;
    } catch (error) {
      const attempts = delivery.attempts;
      if (attempts >= this.maxClaims) {
        scoped.error({ err: error, attempts }, "delivery failed for good");
        await store.deliveries.finish(delivery.id, "failed", `gave up after ${attempts} attempts: ${String((error as Error).message)}`);
        this.options.metrics?.deliveriesFailed.inc({ event: delivery.name, outcome: "gave_up" });
        this.options.metrics?.deliveriesDead.inc({ event: delivery.name, cause: "failing" });
        return false;
      }
      // Exponential backoff: GitHub outages and rate limits pass.
      const retryAt = new Date(now().getTime() + Math.min(2 ** attempts * 1000, 10 * 60_000));
      scoped.warn({ err: error, attempts, retryAt }, "delivery failed; will retry");
      await store.deliveries.retry(delivery.id, retryAt, String((error as Error).message));
      this.options.metrics?.deliveriesFailed.inc({ event: delivery.name, outcome: "retry" });
      return false;
    }
  }

  /**
   * The handlers' work, abandoned once past the budget: the delivery is then retried later, and the
   * attempt counts. (Abandoned, not stopped: what it still does is keyed and idempotent.)
   */
  private async withinBudget(work: Promise<void>): Promise<void> {
    const budgetMs = this.options.budgetMs ?? 30_000;
    const timer = (this.options.budgetTimer ?? budgetTimer)(budgetMs);
    const expired = timer.expired.then(() => Promise.reject(new Error(`handlers took longer than ${budgetMs} ms; abandoned`)));
    try {
      await Promise.race([work, expired]);
    } finally {
      timer.cancel();
      expired.catch(() => undefined); // a timer that fires all the same (a test's) has no one to tell
      work.catch(() => undefined); // an abandoned handler's late failure is no one's to handle
    }
  }
}

/** A claimed delivery with its payload read: the fact it states. */
type ClaimedDelivery = Omit<StoredDelivery, "payload"> & { fact: Fact };

/**
 * Every payload of a batch read at once, and the texts let go: held while the batch is processed,
 * they outlived the young generation and filled the old one (the facts are a fraction of their size).
 */
function readFacts(claimed: StoredDelivery[]): ClaimedDelivery[] {
  return claimed.map(({ payload, ...delivery }) => {
    const stored = readStoredFact(payload);
    if (stored) return { ...delivery, fact: stored };
    // A payload stored whole: malformed, or stored by a version that stored payloads.
    try {
      return { ...delivery, fact: factFromEvent(delivery.name, JSON.parse(payload)) };
    } catch {
      return { ...delivery, fact: { kind: "invalid", reason: "payload is not JSON" } };
    }
  });
}

/** The parked installation or repository a fact belongs to; installation events themselves always pass. */
function parkedScopeOf(fact: Fact, parked: readonly ParkedScope[]): ParkedScope | undefined {
  if (parked.length === 0 || !("installationId" in fact) || fact.kind === "installed" || fact.kind === "installation") return undefined;
  const repoId = "repo" in fact ? fact.repo.id : undefined;
  return parked.find((p) => p.installationId === fact.installationId && (p.repoId === 0 || p.repoId === repoId));
}
