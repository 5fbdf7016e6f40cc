import pg from "pg";

/** The PostgreSQL server of CI and development; a missing server fails the tests that need it. */
export const PG_URL = process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";

/**
 * A fresh, empty schema on the test server, and a database URL that uses it (pg reads
 * `options=-c search_path=...` from the URL), so tests never see each other's tables.
 */
export async function freshPostgres(): Promise<{ url: string; schema: string; drop(): Promise<void> }> {
  const schema = `tk_${Math.random().toString(36).slice(2, 10)}`;
  await withClient((c) => c.query(`CREATE SCHEMA ${schema}`));
  const url = `${PG_URL}${PG_URL.includes("?") ? "&" : "?"}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  return { url, schema, drop: () => withClient((c) => c.query(`DROP SCHEMA ${schema} CASCADE`)).then(() => undefined) };
}

async function withClient<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
