import type { Reply } from "./routes.js";

/**
 * Fault injection for the simulator: GitHub's bad moments, seeded so that a failing run can be
 * replayed. The simulator consults the injector for every request it has routed, validated and
 * authenticated:
 * - `before`: with probability `rate`, the request is answered with a secondary rate limit
 *   (403, `retry-after`) or a 5xx (502/503) WITHOUT being applied: GitHub's state is unchanged.
 * - `after`: with probability `afterWriteRate`, a write (POST/PATCH/PUT/DELETE) that succeeded is
 *   answered 502 anyway: it WAS applied, the client just does not know it (GitHub does this).
 * Exempt operations (by default the installation-token endpoint) never fail.
 */

export type FaultKind = "secondary-rate-limit" | "502" | "503" | "502-after-write";

export interface InjectedFault {
  kind: FaultKind;
  method: string;
  path: string;
  operationId: string;
}

export interface FaultOptions {
  /** Probability that a request fails before it is applied (0..1). */
  rate: number;
  /** Probability that a write is applied and then answered 502 (0..1); 0 by default. */
  afterWriteRate?: number;
  /** Seed of the pseudo-random sequence (default 1). */
  seed?: number;
  /** Share of `before` faults that are secondary rate limits; the rest are 5xx (default 0.5). */
  secondaryShare?: number;
  /** The `retry-after` header of a secondary rate limit, in seconds (default 1). */
  retryAfterSeconds?: number;
  /** Operations whose first applied write is answered 502 whatever the dice say: a run always meets one. */
  afterWriteFirstOf?: string[];
  /** Operations that never fail (default: apps/create-installation-access-token). */
  exempt?: string[];
}

export const SECONDARY_RATE_LIMIT_MESSAGE =
  "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.";

const WRITES = new Set(["POST", "PATCH", "PUT", "DELETE"]);

export class FaultInjector {
  /** Every fault injected so far, in order. */
  readonly injected: InjectedFault[] = [];
  /** Switch off to let the system recover (e.g. before final assertions). */
  enabled = true;
  private readonly random: () => number;
  private readonly exempt: Set<string>;

  constructor(readonly options: FaultOptions) {
    this.random = mulberry32(options.seed ?? 1);
    this.exempt = new Set(options.exempt ?? ["apps/create-installation-access-token"]);
  }

  /** The count of injected faults, by kind. */
  counts(): Record<FaultKind, number> {
    const out: Record<FaultKind, number> = { "secondary-rate-limit": 0, "502": 0, "503": 0, "502-after-write": 0 };
    for (const f of this.injected) out[f.kind]++;
    return out;
  }

  /** A reply that replaces the request before it is applied, or undefined to let it through. */
  before(method: string, path: string, operationId: string): Reply | undefined {
    if (!this.enabled || this.exempt.has(operationId) || this.random() >= this.options.rate) return undefined;
    if (this.random() < (this.options.secondaryShare ?? 0.5)) {
      this.record("secondary-rate-limit", method, path, operationId);
      return {
        status: 403,
        headers: { "retry-after": String(this.options.retryAfterSeconds ?? 1) },
        body: { message: SECONDARY_RATE_LIMIT_MESSAGE, documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits" },
      };
    }
    const status = this.random() < 0.5 ? 502 : 503;
    this.record(status === 502 ? "502" : "503", method, path, operationId);
    return serverError(status);
  }

  /** A reply that replaces the answer to a write that was applied, or undefined to keep it. */
  after(method: string, path: string, operationId: string, reply: Reply): Reply | undefined {
    const rate = this.options.afterWriteRate ?? 0;
    if (!this.enabled || !WRITES.has(method) || reply.status >= 300 || this.exempt.has(operationId)) return undefined;
    const first = this.options.afterWriteFirstOf?.includes(operationId) && !this.injected.some((f) => f.kind === "502-after-write" && f.operationId === operationId);
    if (!first && (rate <= 0 || this.random() >= rate)) return undefined;
    this.record("502-after-write", method, path, operationId);
    return serverError(502);
  }

  private record(kind: FaultKind, method: string, path: string, operationId: string) {
    this.injected.push({ kind, method, path, operationId });
  }
}

function serverError(status: 502 | 503): Reply {
  // GitHub's gateway answers these as HTML or a short JSON message; octokit only needs the status.
  return { status, body: { message: status === 502 ? "Server Error" : "Service Unavailable" } };
}

/** A small, fast, seedable PRNG (uniform in [0, 1)). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
