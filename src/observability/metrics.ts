import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Octokit } from "../github/octokit.js";
import type { Store } from "../store/store.js";

/**
 * Metrics. Every Tierkeeper has its own prom-client Registry (served at /metrics by
 * web/metrics.ts), so that several app instances in one process never share counters; the
 * registry also collects Node's default process metrics. Octokit's requests are counted and
 * timed by a hook (`observeOctokit`). Logs: logging.ts.
 */

export class Metrics {
  readonly registry = new Registry();

  readonly deliveriesReceived = new Counter({
    name: "tierkeeper_deliveries_received_total",
    help: "Webhook deliveries acknowledged (stored, or already stored), by event",
    labelNames: ["event"] as const,
    registers: [this.registry],
  });
  readonly deliveriesDuplicate = new Counter({
    name: "tierkeeper_deliveries_duplicate_total",
    help: "Deliveries whose id was already stored (redeliveries), by event",
    labelNames: ["event"] as const,
    registers: [this.registry],
  });
  readonly deliveriesProcessed = new Counter({
    name: "tierkeeper_deliveries_processed_total",
    help: "Deliveries processed and marked done, by event",
    labelNames: ["event"] as const,
    registers: [this.registry],
  });
  readonly deliveriesFailed = new Counter({
    name: "tierkeeper_deliveries_failed_total",
    help: "Delivery processing failures, by event and outcome (retry: tried again later; gave_up: after the last attempt; malformed: skipped)",
    labelNames: ["event", "outcome"] as const,
    registers: [this.registry],
  });
  readonly deliveriesDead = new Counter({
    name: "tierkeeper_deliveries_dead_total",
    help: "Deliveries given up for good, by event and cause (unfinished: claimed too often without finishing, i.e. it crashed or hung the process; failing: failed at every attempt; malformed)",
    labelNames: ["event", "cause"] as const,
    registers: [this.registry],
  });
  readonly deliveriesDropped = new Counter({
    name: "tierkeeper_deliveries_dropped_total",
    help: "Deliveries dropped unprocessed because their installation is suspended or deleted, or their repository removed from it, by event",
    labelNames: ["event"] as const,
    registers: [this.registry],
  });
  readonly githubRequests = new Counter({
    name: "tierkeeper_github_requests_total",
    help: "Requests to GitHub's REST API, by method, route template and response status (0: no response)",
    labelNames: ["method", "route", "status"] as const,
    registers: [this.registry],
  });
  readonly githubRequestDuration = new Histogram({
    name: "tierkeeper_github_request_duration_seconds",
    help: "Duration of requests to GitHub's REST API, by method and route template",
    labelNames: ["method", "route"] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly rateLimitWaits = new Counter({
    name: "tierkeeper_github_rate_limit_waits_total",
    help: "Times Octokit's throttling hit a GitHub rate limit (primary or secondary) and waited or gave up",
    labelNames: ["kind"] as const,
    registers: [this.registry],
  });
  readonly rateLimitedResponses = new Counter({
    name: "tierkeeper_github_rate_limited_responses_total",
    help: "GitHub responses that signal a rate limit (429, or 403 with retry-after or no remaining quota), by route template",
    labelNames: ["route"] as const,
    registers: [this.registry],
  });
  readonly actionsApplied = new Counter({
    name: "tierkeeper_actions_applied_total",
    help: "Actions carried out on GitHub (mode enforce) or only recorded (mode shadow), by kind",
    labelNames: ["kind", "mode"] as const,
    registers: [this.registry],
  });
  readonly actionsFailed = new Counter({
    name: "tierkeeper_actions_failed_total",
    help: "Action attempts that failed and were deferred for a retry, by kind",
    labelNames: ["kind"] as const,
    registers: [this.registry],
  });
  readonly sweepDuration = new Histogram({
    name: "tierkeeper_sweep_duration_seconds",
    help: "Duration of sweeps of due Tier 3 timelines, by result (done, locked: another replica sweeps, failed)",
    labelNames: ["result"] as const,
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
    registers: [this.registry],
  });

  /** The webhook intake (web/webhook-server.ts): what it read, refused, and holds open. */
  readonly intake = {
    bodyBytes: new Counter({
      name: "tierkeeper_webhook_body_bytes_total",
      help: "Bytes of webhook request bodies read into memory, refused ones included",
      registers: [this.registry],
    }),
    refused: new Counter({
      name: "tierkeeper_webhook_refused_total",
      help: "Webhook requests refused, by reason (too_large: over 25 MB; busy: too many bodies or bytes in flight; timeout: body too slow; signature; malformed)",
      labelNames: ["reason"] as const,
      registers: [this.registry],
    }),
    inFlight: new Gauge({
      name: "tierkeeper_webhook_bodies_in_flight",
      help: "Webhook request bodies being read now",
      registers: [this.registry],
    }),
  };

  constructor(store: Store) {
    // The event-loop delay is sampled every 100 ms, not prom-client's 10: each sample wakes an idle
    // server, and 100 wake-ups a second cost it ~7 ms of CPU a second (three quarters of an idle
    // replica's cost). A stall still lands in the histogram whenever a sample falls due inside it.
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 100 });
    // Computed on scrape. A database that does not answer must not fail the whole scrape.
    let queue: Promise<{ up: boolean; pending?: number; dead?: number; oldest?: Date }> | undefined;
    const read = () =>
      (queue ??= (async () => {
        try {
          const [counts, oldest] = await Promise.all([store.deliveries.counts(), store.deliveries.oldestPending()]);
          return { up: true, pending: counts.pending, dead: counts.failed, oldest };
        } catch {
          return { up: false };
        }
      })().finally(() => setTimeout(() => (queue = undefined), 0)));
    new Gauge({
      name: "tierkeeper_database_up",
      help: "1 when the database answered the last scrape, else 0",
      registers: [this.registry],
      async collect() {
        this.set((await read()).up ? 1 : 0);
      },
    });
    new Gauge({
      name: "tierkeeper_delivery_queue_depth",
      help: "Deliveries stored and not yet processed",
      registers: [this.registry],
      async collect() {
        const q = await read();
        if (q.pending !== undefined) this.set(q.pending);
      },
    });
    new Gauge({
      name: "tierkeeper_deliveries_dead",
      help: "Deliveries given up for good and kept for inspection (`tierkeeper deliveries --dead`)",
      registers: [this.registry],
      async collect() {
        const q = await read();
        if (q.dead !== undefined) this.set(q.dead);
      },
    });
    new Gauge({
      name: "tierkeeper_delivery_oldest_pending_age_seconds",
      help: "Age of the oldest delivery not yet processed (0 when none is pending)",
      registers: [this.registry],
      async collect() {
        const q = await read();
        if (q.up) this.set(q.oldest ? Math.max(0, (Date.now() - q.oldest.getTime()) / 1000) : 0);
      },
    });
  }

