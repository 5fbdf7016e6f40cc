import { randomUUID } from "node:crypto";
import { pino } from "pino";
import { DeliveryWorker, type WorkerOptions } from "../../src/app/worker.js";
import type { Deps } from "../../src/features/deps.js";
import { factFromEvent } from "../../src/core/facts.js";
import { storedFact } from "../../src/core/stored-fact.js";
import type { SqlStore } from "../../src/store/sql-store.js";
import { startSimApp, type SimApp } from "../support/sim-app.js";

/**
 * The delivery worker against hostile deliveries (issue 11): a handler that hangs is abandoned
 * past its time budget, a flood from one installation does not starve another, and one failing
 * feature does not stop the others.
 */
let app: SimApp;

afterEach(async () => {
  expect(app.sim.violations).toEqual([]);
  await app.close();
});

const until = async (what: string, check: () => boolean) => {
  for (let i = 0; i < 10_000 && !check(); i++) await new Promise((r) => setImmediate(r));
  if (!check()) throw new Error(`never happened: ${what}`);
};

const row = async (store: SqlStore, id: string) =>
  (
    await store.db.query<{ status: string; attempts: number; retry_at: number; last_error: string | null }>("SELECT status, attempts, retry_at, last_error FROM deliveries WHERE id = $1", [
      id,
    ])
  )[0];

test("a handler past its time budget is abandoned: the delivery is retried later with backoff, the attempt counts, the next one goes on", async () => {
  app = await startSimApp();
  const deps = app.tierkeeper.deps!;
  // Installation 999's GitHub never answers: its handlers hang.
  const hanging: Deps = { ...deps, log: pino({ level: "silent" }), github: (id) => (id === 999 ? new Promise(() => {}) : deps.github(id)) };
  const timers: (() => void)[] = [];
  const worker = new DeliveryWorker(hanging, {
    holder: "w",
    budgetMs: 30_000,
    budgetTimer: () => ({ expired: new Promise<void>((resolve) => timers.push(resolve)), cancel: () => undefined }),
  });

  const pr = app.sim.openPullRequest({ repo: app.repo, author: "contributor", files: ["crates/wasi-nn/src/lib.rs"] });
  // Another repository of another installation (its registry is read through the hanging GitHub).
  const hung = structuredClone<Record<string, any>>(pr.payload);
  Object.assign(hung, {
    installation: { id: 999 },
    repository: { ...hung.repository, id: 424242, name: "elsewhere", full_name: "someone/elsewhere", owner: { ...hung.repository.owner, login: "someone" } },
  });
  await app.store.deliveries.enqueue({ id: "hangs", name: "pull_request", payload: JSON.stringify(hung), receivedAt: new Date(app.clock.now().getTime() - 1), installationId: 999 });
  await app.store.deliveries.enqueue({ id: "fine", name: "pull_request", payload: JSON.stringify(pr.payload), receivedAt: app.clock.now(), installationId: 1 });

  const drained = worker.drain();
  await until("the hanging handler's budget is running", () => timers.length === 1);
  expect((await row(app.store, "fine")).status).toBe("pending"); // held up behind it, until ...
  timers[0](); // ... its budget is spent
  await drained;

  expect(await row(app.store, "hangs")).toEqual({ status: "pending", attempts: 1, retry_at: app.clock.now().getTime() + 2000, last_error: "handlers took longer than 30000 ms; abandoned" });
  expect((await row(app.store, "fine")).status).toBe("done");
  expect(timers).toHaveLength(2); // the second delivery's budget, cancelled when it finished in time
});

/** A worker on the real store, noting the batches it finishes, in order. */
function batchNoting(app: SimApp, options: WorkerOptions): { worker: DeliveryWorker; batches: string[][] } {
  const { store } = app;
  const batches: string[][] = [];
  const deliveries = Object.assign(Object.create(store.deliveries) as SqlStore["deliveries"], { finishAll: (ids: string[]) => (batches.push(ids), store.deliveries.finishAll(ids)) });
  const worker = new DeliveryWorker({ ...app.tierkeeper.deps!, store: Object.assign(Object.create(store) as SqlStore, { deliveries }) }, options);
  return { worker, batches };
}

