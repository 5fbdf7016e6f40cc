import { createHmac } from "node:crypto";
import { childLogs, startStage, WEBHOOK_SECRET, type Stage } from "../../src/demo/stage.js";
import { FaultInjector } from "../../src/sim/faults.js";

/**
 * Observability (issue 6 §5, §6): the real server (`node dist/server.js`) serves Prometheus
 * metrics at /metrics next to /healthz, and its JSON logs carry the delivery, installation and
 * repository but never a secret: not the webhook secret, not the private key, not an
 * installation token the simulator issued, not an Authorization header value.
 */
let stage: Stage;

beforeAll(async () => {
  stage = await startStage({ spawn: true, env: { STAGE_KEEP_LOGS: "1", SWEEP_INTERVAL_MS: "300" } });
}, 60_000);
afterAll(async () => {
  await stage?.close();
});

const scrape = async () => {
  const res = await fetch(`${stage.appUrl}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text();
};
/** The value of one sample, e.g. `value(text, 'tierkeeper_deliveries_received_total{event="pull_request"}')`. */
const value = (text: string, sample: string): number | undefined => {
  const line = text.split("\n").find((l) => l.startsWith(sample + " "));
  return line === undefined ? undefined : Number(line.slice(sample.length + 1));
};
const logLines = () =>
  childLogs(stage.child!)
    .split("\n")
    .filter((l) => l.trim().startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

test("/metrics counts deliveries, GitHub requests, actions and sweeps, and reads the queue on scrape", async () => {
  const { sim, repo } = stage;
  const pr = sim.openPullRequest({ repo, author: "contributor", files: ["crates/wasi-nn/src/backend.rs"] });
  expect((await sim.send(pr)).status).toBe(200);
  const fail = sim.completeCheckRun({ repo, sha: pr.headSha, name: "Test wasi-nn (openvino, ubuntu-24.04)", conclusion: "failure" });
  expect((await sim.send(fail, { id: "obs-check-run" })).status).toBe(200);
  expect((await sim.send(fail, { id: "obs-check-run" })).status).toBe(200); // a redelivery
  // Stored, then skipped as malformed.
  const body = JSON.stringify({ action: "completed" });
  const signed = await fetch(stage.webhookUrl, {
    method: "POST",
    body,
    headers: {
      "content-type": "application/json",
      "x-github-event": "check_run",
      "x-github-delivery": "obs-malformed",
      "x-hub-signature-256": "sha256=" + createHmac("sha256", WEBHOOK_SECRET).update(body).digest("hex"),
    },
  });
  expect(signed.status).toBe(200);
  await stage.settle();
  expect(sim.comments(repo, pr.number)).toHaveLength(1);
  await new Promise((r) => setTimeout(r, 700)); // at least one periodic sweep (every 300 ms)

  const text = await scrape();
  expect(value(text, 'tierkeeper_deliveries_received_total{event="pull_request"}')).toBe(1);
  expect(value(text, 'tierkeeper_deliveries_received_total{event="check_run"}')).toBe(3);
  expect(value(text, 'tierkeeper_deliveries_duplicate_total{event="check_run"}')).toBe(1);
  expect(value(text, 'tierkeeper_deliveries_processed_total{event="pull_request"}')).toBe(1);
  expect(value(text, 'tierkeeper_deliveries_processed_total{event="check_run"}')).toBe(1);
  expect(value(text, 'tierkeeper_deliveries_failed_total{event="check_run",outcome="malformed"}')).toBe(1);
  expect(value(text, "tierkeeper_delivery_queue_depth")).toBe(0);
  expect(value(text, "tierkeeper_delivery_oldest_pending_age_seconds")).toBe(0);
  expect(value(text, "tierkeeper_database_up")).toBe(1);
  expect(value(text, 'tierkeeper_github_requests_total{method="POST",route="/repos/{owner}/{repo}/issues/{issue_number}/comments",status="201"}')).toBe(1);
  expect(value(text, 'tierkeeper_actions_applied_total{kind="comment",mode="enforce"}')).toBe(1);
  expect(value(text, 'tierkeeper_sweep_duration_seconds_count{result="done"}')).toBeGreaterThan(0);
  expect(text).toContain("# TYPE tierkeeper_github_request_duration_seconds histogram");
  expect(text).toContain("# TYPE tierkeeper_github_rate_limit_waits_total counter");
  // Node's default process metrics, in the same registry.
  expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
  expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
  // Served next to /healthz by the same HTTP server; other paths still 404.
  expect((await fetch(`${stage.appUrl}/healthz`)).status).toBe(200);
  expect((await fetch(`${stage.appUrl}/metrics`, { method: "POST" })).status).toBe(404);
}, 60_000);

test("a secondary rate limit from GitHub is counted, and the delivery is retried until it succeeds", async () => {
  const { sim, repo } = stage;
  const pr = sim.openPullRequest({ repo, author: "contributor", files: ["crates/wasi-nn/src/other.rs"] });
  sim.faults = new FaultInjector({ rate: 1, secondaryShare: 1, retryAfterSeconds: 1 });
  try {
    expect((await sim.send(pr)).status).toBe(200);
    expect((await sim.send(sim.completeCheckRun({ repo, sha: pr.headSha, name: "Test wasi-nn (openvino, ubuntu-24.04)", conclusion: "failure" }))).status).toBe(200);
    const deadline = Date.now() + 10_000;
    while (!(sim.faults.counts()["secondary-rate-limit"] > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(sim.faults.counts()["secondary-rate-limit"]).toBeGreaterThan(0);
  } finally {
    sim.faults.enabled = false;
  }
  await stage.settle(30_000);
  expect(sim.comments(repo, pr.number)).toHaveLength(1);
  const text = await scrape();
  const limited = text.split("\n").filter((l) => l.startsWith("tierkeeper_github_rate_limited_responses_total{"));
  expect(limited.reduce((n, l) => n + Number(l.split(" ").pop()), 0)).toBe(sim.faults.counts()["secondary-rate-limit"]);
  expect(text).toMatch(/^tierkeeper_github_requests_total\{method="[A-Z]+",route="[^"]+",status="403"\} [1-9]/m);
  expect(text).toMatch(/^tierkeeper_deliveries_failed_total\{event="[a-z_]+",outcome="retry"\} [1-9]/m);
}, 60_000);

test("the logs carry delivery, installation and repository, and no secret, key or token", async () => {
  const { sim, repo, installationId } = stage;
  // A bad signature and one that makes the app call GitHub.
  const bad = await fetch(stage.webhookUrl, {
    method: "POST",
    body: "{}",
    headers: { "content-type": "application/json", "x-github-event": "check_run", "x-github-delivery": "obs-bad-signature", "x-hub-signature-256": "sha256=" + "0".repeat(64) },
  });
  expect(bad.status).toBe(401);
  const pr = sim.openPullRequest({ repo, author: "contributor", files: ["crates/wasi-nn/src/third.rs"] });
  await sim.send(pr, { id: "obs-pr" });
  await sim.send(sim.completeCheckRun({ repo, sha: pr.headSha, name: "Test wasi-nn (openvino, ubuntu-24.04)", conclusion: "failure" }), { id: "obs-fail" });
  await stage.settle();
  expect(sim.comments(repo, pr.number)).toHaveLength(1);
  await new Promise((r) => setTimeout(r, 300)); // the last lines through the pipe

  const lines = logLines();
  const decided = lines.find((l) => l.msg === "breakage comment decided" && l.delivery === "obs-fail");
  expect(decided).toMatchObject({ delivery: "obs-fail", event: "check_run", installation: installationId, repository: repo });
  expect(lines.find((l) => l.delivery === "obs-malformed")).toMatchObject({ event: "check_run", msg: expect.stringContaining("malformed") });

  const text = childLogs(stage.child!);
  expect(text.length).toBeGreaterThan(1000);
  const tokens = [...(sim.auth as unknown as { tokens: Map<string, unknown> }).tokens.keys()];
  expect(tokens.filter((t) => t.startsWith("ghs_")).length).toBeGreaterThan(0); // the app did authenticate as the installation
  const privateKeyLines = stage.env.PRIVATE_KEY.split("\n").filter((l) => l && !l.startsWith("-----"));
  expect(privateKeyLines.length).toBeGreaterThan(10);
  const leaks = [WEBHOOK_SECRET, ...privateKeyLines, ...tokens].filter((s) => text.includes(s));
  expect(leaks).toEqual([]);
  expect(text).not.toMatch(/PRIVATE KEY/);
  expect(text).not.toMatch(/\b(token|bearer) [A-Za-z0-9_.-]{16,}/i); // an Authorization header value
  expect(text).not.toMatch(/\beyJ[\w-]+\.[\w-]+\.[\w-]+/); // a JWT (the app's own authentication)
}, 60_000);

test("the logger redacts secrets by key and by value, whatever the app logs", async () => {
  const { PassThrough } = await import("node:stream");
  const { redactingLogger } = await import("../../src/observability/logging.js");
  const { parseConfig } = await import("../../src/app/config.js");
  const out = new PassThrough();
  let text = "";
  out.on("data", (c: Buffer) => (text += c.toString()));
  const key = stage.env.PRIVATE_KEY;
  const log = await redactingLogger(parseConfig({ LOG_FORMAT: "json", WEBHOOK_SECRET, PRIVATE_KEY: key }), "info", undefined, out);
  const token = "ghs_" + "a1".repeat(18);
  const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOjQyNDJ9.c2lnbmF0dXJlc2lnbmF0dXJl";
  log.info({ req: { headers: { authorization: `token ${token}` } }, privateKey: key, secret: WEBHOOK_SECRET }, "by key");
  log.warn({ err: Object.assign(new Error(`failed with Bearer ${jwt}`), { request: { headers: { authorization: `bearer ${jwt}` } } }) }, "in an error");
  log.info(`the secret is ${WEBHOOK_SECRET}, the key ${key}, a line of it ${key.split("\n")[3]}, a token ${token}`);
  log.info({ url: "postgres://u:hunter2hunter2@db/x" }, "a database url");
  await new Promise((r) => setTimeout(r, 100));
  expect(text.split("\n").filter(Boolean)).toHaveLength(4);
  for (const s of [WEBHOOK_SECRET, token, jwt, "hunter2hunter2", "PRIVATE KEY", ...key.split("\n").filter((l) => l && !l.startsWith("-----"))]) {
    expect(text).not.toContain(s);
  }
  expect(text).toContain("[REDACTED]");
  expect(text).toContain("by key");
}, 30_000);
