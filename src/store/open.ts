import { fileURLToPath } from "node:url";
import { redact } from "../redaction.js";
import type { Db } from "./db.js";
import { openPostgres, type PostgresOptions } from "./postgres.js";
import { SqlStore } from "./sql-store.js";
import { openSqlite, type SqliteOptions } from "./sqlite.js";

export const DEFAULT_SQLITE_FILE = "./data/tierkeeper.db";

export interface OpenStoreOptions {
  sqlite?: SqliteOptions;
  postgres?: PostgresOptions;
}

export type DatabaseTarget = { kind: "sqlite"; file: string } | { kind: "postgres"; url: string };

/**
 * Reads DATABASE_URL: unset or empty → the default SQLite file; `postgres://` or `postgresql://`
 * → PostgreSQL; `sqlite:path`, `sqlite:///abs/path`, `file:` URLs or a bare path → that SQLite file.
 */
export function parseDatabaseUrl(databaseUrl: string | undefined): DatabaseTarget {
  const url = databaseUrl?.trim() ?? "";
  if (url === "") return { kind: "sqlite", file: DEFAULT_SQLITE_FILE };
  if (/^postgres(ql)?:\/\//i.test(url)) return { kind: "postgres", url: encodeUserinfo(url) };
  if (/^file:\/\//i.test(url)) return { kind: "sqlite", file: fileURLToPath(url) };
  const prefixed = /^(sqlite|file):(?:\/\/)?(.*)$/i.exec(url);
  if (prefixed) {
    if (prefixed[2] === "") throw new Error(`Database URL ${redact(url)} names no file`);
    return { kind: "sqlite", file: prefixed[2] };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw new Error(`Unsupported database URL ${redact(url)}: use postgres://, sqlite: or a file path`);
  }
  return { kind: "sqlite", file: url };
}

/**
 * `postgres://u:p@ss/w@host/db` → `postgres://u:p%40ss%2Fw@host/db`. A password may be written with
 * `@` and `/` unencoded (the user information runs to the last `@` before the query); a URL parser
 * would take `ss` for the host, fail, and print a piece of the password in its error.
 */
function encodeUserinfo(url: string): string {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^?#]*)@([^@?#]*(?:[?#].*)?)$/is.exec(url);
  if (!match) return url;
  const [, scheme, userinfo, rest] = match;
  const encode = (part: string) => {
    try {
      return encodeURIComponent(decodeURIComponent(part));
    } catch {
      return encodeURIComponent(part); // a `%` that encodes nothing is a character of the password
    }
  };
  const colon = userinfo.indexOf(":");
  const encoded = colon < 0 ? encode(userinfo) : `${encode(userinfo.slice(0, colon))}:${encode(userinfo.slice(colon + 1))}`;
  return `${scheme}${encoded}@${rest}`;
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
