import { jest } from "@jest/globals";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { QueueEntry } from "../../src/store/store.js";
import type { CiResult, PullRecord, Registry, RegistryProblem } from "../../src/core/model.js";
import { DEFAULT_POLICY, REGISTRY_PARSER_VERSION, registryFromLoaded } from "../../src/core/registry.js";
import type { Episode } from "../../src/core/timeline.js";
import { StoredDataError, type CachedRegistry } from "../../src/store/store.js";
import { redact } from "../../src/observability/redaction.js";
import { actionRepository, migrations } from "../../src/store/migrations.js";
import { freshPostgres } from "../support/postgres.js";
import { openStore, parseDatabaseUrl } from "../../src/store/open.js";
import type { SqlStore } from "../../src/store/sql-store.js";
import { Deliveries } from "../../src/store/deliveries.js";
import { openSqlite } from "../../src/store/sqlite.js";
import { MAX_NAMED_STATEMENTS } from "../../src/store/postgres.js";

/** A fresh, empty database per test, and a way to open more stores on the same one. */
interface Fixture {
  open(): Promise<SqlStore>;
  cleanup(): Promise<void>;
}

function sqliteFixture(): Fixture {
  const dir = mkdtempSync(join(tmpdir(), "tk-store-"));
  const file = join(dir, "nested", "tk.db");
  return {
    open: () => openStore(file),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function postgresFixture(): Promise<Fixture> {
  const db = await freshPostgres();
  return { open: () => openStore(db.url, { postgres: { max: 4 } }), cleanup: db.drop };
}

const T0 = Date.parse("2026-03-01T12:00:00Z");
const EMPTY_REGISTRY: Registry = { components: [], policy: DEFAULT_POLICY };
const PROBLEM: RegistryProblem = { file: ".github/tiers.yml", line: 1, column: 1, message: "x", severity: "error" };
const EPISODE: Episode = { component: "wasi-nn", seq: 1, phase: "notified", noticeAt: "2026-03-01T12:00:00.000Z", dueAt: null, responses: [], blockers: [], log: [] };
const at = (ms: number) => new Date(T0 + ms);

describe.each([
  ["sqlite", async () => sqliteFixture()],
  ["postgres", postgresFixture],
] as const)("SqlStore on %s", (_dialect, makeFixture) => {
  let fx: Fixture;
  let store: SqlStore;
  const extra: SqlStore[] = [];

  /** Another store on the same database (another connection or pool, as another replica would). */
  async function another(): Promise<SqlStore> {
    const s = await fx.open();
    extra.push(s);
    return s;
  }

  beforeEach(async () => {
    fx = await makeFixture();
    store = await fx.open();
  });

  afterEach(async () => {
    for (const s of extra.splice(0)) await s.close();
    await store?.close();
    await fx?.cleanup();
  });

  test("migrations are idempotent and ping works", async () => {
    await store.migrate();
    await store.migrate();
    const again = await another();
    await again.migrate();
    const rows = await store.db.query<{ id: number }>("SELECT id FROM schema_migrations");
    expect(rows.map((r) => Number(r.id)).sort((a, b) => a - b)).toEqual(migrations.map((m) => m.id));
    await expect(store.ping()).resolves.toBeUndefined();
  });

  test("migration 8 keeps the results recorded before it", async () => {
    // Back to the schema before migration 8, with one result in it.
    await store.db.exec(`DROP TABLE ci_results; DROP TABLE queue_entries;
      CREATE TABLE ci_results (repo_id BIGINT NOT NULL, sha TEXT NOT NULL, name TEXT NOT NULL, source TEXT NOT NULL, outcome TEXT NOT NULL,
        completed_at BIGINT NOT NULL, branch TEXT, url TEXT, timed_at BIGINT, PRIMARY KEY (repo_id, sha, name));
      DELETE FROM schema_migrations WHERE id = 8;`);
    await store.db.run("INSERT INTO ci_results (repo_id, sha, name, source, outcome, completed_at, branch, url) VALUES (7, 's1', 'build', 'check_run', 'fail', $1, 'main', 'u')", [at(5)]);
    await store.migrate();
    expect(await store.results.forSha(7, "s1")).toEqual([{ repoId: 7, sha: "s1", name: "build", source: "check_run", outcome: "fail", completedAt: at(5), branch: "main", url: "u" }]);
  });

  test("concurrent migrations on a fresh database", async () => {
    const s = await Promise.all([another(), another(), another()]);
    await Promise.all(s.map((x) => x.migrate()));
    expect(await store.deliveries.counts()).toEqual({ pending: 0, done: 0, failed: 0 });
  });

  describe("deliveries", () => {
    const d = (id: string, ms: number) => ({ id, name: "pull_request", payload: `{"id":"${id}"}`, receivedAt: at(ms) });

    test("enqueue dedupes by delivery id", async () => {
      expect(await store.deliveries.enqueue(d("a", 0))).toBe(true);
      expect(await store.deliveries.enqueue({ ...d("a", 5), payload: "other" })).toBe(false);
      expect(await store.deliveries.counts()).toEqual({ pending: 1, done: 0, failed: 0 });
      const [c] = await store.deliveries.claim("w", 10, at(10), 1000);
      expect(c).toEqual({ id: "a", name: "pull_request", payload: '{"id":"a"}', receivedAt: at(0), attempts: 1, installationId: null });
    });

    test("deliveries arriving together are committed together, each answered for itself", async () => {
      const ids = ["x", "y", "x", "z", "y", "w"];
      const fresh = await Promise.all(ids.map((id, i) => store.deliveries.enqueue(d(id, i))));
      expect(fresh).toEqual([true, true, false, true, false, true]);
      expect(await store.deliveries.counts()).toEqual({ pending: 4, done: 0, failed: 0 });
      await store.deliveries.finishAll(["x", "y"]);
      expect(await store.deliveries.counts()).toEqual({ pending: 2, done: 2, failed: 0 });
    });

    test("one intake commit at a time: what arrives while it is under way goes whole into the next", async () => {
      // The first commit is held at a gate; five deliveries arrive meanwhile, each in its own turn of the event loop.
      const commits: number[] = [];
      let open!: () => void;
      const gate = new Promise<void>((resolve) => (open = resolve));
      const db = store.db;
      const counting = new Proxy(db, {
        get: (target, key) =>
          key === "query"
            ? async (sql: string, params?: unknown[]) => {
                if (sql.trimStart().startsWith("INSERT INTO deliveries")) {
                  commits.push((params?.length ?? 0) / 5);
                  if (commits.length === 1) await gate;
                }
                return target.query(sql, params as never);
              }
            : (Reflect.get(target, key) as unknown),
      });
      const deliveries = new Deliveries(counting, counting);
      const first = deliveries.enqueue(d("a", 0));
      const later: Promise<boolean>[] = [];
      for (const id of ["b", "c", "d", "e", "f"]) {
        await new Promise((resolve) => setImmediate(resolve));
        later.push(deliveries.enqueue(d(id, 1)));
      }
      open();
      expect(await Promise.all([first, ...later])).toEqual([true, true, true, true, true, true]);
      expect(commits).toEqual([1, 5]);
    });

    test("claims oldest first, up to limit, leases, and reclaims after lease expiry", async () => {
      await store.deliveries.enqueue(d("c", 30));
      await store.deliveries.enqueue(d("a", 10));
      await store.deliveries.enqueue(d("b", 20));
      const first = await store.deliveries.claim("w1", 2, at(100), 1000);
      expect(first.map((x) => x.id)).toEqual(["a", "b"]);
      expect((await store.deliveries.claim("w2", 10, at(200), 1000)).map((x) => x.id)).toEqual(["c"]);
      expect(await store.deliveries.claim("w2", 10, at(500), 1000)).toEqual([]);
      // w1 died: its lease expires at 1100.
      const again = await store.deliveries.claim("w2", 10, at(1100), 1000);
      expect(again.map((x) => [x.id, x.attempts])).toEqual([
        ["a", 2],
        ["b", 2],
      ]);
    });

    test("a batch stops short of its byte budget, counted in bytes; the first delivery comes whatever its size", async () => {
      const sized = (id: string, ms: number, pad: string) => ({ ...d(id, ms), payload: JSON.stringify({ id, pad }) });
      await store.deliveries.enqueue(sized("big", 10, "x".repeat(5000)));
      for (const [i, id] of ["b", "c", "e", "f"].entries()) await store.deliveries.enqueue(sized(id, 20 + i, "x".repeat(1000)));
      // 600 characters, 1,200 bytes: a budget counted in characters would take both.
      await store.deliveries.enqueue(sized("wide1", 30, "é".repeat(600)));
      await store.deliveries.enqueue(sized("wide2", 31, "é".repeat(600)));
      const claim = async (maxBytes: number) => (await store.deliveries.claim("w", 10, at(100), 60_000, undefined, maxBytes)).map((x) => x.id);
      expect(await claim(2500)).toEqual(["big"]);
      expect(await claim(2500)).toEqual(["b", "c", "e"]);
      expect(await claim(2000)).toEqual(["f", "wide1"]); // wide2 would start at 2,240 bytes (1,640 characters)
      expect(await claim(1000)).toEqual(["wide2"]);
      expect(await claim(1000)).toEqual([]);
    });

    test("a done delivery keeps its id and bookkeeping but not its payload; a dead one keeps its payload", async () => {
      for (const [i, id] of ["a", "b", "c", "e"].entries()) await store.deliveries.enqueue(d(id, i));
      await store.deliveries.claim("w", 10, at(10), 60_000);
      await store.deliveries.finishAll(["a"]);
      await store.deliveries.finish("b", "failed", "bad payload");
      await store.deliveries.finish("c", "done", "dropped: installation deleted");
      const rows = await store.db.query<{ id: string; status: string; payload: string; last_error: string | null }>("SELECT id, status, payload, last_error FROM deliveries ORDER BY id");
      expect(rows).toEqual([
        { id: "a", status: "done", payload: "", last_error: null },
        { id: "b", status: "failed", payload: '{"id":"b"}', last_error: "bad payload" },
        { id: "c", status: "done", payload: "", last_error: "dropped: installation deleted" },
        { id: "e", status: "pending", payload: '{"id":"e"}', last_error: null },
      ]);
      // Still known, so a redelivery is still recognised.
      expect(await store.deliveries.enqueue(d("a", 100))).toBe(false);
    });

    test("finish, retry and counts", async () => {
      for (const [i, id] of ["a", "b", "c", "e"].entries()) await store.deliveries.enqueue(d(id, i));
      await store.deliveries.claim("w", 10, at(10), 60_000);
      await store.deliveries.finish("a", "done");
      await store.deliveries.finish("b", "failed", "bad payload");
      await store.deliveries.retry("c", at(5000), "rate limited");
      expect(await store.deliveries.counts()).toEqual({ pending: 2, done: 1, failed: 1 });
      // c is released but not due before 5000; e is still leased.
      expect(await store.deliveries.claim("w", 10, at(4999), 60_000)).toEqual([]);
      const due = await store.deliveries.claim("w", 10, at(5000), 60_000);
      expect(due.map((x) => [x.id, x.attempts])).toEqual([["c", 2]]);
      const [row] = await store.db.query<{ last_error: string }>("SELECT last_error FROM deliveries WHERE id = $1", ["b"]);
      expect(row.last_error).toBe("bad payload");
      // Done and failed deliveries are never claimed again.
      // (c, claimed twice without finishing, now comes alone.)
      expect((await store.deliveries.claim("w", 10, at(10_000_000), 1)).map((x) => x.id)).toEqual(["c"]);
      expect((await store.deliveries.claim("w", 10, at(10_000_000), 1)).map((x) => x.id)).toEqual(["e"]);
    });

    test("two stores claiming concurrently never get the same delivery", async () => {
      const n = 200;
      const other = await another();
      for (let i = 0; i < n; i++) await store.deliveries.enqueue(d(`d${String(i).padStart(3, "0")}`, i));
      const seen: string[] = [];
      const worker = async (s: SqlStore, name: string) => {
        for (;;) {
          const got = await s.deliveries.claim(name, 7, at(1000), 600_000);
          if (got.length === 0) return;
          seen.push(...got.map((x) => x.id));
        }
      };
      await Promise.all([worker(store, "a1"), worker(other, "b1"), worker(store, "a2"), worker(other, "b2")]);
      expect(seen.length).toBe(n);
      expect(new Set(seen).size).toBe(n);
      const attempts = await store.db.query<{ n: number }>("SELECT COUNT(*) AS n FROM deliveries WHERE attempts = 1");
      expect(Number(attempts[0].n)).toBe(n);
    });

    test("fairness: 500 deliveries of installation A, then 1 of B: B's is in the first batch, right after A's first", async () => {
      for (let i = 0; i < 500; i++) await store.deliveries.enqueue({ ...d(`a${String(i).padStart(3, "0")}`, i), installationId: 1 });
      await store.deliveries.enqueue({ ...d("b", 1000), installationId: 2 });
      const first = await store.deliveries.claim("w", 20, at(2000), 60_000);
      expect(first.map((x) => x.id).slice(0, 3)).toEqual(["a000", "b", "a001"]);
      expect(first).toHaveLength(20);
      expect(first.map((x) => x.installationId).filter((i) => i === 2)).toHaveLength(1);
      // Within an installation the order stays the order of arrival.
      expect(first.filter((x) => x.installationId === 1).map((x) => x.id)).toEqual(Array.from({ length: 19 }, (_, i) => `a${String(i).padStart(3, "0")}`));
    });

    test("a delivery claimed twice without finishing comes alone, and after maxClaims it is buried, not claimed", async () => {
      for (const [i, id] of ["poison", "x", "y"].entries()) await store.deliveries.enqueue(d(id, i));
      // Two claims of the whole batch, each ending in a crash (the lease just expires).
      expect((await store.deliveries.claim("w", 10, at(100), 1000, 3)).map((x) => x.id)).toEqual(["poison", "x", "y"]);
      expect((await store.deliveries.claim("w", 10, at(1200), 1000, 3)).map((x) => [x.id, x.attempts])).toEqual([
        ["poison", 2],
        ["x", 2],
        ["y", 2],
      ]);
      // Now each comes alone: the poison one first (oldest), then, after its third crash, the others.
      expect((await store.deliveries.claim("w", 10, at(2400), 1000, 3)).map((x) => [x.id, x.attempts])).toEqual([["poison", 3]]);
      expect(await store.deliveries.bury(3, at(3000), "gone")).toEqual([]); // its lease still runs
      expect((await store.deliveries.claim("w", 10, at(3600), 1000, 3)).map((x) => [x.id, x.attempts])).toEqual([["x", 3]]);
      await store.deliveries.finishAll(["x"]);
      expect(await store.deliveries.bury(3, at(3600), "claimed 3 times without finishing")).toEqual([{ id: "poison", name: "pull_request", attempts: 3 }]);
      expect((await store.deliveries.claim("w", 10, at(3600), 1000, 3)).map((x) => x.id)).toEqual(["y"]);
      await store.deliveries.finishAll(["y"]);
      expect(await store.deliveries.claim("w", 10, at(99_999), 1000, 3)).toEqual([]);
      expect(await store.deliveries.dead(10)).toEqual([
        { id: "poison", name: "pull_request", attempts: 3, reason: "claimed 3 times without finishing", receivedAt: at(0), installationId: null },
      ]);
      expect(await store.deliveries.counts()).toEqual({ pending: 0, done: 2, failed: 1 });
    });
  });

  describe("registry cache", () => {
    const entry = (repoId: number, repoKey: string): CachedRegistry => ({
      repoId,
      repoKey,
      registry: repoId % 2 ? EMPTY_REGISTRY : null,
      errors: [],
      fetchedAt: at(repoId),
    });
    const put = (s: SqlStore, e: CachedRegistry) => s.registries.put({ ...e, source: e.registry ? "{}" : null });

    test("get, put (replace) and invalidate by repo or by owner", async () => {
      expect(await store.registries.get(1)).toBeUndefined();
      await put(store, entry(1, "Bytecodealliance/wasmtime"));
      await put(store, entry(2, "bytecodealliance/.github"));
      await put(store, entry(3, "other/repo"));
      await put(store, { ...entry(1, "bytecodealliance/wasmtime"), errors: [PROBLEM] });
      expect(await store.registries.get(1)).toEqual({ ...entry(1, "bytecodealliance/wasmtime"), errors: [PROBLEM] });
      expect(await store.registries.get(2)).toEqual(entry(2, "bytecodealliance/.github"));

      await store.registries.invalidate({ repoId: 3 });
      expect(await store.registries.get(3)).toBeUndefined();
      await put(store, entry(3, "other/repo"));
      // Owners are case-insensitive on GitHub; "bytecode" is a prefix, not the owner.
      await put(store, entry(4, "bytecode/x"));
      await store.registries.invalidate({ owner: "BytecodeAlliance" });
      expect(await store.registries.get(1)).toBeUndefined();
      expect(await store.registries.get(2)).toBeUndefined();
      expect(await store.registries.get(3)).toBeDefined();
      expect(await store.registries.get(4)).toBeDefined();
    });
  });

  describe("pulls", () => {
    const pull = (o: Partial<PullRecord>): PullRecord => ({
      repoId: 7,
      number: 1,
      headSha: "aaa",
      baseRef: "main",
      author: "alice",
      state: "open",
      touched: ["wasi-nn"],
      updatedAt: at(0),
      ...o,
    });

    test("upsert, get, and open pulls by head", async () => {
      await store.pulls.upsert(pull({}));
      await store.pulls.upsert(pull({ number: 2, touched: "all" }));
      await store.pulls.upsert(pull({ number: 3, state: "closed" }));
      await store.pulls.upsert(pull({ number: 4, headSha: "bbb" }));
      await store.pulls.upsert(pull({ repoId: 8, number: 5 }));
      expect(await store.pulls.get(7, 2)).toEqual(pull({ number: 2, touched: "all" }));
      expect(await store.pulls.get(7, 99)).toBeUndefined();
      expect((await store.pulls.openByHead(7, "aaa")).map((p) => p.number)).toEqual([1, 2]);

      await store.pulls.upsert(pull({ headSha: "ccc", touched: [], updatedAt: at(10) }));
      expect(await store.pulls.get(7, 1)).toEqual(pull({ headSha: "ccc", touched: [], updatedAt: at(10) }));
      expect((await store.pulls.openByHead(7, "aaa")).map((p) => p.number)).toEqual([2]);
      // A stale event arriving late does not undo the newer state.
      await store.pulls.upsert(pull({ headSha: "old", updatedAt: at(5) }));
      expect((await store.pulls.get(7, 1))?.headSha).toBe("ccc");
    });
  });

  describe("CI results", () => {
    const result = (o: Partial<CiResult>): CiResult => ({
      repoId: 7,
      sha: "s1",
      name: "build",
      source: "check_run",
      outcome: "pass",
      completedAt: at(100),
      ...o,
    });

    test("newest completion wins whatever the arrival order; equal times: later arrival wins", async () => {
      expect(await store.results.record(result({ outcome: "fail", completedAt: at(200), url: "u2" }))).toBe(true);
      expect(await store.results.record(result({ outcome: "pass", completedAt: at(100) }))).toBe(false);
      expect(await store.results.forSha(7, "s1")).toEqual([result({ outcome: "fail", completedAt: at(200), url: "u2" })]);
      expect(await store.results.record(result({ outcome: "neutral", completedAt: at(200) }))).toBe(true);
      expect(await store.results.record(result({ name: "lint", source: "status" }))).toBe(true);
      expect(await store.results.record(result({ sha: "s2" }))).toBe(true);
      expect(await store.results.forSha(7, "s1")).toEqual([result({ outcome: "neutral", completedAt: at(200) }), result({ name: "lint", source: "status" })]);
      expect(await store.results.forSha(7, "nope")).toEqual([]);
    });

    test("latest result per name on a branch", async () => {
      await store.results.record(result({ sha: "s1", branch: "main", completedAt: at(100), outcome: "pass" }));
      await store.results.record(result({ sha: "s3", branch: "main", completedAt: at(300), outcome: "fail" }));
      // Older commit's result arriving late.
      await store.results.record(result({ sha: "s2", branch: "main", completedAt: at(200), outcome: "pass" }));
      await store.results.record(result({ sha: "s2", branch: "main", name: "lint", completedAt: at(200) }));
      await store.results.record(result({ sha: "s9", branch: "dev", completedAt: at(900) }));
      await store.results.record(result({ sha: "s8", completedAt: at(999) })); // no branch known
      expect(await store.results.latestOnBranch(7, "main")).toEqual([
        result({ sha: "s3", branch: "main", completedAt: at(300), outcome: "fail" }),
        result({ sha: "s2", branch: "main", name: "lint", completedAt: at(200) }),
      ]);
      expect(await store.results.latestOnBranch(7, "nope")).toEqual([]);
    });

    test("the check suites of one commit, all named after the app, are kept apart; on the branch the commit's worst counts", async () => {
      const suite = (id: number, o: Partial<CiResult>) => result({ name: "GitHub Actions", source: "check_suite", key: `check_suite:${id}`, branch: "main", ...o });
      expect(await store.results.record(suite(1, { outcome: "fail", completedAt: at(100) }))).toBe(true);
      expect(await store.results.record(suite(2, { outcome: "pass", completedAt: at(200) }))).toBe(true);
      expect(await store.results.forSha(7, "s1")).toEqual([suite(1, { outcome: "fail", completedAt: at(100) }), suite(2, { outcome: "pass", completedAt: at(200) })]);
      expect(await store.results.latestOnBranch(7, "main")).toEqual([result({ name: "GitHub Actions", source: "check_suite", branch: "main", outcome: "fail", completedAt: at(200) })]);
      // The failing workflow re-run passes: the commit passes.
      expect(await store.results.record(suite(1, { outcome: "pass", completedAt: at(300) }))).toBe(true);
      expect((await store.results.latestOnBranch(7, "main")).map((r) => [r.outcome, r.completedAt])).toEqual([["pass", at(300)]]);
    });

    test("merge queue entries: the first sighting stays, the latest per PR, the PRs at a queue commit, queue bases", async () => {
      const entry = (o: Partial<QueueEntry>): QueueEntry => ({ repoId: 7, headSha: "q1", pull: 5, base: "main", baseSha: "b1", pullHeadSha: "h1", seenAt: at(100), ...o });
      await store.queue.record(entry({}));
      await store.queue.record(entry({ pullHeadSha: "other", seenAt: at(150) })); // a redelivery changes nothing
      await store.queue.record(entry({ headSha: "q2", baseSha: "b2", seenAt: at(200) }));
      await store.queue.record(entry({ headSha: "q2", pull: 6, baseSha: "b2", pullHeadSha: "h6", seenAt: at(200) }));
      expect(await store.queue.latest(7, 5)).toEqual(entry({ headSha: "q2", baseSha: "b2", seenAt: at(200) }));
      expect(await store.queue.latest(7, 99)).toBeUndefined();
      expect((await store.queue.entriesAt(7, "q1")).map((e) => [e.pull, e.pullHeadSha])).toEqual([[5, "h1"]]);
      expect((await store.queue.entriesAt(7, "q2")).map((e) => e.pull)).toEqual([5, 6]);
      expect(await store.queue.isBase(7, "b1", "main")).toBe(true);
      expect(await store.queue.isBase(7, "b1", "release-1.0")).toBe(false);
      expect(await store.queue.isBase(7, "q1", "main")).toBe(false);
      expect(await store.queue.isBase(8, "b1", "main")).toBe(false);
      // A queue entry built on the one ahead of it: that base is a queue commit, not main's.
      await store.queue.record(entry({ headSha: "q3", pull: 7, baseSha: "q2", seenAt: at(300) }));
      expect(await store.queue.isBase(7, "q2", "main")).toBe(false);
    });
  });

  describe("episodes and locks", () => {
    const episode = (version: number, dueMs: number | null, state: Episode = EPISODE) => ({
      repoId: 7,
      componentId: "wasi-nn",
      repoKey: "o/r",
      installationId: 42,
      state,
      dueAt: dueMs === null ? null : at(dueMs),
      version,
      updatedAt: at(0),
    });

    test("an episode is created once and saved only against the version read", async () => {
      expect(await store.episodes.save(episode(1, 1000))).toBe(true);
      expect(await store.episodes.save(episode(1, 1000))).toBe(false); // a twin creating it too
      expect(await store.episodes.save(episode(2, 2000, { ...EPISODE, seq: 2 }))).toBe(true);
      expect(await store.episodes.save(episode(2, 3000, { ...EPISODE, seq: 3 }))).toBe(false); // stale: someone saved version 2
      expect(await store.episodes.get(7, "wasi-nn")).toMatchObject({ version: 2, state: { ...EPISODE, seq: 2 }, dueAt: at(2000) });
    });

    test("only due episodes are read, soonest first", async () => {
      await store.episodes.save(episode(1, 5000));
      await store.episodes.save({ ...episode(1, 1000), componentId: "threads" });
      await store.episodes.save({ ...episode(1, null), componentId: "frozen" });
      expect((await store.episodes.due(at(500), 10)).map((e) => e.componentId)).toEqual([]);
      expect((await store.episodes.due(at(6000), 10)).map((e) => e.componentId)).toEqual(["threads", "wasi-nn"]);
      expect((await store.episodes.due(at(6000), 1)).map((e) => e.componentId)).toEqual(["threads"]);
      expect((await store.episodes.ofRepo(7)).map((e) => e.componentId)).toEqual(["frozen", "threads", "wasi-nn"]);
    });

    test("a deferred episode is due later, further each time, until a save resets the count", async () => {
      await store.episodes.save(episode(1, 1000));
      const delay = (failures: number) => 1000 * 2 ** failures;
      expect(await store.episodes.defer(7, "wasi-nn", at(5000), delay)).toBe(1);
      expect(await store.episodes.get(7, "wasi-nn")).toMatchObject({ version: 1, dueAt: at(7000) });
      expect(await store.episodes.defer(7, "wasi-nn", at(7000), delay)).toBe(2);
      expect((await store.episodes.due(at(10_999), 10)).map((e) => e.componentId)).toEqual([]);
      expect((await store.episodes.due(at(11_000), 10)).map((e) => e.componentId)).toEqual(["wasi-nn"]);
      expect(await store.episodes.save(episode(2, 20_000))).toBe(true);
      expect(await store.episodes.defer(7, "wasi-nn", at(20_000), delay)).toBe(1);
    });

    test("parked installations and repositories have nothing due until they are resumed", async () => {
      await store.episodes.save(episode(1, 1000));
      await store.episodes.save({ ...episode(1, 1500), repoId: 8, repoKey: "o/other", componentId: "threads" });
      await store.parked.add({ installationId: 42, repoId: 8, repoKey: "O/Other", reason: "removed", since: at(0) });
      expect((await store.episodes.due(at(2000), 10)).map((e) => e.componentId)).toEqual(["wasi-nn"]);
      await store.parked.add({ installationId: 42, repoId: 0, repoKey: "", reason: "suspended", since: at(0) });
      expect(await store.episodes.due(at(2000), 10)).toEqual([]);
      expect(await store.parked.list()).toEqual([
        { installationId: 42, repoId: 0, repoKey: "", reason: "suspended", since: at(0) },
        { installationId: 42, repoId: 8, repoKey: "o/other", reason: "removed", since: at(0) },
      ]);
      await store.parked.remove(42);
      expect((await store.episodes.due(at(2000), 10)).map((e) => e.componentId)).toEqual(["wasi-nn"]);
      await store.parked.remove(42, 8);
      expect((await store.episodes.due(at(2000), 10)).map((e) => e.componentId)).toEqual(["wasi-nn", "threads"]);
    });

    test("a named lock has one holder until it expires or is released", async () => {
      const other = await another();
      const [a, b] = await Promise.all([store.locks.tryLock("sweep", "a", at(0), 1000), other.locks.tryLock("sweep", "b", at(0), 1000)]);
      expect([a, b].filter(Boolean)).toHaveLength(1);
      const winner = a ? "a" : "b";
      const loser = a ? "b" : "a";
      expect(await store.locks.tryLock("sweep", loser, at(500), 1000)).toBe(false);
      expect(await store.locks.tryLock("sweep", winner, at(500), 1000)).toBe(true); // renewal
      expect(await store.locks.tryLock("sweep", loser, at(2000), 1000)).toBe(true); // expired
      await store.locks.unlock("sweep", loser);
      expect(await store.locks.tryLock("sweep", winner, at(2100), 1000)).toBe(true);
    });
  });

  describe("actions", () => {
    const intent = (desired: string, ms = 0, key = "pr-comment:7#1") => ({
      key,
      kind: "pr-comment",
      target: '{"repoId":7,"issueNumber":1}',
      desired,
      installationId: 42,
      now: at(ms),
      shadow: false,
    });

    test("saveIntent bumps version only on a new desired state", async () => {
      expect(await store.actions.saveIntent(intent("v1"))).toBe(true);
      expect(await store.actions.saveIntent(intent("v1", 5))).toBe(false);
      expect(await store.actions.get("pr-comment:7#1")).toEqual({
        key: "pr-comment:7#1",
        kind: "pr-comment",
        shadow: false,
        target: '{"repoId":7,"issueNumber":1}',
        desired: "v1",
        applied: null,
        githubId: null,
        version: 1,
        appliedVersion: 0,
        installationId: 42,
        updatedAt: at(0),
      });
      expect(await store.actions.saveIntent(intent("v2", 10))).toBe(true);
      const a = await store.actions.get("pr-comment:7#1");
      expect([a?.version, a?.desired, a?.updatedAt]).toEqual([2, "v2", at(10)]);
      expect(await store.actions.get("none")).toBeUndefined();
    });

    test("pending actions, oldest updated first; markApplied keeps the newest version", async () => {
      await store.actions.saveIntent(intent("x", 30, "k3"));
      await store.actions.saveIntent(intent("x", 10, "k1"));
      await store.actions.saveIntent(intent("x", 20, "k2"));
      expect((await store.actions.pending(10)).map((a) => a.key)).toEqual(["k1", "k2", "k3"]);
      expect((await store.actions.pending(2)).map((a) => a.key)).toEqual(["k1", "k2"]);

      await store.actions.saveIntent(intent("y", 40, "k1")); // version 2
      await store.actions.markApplied("k1", 2, "y", "c-1");
      await store.actions.markApplied("k1", 1, "x", null); // a late report of the older version
      const k1 = await store.actions.get("k1");
      expect([k1?.applied, k1?.appliedVersion, k1?.githubId]).toEqual(["y", 2, "c-1"]);
      expect((await store.actions.pending(10)).map((a) => a.key)).toEqual(["k2", "k3"]);

      await store.actions.saveIntent(intent("z", 50, "k1"));
      expect((await store.actions.pending(10)).map((a) => a.key)).toEqual(["k2", "k3", "k1"]);
      await store.actions.setGithubId("k2", "c-2");
      expect((await store.actions.get("k2"))?.githubId).toBe("c-2");
    });

    test("pending actions round-robin by installation; a parked installation's or repository's wait", async () => {
      const target = (repo: string) => JSON.stringify({ owner: "o", repo, issueNumber: 1 });
      for (let i = 0; i < 100; i++) await store.actions.saveIntent({ ...intent("x", i, `a${String(i).padStart(3, "0")}`), installationId: 1, target: target("flood") });
      await store.actions.saveIntent({ ...intent("x", 500, "b"), installationId: 2, target: target("quiet") });
      expect((await store.actions.pending(3)).map((a) => a.key)).toEqual(["a000", "b", "a001"]);
      await store.parked.add({ installationId: 2, repoId: 9, repoKey: "O/Quiet", reason: "removed", since: at(0) });
      expect((await store.actions.pending(3)).map((a) => a.key)).toEqual(["a000", "a001", "a002"]);
      await store.parked.add({ installationId: 1, repoId: 0, repoKey: "", reason: "suspended", since: at(0) });
      expect(await store.actions.pending(3)).toEqual([]);
      await store.parked.remove(2, 9);
      expect((await store.actions.pending(3)).map((a) => a.key)).toEqual(["b"]);
    });

    test("action keys by prefix", async () => {
      for (const key of ["breakage:1#5", "breakage:12#3", "breakage:1#10", "Breakage:1#7", "breakage:1", "breakage:1#é", "c:1#1"]) {
        await store.actions.saveIntent(intent("x", 0, key));
      }
      expect(await store.actions.keysWithPrefix("breakage:1#")).toEqual(["breakage:1#10", "breakage:1#5", "breakage:1#é"]);
      expect(await store.actions.keysWithPrefix("nope")).toEqual([]);
      // Served by the primary key (SQLite shows it in its plan).
      if (store.db.dialect === "sqlite") {
        const plan = await store.db.query<{ detail: string }>("EXPLAIN QUERY PLAN SELECT key FROM actions WHERE key >= $1 AND key < $2", ["a", "b"]);
        expect(plan.map((p) => p.detail).join()).toMatch(/USING (COVERING )?INDEX sqlite_autoindex_actions_1/);
      }
    });

    test("leases: exclusive, re-leasable by the holder, expiring, released", async () => {
      await store.actions.saveIntent(intent("x", 0, "k"));
      expect(await store.actions.lease("k", "a", at(0), 1000)).toBe(true);
      expect(await store.actions.lease("k", "b", at(500), 1000)).toBe(false);
      expect(await store.actions.lease("k", "a", at(500), 1000)).toBe(true); // extends to 1500
      expect(await store.actions.lease("k", "b", at(1499), 1000)).toBe(false);
      expect(await store.actions.lease("k", "b", at(1500), 1000)).toBe(true);
      await store.actions.release("k", "a"); // not the holder: no effect
      expect(await store.actions.lease("k", "a", at(1600), 1000)).toBe(false);
      await store.actions.release("k", "b");
      expect(await store.actions.lease("k", "a", at(1600), 1000)).toBe(true);
      await store.actions.markApplied("k", 1, "x", "c"); // releases
      expect(await store.actions.lease("k", "b", at(1700), 1000)).toBe(true);
      expect(await store.actions.lease("missing", "a", at(0), 1000)).toBe(false);
    });

    test("two stores leasing the same key concurrently: exactly one wins", async () => {
      const other = await another();
      for (let i = 0; i < 20; i++) await store.actions.saveIntent(intent("x", i, `k${i}`));
      for (let i = 0; i < 20; i++) {
        const wins = await Promise.all([
          store.actions.lease(`k${i}`, "a", at(100), 60_000),
          other.actions.lease(`k${i}`, "b", at(100), 60_000),
          store.actions.lease(`k${i}`, "c", at(100), 60_000),
          other.actions.lease(`k${i}`, "d", at(100), 60_000),
        ]);
        expect(wins.filter(Boolean).length).toBe(1);
      }
    });
  });

  describe("stored JSON is checked where it is read", () => {
    const corrupt = async (sql: string, params: (string | number)[]) => store.db.run(sql, params);

    test("a corrupt or foreign row fails with its table, row and column named", async () => {
      await corrupt("INSERT INTO away (repo_id, login, periods) VALUES (7, 'abrown', '{not json')", []);
      await expect(store.away.get(7, "ABrown")).rejects.toThrow(/^away \(repo 7, login abrown\): periods is not valid JSON: /);
      await expect(store.away.ofRepo(7)).rejects.toThrow(/^away \(repo 7, login abrown\): periods is not valid JSON/);

      await corrupt("INSERT INTO away (repo_id, login, periods) VALUES (8, 'x', $1)", ['[{"from":"2026-01-01"}]']);
      await expect(store.away.get(8, "x")).rejects.toThrow("away (repo 8, login x): periods is not away periods: item 0 is not an away period (wrong or missing: until)");

      await corrupt("INSERT INTO pulls (repo_id, number, head_sha, base_ref, author, state, touched, updated_at) VALUES (7, 3, 's', 'main', 'a', 'open', $1, 0)", ["42"]);
      await expect(store.pulls.get(7, 3)).rejects.toThrow('pulls (repo 7, #3): touched is not "all" or a list of component ids');

      await corrupt("INSERT INTO disablements (repo_id, component_id, repo, installation_id, tier, since) VALUES (7, 'c', $1, 1, 2, 0)", ['{"owner":"o"}']);
      await expect(store.disablements.ofRepo(7)).rejects.toThrow("disablements (repo 7, component c): repo is not a repository (wrong or missing: name, id)");

      await corrupt("INSERT INTO registry_cache (repo_id, repo_key, owner, registry_json, fetched_at, parser_version) VALUES (7, 'o/r', 'o', $1, 0, $2)", [
        '{"components":{}}',
        REGISTRY_PARSER_VERSION,
      ]);
      await expect(store.registries.get(7)).rejects.toThrow("registry_cache (repo 7): registry_json is not a registry (wrong or missing: components, policy)");
      await expect(store.registries.get(7)).rejects.toBeInstanceOf(StoredDataError);
    });

    test("a corrupt episode or request fails alone, where its state is used: the others of a list still read", async () => {
      const episode = { repoId: 7, repoKey: "o/r", installationId: 1, dueAt: at(10), version: 1, updatedAt: at(0) };
      await store.episodes.save({ ...episode, componentId: "good", state: EPISODE });
      await corrupt("INSERT INTO episodes (repo_id, component_id, repo_key, installation_id, state, due_at, version, updated_at) VALUES (7, 'bad', 'o/r', 1, $1, 5, 1, 0)", [
        '{"phase":"notified"}',
      ]);
      const due = await store.episodes.due(at(100), 10);
      expect(due.map((e) => e.componentId)).toEqual(["bad", "good"]);
      expect(() => due[0].state).toThrow("episodes (repo 7, component bad): state is not a Tier 3 episode (wrong or missing: component, seq, noticeAt, dueAt, responses, blockers, log)");
      expect(due[1].state).toEqual(EPISODE);

      await corrupt(
        "INSERT INTO requests (key, repo_id, repo_key, installation_id, component_id, thread, status, requested_at, state, due_at, version, updated_at) VALUES ('k', 7, 'o/r', 1, 'c', 3, 'open', 0, $1, 5, 1, 0)",
        ["{not json"],
      );
      const [request] = await store.requests.due(at(100), 10);
      expect(request.key).toBe("k");
      expect(() => request.state).toThrow(/^requests \(key k\): state is not valid JSON/);
    });

    test("the stored episode of an earlier version is read through the core's compatibility reader", async () => {
      const legacy = { ...EPISODE, phase: "disabled" as const, disabledAt: "2026-03-02T00:00:00.000Z" };
      await store.episodes.save({ repoId: 7, componentId: "wasi-nn", repoKey: "o/r", installationId: 1, state: legacy, dueAt: null, version: 1, updatedAt: at(0) });
      expect((await store.episodes.get(7, "wasi-nn"))?.state).toMatchObject({ phase: "disabling", disableProposedAt: "2026-03-02T00:00:00.000Z" });
    });
  });

  describe("registry cache: parsed again when the parser changes", () => {
    const SOURCE = JSON.stringify({ components: { "wasi-nn": { category: "wasi", tier: 3, owners: ["abrown"], paths: ["crates/wasi-nn/**"] } } });
    const parsed = () => {
      const result = registryFromLoaded(SOURCE);
      if (!result.ok) throw new Error("the test's registry is invalid");
      return result.registry;
    };
    const version = async (repoId: number) =>
      Number((await store.db.query<{ parser_version: number }>("SELECT parser_version FROM registry_cache WHERE repo_id = $1", [repoId]))[0].parser_version);

    test("an entry of another parser version is parsed again from its source, once, and written back", async () => {
      await store.registries.put({ repoId: 7, repoKey: "o/r", registry: parsed(), errors: [], source: SOURCE, fetchedAt: at(1) });
      expect(await version(7)).toBe(REGISTRY_PARSER_VERSION);
      // As an older parser wrote it: another shape (here, no policy at all).
      await store.db.run("UPDATE registry_cache SET registry_json = $2, parser_version = $3 WHERE repo_id = $1", [7, JSON.stringify({ components: [] }), REGISTRY_PARSER_VERSION - 1]);
      const again = await store.registries.get(7);
      expect(again).toEqual({ repoId: 7, repoKey: "o/r", registry: parsed(), errors: [], fetchedAt: at(1) });
      expect(again!.registry!.policy).toEqual(DEFAULT_POLICY);
      expect(await version(7)).toBe(REGISTRY_PARSER_VERSION);
      await expect((await another()).registries.get(7)).resolves.toEqual(again); // what was written back reads the same elsewhere
    });

    test("a source this parser refuses becomes the entry's problems; an absent registry stays absent", async () => {
      const refused = JSON.stringify({ components: { "wasi-nn": { category: "wasi", tier: 3, owners: ["abrown"], paths: ["crates/(old|glob)/**"] } } });
      await store.registries.put({ repoId: 7, repoKey: "o/r", registry: parsed(), errors: [], source: refused, fetchedAt: at(1) });
      await store.registries.put({ repoId: 8, repoKey: "o/none", registry: null, errors: [], source: null, fetchedAt: at(1) });
      await store.db.run("UPDATE registry_cache SET parser_version = $1", [REGISTRY_PARSER_VERSION - 1]);
      const again = await store.registries.get(7);
      expect(again?.registry).toBeNull();
      expect(again?.errors.map((p) => p.message).join("\n")).toContain("(old|glob)");
      expect(await store.registries.get(8)).toEqual({ repoId: 8, repoKey: "o/none", registry: null, errors: [], fetchedAt: at(1) });
    });

    test("an entry written before the source was kept (migration 10) reads as absent from the cache, to be fetched again", async () => {
      await store.db.run("INSERT INTO registry_cache (repo_id, repo_key, owner, registry_json, errors_json, fetched_at) VALUES (7, 'o/r', 'o', $1, NULL, 1)", [
        JSON.stringify({ components: [] }),
      ]);
      expect(await version(7)).toBe(0);
      expect(await store.registries.get(7)).toBeUndefined();
      expect(await store.registries.byName("o", "r")).toBeUndefined();
    });

    test("a registry is parsed once per cached version: the same object until the entry changes", async () => {
      await store.registries.put({ repoId: 7, repoKey: "o/r", registry: parsed(), errors: [], source: SOURCE, fetchedAt: at(1) });
      const first = await store.registries.get(7);
      expect(await store.registries.get(7)).toBe(first);
      await store.registries.put({ repoId: 7, repoKey: "o/r", registry: parsed(), errors: [], source: SOURCE, fetchedAt: at(2) });
      const next = await store.registries.get(7);
      expect(next).not.toBe(first);
      expect(next?.fetchedAt).toEqual(at(2));
    });

    test("the registry's JSON is read again only when the entry's id or fetch time changed, not at every get", async () => {
      await store.registries.put({ repoId: 7, repoKey: "o/r", registry: parsed(), errors: [], source: SOURCE, fetchedAt: at(1) });
      const first = await store.registries.get(7);
      // Behind the cache's back, the id and time kept: the parsed entry stands (every writer changes the id).
      await store.db.run("UPDATE registry_cache SET registry_json = $1 WHERE repo_id = 7", [JSON.stringify(EMPTY_REGISTRY)]);
      expect(await store.registries.get(7)).toBe(first);
      // A new id: read and parsed again.
      await store.db.run("UPDATE registry_cache SET entry_id = 'another' WHERE repo_id = 7");
      const second = await store.registries.get(7);
      expect(second).not.toBe(first);
      expect(second?.registry?.components).toEqual([]);
      // An older tierkeeper's write (during an upgrade) keeps the id and changes the time: read again too.
      await store.db.run("UPDATE registry_cache SET registry_json = $1, fetched_at = $2 WHERE repo_id = 7", [JSON.stringify(parsed()), at(5).getTime()]);
      const third = await store.registries.get(7);
      expect(third).not.toBe(second);
      expect(third?.registry?.components).toEqual(parsed().components);
      await store.registries.invalidate({ repoId: 7 });
      expect(await store.registries.get(7)).toBeUndefined();
    });
  });

  describe("status page", () => {
    const cached = (repoId: number, repoKey: string, registry: Registry | null, errors: RegistryProblem[] = []) => ({ repoId, repoKey, registry, errors, fetchedAt: at(repoId) });
    const put = (e: CachedRegistry) => store.registries.put({ ...e, source: null });

    test("registries.byName: the cached registry of owner/name, whatever the case of the letters", async () => {
      await put(cached(1, "BytecodeAlliance/Wasmtime", EMPTY_REGISTRY));
      await put(cached(2, "bytecodealliance/wasmtime-py", null));
      await put(cached(3, "other/wasmtime", EMPTY_REGISTRY));
      expect(await store.registries.byName("bytecodealliance", "WASMTIME")).toEqual(cached(1, "BytecodeAlliance/Wasmtime", EMPTY_REGISTRY));
      expect((await store.registries.byName("BYTECODEALLIANCE", "wasmtime-py"))?.repoId).toBe(2);
      expect((await store.registries.byName("Other", "Wasmtime"))?.repoId).toBe(3);
      expect(await store.registries.byName("bytecodealliance", "wasmtime-")).toBeUndefined();
      expect(await store.registries.byName("bytecode", "alliance/wasmtime")).toBeUndefined();
    });

    test("registries.repositories: those with a registry, valid or not, by name", async () => {
      await put(cached(5, "b/two", EMPTY_REGISTRY));
      await put(cached(6, "a/none", null));
      await put(cached(7, "a/invalid", null, [PROBLEM]));
      await put(cached(8, "c/three", EMPTY_REGISTRY));
      expect(await store.registries.repositories(10)).toEqual([
        { repoId: 7, repoKey: "a/invalid" },
        { repoId: 5, repoKey: "b/two" },
        { repoId: 8, repoKey: "c/three" },
      ]);
      expect(await store.registries.repositories(2)).toHaveLength(2);
    });

    test("actions.ofRepository: a repository's actions by their target, most recent first, through the index", async () => {
      const save = (key: string, ms: number, target: object) =>
        store.actions.saveIntent({ key, kind: "comment", target: JSON.stringify(target), desired: key, installationId: 1, now: at(ms), shadow: false });
      await save("a", 10, { owner: "Org", repo: "Repo", issueNumber: 1 });
      await save("b", 30, { owner: "org", repo: "repo", marker: "m" });
      await save("c", 20, { owner: "org", repo: "repo-two", issueNumber: 1 });
      await save("d", 40, { owner: "other", repo: "repo" });
      await save("e", 50, { repoId: 7, issueNumber: 1 }); // no owner/repo: in no repository
      await save("f", 5, { owner: "ORG", repo: "REPO", headSha: "abc" });
      expect((await store.actions.ofRepository("org/repo", 10)).map((a) => a.key)).toEqual(["b", "a", "f"]);
      expect((await store.actions.ofRepository("Org/Repo", 2)).map((a) => a.key)).toEqual(["b", "a"]);
      expect(await store.actions.ofRepository("org/none", 10)).toEqual([]);
      expect(await store.actions.ofRepository("org/repo", 1)).toEqual([await store.actions.get("b")]);

      // The query repeats migration 5's indexed expression verbatim: the plan uses the index.
      const query = `SELECT key FROM actions WHERE ${actionRepository(store.db.dialect)} = $1 ORDER BY updated_at DESC, key LIMIT $2`;
      const plan = await store.db.transaction(async (tx) => {
        if (tx.dialect === "postgres") await tx.run("SET LOCAL enable_seqscan = off", []);
        return tx.query<Record<string, string>>(`${tx.dialect === "postgres" ? "EXPLAIN" : "EXPLAIN QUERY PLAN"} ${query}`, ["org/repo", 10]);
      });
      expect(plan.map((row) => row.detail ?? row["QUERY PLAN"]).join("\n")).toMatch(/actions_repository/);
    });
  });

  describe("evidence", () => {
    const repo = { owner: "o", name: "r", id: 9, defaultBranch: "main", private: false };
    const where = { repo, installationId: 3 };
    const result = (o: Partial<CiResult>): CiResult => ({ repoId: 9, sha: "s1", name: "Test a", source: "check_run", outcome: "pass", completedAt: at(0), branch: "main", ...o });

    test("default-branch results: first and last seen, last passed; a late older result moves nothing back", async () => {
      await store.evidence.noteDefaultBranchResult(where, result({ outcome: "fail", completedAt: at(1000) }));
      expect(await store.evidence.defaultBranchChecks(9)).toEqual([{ name: "Test a", firstSeenAt: at(1000), lastSeenAt: at(1000), lastPassedAt: null }]);
      await store.evidence.noteDefaultBranchResult(where, result({ completedAt: at(3000) }));
      await store.evidence.noteDefaultBranchResult(where, result({ completedAt: at(500) })); // arrives late
      await store.evidence.noteDefaultBranchResult(where, result({ outcome: "fail", completedAt: at(4000) }));
      await store.evidence.noteDefaultBranchResult(where, result({ name: "Fuzz a", completedAt: at(2000) }));
      expect(await store.evidence.defaultBranchChecks(9)).toEqual([
        { name: "Fuzz a", firstSeenAt: at(2000), lastSeenAt: at(2000), lastPassedAt: at(2000) },
        { name: "Test a", firstSeenAt: at(500), lastSeenAt: at(4000), lastPassedAt: at(3000) },
      ]);
      expect(await store.evidence.defaultBranchChecks(10)).toEqual([]);
    });

    test("pull-request CI time: summed per name over the day buckets from `since`, once per completion however often delivered", async () => {
      const day = (n: number) => at(n * 86_400_000);
      const count = async (r: CiResult, bucket: Date, ms: number) => (await store.results.record(r)) && store.evidence.addPullRequestCiTime(where, r, bucket, ms);
      const run = result({ branch: "feature", completedAt: day(1), startedAt: at(86_400_000 - 600_000) });
      expect(await count(run, day(1), 600_000)).toBe(true);
      expect(await count(run, day(1), 600_000)).toBe(false); // a redelivery
      expect(await count({ ...run, source: "workflow_job" }, day(1), 600_000)).toBe(false); // the same Actions job as a workflow job
      expect(await count({ ...run, completedAt: day(1.5) }, day(1), 300_000)).toBe(true); // a re-run costs again
      expect(await count(result({ name: "lint", branch: "feature", completedAt: day(2) }), day(2), 100_000)).toBe(true);
      expect(await count(result({ sha: "s2", branch: "feature", completedAt: day(5) }), day(5), 50_000)).toBe(true);
      // Not recorded (no ci_results row at that completion): nothing counts.
      expect(await store.evidence.addPullRequestCiTime(where, result({ sha: "s3", completedAt: day(5) }), day(5), 1)).toBe(false);
      expect(await store.evidence.pullRequestCiTime(9, day(0))).toEqual(
        new Map([
          ["Test a", 950_000],
          ["lint", 100_000],
        ]),
      );
      expect(await store.evidence.pullRequestCiTime(9, day(2))).toEqual(
        new Map([
          ["Test a", 50_000],
          ["lint", 100_000],
        ]),
      );
      await store.evidence.forgetCiTimeBefore(day(5));
      expect(await store.evidence.pullRequestCiTime(9, day(0))).toEqual(new Map([["Test a", 50_000]]));
      expect(await store.evidence.pullRequestCiTime(10, day(0))).toEqual(new Map());
    });

    test("repositories to judge: those with evidence, each at most once per `since`, and never to two claimers", async () => {
      await store.evidence.noteDefaultBranchResult(where, result({}));
      await store.evidence.noteDefaultBranchResult({ repo: { ...repo, id: 11, name: "r2" }, installationId: 4 }, result({ repoId: 11 }));
      // The repository was renamed: the latest description is kept.
      await store.evidence.noteDefaultBranchResult({ repo: { ...repo, name: "renamed" }, installationId: 3 }, result({ completedAt: at(10) }));
      const other = await another();
      const claims = await Promise.all([store.evidence.claimRepositoriesToJudge(at(0), at(100), 10), other.evidence.claimRepositoriesToJudge(at(0), at(100), 10)]);
      expect(claims.flat().sort((x, y) => x.repo.id - y.repo.id)).toEqual([
        { repo: { ...repo, name: "renamed" }, installationId: 3 },
        { repo: { ...repo, id: 11, name: "r2" }, installationId: 4 },
      ]);
      expect(await store.evidence.claimRepositoriesToJudge(at(0), at(200), 10)).toEqual([]); // judged since
      expect(await store.evidence.claimRepositoriesToJudge(at(150), at(300), 1)).toEqual([{ repo: { ...repo, name: "renamed" }, installationId: 3 }]);
      expect(await store.evidence.claimRepositoriesToJudge(at(150), at(300), 1)).toEqual([{ repo: { ...repo, id: 11, name: "r2" }, installationId: 4 }]);
    });

    test("standings: replaced per repository", async () => {
      const a = { componentId: "a", tier: 3 as const, meetsAboveSince: at(5), missesOwnSince: null };
      const b = { componentId: "b", tier: 2 as const, meetsAboveSince: null, missesOwnSince: at(7) };
      await store.evidence.saveStandings(9, [a, b]);
      await store.evidence.saveStandings(10, [a]);
      expect(await store.evidence.standingsOfRepo(9)).toEqual([a, b]);
      await store.evidence.saveStandings(9, [b]);
      expect(await store.evidence.standingsOfRepo(9)).toEqual([b]);
      expect(await store.evidence.standingsOfRepo(10)).toEqual([a]);
      await store.evidence.saveStandings(10, []);
      expect(await store.evidence.standingsOfRepo(10)).toEqual([]);
    });
  });
});

describe("SQLite durability", () => {
  test("deliveries survive closing and reopening the file", async () => {
    const fx = sqliteFixture();
    try {
      const a = await fx.open();
      await a.deliveries.enqueue({ id: "x", name: "push", payload: "{}", receivedAt: at(0) });
      await a.close();
      const b = await fx.open();
      expect(await b.deliveries.enqueue({ id: "x", name: "push", payload: "{}", receivedAt: at(0) })).toBe(false);
      expect((await b.deliveries.claim("w", 5, at(1), 1000)).map((d) => d.id)).toEqual(["x"]);
      const [mode] = await b.db.query<{ journal_mode: string }>("PRAGMA journal_mode");
      expect(mode.journal_mode).toBe("wal");
      await b.close();
    } finally {
      await fx.cleanup();
    }
  });

  test("a failed transaction rolls back and the connection stays usable", async () => {
    const fx = sqliteFixture();
    const s = await fx.open();
    try {
      await expect(
        s.db.transaction(async (tx) => {
          await tx.run("INSERT INTO deliveries (id, name, payload, received_at) VALUES ($1, $2, $3, $4)", ["r", "n", "p", 1]);
          throw new Error("boom");
        }),
      ).rejects.toThrow("boom");
      expect(await s.deliveries.counts()).toEqual({ pending: 0, done: 0, failed: 0 });
      expect(await s.deliveries.enqueue({ id: "r", name: "n", payload: "p", receivedAt: at(0) })).toBe(true);
    } finally {
      await s.close();
      await fx.cleanup();
    }
  });
});

describe("openStore", () => {
  test("parses database URLs", () => {
    expect(parseDatabaseUrl(undefined)).toEqual({ kind: "sqlite", file: "./data/tierkeeper.db" });
    expect(parseDatabaseUrl("")).toEqual({ kind: "sqlite", file: "./data/tierkeeper.db" });
    expect(parseDatabaseUrl("/var/lib/tk.db")).toEqual({ kind: "sqlite", file: "/var/lib/tk.db" });
    expect(parseDatabaseUrl("sqlite:data/tk.db")).toEqual({ kind: "sqlite", file: "data/tk.db" });
    expect(parseDatabaseUrl("sqlite:///var/tk.db")).toEqual({ kind: "sqlite", file: "/var/tk.db" });
    expect(parseDatabaseUrl("file:///var/tk.db")).toEqual({ kind: "sqlite", file: "/var/tk.db" });
    expect(parseDatabaseUrl("postgresql://h/db")).toEqual({ kind: "postgres", url: "postgresql://h/db" });
    // A password written with `@` and `/` unencoded is encoded for the driver; an encoded one stays as it is.
    expect(parseDatabaseUrl("postgres://u:p@ss/w@h:5/db?sslmode=require")).toEqual({ kind: "postgres", url: "postgres://u:p%40ss%2Fw@h:5/db?sslmode=require" });
    expect(parseDatabaseUrl("postgres://u:s3cr%40t@h/db")).toEqual({ kind: "postgres", url: "postgres://u:s3cr%40t@h/db" });
    expect(() => parseDatabaseUrl("mysql://u:secret@h/db")).toThrow(/^Unsupported database URL mysql:\/\/u:\[REDACTED\]@h\/db/);
  });

  test("redacts passwords", () => {
    expect(redact("at postgres://u:s3cr%40t@h:5/db and postgresql://x:y@z/")).toBe("at postgres://u:[REDACTED]@h:5/db and postgresql://x:[REDACTED]@z/");
    expect(redact("postgres://u@h/db")).toBe("postgres://u@h/db");
  });

  test("an unreachable PostgreSQL names the database and the cause, without the password", async () => {
    const err = await openStore("postgres://u:secret@127.0.0.1:1/x").catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    const message = (err as Error).message;
    expect(message).toContain("postgres://u:[REDACTED]@127.0.0.1:1/x");
    expect(message).toMatch(/ECONNREFUSED/);
    expect(message).not.toContain("secret");
  });

  test("an unopenable SQLite file names the file and the cause", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tk-store-"));
    try {
      // A directory is not a database file.
      await expect(openStore(`sqlite:${dir}`)).rejects.toThrow(new RegExp(`SQLite database ${dir}: .+`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test("on SQLite, a delivery is acknowledged only once the WAL holding it is synced; derived state is synced less often", async () => {
  const fx = sqliteFixture();
  const store = await fx.open();
  // The intake's commits are synced by fdatasync on libuv's pool (not by SQLite on the event loop):
  // count the syncs that finished, and which file they were of.
  const probe = await open(fileURLToPath(import.meta.url), "r");
  const prototype = Object.getPrototypeOf(probe) as FileHandle;
  await probe.close();
  // eslint-disable-next-line @typescript-eslint/unbound-method -- taken unbound on purpose: called below with each handle as `this`
  const datasync = prototype.datasync;
  const synced: number[] = [];
  const spy = jest.spyOn(prototype, "datasync").mockImplementation(async function (this: FileHandle) {
    await datasync.call(this);
    synced.push((await this.stat()).ino);
  });
  try {
    const level = async (db: typeof store.db) => Number(Object.values((await db.query<Record<string, number>>("PRAGMA synchronous"))[0])[0]);
    expect(await level(store.db)).toBe(1); // NORMAL: derived state is redone from the deliveries if lost
    const [{ file }] = await store.db.query<{ file: string }>("PRAGMA database_list");
    const before = synced.length;
    await Promise.all([0, 1, 2].map((n) => store.deliveries.enqueue({ id: `sync-${n}`, name: "ping", payload: "{}", receivedAt: at(n), installationId: null })));
    expect(synced.length).toBeGreaterThan(before); // resolved only after a sync had finished...
    expect(synced.slice(before).every((ino) => ino === statSync(`${file}-wal`).ino)).toBe(true); // ... of the WAL
  } finally {
    spy.mockRestore();
    await store.close();
    await fx.cleanup();
  }
});

test("on SQLite, each connection keeps SQLite's own 2 MB page cache, whichever engine runs it (better-sqlite3 would keep 16 MB)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tk-store-"));
  const file = join(dir, "cache.db");
  const connections = [openSqlite(file), openSqlite(file, { syncOffLoop: true })];
  try {
    for (const db of connections) {
      const [row] = await db.query<Record<string, number>>("PRAGMA cache_size");
      expect(Number(Object.values(row)[0])).toBe(-2000);
    }
  } finally {
    for (const db of connections) await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("on PostgreSQL, a statement is prepared once per connection under a name; beyond the named ones, statements still run unnamed", async () => {
  const pg = await freshPostgres();
  const store = await openStore(pg.url, { postgres: { max: 1 } });
  try {
    const sum = (k: number) => store.db.query<{ n: number }>(`SELECT $1::int + ${k} AS n`, [1]);
    expect(await sum(0)).toEqual([{ n: 1 }]);
    const prepared = async () => (await store.db.query<{ statement: string }>("SELECT statement FROM pg_prepared_statements", [])).map((r) => r.statement);
    expect(await prepared()).toContain("SELECT $1::int + 0 AS n");
    for (let k = 1; k <= MAX_NAMED_STATEMENTS; k++) expect(await sum(k)).toEqual([{ n: 1 + k }]);
    const named = await prepared();
    expect(named.length).toBeLessThanOrEqual(MAX_NAMED_STATEMENTS);
    expect(named).not.toContain(`SELECT $1::int + ${MAX_NAMED_STATEMENTS} AS n`);
  } finally {
    await store.close();
    await pg.drop();
  }
});
