import { createHmac } from "node:crypto";
import { startStage, WEBHOOK_SECRET, type Stage } from "../../src/demo/stage.js";
import { memoryOf, rawRequest, startRaw } from "../support/raw-http.js";

/**
 * Hostile intake (issue 11 §2), against the built server (`node dist/server.js`): every spelling
 * of the webhook path meets the same 25 MB cap and signature check, a body is cut at the cap
 * (the server reads at most the cap and one socket read more), a Content-Length over the cap is
 * refused before a byte of the body is read, and the bodies being read at once are bounded.
 * What the server read is asserted in bytes (its own counter on /metrics) and in its peak RSS
 * (/proc/<pid>/status), never in time.
 */
const MB = 1024 * 1024;
const CAP = 25 * MB;
/** One socket read past the cap: what the server may have read before it stops. */
const SLACK = MB;
const ATTACK = 300 * MB;

let stage: Stage;
beforeAll(async () => {
  // A long slow-body timeout: the uploads held open below are refused by count, not by the clock.
  stage = await startStage({ spawn: true, env: { WEBHOOK_BODY_TIMEOUT_MS: "600000" } });
}, 60_000);
afterAll(async () => {
  await stage?.close();
});

const sign = (body: Buffer | string) => "sha256=" + createHmac("sha256", WEBHOOK_SECRET).update(body).digest("hex");
const webhookHeaders = (extra: Record<string, string> = {}) => ({
  "content-type": "application/json",
  "x-github-event": "ping",
  "x-github-delivery": crypto.randomUUID(),
  "x-hub-signature-256": "sha256=" + "0".repeat(64),
  ...extra,
});
const metrics = async () => (await fetch(`${stage.appUrl}/metrics`)).text();
const sample = (text: string, name: string): number => {
  const line = text.split("\n").find((l) => l.startsWith(name + " "));
  return line === undefined ? NaN : Number(line.slice(name.length + 1));
};
const bytesRead = async () => sample(await metrics(), "tierkeeper_webhook_body_bytes_total");

/** Every spelling a router might take for the webhook path (Probot's takes the first six). */
const VARIANTS = [
  "/api/github/webhooks/",
  "/api/github/./webhooks",
  "/api/github/x/../webhooks",
  "/api/github/webhooks//",
  "/api/github/%2e/webhooks",
  "/api/github/webhooks?x=1",
  "/api/github//webhooks",
  "/api/github/%77ebhooks",
  "/API/GitHub/Webhooks",
  "/api\\github\\webhooks",
  "http://evil.example/api/github/webhooks",
];

test("a 300 MB unsigned body to any spelling of the webhook path is cut at the 25 MB cap", async () => {
  const pid = stage.child!.pid!;
  const before = memoryOf(pid);
  const reads: Record<string, number> = {};
  for (const target of VARIANTS) {
    const start = await bytesRead();
    const res = await rawRequest({ url: stage.appUrl, target, headers: webhookHeaders(), body: { size: ATTACK }, chunked: true });
    expect({ target, status: res.status }).toEqual({ target, status: 413 });
    reads[target] = (await bytesRead()) - start;
    expect(res.sent).toBeLessThan(ATTACK); // the client was stopped, not drained to the end
  }
  const after = memoryOf(pid);
  const grown = after.peak - before.peak;
  console.log(
    `intake: server read ${JSON.stringify(reads)} bytes; peak RSS ${(before.peak / MB).toFixed(0)} -> ${(after.peak / MB).toFixed(0)} MB (+${(grown / MB).toFixed(0)} MB) for ${VARIANTS.length} x ${ATTACK / MB} MB sent`,
  );
  for (const target of VARIANTS) {
    expect(reads[target]).toBeGreaterThan(CAP);
    expect(reads[target]).toBeLessThanOrEqual(CAP + SLACK);
  }
  // Unpatched, one such body grew the process by 616 MB (twice the body: chunks, then their copy).
  expect(grown).toBeLessThan(ATTACK / 3);
  expect(stage.child!.exitCode).toBeNull();
  expect((await fetch(`${stage.appUrl}/healthz`)).status).toBe(200);
}, 120_000);

test("a Content-Length over the cap is refused before a byte of the body is read", async () => {
  const start = await bytesRead();
  // Only the head is sent: the answer comes without the body.
  const { socket, done, answered } = startRaw({ url: stage.appUrl, target: "/api/github/webhooks", headers: webhookHeaders(), contentLength: ATTACK });
  await answered;
  socket.destroy();
  const res = await done;
  expect(res.status).toBe(413);
  expect(res.sent).toBe(0);
  expect(await bytesRead()).toBe(start);
}, 60_000);

test("a body over the cap with a valid signature is refused and not stored", async () => {
  const received = () => metrics().then((t) => sample(t, 'tierkeeper_deliveries_received_total{event="ping"}') || 0);
  const stored = await received();
  const body = Buffer.alloc(CAP + 1, " ");
  body.write('{"zen":"x"}');
  for (const chunked of [true, false]) {
    const res = await rawRequest({ url: stage.appUrl, target: "/api/github/webhooks", headers: webhookHeaders({ "x-hub-signature-256": sign(body) }), body, chunked });
    expect(res.status).toBe(413);
  }
  expect(await received()).toBe(stored);
}, 60_000);

