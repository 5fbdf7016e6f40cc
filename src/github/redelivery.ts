import type { Logger } from "pino";
import type { Octokit } from "./octokit.js";
import type { Store } from "../store/store.js";

/**
 * Never lose a delivery: GitHub does not retry a failed webhook, but keeps it for 3 days and
 * redelivers on request. This lists the App's recent deliveries, finds those whose every
 * attempt failed and that tierkeeper never stored, and asks GitHub to send each once more,
 * a bounded number per run. A redelivery keeps its X-GitHub-Delivery id, so anything that did
 * arrive meanwhile is deduplicated by the store.
 */

export interface RedeliveryOptions {
  /** Authenticated as the App (JWT), not as an installation. */
  octokit: Octokit;
  store: Store;
  log: Logger;
  now: Date;
  /** The most redeliveries one run asks for. */
  limit?: number;
  /** Look this far back; GitHub keeps deliveries for 3 days. */
  windowMs?: number;
  /** Give up on a delivery after this many failed attempts (the first one included). */
  maxAttempts?: number;
}

export interface RedeliveryReport {
  listed: number;
  missed: number;
  requested: string[];
}

interface Attempts {
  latestId: number;
  attempts: number;
  delivered: boolean;
}

const THREE_DAYS = 3 * 24 * 3600 * 1000;

export async function redeliverMissed(o: RedeliveryOptions): Promise<RedeliveryReport> {
  const since = o.now.getTime() - (o.windowMs ?? THREE_DAYS - 3600 * 1000);
  const byGuid = new Map<string, Attempts>();
  let listed = 0;
  // Newest first: stop at the first page that reaches past the window.
  for await (const page of o.octokit.paginate.iterator(o.octokit.rest.apps.listWebhookDeliveries, { per_page: 100 })) {
    let older = false;
    for (const d of page.data) {
      if (Date.parse(d.delivered_at) < since) {
        older = true;
        continue;
      }
      listed++;
      const entry = byGuid.get(d.guid) ?? { latestId: d.id, attempts: 0, delivered: false };
      entry.attempts++;
      entry.latestId = Math.max(entry.latestId, d.id);
      entry.delivered ||= d.status_code >= 200 && d.status_code < 300;
      byGuid.set(d.guid, entry);
    }
    if (older) break;
  }
  const failed = [...byGuid].filter(([, a]) => !a.delivered && a.attempts < (o.maxAttempts ?? 4)).map(([guid]) => guid);
  // A delivery stored but answered with an error (the response was lost) needs no second copy.
  const stored = await o.store.deliveries.known(failed);
  const missed = failed.filter((guid) => !stored.has(guid));
  const requested: string[] = [];
  for (const guid of missed.slice(0, o.limit ?? 50)) {
    try {
      await o.octokit.rest.apps.redeliverWebhookDelivery({ delivery_id: byGuid.get(guid)!.latestId });
      requested.push(guid);
    } catch (error) {
      o.log.warn({ err: error, delivery: guid }, "redelivery request failed; the next run tries again");
    }
  }
  if (requested.length) o.log.info({ requested: requested.length, missed: missed.length }, "asked GitHub to redeliver missed webhooks");
  return { listed, missed: missed.length, requested };
}