  /** Times a sweep into tierkeeper_sweep_duration_seconds. */
  async timeSweep<T extends { locked: boolean }>(run: () => Promise<T>, dryRun = false): Promise<T> {
    const end = this.sweepDuration.startTimer();
    try {
      const report = await run();
      end({ result: report.locked || dryRun ? "done" : "locked" });
      return report;
    } catch (error) {
      end({ result: "failed" });
      throw error;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// GitHub requests

const observed = new WeakSet<object>();

/** A route template with few values: Octokit's `{placeholders}` stay, absolute pagination URLs lose host, query and ids. */
export function routeOf(url: string | undefined): string {
  if (!url) return "unknown";
  let route = url
    .replace(/^[a-z]+:\/\/[^/]+/i, "")
    .replace(/^\/api\/v3(?=\/)/, "")
    .split("?")[0];
  route = route.replace(/\/\d+(?=\/|$)/g, "/{id}");
  return route || "/";
}

/** Adds the metrics hooks to an Octokit once (Probot makes a new one per `app.auth(id)`). */
export function observeOctokit<O extends Octokit>(octokit: O, metrics: Metrics): O {
  if (observed.has(octokit)) return octokit;
  observed.add(octokit);
  octokit.hook.wrap("request", async (request, options) => {
    const method = String(options.method ?? "GET");
    const route = routeOf(options.url);
    const end = metrics.githubRequestDuration.startTimer({ method, route });
    try {
      const response = await request(options);
      metrics.githubRequests.inc({ method, route, status: String(response.status) });
      return response;
    } catch (error) {
      const e = error as { status?: number; response?: { headers?: Record<string, string | undefined> } };
      const status = typeof e.status === "number" ? e.status : 0;
      metrics.githubRequests.inc({ method, route, status: String(status) });
      const headers = e.response?.headers ?? {};
      if (status === 429 || (status === 403 && (headers["retry-after"] !== undefined || headers["x-ratelimit-remaining"] === "0"))) {
        metrics.rateLimitedResponses.inc({ route });
      }
      throw error;
    } finally {
      end();
    }
  });
  return octokit;
}

export type RateLimitHandler = (retryAfter: number, options: unknown, octokit: unknown, retryCount: number) => boolean | void;
const counting = Symbol("tierkeeper.countsRateLimits");

export function countRateLimit(handler: RateLimitHandler, metrics: Metrics, kind: "primary" | "secondary"): RateLimitHandler {
  if ((handler as { [counting]?: boolean })[counting]) return handler; // the installation's Octokit reuses the app's options
  const wrapped: RateLimitHandler = (...args) => {
    metrics.rateLimitWaits.inc({ kind });
    return handler(...args);
  };
  return Object.assign(wrapped, { [counting]: true });
}
