import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { Probot } from "probot";
import { UnthrottledOctokit } from "../../src/github/octokit.js";
import { EXAMPLE_REGISTRY } from "../../src/demo/stage.js";
import { Tierkeeper } from "../../src/index.js";
import { startSimulator, type Simulator, type WebhookEvent } from "../../src/sim/index.js";
import { openStore } from "../../src/store/open.js";
import type { SqlStore } from "../../src/store/sql-store.js";
import { Clock } from "./app.js";

/**
 * The real app (Probot + Tierkeeper + a real database) against the GitHub simulator, with a
 * driven clock shared by both: tests move time by weeks without sleeping.
 */
export interface SimApp {
  sim: Simulator;
  repo: string;
  clock: Clock;
  store: SqlStore;
  /** The database the app uses, for the CLI. */
  databaseUrl: string;
  tierkeeper: Tierkeeper;
  probot: Probot;
  /** Delivers a simulator-built event to the app and waits until everything is carried out. */
  send(event: WebhookEvent, id?: string): Promise<void>;
  /** Another app process on the same database (a replica), for concurrency tests. */
  twin(): Promise<Tierkeeper>;
  /** GitHub writes so far (POST, PATCH, PUT), without token requests. */
  writes(): { method: string; path: string }[];
  close(): Promise<void>;
}

export async function startSimApp(options: { registry?: string; databaseUrl?: string } = {}): Promise<SimApp> {
  const clock = new Clock();
  const sim = await startSimulator({ now: clock.now });
  const repo = "bytecodealliance/wasmtime";
  sim.createRepo({ owner: "bytecodealliance", name: "wasmtime", files: { ".github/tiers.yml": options.registry ?? EXAMPLE_REGISTRY, "crates/wasi-nn/src/lib.rs": "//\n" } });
  sim.installApp("bytecodealliance");
  const dir = mkdtempSync(join(tmpdir(), "tk-simapp-"));
  const stores: SqlStore[] = [];
  const apps: Tierkeeper[] = [];

  const databaseUrl = options.databaseUrl ?? join(dir, "tk.db");
  async function instance(): Promise<{ tierkeeper: Tierkeeper; probot: Probot; store: SqlStore }> {
    const store = await openStore(databaseUrl);
    const probot = new Probot({
      appId: sim.appId,
      privateKey: sim.privateKeyPem,
      baseUrl: sim.apiUrl,
      log: pino({ level: process.env.TEST_LOG ?? "silent" }),
      Octokit: UnthrottledOctokit,
    });
    const tierkeeper = new Tierkeeper({ store, now: clock.now, autoStart: false, holder: randomUUID() });
    await probot.load(tierkeeper.appFn, { cwd: process.cwd(), addHandler: () => {} });
    stores.push(store);
    apps.push(tierkeeper);
    return { tierkeeper, probot, store };
  }

  const main = await instance();
  return {
    sim,
    repo,
    clock,
    databaseUrl,
    ...main,
    async send(event, id = randomUUID()) {
      await main.probot.receive({ id, name: event.name, payload: event.payload } as never);
      await main.tierkeeper.settle();
    },
    twin: async () => (await instance()).tierkeeper,
    writes: () => sim.requests.filter((r) => r.method !== "GET" && !r.path.includes("access_tokens")),
    async close() {
      for (const app of apps) await app.stop();
      for (const store of stores) await store.close();
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