test("a batch holds at most 8 MiB of payloads: five of 3 MiB are processed three, then two", async () => {
  app = await startSimApp();
  const store = app.store;
  const { worker, batches } = batchNoting(app, { holder: "w" });
  const big = JSON.stringify({ zen: "x".repeat(3 * 1024 * 1024), hook_id: 1, installation: { id: 1 } });
  for (let i = 0; i < 5; i++) await store.deliveries.enqueue({ id: `big${i}`, name: "ping", payload: big, receivedAt: new Date(app.clock.now().getTime() + i), installationId: 1 });

  await worker.drain();
  expect(batches.filter((ids) => ids.length > 0)).toEqual([
    ["big0", "big1", "big2"],
    ["big3", "big4"],
  ]);
});

test("fairness: 500 deliveries of installation A, then one of B: B's is processed in the first batch", async () => {
  app = await startSimApp();
  const store = app.store;
  const { worker, batches } = batchNoting(app, { holder: "w", batch: 20 });
  const ping = (installation: number) => JSON.stringify({ zen: "Keep it logically awesome.", hook_id: 1, installation: { id: installation } });
  for (let i = 0; i < 500; i++) await store.deliveries.enqueue({ id: `a${i}`, name: "ping", payload: ping(1), receivedAt: new Date(app.clock.now().getTime() + i), installationId: 1 });
  await store.deliveries.enqueue({ id: "b", name: "ping", payload: ping(2), receivedAt: new Date(app.clock.now().getTime() + 1000), installationId: 2 });

  await worker.drain();
  expect(batches.flat()).toHaveLength(501);
  expect(batches.findIndex((ids) => ids.includes("b"))).toBe(0);
  expect(batches[0].indexOf("b")).toBe(1); // right after A's oldest
});

test("a failing feature does not stop the others: /tier away fails on a corrupt record, the owner's response still postpones the timeline; the delivery is retried", async () => {
  app = await startSimApp();
  const repo = app.sim.state.mustRepo(app.repo);
  const main = repo.branches.get("main")!;
  await app.send(app.sim.completeCheckRun({ repo: app.repo, sha: main, name: "Test wasi-nn (openvino, ubuntu-24.04)", conclusion: "failure", branch: "main", completedAt: app.clock.now() }));
  const tracking = [...repo.issues.values()].find((i) => !i.pull && i.title.startsWith("Tier 3 component"))!;
  // abrown's stored away periods are corrupt: the commands feature fails on his /tier away.
  await app.store.db.run("INSERT INTO away (repo_id, login, periods) VALUES ($1, $2, $3)", [repo.id, "abrown", "{not json"]);

  app.clock.advance(24 * 3600 * 1000);
  const id = randomUUID();
  await app.send(app.sim.addComment({ repo: app.repo, issueNumber: tracking.number, user: "abrown", body: "Looking into it.\n/tier away until 2026-12-10" }), id);

  const episode = (await app.store.episodes.get(repo.id, "wasi-nn"))!.state;
  expect(episode.responses.map((r) => r.by)).toEqual(["abrown"]); // owner-responses ran, after commands failed
  const failed = await row(app.store, id);
  expect(failed.status).toBe("pending");
  expect(failed.last_error).toMatch(/^commands: .*JSON/);
});

test("the server's receiver stores the fact a body states, with its installation, and the worker processes it like Probot's dispatch", async () => {
  app = await startSimApp();
  const { tierkeeper, store, sim, repo } = app;
  const pr = sim.openPullRequest({ repo, author: "contributor", files: ["crates/wasi-nn/src/lib.rs"] });
  // Spacing and escapes as a sender may write them: the fact is the same.
  const body = `{ "action" : "opened",\n  "zen": "caf\\u00e9",${JSON.stringify(pr.payload).slice(1)}`;
  const id = randomUUID();
  await tierkeeper.receive({ id, name: "pull_request", body, payload: JSON.parse(body) });
  const [stored] = await store.db.query<{ payload: string; installation_id: number }>("SELECT payload, installation_id FROM deliveries WHERE id = $1", [id]);
  expect(stored.payload).toBe(storedFact(factFromEvent("pull_request", pr.payload)));
  expect(stored.payload.length).toBeLessThan(body.length / 2);
  expect(Number(stored.installation_id)).toBe((pr.payload as { installation: { id: number } }).installation.id);
  await tierkeeper.settle();
  expect((await row(store, id)).status).toBe("done");
  const repoId = (pr.payload as { repository: { id: number } }).repository.id;
  expect((await store.pulls.get(repoId, pr.number))?.headSha).toBe(pr.headSha);
});

