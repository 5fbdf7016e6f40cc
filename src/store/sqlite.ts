import { chmodSync, closeSync, mkdirSync, openSync, realpathSync, statSync } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { toDbParams, type Db, type Param } from "./db.js";

/**
 * The two SQLite engines behind one shape: Node's built-in `node:sqlite` where the runtime
 * has it (Node 22.13+, so the Node 24 container), better-sqlite3 on older Node (this machine's
 * Node 20). better-sqlite3 12 aborts the process on Node 24 when a statement is garbage
 * collected, so it is loaded only where it is needed.
 */
interface Statement {
  readonly reader: boolean;
  run(...values: unknown[]): { changes: number | bigint };
  all(...values: unknown[]): unknown[];
}

interface Connection {
  prepare(sql: string): Statement;
  exec(sql: string): void;
  readonly inTransaction: boolean;
  readonly open: boolean;
  close(): void;
}

/** The part of `node:sqlite` used here (its types are not in @types/node 20). */
interface NodeSqlite {
  DatabaseSync: new (file: string) => {
    prepare(sql: string): { columns(): unknown[]; run(...v: unknown[]): { changes: number | bigint }; all(...v: unknown[]): unknown[] };
    exec(sql: string): void;
    readonly isTransaction: boolean;
    readonly isOpen: boolean;
    close(): void;
  };
}

const require = createRequire(import.meta.url);

function connect(file: string): Connection {
  let builtin: NodeSqlite | undefined;
  try {
    builtin = require("node:sqlite") as NodeSqlite;
  } catch {
    builtin = undefined; // Node 20: no built-in SQLite
  }
  if (builtin) {
    const db = new builtin.DatabaseSync(file);
    return {
      prepare(sql) {
        const stmt = db.prepare(sql);
        const reader = stmt.columns().length > 0;
        return { reader, run: (...v) => stmt.run(...v), all: (...v) => stmt.all(...v) };
      },
      exec: (sql) => db.exec(sql),
      get inTransaction() {
        return db.isTransaction;
      },
      get open() {
        return db.isOpen;
      },
      close: () => db.close(),
    };
  }
  const Database = require("better-sqlite3") as typeof import("better-sqlite3");
  const db = new Database(file);
  return {
    prepare: (sql) => db.prepare(sql),
    exec: (sql) => void db.exec(sql),
    get inTransaction() {
      return db.inTransaction;
    },
    get open() {
      return db.open;
    },
    close: () => void db.close(),
  };
}

export interface SqliteOptions {
  /**
   * FULL (default) fsyncs the WAL at every commit: a delivery acknowledged to GitHub survives
   * a power loss. NORMAL survives a process crash only, and is faster.
   */
  synchronous?: "FULL" | "NORMAL";
  /**
   * Durable like FULL, without holding up the event loop for the disk: SQLite writes the commit
   * to the WAL without syncing it (NORMAL), then the WAL is fdatasync'ed on libuv's thread pool
   * (what FULL would have done at COMMIT, blocking every request meanwhile) and only then does the
   * transaction resolve. Commits that end while a sync runs share the next one. For the intake.
   */
  syncOffLoop?: boolean;
}

/**
 * fdatasync of one file on libuv's thread pool, shared: a caller waits for a sync that began
 * after it asked (one already under way may predate its write), and callers that ask meanwhile
 * share that one.
 */
class SharedSync {
  private handle: Promise<FileHandle> | undefined;
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;

  constructor(private readonly path: string) {}

  sync(): Promise<void> {
    if (this.queued) return this.queued;
    if (!this.running) return this.start();
    const after = this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.start();
      });
    return (this.queued = after);
  }

  private start(): Promise<void> {
    const run = (async () => {
      const handle = (this.handle ??= open(this.path, "r"));
      try {
        await (await handle).datasync();
      } catch (error) {
        if (this.handle === handle) this.handle = undefined; // opened afresh next time
        throw error;
      }
    })().finally(() => {
      if (this.running === run) this.running = undefined;
    });
    return (this.running = run);
  }

  async close(): Promise<void> {
    await this.running?.catch(() => undefined);
    await this.queued?.catch(() => undefined);
    const handle = this.handle;
    this.handle = undefined;
    await (await handle?.catch(() => undefined))?.close();
  }
}

/** Serializes async work: one holder at a time, in call order. */
class Mutex {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => T | Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/**
 * One mutex per database file for the whole process. better-sqlite3 blocks the event loop, so a
 * connection waiting (busy_timeout) for a lock that another connection of the same process holds
 * across an `await` would wait for nothing. Sharing the mutex makes them queue instead.
 */
const mutexes = new Map<string, { mutex: Mutex; refs: number }>();

function acquireMutex(file: string): Mutex {
  const entry = mutexes.get(file) ?? { mutex: new Mutex(), refs: 0 };
  entry.refs++;
  mutexes.set(file, entry);
  return entry.mutex;
}

function releaseMutex(file: string): void {
  const entry = mutexes.get(file);
  if (entry && --entry.refs === 0) mutexes.delete(file);
}

/** `$1 ... $n` → `?` in order of appearance, with the parameters reordered to match (better-sqlite3 has no `?NNN`). */
function convert(sql: string): { text: string; order: number[] } {
  const order: number[] = [];
  const text = sql.replace(/\$(\d+)/g, (_, n: string) => {
    order.push(Number(n) - 1);
    return "?";
  });
  return { text, order };
}

class SqliteDb implements Db {
  readonly dialect = "sqlite" as const;

