import { randomUUID } from "node:crypto";
import type { ApplicationFunction, Probot } from "probot";
import { DeliveryWorker } from "./deliveries.js";
import { Executor } from "./github/executor.js";
import { OwnerCheck } from "./github/owners.js";
import { RegistrySource } from "./github/registry-source.js";
import type { Deps } from "./handlers/deps.js";
import { sweep, type SweepReport } from "./scheduler.js";
import type { Store } from "./store/store.js";
import { healthHandler } from "./web/health.js";

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
}

/**
 * The Probot app: webhooks go to the store, a worker turns them into facts and decisions,
 * and the executor carries the decisions out. Everything else lives in its own module.
 */
export class Tierkeeper {
  worker?: DeliveryWorker;
  private sweepTimer?: NodeJS.Timeout;
  private holder = "";
  executor?: Executor;
  deps?: Deps;

  constructor(private readonly options: TierkeeperOptions) {}

  readonly appFn: ApplicationFunction = async (app: Probot, { addHandler }) => {
    const { store } = this.options;
    const now = this.options.now ?? (() => new Date());
    const holder = (this.holder = this.options.holder ?? randomUUID());
    const github = (installationId: number) => app.auth(installationId);
    const deps: Deps = { store, log: app.log, now, github, registries: new RegistrySource(store, app.log, now), owners: new OwnerCheck() };
    this.deps = deps;
    this.executor = new Executor({ store, log: app.log, now, github, holder });
    this.worker = new DeliveryWorker(deps, { holder, pollMs: this.options.pollMs, afterBatch: () => this.executor!.drain() });

    // Acknowledge only what is stored: a store failure answers 500, so GitHub shows the delivery as failed.
    app.onAny(async (context) => {
      const fresh = await store.enqueueDelivery({ id: context.id, name: context.name, payload: JSON.stringify(context.payload), receivedAt: now() });
      if (!fresh) app.log.debug({ delivery: context.id }, "duplicate delivery ignored");
      else void this.worker!.drain();
    });

    addHandler?.(healthHandler(store));
    if (this.options.autoStart !== false) {
      await store.recoverAfterRestart();
      this.worker.start();
      this.sweepTimer = setInterval(() => {
        this.sweep().catch((error) => app.log.error({ err: error }, "sweep failed; the next one tries again"));
      }, this.options.sweepIntervalMs ?? 10 * 60_000);
      this.sweepTimer.unref();
    }
  };

  /** Processes every stored delivery and applies every pending action (tests, CLI). */
  async settle(): Promise<void> {
    await this.worker!.drain();
    await this.executor!.drain();
  }

  /** Takes the time-based steps that are due (see scheduler.ts). */
  sweep(options: { now?: Date; dryRun?: boolean; limit?: number } = {}): Promise<SweepReport> {
    const deps = this.deps!;
    return sweep(deps, this.executor, { now: options.now ?? deps.now(), holder: this.holder, dryRun: options.dryRun, limit: options.limit ?? this.options.sweepLimit });
  }

  async stop(): Promise<void> {
    clearInterval(this.sweepTimer);
    await this.worker?.stop();
  }
}
