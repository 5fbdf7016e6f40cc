import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { runCli, startStage } from "../../src/demo/stage.js";

/**
 * Secrets (issue 11 §8) against the built server and CLI: a start that fails on a database URL
 * whose password holds `@` and `/`, with query-string passwords and a webhook secret and a token of
 * three characters, prints none of them (server and CLI alike); the SQLite database and its -wal
 * and -shm files are created 0600 in a directory created 0700.
 */

const SHORT_WEBHOOK_SECRET = "k3y";
const SHORT_TOKEN = "t0k";
const SECRETS = ["p@ss/w", "p@ss", "ss/w", "ssl-s3cret", "qpw-77", SHORT_WEBHOOK_SECRET, SHORT_TOKEN];
// The database name is the webhook secret, so the short secret sits in the very line that fails.
const DATABASE_URL = `postgres://tk:p@ss/w@127.0.0.1:1/${SHORT_WEBHOOK_SECRET}?sslpassword=ssl-s3cret&password=qpw-77&token=${SHORT_TOKEN}`;
const ENV = { DATABASE_URL, WEBHOOK_SECRET: SHORT_WEBHOOK_SECRET, STATUS_PAGE_TOKEN: SHORT_TOKEN, APP_ID: "1", PRIVATE_KEY: "unused", HOST: "127.0.0.1", PORT: "0" };
const leaked = (text: string) => SECRETS.filter((s) => text.includes(s));

test("a server that cannot open its database says so and prints no secret of its environment", async () => {
  const child = spawn(process.execPath, [fileURLToPath(new URL("../../dist/server.js", import.meta.url))], { env: { PATH: process.env.PATH ?? "", ...ENV, LOG_FORMAT: "json" } });
  let failure = "";
  for (const stream of [child.stdout, child.stderr]) stream.on("data", (c: Buffer) => (failure += c.toString()));
  const [code] = (await once(child, "exit")) as [number];
  expect(code).toBe(1);
  expect(failure).toContain(
    "tierkeeper: cannot start: Cannot open PostgreSQL database postgres://tk:[REDACTED]@127.0.0.1:1/[REDACTED]?sslpassword=[REDACTED]&password=[REDACTED]&token=[REDACTED]",
  );
  expect(failure).toMatch(/ECONNREFUSED/); // the password's `@` and `/` did not move the host
  expect(leaked(failure)).toEqual([]);
}, 30_000);

test("the CLI's error output goes through the same scrubber", async () => {
  const { code, output } = await runCli(ENV, ["status", "--repo", "o/r"]);
  expect(code).toBe(1);
  expect(output).toContain("Cannot open PostgreSQL database postgres://tk:[REDACTED]@127.0.0.1:1/");
  expect(leaked(output)).toEqual([]);
}, 30_000);

test("the SQLite database, its -wal and -shm files are created 0600, in a directory created 0700", async () => {
  const root = mkdtempSync(join(tmpdir(), "tierkeeper-mode-"));
  const file = join(root, "data", "tierkeeper.db");
  const stage = await startStage({ spawn: true, databaseUrl: file });
  try {
    const { sim, repo } = stage;
    expect((await sim.send(sim.openPullRequest({ repo, author: "contributor", files: ["crates/wasi-nn/src/lib.rs"] }))).status).toBe(200);
    await stage.settle();
    const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);
    expect(existsSync(`${file}-wal`) && existsSync(`${file}-shm`)).toBe(true);
    expect({ dir: mode(join(root, "data")), db: mode(file), wal: mode(`${file}-wal`), shm: mode(`${file}-shm`) }).toEqual({ dir: "700", db: "600", wal: "600", shm: "600" });
  } finally {
    await stage.close();
    rmSync(root, { recursive: true, force: true });
  }
}, 60_000);
