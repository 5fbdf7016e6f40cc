import { Agent, request } from "node:http";
import type { Delivery } from "./stream.js";

/** The bench's sender: the deliveries POSTed as GitHub would, each timed to its answer. */

/** Requests in flight at once, over keep-alive connections. */
export const CONCURRENCY = 16;

/** POSTs the deliveries with CONCURRENCY requests in flight, round-robin over the servers (replicas) given. */
export async function sendAll(urls: URL | URL[], deliveries: Delivery[]): Promise<{ latencies: Float64Array; non2xx: number }> {
  const targets = Array.isArray(urls) ? urls : [urls];
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const latencies = new Float64Array(deliveries.length);
  let next = 0;
  let non2xx = 0;
  const worker = async () => {
    while (next < deliveries.length) {
      const i = next++;
      const begin = performance.now();
      const url = targets[i % targets.length];
      const status = await post(agent, url, deliveries[i]).catch(() => post(agent, url, deliveries[i])); // one retry on a reset socket
      latencies[i] = performance.now() - begin;
      if (status < 200 || status > 299) non2xx++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  agent.destroy();
  return { latencies, non2xx };
}

function post(agent: Agent, url: URL, d: Delivery): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: "POST",
      agent,
      headers: {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(d.body),
        "user-agent": "GitHub-Hookshot/bench",
        "x-github-event": d.name,
        "x-github-delivery": d.id,
        "x-hub-signature-256": d.signature,
        "x-github-hook-installation-target-type": "integration",
      },
    });
    req.on("response", (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end(d.body);
  });
}

/** Polls /healthz until nothing is pending, twice in a row. */
export async function settle(appUrl: string, timeoutMs: number): Promise<{ ok: boolean; failed: number }> {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  while (Date.now() < deadline) {
    const health = (await (await fetch(`${appUrl}/healthz`)).json()) as { queue: { pending: number; failed: number }; actionsPending: boolean };
    quiet = health.queue.pending === 0 && !health.actionsPending ? quiet + 1 : 0;
    if (quiet >= 2) return { ok: true, failed: health.queue.failed };
    // Not faster: each look costs the server a count of its queue, which the CPU figures would include.
    await new Promise((r) => setTimeout(r, 250));
  }
  return { ok: false, failed: NaN };
}

/** The p-th percentile of sorted values (nearest rank). */
export function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
