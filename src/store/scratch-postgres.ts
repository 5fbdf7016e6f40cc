import pg from "pg";

/**
 * A fresh, empty schema on a PostgreSQL server and a database URL that uses it (pg reads
 * `options=-c search_path=...` from the URL): tests and the benchmark share one server
 * without seeing each other's tables, and drop the schema afterwards.
 */
export async function scratchPostgres(serverUrl: string, prefix = "tk"): Promise<{ url: string; schema: string; drop: () => Promise<void> }> {
  const schema = `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  await withClient(serverUrl, (c) => c.query(`CREATE SCHEMA ${schema}`));
  const url = `${serverUrl}${serverUrl.includes("?") ? "&" : "?"}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  return { url, schema, drop: () => withClient(serverUrl, (c) => c.query(`DROP SCHEMA ${schema} CASCADE`)).then(() => undefined) };
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
