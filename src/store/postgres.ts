import pg from "pg";
import { toDbParams, type Db, type Param } from "./db.js";

export interface PostgresOptions {
  /** Connections in the pool (default 10). */
  max?: number;
  /** Extra pool settings (e.g. `options: "-c search_path=..."`), applied last. */
  pool?: pg.PoolConfig;
  /** Errors of idle connections (the pool reconnects by itself); ignored by default. */
  onError?: (err: Error) => void;
}

const INT8_OID = 20;

/** BIGINT columns (epoch ms, ids, counts) as numbers, not strings: they stay below 2^53. */
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") => (oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format))) as typeof pg.types.getTypeParser,
};

/** Beyond this many statement texts, a pool's statements go unnamed: each connection's server process keeps what it prepared. */
export const MAX_NAMED_STATEMENTS = 300;

/**
 * Statements with parameters are named after their text, so that PostgreSQL parses and plans each
 * once per connection, not at every execution (planning the claim took longer than running it).
 * One per pool: a name means the same text on all of its connections.
 */
class StatementNames {
  private readonly names = new Map<string, string>();

  for(text: string, params?: readonly Param[]): pg.QueryConfig {
    let name = this.names.get(text);
    if (name === undefined && this.names.size < MAX_NAMED_STATEMENTS) this.names.set(text, (name = `tk${this.names.size}`));
    return { text, values: toDbParams(params), name };
  }
}

class PgDb implements Db {
  readonly dialect = "postgres" as const;

  constructor(
    private readonly pool: pg.Pool,
    private readonly statements = new StatementNames(),
    /** Set for the handle given to a transaction's callback. */
    private readonly client?: pg.PoolClient,
  ) {}

  private get target(): pg.Pool | pg.PoolClient {
    return this.client ?? this.pool;
  }

  async query<T>(sql: string, params?: readonly Param[]): Promise<T[]> {
    return (await this.target.query(this.statements.for(sql, params))).rows as T[];
  }

  async run(sql: string, params?: readonly Param[]): Promise<{ changes: number }> {
    return { changes: (await this.target.query(this.statements.for(sql, params))).rowCount ?? 0 };
  }

  async exec(sql: string): Promise<void> {
    // Without parameters pg uses the simple protocol, which accepts several statements.
    await this.target.query(sql);
  }

  async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    if (this.client) return fn(this);
    const client = await this.pool.connect();
    let broken: Error | undefined;
    // A checked-out client has no pool listener: a connection lost mid-transaction (server restart,
    // pg_terminate_backend) would emit an unhandled 'error' and crash the process. Destroy it instead.
    const onError = (e: Error) => (broken = e);
    client.on("error", onError);
    try {
      await client.query("BEGIN");
      const result = await fn(new PgDb(this.pool, this.statements, client));
      await client.query("COMMIT");
      return result;
    } catch (err) {
      // A failed ROLLBACK means the connection is unusable: destroy it rather than reuse it.
      await client.query("ROLLBACK").catch((e: Error) => (broken = e));
      throw err;
    } finally {
      client.off("error", onError);
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    if (this.client) throw new Error("close() inside a transaction");
    await this.pool.end();
  }
}

export function openPostgres(connectionString: string, opts: PostgresOptions = {}): Db {
  const pool = new pg.Pool({
    connectionString,
    max: opts.max ?? 10,
    // pg waits forever by default; an unreachable database should fail startup instead.
    connectionTimeoutMillis: 10_000,
    types,
    ...opts.pool,
  });
  // Without a listener an idle connection's error (e.g. a server restart) crashes the process.
  pool.on("error", (err) => opts.onError?.(err));
  return new PgDb(pool);
}