  constructor(
    private readonly conn: Connection,
    private readonly mutex: Mutex,
    private readonly file: string,
    /** True for the handle given to a transaction's callback. */
    private readonly inTx = false,
    private readonly statements = new Map<string, { stmt: Statement; order: number[] }>(),
    /** Set when commits are synced off the event loop (SqliteOptions.syncOffLoop). */
    private readonly walSync?: SharedSync,
  ) {}

  /** Resolves with `result` once what was committed is on disk (with syncOffLoop; at once otherwise). */
  private async durable<T>(result: Promise<T>): Promise<T> {
    const value = await result;
    if (this.walSync && !this.inTx) await this.walSync.sync();
    return value;
  }

  private prepare(sql: string, params: readonly Param[] | undefined) {
    let entry = this.statements.get(sql);
    if (!entry) {
      const { text, order } = convert(sql);
      entry = { stmt: this.conn.prepare(text), order };
      this.statements.set(sql, entry);
    }
    const values = toDbParams(params);
    return { stmt: entry.stmt, values: entry.order.map((i) => values[i]) };
  }

  /** Outside a transaction, wait for any open transaction of this file in this process. */
  private guard<T>(fn: () => T): Promise<T> {
    return this.inTx ? Promise.resolve().then(fn) : this.mutex.run(fn);
  }

  query<T>(sql: string, params?: readonly Param[]): Promise<T[]> {
    // A write with RETURNING comes here too: with syncOffLoop every statement waits for the sync (a read's costs next to nothing).
    return this.durable(
      this.guard(() => {
        const { stmt, values } = this.prepare(sql, params);
        if (!stmt.reader) {
          stmt.run(...values);
          return [];
        }
        return stmt.all(...values) as T[];
      }),
    );
  }

  run(sql: string, params?: readonly Param[]): Promise<{ changes: number }> {
    return this.durable(
      this.guard(() => {
        const { stmt, values } = this.prepare(sql, params);
        return { changes: Number(stmt.run(...values).changes) };
      }),
    );
  }

  exec(sql: string): Promise<void> {
    return this.durable(this.guard(() => void this.conn.exec(sql)));
  }

  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    if (this.inTx) return fn(this);
    // The sync runs after the mutex is released: other statements need not wait for the disk.
    return this.durable(
      this.mutex.run(async () => {
        // IMMEDIATE takes the write lock now, so other processes wait (busy_timeout) instead of failing at COMMIT.
        this.conn.exec("BEGIN IMMEDIATE");
        try {
          const result = await fn(new SqliteDb(this.conn, this.mutex, this.file, true, this.statements));
          this.conn.exec("COMMIT");
          return result;
        } catch (err) {
          if (this.conn.inTransaction) this.conn.exec("ROLLBACK");
          throw err;
        }
      }),
    );
  }

  async close(): Promise<void> {
    if (this.inTx) throw new Error("close() inside a transaction");
    await this.mutex.run(() => undefined);
    await this.walSync?.close();
    if (this.conn.open) {
      this.conn.close();
      releaseMutex(this.file);
    }
  }
}

/**
 * The database holds the facts of deliveries not yet processed (and what dead ones stored) and the app's
 * decisions: readable by its owner only.
 * A missing directory is created 0700 (an existing one is left as it is: it may be shared, like
 * /tmp); the file is created 0600 before SQLite opens it, and an existing one (and its -wal and
 * -shm files) tightened to 0600 where we may. SQLite creates -wal and -shm with the database file's mode.
 */
function createPrivately(file: string): void {
  if (file === "" || file === ":memory:" || file.startsWith("file:")) return;
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  closeSync(openSync(file, "a", 0o600));
  for (const path of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
    } catch {
      /* absent, or not ours to change: SQLite's own open says what is wrong, if anything */
    }
  }
}

/** Each connection's page cache: a negative cache_size is in KiB (SQLite's default, -2000). */
const PAGE_CACHE_KIB = -2000;

/** Opens (creating it and its directory if needed, for its owner only) a SQLite database file. */
export function openSqlite(file: string, opts: SqliteOptions = {}): Db {
  createPrivately(file);
  const conn = connect(file);
  // Off the loop only for a plain file, whose WAL is `<file>-wal` beside it (SQLite resolves symlinks, as realpath does).
  // The WAL is opened at the first sync, after a commit: it exists from then on while this connection is open.
  const offLoop = opts.syncOffLoop === true && file !== ":memory:" && !file.startsWith("file:");
  let key: string;
  try {
    // temp_store: the claims' sorts and materialized CTEs (a few hundred rows) went to a temporary file each time, 2-3 ms a claim.
    // cache_size: SQLite's own default, 2 MB a connection (node:sqlite keeps it; better-sqlite3 raises it to 16 MB, and the
    // two connections' caches filled in a busy day were a fifth of the server's memory). The kernel caches the file anyway.
    conn.exec(
      `PRAGMA journal_mode = WAL; PRAGMA synchronous = ${offLoop ? "NORMAL" : (opts.synchronous ?? "FULL")}; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY; PRAGMA cache_size = ${PAGE_CACHE_KIB};`,
    );
    key = realpathSync(file);
  } catch (err) {
    conn.close();
    throw err;
  }
  return new SqliteDb(conn, acquireMutex(key), key, false, undefined, offLoop ? new SharedSync(`${key}-wal`) : undefined);
}
