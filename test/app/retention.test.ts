import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freshPostgres } from "../support/postgres.js";
import { openStore } from "../../src/store/open.js";
import type { SqlStore } from "../../src/store/sql-store.js";
import { deliveryRetention, pruneDeliveries, DEFAULT_DELIVERY_RETENTION_MS, DEFAULT_DEAD_DELIVERY_RETENTION_MS } from "../../src/app/retention.js";

const DAY = 86_400_000;
const T0 = Date.parse("2026-03-01T12:00:00Z");
const at = (ms: number) => new Date(T0 + ms);

interface Fixture {
  store: SqlStore;
  cleanup(): Promise<void>;
}

async function sqliteFixture(): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), "tk-retention-"));
  const store = await openStore(join(dir, "tk.db"));
  return { store, cleanup: async () => (await store.close(), rmSync(dir, { recursive: true, force: true })) };
}

async function postgresFixture(): Promise<Fixture> {
  const db = await freshPostgres();
  const store = await openStore(db.url, { postgres: { max: 2 } });
  return { store, cleanup: async () => (await store.close(), await db.drop()) };
}

describe.each([
  ["sqlite", sqliteFixture],
  ["postgres", postgresFixture],
] as const)("delivery retention on %s", (_dialect, makeFixture) => {
  let fx: Fixture;
  let store: SqlStore;

  beforeEach(async () => {
    fx = await makeFixture();
    store = fx.store;
  });
  afterEach(async () => fx?.cleanup());

  const receive = (id: string, receivedAt: Date) => store.deliveries.enqueue({ id, name: "check_run", payload: "{}", receivedAt, installationId: 1 });
  const known = async (...ids: string[]) => [...(await store.deliveries.known(ids))].sort();

  it("prunes done deliveries once past retention, and keeps them before", async () => {
    await receive("old", at(0));
    await receive("recent", at(5 * DAY));
    await store.deliveries.finishAll(["old", "recent"]);

    const before = await pruneDeliveries(store, at(7 * DAY - 1), "replica-a");
    expect(before).toEqual({ locked: true, done: 0, dead: 0, chunks: 2 });
    expect(await known("old", "recent")).toEqual(["old", "recent"]);

    const after = await pruneDeliveries(store, at(7 * DAY + 1), "replica-a");
    expect(after.done).toBe(1);
    expect(await known("old", "recent")).toEqual(["recent"]);
    expect(await store.deliveries.counts()).toEqual({ pending: 0, done: 1, failed: 0 });
  });

  it("never prunes a pending delivery, however old", async () => {
    await receive("stuck", at(0));
    await receive("done", at(0));
    await store.deliveries.finishAll(["done"]);
    await pruneDeliveries(store, at(365 * DAY), "replica-a");
    expect(await known("stuck", "done")).toEqual(["stuck"]);
    expect((await store.deliveries.claim("w", 10, at(365 * DAY), 60_000)).map((d) => d.id)).toEqual(["stuck"]);
  });

  it("recognises a redelivered id as a duplicate within retention (a copy after it is new again)", async () => {
    expect(await receive("guid-1", at(0))).toBe(true);
    await store.deliveries.finishAll(["guid-1"]);
    // GitHub redelivers within 3 days; the default retention is 7.
    await pruneDeliveries(store, at(3 * DAY), "replica-a");
    expect(await receive("guid-1", at(3 * DAY))).toBe(false);
    await pruneDeliveries(store, at(DEFAULT_DELIVERY_RETENTION_MS - 1), "replica-a");
    expect(await receive("guid-1", at(DEFAULT_DELIVERY_RETENTION_MS - 1))).toBe(false);
    await pruneDeliveries(store, at(DEFAULT_DELIVERY_RETENTION_MS + 1), "replica-a");
    expect(await known("guid-1")).toEqual([]);
    expect(await receive("guid-1", at(DEFAULT_DELIVERY_RETENTION_MS + 1))).toBe(true);
  });

  it("keeps dead deliveries longer than done ones, and lists them until then", async () => {
    await receive("dead", at(0));
    await receive("done", at(0));
    await store.deliveries.finish("dead", "failed", "payload is not JSON");
    await store.deliveries.finishAll(["done"]);

    const week = await pruneDeliveries(store, at(8 * DAY), "replica-a");
    expect(week).toMatchObject({ done: 1, dead: 0 });
    expect((await store.deliveries.dead(10)).map((d) => d.id)).toEqual(["dead"]);

    const month = await pruneDeliveries(store, at(DEFAULT_DEAD_DELIVERY_RETENTION_MS + 1), "replica-a");
    expect(month).toMatchObject({ done: 0, dead: 1 });
    expect(await store.deliveries.dead(10)).toEqual([]);
  });

  it("prunes in chunks, oldest first, at most maxChunks statements a run; the next run goes on", async () => {
    const ids = Array.from({ length: 25 }, (_, i) => `d${String(i).padStart(2, "0")}`);
    for (const [i, id] of ids.entries()) await receive(id, at(i * 1000));
    await store.deliveries.finishAll(ids);

    const first = await pruneDeliveries(store, at(30 * DAY), "replica-a", { chunk: 10, maxChunks: 2 });
    expect(first).toEqual({ locked: true, done: 20, dead: 0, chunks: 2 });
    expect(await known(...ids)).toEqual(ids.slice(20));

    const second = await pruneDeliveries(store, at(30 * DAY), "replica-a", { chunk: 10, maxChunks: 2 });
    expect(second).toMatchObject({ done: 5, dead: 0 });
    expect(await known(...ids)).toEqual([]);
  });

  it("prunes on one replica at a time: a held lock leaves the rows to its holder", async () => {
    await receive("old", at(0));
    await store.deliveries.finishAll(["old"]);
    expect(await store.locks.tryLock("delivery-retention", "replica-b", new Date(), 60_000)).toBe(true);
    expect(await pruneDeliveries(store, at(30 * DAY), "replica-a")).toEqual({ locked: false, done: 0, dead: 0, chunks: 0 });
    expect(await known("old")).toEqual(["old"]);
    await store.locks.unlock("delivery-retention", "replica-b");
    expect((await pruneDeliveries(store, at(30 * DAY), "replica-a")).done).toBe(1);
    // The lock is released after the run: the other replica may take the next one.
    expect(await store.locks.tryLock("delivery-retention", "replica-b", new Date(), 60_000)).toBe(true);
  });

  it("reads each chunk off an index, not the whole table", async () => {
    const sql = "SELECT id FROM deliveries WHERE status = 'done' AND received_at < 1000 ORDER BY received_at, id LIMIT 500";
    if (store.db.dialect === "sqlite") {
      const plan = await store.db.query<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`);
      expect(plan.map((p) => p.detail).join("\n")).toMatch(/USING (COVERING )?INDEX deliveries_status/);
    } else {
      // A few rows would be read sequentially anyway: ask the planner what it does when it must not.
      const plan = await store.db.transaction(async (tx) => {
        await tx.exec("SET LOCAL enable_seqscan = off");
        return tx.query<{ "QUERY PLAN": string }>(`EXPLAIN ${sql}`);
      });
      const text = plan.map((p) => p["QUERY PLAN"]).join("\n");
      expect(text).toMatch(/Index (Only )?Scan using deliveries_status/);
      expect(text).not.toMatch(/Sort/);
    }
  });
});

describe("retention settings", () => {
  it("defaults to 7 days for done deliveries and 30 for dead ones", () => {
    expect(deliveryRetention()).toEqual({ retentionMs: 7 * DAY, deadRetentionMs: 30 * DAY });
  });

  it("refuses less than a day, and never keeps dead deliveries shorter than done ones", () => {
    expect(() => deliveryRetention({ retentionMs: 3 * DAY - 1 })).toThrow(/at least 3 days/);
    expect(deliveryRetention({ retentionMs: 60 * DAY, deadRetentionMs: 30 * DAY })).toEqual({ retentionMs: 60 * DAY, deadRetentionMs: 60 * DAY });
  });
});
