import { redact } from "../observability/redaction.js";
import type { Db } from "./db.js";
import type { PostgresOptions } from "./postgres.js";
import { SqlStore } from "./sql-store.js";
import { parseDatabaseUrl } from "./database-url.js";
import { openSqlite, type SqliteOptions } from "./sqlite.js";

export { DEFAULT_SQLITE_FILE, parseDatabaseUrl, type DatabaseTarget } from "./database-url.js";

export interface OpenStoreOptions {
  sqlite?: SqliteOptions;
  postgres?: PostgresOptions;
}

/** Opens the store named by DATABASE_URL and brings its schema up to date. */
export async function openStore(databaseUrl: string | undefined, opts: OpenStoreOptions = {}): Promise<SqlStore> {
  const target = parseDatabaseUrl(databaseUrl);
  const name = target.kind === "sqlite" ? `SQLite database ${target.file}` : `PostgreSQL database ${redact(target.url)}`;
  let db: Db | undefined;
  let intake: Db | undefined;
  try {
    if (target.kind === "sqlite") {
      // Deliveries are synced at every commit (off the event loop); derived state, which can be redone from them, less often.
      db = openSqlite(target.file, { synchronous: "NORMAL", ...opts.sqlite });
      intake = openSqlite(target.file, { syncOffLoop: true });
    } else {
      // Loaded only when used: a SQLite server need not hold the PostgreSQL driver (4 MB resident).
      const { openPostgres } = await import("./postgres.js");
      db = openPostgres(target.url, opts.postgres);
    }
    const store = new SqlStore(db, intake);
    await store.migrate();
    return store;
  } catch (err) {
    await intake?.close().catch(() => undefined);
    await db?.close().catch(() => undefined);
    const cause = err instanceof Error ? err.message || String((err as { code?: string }).code ?? err) : String(err);
    throw new Error(`Cannot open ${name}: ${redact(cause)}`, { cause: err });
  }
}
