import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { spawnCli, startStage, type Stage } from "../../src/demo/stage.js";
import { openStore } from "../../src/store/open.js";
import { openPostgres } from "../../src/store/postgres.js";
import { startSimulator } from "../../src/sim/index.js";
import { freshPostgres, PG_URL } from "../support/postgres.js";

/**
 * Faults (issue 6 §6), against the real server (`node dist/server.js`) and the real CLI:
 * a database that is down at start, a database lost while running, and SIGKILL in the middle
 * of a sweep. Nothing is lost, nothing is done twice.
 */
const DAY = 24 * 3600 * 1000;
const SERVER = fileURLToPath(new URL("../../dist/server.js", import.meta.url));
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await wait(50);
  }
}

test("a database that is down at start: exit code 1 and a message naming it (password hidden) and the cause", async () => {
  const sim = await startSimulator();
  try {
    const started = Date.now();
    const child = spawn(process.execPath, [SERVER], {
      env: {
        PATH: process.env.PATH ?? "",
        ...sim.probotEnv(),
        WEBHOOK_SECRET: "s3cret-webhook",
        DATABASE_URL: "postgres://postgres:hunter2pw@127.0.0.1:1/test",
        HOST: "127.0.0.1",
        PORT: "0",
        LOG_FORMAT: "json",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
    expect(code).toBe(1);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(stderr).toContain("tierkeeper: cannot start: Cannot open PostgreSQL database postgres://postgres:[REDACTED]@127.0.0.1:1/test");
    expect(stderr).toMatch(/ECONNREFUSED/);
    expect(stdout + stderr).not.toContain("hunter2pw");
    expect(stdout).not.toMatch(/listening on/);
  } finally {
    await sim.close();
  }
}, 30_000);

test("a connection cut in the middle of a transaction fails that transaction, not the process; the pool goes on", async () => {
  const name = `tk_cut_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const db = openPostgres(`${PG_URL}${PG_URL.includes("?") ? "&" : "?"}application_name=${name}`);
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  try {
    const cut = db.transaction(async (tx) => {
      await tx.query("SELECT 1");
      await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1", [name]);
      await wait(200); // the client learns of it while checked out, between two statements
      await tx.query("SELECT 1");
    });
    await expect(cut).rejects.toThrow();
    expect(await db.query<{ one: number }>("SELECT 1 AS one")).toEqual([{ one: 1 }]);
  } finally {
    await admin.end();
    await db.close();
  }
}, 30_000);

describe("a database lost while the server runs", () => {
  let stage: Stage;
  let db: { url: string; schema: string; drop(): Promise<void> };
  let admin: pg.Client;
  /** The app's connections carry the schema's name, so only they are terminated on the shared server. */
  const terminate = () => admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1", [db.schema]);

  beforeAll(async () => {
    db = await freshPostgres();
    admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    stage = await startStage({ spawn: true, databaseUrl: `${db.url}&application_name=${db.schema}` });
  }, 60_000);
  afterAll(async () => {
    await stage?.close();
    await admin?.end();
    await db?.drop();
  });

  test("answers 5xx (GitHub shows the delivery failed), /healthz 503, and recovers: the redelivery is processed once", async () => {
    const { sim, repo } = stage;
    const pr = sim.openPullRequest({ repo, author: "contributor", files: ["crates/wasi-nn/src/backend.rs"] });
    expect((await sim.send(pr)).status).toBe(200);
    await stage.settle();
    expect((await terminate()).rowCount).toBeGreaterThan(0); // the pool reconnects by itself

    // Lost: the app's tables are gone (and its connections cut, again and again).
    await admin.query(`ALTER SCHEMA ${db.schema} RENAME TO ${db.schema}_away`);
    const cutting = setInterval(() => void terminate().catch(() => undefined), 20);
    let lostStatus: number;
    const fail = sim.completeCheckRun({ repo, sha: pr.headSha, name: "Test wasi-nn (openvino, ubuntu-24.04)", conclusion: "failure" });
    try {
      await wait(100);
      lostStatus = (await sim.send(fail, { id: "while-lost" })).status;
      expect([500, 503]).toContain(lostStatus);
      expect((await fetch(`${stage.appUrl}/healthz`)).status).toBe(503);
      await wait(300); // the worker's polls fail meanwhile, and must not bring the process down
    } finally {
      clearInterval(cutting);
      await admin.query(`ALTER SCHEMA ${db.schema}_away RENAME TO ${db.schema}`);
    }
    expect(stage.child!.exitCode).toBeNull();
    expect(stage.child!.signalCode).toBeNull();
    // GitHub lists the delivery as failed: it can be redelivered.
    expect(sim.state.hookDeliveries.find((d) => d.guid === "while-lost")?.statusCode).toBe(lostStatus);

    // Back: health recovers, and a redelivery of the same delivery id is processed, once.
    await until("/healthz 200", async () => (await fetch(`${stage.appUrl}/healthz`)).status === 200);
    expect((await sim.send(fail, { id: "while-lost" })).status).toBe(200);
    expect((await sim.send(fail, { id: "while-lost" })).status).toBe(200); // and once more: a duplicate
    await stage.settle();
    const comments = sim.comments(repo, pr.number);
    expect(comments).toHaveLength(1);
    expect(comments[0].body).toContain("Tier 3");
    expect(sim.state.notifications.filter((n) => n.issueNumber === pr.number)).toHaveLength(2);
    expect(sim.violations).toEqual([]);
  }, 60_000);
});

describe("SIGKILL in the middle of a sweep, twice", () => {
  let stage: Stage;
  let tracking: number;
  const issues = () => [...stage.sim.state.mustRepo(stage.repo).issues.values()];
  const disabling = () => issues().filter((i) => i.pull && i.title.startsWith("Disable Tier 3 component"));
  const notes = () => stage.sim.comments(stage.repo, tracking).filter((c) => c.body.startsWith("No owner response within the response window"));

  beforeAll(async () => {
    stage = await startStage({ spawn: true });
  }, 60_000);
  afterAll(async () => {
    await stage?.close();
  });

  test("the next sweep finishes the step: one disabling pull request, one note, nobody notified twice", async () => {
    const { sim, repo } = stage;
    const main = sim.state.mustRepo(repo).branches.get("main")!;
    const t0 = Date.now();
    expect(
      (await sim.send(sim.completeCheckRun({ repo, sha: main, name: "Test wasi-nn (openvino, ubuntu-24.04)", conclusion: "failure", branch: "main", completedAt: new Date(t0) }))).status,
    ).toBe(200);
    await stage.settle();
    const opened = issues().filter((i) => !i.pull && i.title.startsWith("Tier 3 component"));
    expect(opened).toHaveLength(1);
    tracking = opened[0].number;

    /** Runs `tierkeeper sweep` and SIGKILLs it the moment the simulator records a request that matches. */
    const sweepKilledAt = async (match: (r: { method: string; template?: string }) => boolean) => {
      const run = spawnCli(stage.env, ["sweep", "--now", new Date(t0 + 8 * DAY).toISOString()]);
      const push = sim.requests.push;
      let killed = false;
      sim.requests.push = function (...items) {
        if (!killed && items.some(match)) {
          killed = true;
          run.child.kill("SIGKILL"); // GitHub has applied the request; the sweep may never learn it
        }
        return push.apply(this, items);
      };
      try {
        await run.done;
        expect(killed).toBe(true);
        expect(run.child.signalCode).toBe("SIGKILL");
      } finally {
        sim.requests.push = push;
      }
    };
    // The same database through the project's own store (either SQLite engine, any Node).
    const sqlite = await openStore(stage.env.DATABASE_URL);
    try {
      // 1. Killed while it decides, holding the sweep lock: reading the tracking issue's comments.
      await sweepKilledAt((r) => r.method === "GET" && !!r.template?.endsWith("/issues/{issue_number}/comments"));
      expect(disabling()).toHaveLength(0);
      const locked = await stage.sweep(new Date(t0 + 8 * DAY));
      expect(locked.output).toContain("another process is sweeping"); // the dead sweep's lease stands ...
      await sqlite.db.run("UPDATE locks SET lease_until = 0 WHERE name = 'sweep'"); // ... until it expires

      // 2. Killed while it carries the step out: right as GitHub creates the disabling pull request.
      // The server is paused meanwhile: its executor would otherwise race the sweep's for the action,
      // and the pull request might come from the server after the sweep has exited.
      process.kill(stage.child!.pid!, "SIGSTOP");
      try {
        await sweepKilledAt((r) => r.method === "POST" && r.template === "/repos/{owner}/{repo}/pulls");
      } finally {
        process.kill(stage.child!.pid!, "SIGCONT");
      }
      expect(disabling()).toHaveLength(1); // made, but the sweep never recorded it
      // (The note may or may not have gone out in the moment before the kill: both must end well.)
      await sqlite.db.run("UPDATE actions SET lease_until = 0"); // the dead sweep's action leases expire

      // 3. Run to completion: it finds the pull request by its marker, and posts the note once.
      const done = await stage.sweep(new Date(t0 + 8 * DAY));
      expect(done.code).toBe(0);
      await stage.settle();
      // (Within the day: a day after the step, the sweep checks whether the PR was merged.)
      const again = await stage.sweep(new Date(t0 + 8 * DAY + 3600_000));
      expect(again.code).toBe(0);
      expect(again.output).not.toMatch(/->/);
      await stage.settle();
    } finally {
      await sqlite.close();
    }
    expect(disabling()).toHaveLength(1);
    expect(disabling()[0].title).toBe("Disable Tier 3 component wasi-nn in CI");
    expect(notes()).toHaveLength(1);
    const pairs = sim.state.notifications.map((n) => `${n.issueNumber} ${n.to}`);
    expect(pairs.length).toBe(new Set(pairs).size);
    expect(sim.violations).toEqual([]);
  }, 90_000);

  // The sweep after the crash renders recently changed timelines again (features/tier3-timeline/sweep.ts, relink).
  test("after the crash, the note still links the disabling pull request", () => {
    expect(notes()[0].body).toContain(`#${disabling()[0].number} disables`);
  });
});
