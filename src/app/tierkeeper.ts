import { randomUUID } from "node:crypto";
import type { ApplicationFunction, Probot } from "probot";
import { DeliveryWorker } from "./worker.js";
import { Executor } from "../github/executor.js";
import { redeliverMissed, type RedeliveryReport } from "../github/redelivery.js";
import { OwnerCheck } from "../github/owners.js";
import { installationClients } from "../github/installation-clients.js";
import { RegistrySource } from "../github/registry-source.js";
import type { Deps } from "../features/deps.js";
import { sweep, type SweepReport } from "./sweep.js";
import type { Store } from "../store/store.js";
import { deliveryRetention, pruneDeliveries, type PruneReport } from "./retention.js";
import { healthHandler } from "../web/health.js";
import type { VerifiedWebhook } from "../web/webhook-server.js";
import { metricsHandler } from "../web/metrics.js";
import { statusPageHandler } from "../web/status-page.js";
import { tier2Figures } from "../queries/tier2-figures.js";
import { Metrics, observeOctokit } from "../observability/metrics.js";
import { factFromEvent, type Fact } from "../core/facts.js";
import { storedFact } from "../core/stored-fact.js";

/** The fact a payload states; undefined when reading it failed (the worker reads it again, and retries or reports it). */
function factOrNothing(name: string, payload: unknown): Fact | undefined {
  try {
    return factFromEvent(name, payload);
  } catch {
    return undefined;
  }
}

/**
 * The intake is busy while a webhook is being stored or one arrived this recently, in ms. A flood
 * keeps it busy; a steady stream leaves the worker its lulls (at 50 webhooks a second, one gap in
 * three is longer). 2 ms, tried first, let the worker in at every hiccup of a flood: a cold batch
 * (each repository's registry parsed and validated, 20-50 ms) then held up every webhook in flight.
 */
const ARRIVAL_GAP_MS = 20;

export interface TierkeeperOptions {
  store: Store;
  /** The clock; tests drive it. */
  now?: () => Date;
  /** Identifies this process in leases (defaults to a random id). */
  holder?: string;
  /** Poll interval of the delivery worker, in ms. */
  pollMs?: number;
  /** Start the background worker and the sweep (tests may drive them by hand instead). */
  autoStart?: boolean;
  /** How often the server sweeps due timelines, in ms (default 10 minutes). */
  sweepIntervalMs?: number;
  /** The most timeline steps one sweep takes; the rest wait for the next. */
  sweepLimit?: number;
  /** How often to look for webhook deliveries that never arrived and ask GitHub again, in ms (default 10 minutes). */
  redeliveryIntervalMs?: number;
  /** How long an action that failed waits before it is tried again, in ms (default 1 minute); the server retries on this beat. */
  executorRetryMs?: number;
  /** How long one delivery's handlers may take before they are abandoned and retried later, in ms (default 30 s). */
  deliveryBudgetMs?: number;
  /** Claims of a delivery before it is given up as dead (default 5). */
  deliveryMaxClaims?: number;
  /** How long done deliveries are kept, in ms (default 7 days, at least 3 days; see retention.ts). */
  deliveryRetentionMs?: number;
  /** How long dead deliveries are kept, in ms (default 30 days, never less than deliveryRetentionMs). */
  deadDeliveryRetentionMs?: number;
  /** How often finished deliveries past retention are pruned, in ms (default 10 minutes). */
  retentionIntervalMs?: number;
  /** The status pages' access token for private repositories (none: they are not served). */
  statusPageToken?: string;
  /** GitHub's web address, for the status pages' links (default github.com). */
  githubWebUrl?: string;
}

/**
 * The Probot app: webhooks go to the store, a worker turns them into facts and decisions,
 * and the executor carries the decisions out. Everything else lives in its own module.
 */
export class Tierkeeper {
  worker?: DeliveryWorker;
  private timers: NodeJS.Timeout[] = [];
  private app?: Probot;
  private holder = "";
  /** When the last webhook arrived (performance.now()): the worker processes in the pauses between them. */
  private lastArrival = 0;
  /** Webhooks being stored now. */
  private storing = 0;
  executor?: Executor;
  deps?: Deps;
  /** This instance's Prometheus registry and meters (served at /metrics). */
  readonly metrics: Metrics;

  /** The clock (the wall clock unless a test drives one). */
  private readonly now: () => Date;

  constructor(private readonly options: TierkeeperOptions) {
    this.now = options.now ?? (() => new Date());
    this.metrics = new Metrics(options.store);
    deliveryRetention({ retentionMs: options.deliveryRetentionMs, deadRetentionMs: options.deadDeliveryRetentionMs }); // refuses a retention below the minimum at start-up
  }

