import { generateKeyPairSync, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { Probot } from "probot";
import { UnthrottledOctokit } from "../../src/github/octokit.js";
import { Tierkeeper } from "../../src/index.js";
import { openStore } from "../../src/store/open.js";
import type { SqlStore } from "../../src/store/sql-store.js";

export const TEST_PRIVATE_KEY = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();

/** A driven clock: tests move time, nothing sleeps. */
export class Clock {
  constructor(public current = new Date("2026-11-23T12:00:00Z")) {}
  now = () => new Date(this.current);
  advance(ms: number) {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export interface TestApp {
  probot: Probot;
  tierkeeper: Tierkeeper;
  store: SqlStore;
  clock: Clock;
  /** Receives a webhook as Probot would after verifying it, then processes everything. */
  deliver(name: string, payload: object, id?: string): Promise<void>;
  close(): Promise<void>;
}

/** The real app on a real SQLite file, with GitHub at api.github.com (for nock to fake). */
export async function startTestApp(): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), "tk-app-"));
  const store = await openStore(join(dir, "tk.db"));
  const clock = new Clock();
  const probot = new Probot({
    appId: 1,
    privateKey: TEST_PRIVATE_KEY,
    log: pino({ level: process.env.TEST_LOG ?? "silent" }),
    Octokit: UnthrottledOctokit,
  });
  const tierkeeper = new Tierkeeper({ store, now: clock.now, autoStart: false });
  await probot.load(tierkeeper.appFn, { cwd: process.cwd(), addHandler: () => {} });
  return {
    probot,
    tierkeeper,
    store,
    clock,
    async deliver(name, payload, id = randomUUID()) {
      await probot.receive({ id, name, payload } as never);
      await tierkeeper.settle();
    },
    async close() {
      await tierkeeper.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
