/** Signs and POSTs webhooks the way GitHub does. */
import { createHmac, randomUUID } from "node:crypto";

export interface DeliverOptions {
  /** X-GitHub-Delivery; pass the same id to simulate a redelivery. */
  id?: string;
  secret?: string;
  url?: string;
}

export interface DeliveryResult {
  id: string;
  status: number;
  /** Wall time until the response body was read. */
  ms: number;
  body: string;
}

export function signPayload(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

export async function deliverWebhook(name: string, payload: unknown, o: Required<Pick<DeliverOptions, "url" | "secret">> & { id?: string }): Promise<DeliveryResult> {
  const id = o.id ?? randomUUID();
  const body = JSON.stringify(payload);
  const t0 = performance.now();
  const res = await fetch(o.url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "user-agent": "GitHub-Hookshot/sim",
      "x-github-event": name,
      "x-github-delivery": id,
      "x-hub-signature-256": signPayload(o.secret, body),
      "x-github-hook-installation-target-type": "integration",
    },
    body,
  });
  const text = await res.text();
  return { id, status: res.status, ms: Math.round((performance.now() - t0) * 100) / 100, body: text };
}
