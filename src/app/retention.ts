import { setImmediate as yieldToOthers } from "node:timers/promises";
import type { Store } from "../store/store.js";

/**
 * Bounded storage: finished deliveries are deleted once past their retention, so the deliveries
 * table holds a few days of traffic, not every webhook ever received.
 *
 * Done deliveries are kept `retentionMs` (7 days by default): GitHub redelivers a webhook with the
 * same X-GitHub-Delivery id only within 3 days (by hand, or when tierkeeper's redelivery asks for
 * one it never stored), so within that window a redelivery is recognised as a duplicate and the
 * missed-delivery check sees it as stored. Dead deliveries (failed for good) are kept longer,
 * `deadRetentionMs` (30 days by default), so that `tierkeeper deliveries --dead` still shows them
 * when someone gets round to looking; never less than the done ones. Pending deliveries are never
 * pruned, whatever their age.
 *
 * Deleted in chunks, oldest first, each chunk its own short statement read off the
 * (status, received_at, id) index: no whole-table scan, and on SQLite the write lock is held for
 * one chunk at a time, with the intake's commits in between. One replica at a time (a lock).
 */

const DAY = 86_400_000;
export const DEFAULT_DELIVERY_RETENTION_MS = 7 * DAY;
/** The least retention accepted (the configuration's minimum too): GitHub's redelivery window. */
export const MIN_DELIVERY_RETENTION_MS = 3 * DAY;
export const DEFAULT_DEAD_DELIVERY_RETENTION_MS = 30 * DAY;
const LOCK = "delivery-retention";

export interface RetentionOptions {
  /** How long done deliveries are kept after they were received (default 7 days, at least 3 days). */
  retentionMs?: number;
  /** How long dead (failed) deliveries are kept (default 30 days; never less than `retentionMs`). */
  deadRetentionMs?: number;
  /** Rows per statement (default 500). */
  chunk?: number;
  /** Statements per run (default 200): a backlog is worked off over several runs. */
  maxChunks?: number;
}

export interface PruneReport {
  /** False when another replica holds the lock: it prunes, this one did nothing. */
  locked: boolean;
  done: number;
  dead: number;
  chunks: number;
}

/** The retention in force: the option or the default, refused below the minimum. */
export function deliveryRetention(o: Pick<RetentionOptions, "retentionMs" | "deadRetentionMs"> = {}): { retentionMs: number; deadRetentionMs: number } {
  const retentionMs = o.retentionMs ?? DEFAULT_DELIVERY_RETENTION_MS;
  if (!(retentionMs >= MIN_DELIVERY_RETENTION_MS)) throw new Error(`delivery retention must be at least 3 days (${MIN_DELIVERY_RETENTION_MS} ms), got ${retentionMs}`);
  return { retentionMs, deadRetentionMs: Math.max(retentionMs, o.deadRetentionMs ?? DEFAULT_DEAD_DELIVERY_RETENTION_MS) };
}

/** Deletes the finished deliveries past retention at `now`, in chunks, if this holder gets the lock. */
export async function pruneDeliveries(store: Store, now: Date, holder: string, options: RetentionOptions = {}): Promise<PruneReport> {
  const { retentionMs, deadRetentionMs } = deliveryRetention(options);
  const chunk = options.chunk ?? 500;
  let budget = options.maxChunks ?? 200;
  const report: PruneReport = { locked: false, done: 0, dead: 0, chunks: 0 };
  // The lease runs on the wall clock, as every lease between processes does.
  if (!(await store.locks.tryLock(LOCK, holder, new Date(), 10 * 60_000))) return report;
  report.locked = true;
  try {
    for (const [status, keepMs] of [
      ["done", retentionMs],
      ["failed", deadRetentionMs],
    ] as const) {
      const before = new Date(now.getTime() - keepMs);
      while (budget > 0) {
        budget--;
        report.chunks++;
        const deleted = await store.deliveries.prune(status, before, chunk);
        if (status === "done") report.done += deleted;
        else report.dead += deleted;
        if (deleted < chunk) break;
        await yieldToOthers(); // the webhooks' commits go between two chunks
      }
    }
  } finally {
    await store.locks.unlock(LOCK, holder);
  }
  return report;
}