test("a payload that states no fact is stored byte for byte and kept, dead, with the reason; one stored by an earlier version, as a payload, is still processed", async () => {
  app = await startSimApp();
  const { tierkeeper, store, sim, repo } = app;
  const body = `{ "action": "opened", "pull_request": { "number": 1 }, "installation": { "id": 42 } }`;
  await tierkeeper.receive({ id: "malformed", name: "pull_request", body, payload: JSON.parse(body) });
  // As an earlier version stored every delivery: the payload itself.
  const pr = sim.openPullRequest({ repo, author: "contributor", files: ["crates/wasi-nn/src/lib.rs"] });
  await store.deliveries.enqueue({ id: "earlier", name: "pull_request", payload: JSON.stringify(pr.payload), receivedAt: app.clock.now(), installationId: 1 });
  await tierkeeper.settle();
  const [dead] = await store.deliveries.dead(10);
  expect(dead).toMatchObject({ id: "malformed", installationId: 42, reason: expect.stringMatching(/^pull_request\.opened: .*repository/) });
  const [kept] = await store.db.query<{ payload: string }>("SELECT payload FROM deliveries WHERE id = 'malformed'");
  expect(kept.payload).toBe(body);
  expect((await row(store, "earlier")).status).toBe("done");
  expect((await store.pulls.get((pr.payload as { repository: { id: number } }).repository.id, pr.number))?.headSha).toBe(pr.headSha);
});

test("while webhooks arrive, processing waits before each delivery, not once a batch: a lull lets one through, then it waits again", async () => {
  app = await startSimApp();
  const store = app.store;
  let busy = false;
  let started = 0;
  const worker = new DeliveryWorker(app.tierkeeper.deps!, {
    holder: "w",
    batch: 20,
    maxDeferMs: 3_600_000,
    intakeBusy: () => busy,
    // Made as each delivery's handlers start: once the first has started, webhooks arrive again.
    budgetTimer: () => {
      if (++started === 1) busy = true;
      return { expired: new Promise<void>(() => undefined), cancel: () => undefined };
    },
  });
  const ping = JSON.stringify({ zen: "Half measures are as bad as nothing at all.", hook_id: 1, installation: { id: 1 } });
  for (let i = 0; i < 5; i++) await store.deliveries.enqueue({ id: `p${i}`, name: "ping", payload: ping, receivedAt: new Date(app.clock.now().getTime() + i), installationId: 1 });

  worker.start(); // running: a stopped worker (draining at shutdown) waits for nothing
  try {
    await until("the first delivery started", () => started === 1);
    await new Promise((resolve) => setTimeout(resolve, 50)); // time enough for the rest of the batch, were it not waiting
    expect(started).toBe(1);
    busy = false; // the intake pauses: the batch goes on
    await worker.drain();
  } finally {
    await worker.stop();
  }
  expect(started).toBe(5);
  expect((await store.deliveries.counts()).done).toBe(5);
});

test("in a flood that never pauses, processing goes on one delivery at a time, each claimed alone; in a lull, a whole batch is claimed", async () => {
  app = await startSimApp();
  const store = app.store;
  let busy = true;
  const limits: number[] = [];
  const claim = store.deliveries.claim.bind(store.deliveries);
  store.deliveries.claim = (worker, limit, ...rest) => {
    limits.push(limit);
    return claim(worker, limit, ...rest);
  };
  const worker = new DeliveryWorker(app.tierkeeper.deps!, { holder: "w", batch: 20, maxDeferMs: 5, intakeBusy: () => busy });
  const ping = JSON.stringify({ zen: "Keep it logically awesome.", hook_id: 1, installation: { id: 1 } });
  const enqueue = (n: number, prefix: string) =>
    Promise.all(Array.from({ length: n }, (_, i) => store.deliveries.enqueue({ id: `${prefix}${i}`, name: "ping", payload: ping, receivedAt: app.clock.now(), installationId: 1 })));

  await enqueue(3, "flood");
  worker.start(); // running: a stopped worker (draining at shutdown) waits for nothing
  try {
    await worker.drain();
    expect((await store.deliveries.counts()).done).toBe(3);
    expect(new Set(limits)).toEqual(new Set([1]));

    busy = false;
    limits.length = 0;
    await enqueue(3, "lull");
    await worker.drain();
    expect((await store.deliveries.counts()).done).toBe(6);
    expect(new Set(limits)).toEqual(new Set([20]));
  } finally {
    await worker.stop();
  }
});