test("bodies read at once are bounded: past 32 uploads in flight a new one gets 503 at once; a signed delivery passes once they end", async () => {
  const inFlight = async () => sample(await metrics(), "tierkeeper_webhook_bodies_in_flight");
  // 32 uploads that announce a body and send one byte of it, then stall.
  const slow = Array.from({ length: 32 }, () => startRaw({ url: stage.appUrl, target: "/api/github/webhooks/", headers: webhookHeaders(), contentLength: 1000, body: Buffer.from("{") }));
  while ((await inFlight()) < 32) await new Promise((r) => setTimeout(r, 20));
  const start = await bytesRead();
  const refused = await rawRequest({ url: stage.appUrl, target: "/api/github/webhooks", headers: webhookHeaders(), body: { size: 10 * MB } });
  expect(refused.status).toBe(503);
  expect(await bytesRead()).toBe(start); // nothing of it was read
  expect(await inFlight()).toBe(32);
  const text = await metrics();
  expect(sample(text, 'tierkeeper_webhook_refused_total{reason="busy"}')).toBeGreaterThanOrEqual(1);

  for (const s of slow) s.socket.destroy();
  await Promise.all(slow.map((s) => s.done));
  while ((await inFlight()) > 0) await new Promise((r) => setTimeout(r, 20));
  const body = JSON.stringify({ zen: "Keep it logically awesome.", hook_id: 1 });
  const ok = await fetch(stage.webhookUrl, { method: "POST", body, headers: webhookHeaders({ "x-hub-signature-256": sign(body) }) });
  expect(ok.status).toBe(200);
}, 60_000);

test("bytes held at once are bounded: beside two stalled 24 MB uploads, a third is refused or cut at the 64 MB budget with 503", async () => {
  const busy = async () => sample(await metrics(), 'tierkeeper_webhook_refused_total{reason="busy"}') || 0;
  const busyBefore = await busy();
  const start = await bytesRead();
  const stalled = [0, 1].map(() => startRaw({ url: stage.appUrl, target: "/api/github/webhooks", headers: webhookHeaders(), contentLength: CAP, body: Buffer.alloc(24 * MB, "{") }));
  while ((await bytesRead()) - start < 48 * MB) await new Promise((r) => setTimeout(r, 20));
  // Announced, it is refused unread; streamed, it is cut where the budget ends.
  const announced = await rawRequest({ url: stage.appUrl, target: "/api/github/webhooks", headers: webhookHeaders(), body: { size: CAP } });
  expect(announced.status).toBe(503);
  const third = await rawRequest({ url: stage.appUrl, target: "/api/github/webhooks", headers: webhookHeaders(), body: { size: CAP }, chunked: true });
  expect(third.status).toBe(503);
  const read = (await bytesRead()) - start;
  expect(read).toBeGreaterThan(64 * MB - SLACK);
  expect(read).toBeLessThanOrEqual(64 * MB + SLACK); // not 3 x 24 MB
  for (const s of stalled) s.socket.destroy();
  await Promise.all(stalled.map((s) => s.done));
  expect((await busy()) - busyBefore).toBe(2);
}, 60_000);

test("a normal signed delivery is acknowledged once stored, on the canonical path and on a variant", async () => {
  const { sim, repo } = stage;
  const pr = sim.openPullRequest({ repo, author: "contributor", files: ["crates/wasi-nn/src/lib.rs"] });
  expect((await sim.send(pr)).status).toBe(200);
  const body = JSON.stringify({ zen: "Design for failure.", hook_id: 2 });
  const id = crypto.randomUUID();
  const res = await fetch(`${stage.appUrl}/api/github/webhooks/`, { method: "POST", body, headers: webhookHeaders({ "x-github-delivery": id, "x-hub-signature-256": sign(body) }) });
  expect(res.status).toBe(200);
  // Acknowledged means stored: the same id again is a duplicate.
  const again = await fetch(stage.webhookUrl, { method: "POST", body, headers: webhookHeaders({ "x-github-delivery": id, "x-hub-signature-256": sign(body) }) });
  expect(again.status).toBe(200);
  expect(sample(await metrics(), 'tierkeeper_deliveries_duplicate_total{event="ping"}')).toBe(1);
  // Unsigned or wrongly signed, on any spelling: 401, never stored.
  for (const target of ["/api/github/webhooks", "/api/github/webhooks/"]) {
    expect((await fetch(`${stage.appUrl}${target}`, { method: "POST", body, headers: webhookHeaders() })).status).toBe(401);
  }
  await stage.settle();
  expect(sim.violations).toEqual([]);
}, 60_000);

describe("a slow body", () => {
  let slowStage: Stage;
  beforeAll(async () => {
    slowStage = await startStage({ spawn: true, env: { WEBHOOK_BODY_TIMEOUT_MS: "300" } });
  }, 60_000);
  afterAll(async () => {
    await slowStage?.close();
  });

  test("an upload that never finishes is answered 408 and its slot freed (a slowloris holds nothing)", async () => {
    const held = Array.from({ length: 40 }, () =>
      startRaw({ url: slowStage.appUrl, target: "/api/github/webhooks", headers: webhookHeaders(), contentLength: 1000, body: Buffer.from("{") }),
    );
    const results = await Promise.all(held.map((h) => h.done)); // the server closes every one of them
    const statuses = results.map((r) => r.status);
    expect(statuses.every((s) => s === 408 || s === 503)).toBe(true);
    expect(statuses.filter((s) => s === 408).length).toBeGreaterThanOrEqual(32);
    const text = await (await fetch(`${slowStage.appUrl}/metrics`)).text();
    expect(sample(text, "tierkeeper_webhook_bodies_in_flight")).toBe(0);
    expect(sample(text, 'tierkeeper_webhook_refused_total{reason="timeout"}')).toBeGreaterThanOrEqual(32);
    const body = JSON.stringify({ zen: "Approachable is better than simple.", hook_id: 3 });
    const ok = await fetch(slowStage.webhookUrl, { method: "POST", body, headers: webhookHeaders({ "x-hub-signature-256": sign(body) }) });
    expect(ok.status).toBe(200);
  }, 60_000);
});