  readonly appFn: ApplicationFunction = async (app: Probot, { addHandler }) => {
    const { store } = this.options;
    const now = this.now;
    const holder = (this.holder = this.options.holder ?? randomUUID());
    this.app = app;
    const github = installationClients(async (installationId) => observeOctokit(await app.auth(installationId), this.metrics));
    const deps: Deps = { store, log: app.log, now, github, registries: new RegistrySource(store, app.log, now), owners: new OwnerCheck() };
    this.deps = deps;
    this.executor = new Executor({ store, log: app.log, now, github, holder, metrics: this.metrics, retryMs: this.options.executorRetryMs });
    this.worker = new DeliveryWorker(deps, {
      holder,
      pollMs: this.options.pollMs,
      afterBatch: () => this.executor!.drain(),
      metrics: this.metrics,
      budgetMs: this.options.deliveryBudgetMs,
      maxAttempts: this.options.deliveryMaxClaims,
      intakeBusy: () => this.storing > 0 || performance.now() - this.lastArrival < ARRIVAL_GAP_MS,
    });

    // The server hands webhooks to `receive` directly; this is for Probot's own dispatch (`probot.receive`, the setup flow).
    app.onAny((context) => this.receive({ id: context.id, name: context.name, body: JSON.stringify(context.payload), payload: context.payload }));

    addHandler?.(healthHandler(store));
    addHandler?.(metricsHandler(this.metrics));
    addHandler?.(
      statusPageHandler({
        store,
        log: app.log,
        now,
        accessToken: this.options.statusPageToken,
        githubUrl: this.options.githubWebUrl,
        github: { app: async () => observeOctokit(await app.auth(), this.metrics), installation: github },
        tier2Figures: async (repoId) => (await tier2Figures(store, repoId, now())).byComponentAndMaintainer,
      }),
    );
    if (this.options.autoStart !== false) {
      await store.recoverAfterRestart();
      this.worker.start();
      this.every(this.options.sweepIntervalMs ?? 10 * 60_000, "sweep", () => this.sweep());
      this.every(this.options.redeliveryIntervalMs ?? 10 * 60_000, "redelivery", () => this.redeliver());
      this.every(this.options.retentionIntervalMs ?? 10 * 60_000, "delivery retention", () => this.pruneDeliveries());
      // A deferred action is due again after executorRetryMs: retried even when no delivery arrives meanwhile.
      this.every(this.options.executorRetryMs ?? 60_000, "executor retry", () => this.executor!.drain());
    }
  };

  /**
   * Stores a verified webhook for the worker. Acknowledge only what is stored: a store failure
   * answers 500, so GitHub shows the delivery as failed. What is stored is the fact the webhook
   * states (core/stored-fact.ts), read here once; a payload that states none (malformed, or one
   * facts.ts fails on) is stored whole, for the worker to report and keep. The parsed payload is
   * let go before the store is awaited: under load it would otherwise outlive the young
   * generation and fill the old one.
   */
  readonly receive = async ({ id, name, body, payload }: VerifiedWebhook): Promise<void> => {
    const { store } = this.options;
    this.lastArrival = performance.now();
    const fact = factOrNothing(name, payload);
    // The installation is kept beside the delivery: the worker claims round-robin by installation.
    const installation = fact && "installationId" in fact ? fact.installationId : (payload as { installation?: { id?: unknown } } | null)?.installation?.id;
    const installationId = typeof installation === "number" ? installation : null;
    const stored = fact && fact.kind !== "invalid" ? storedFact(fact) : body;
    this.storing++;
    let fresh: boolean;
    try {
      fresh = await store.deliveries.enqueue({ id, name, payload: stored, receivedAt: this.now(), installationId });
    } finally {
      this.storing--;
    }
    this.metrics.deliveriesReceived.inc({ event: name });
    if (!fresh) this.metrics.deliveriesDuplicate.inc({ event: name });
    if (!fresh) this.app?.log.debug({ delivery: id }, "duplicate delivery ignored");
    else void this.worker?.drain();
  };

  /** Processes every stored delivery and applies every pending action (tests, CLI). */
  async settle(): Promise<void> {
    await this.worker!.drain();
    await this.executor!.drain();
  }

  /** Takes the time-based steps that are due (see app/sweep.ts). */
  sweep(options: { now?: Date; dryRun?: boolean; limit?: number } = {}): Promise<SweepReport> {
    const deps = this.deps!;
    const run = () => sweep(deps, this.executor, { now: options.now ?? deps.now(), holder: this.holder, dryRun: options.dryRun, limit: options.limit ?? this.options.sweepLimit });
    return this.metrics.timeSweep(run, options.dryRun);
  }

  /** Asks GitHub to redeliver webhooks that never reached tierkeeper; one replica at a time. */
  async redeliver(now = this.deps!.now()): Promise<RedeliveryReport | undefined> {
    const { store, log } = this.deps!;
    if (!(await store.locks.tryLock("redelivery", this.holder, new Date(), 10 * 60_000))) return undefined;
    try {
      return await redeliverMissed({ octokit: observeOctokit(await this.app!.auth(), this.metrics), store, log, now });
    } finally {
      await store.locks.unlock("redelivery", this.holder);
    }
  }

  /** Deletes finished deliveries past their retention, in chunks; one replica at a time. */
  pruneDeliveries(now = this.deps!.now()): Promise<PruneReport> {
    return pruneDeliveries(this.options.store, now, this.holder, { retentionMs: this.options.deliveryRetentionMs, deadRetentionMs: this.options.deadDeliveryRetentionMs });
  }

  private every(ms: number, what: string, job: () => Promise<unknown>) {
    const timer = setInterval(() => void job().catch((error) => this.deps!.log.error({ err: error }, `${what} failed; the next run tries again`)), ms);
    timer.unref();
    this.timers.push(timer);
  }

  async stop(): Promise<void> {
    this.timers.forEach(clearInterval);
    await this.worker?.stop();
  }
}
