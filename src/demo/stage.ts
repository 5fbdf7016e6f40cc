import { parseRegistry } from "../core/registry.js";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Tierkeeper } from "../index.js";
import { startServer } from "../server.js";
import { startSimulator, type Simulator, type SimulatorOptions } from "../sim/index.js";

/**
 * A stage for the demo, the end-to-end tests and the benchmark: the GitHub simulator with a
 * repository holding a registry, and the real tierkeeper server pointed at it, either in this
 * process or as a child process started exactly as `npm start` starts it.
 */

export const WEBHOOK_SECRET = "stage-webhook-secret";
export const EXAMPLE_REGISTRY = readFileSync(fileURLToPath(new URL("../../examples/wasmtime/tiers.yml", import.meta.url)), "utf8");

export interface StageOptions {
  owner?: string;
  name?: string;
  /** Registry text for `.github/tiers.yml`; the Wasmtime example by default, null for none. */
  registry?: string | null;
  /** Start the server as a child process (`node dist/server.js`) instead of in this process. */
  spawn?: boolean;
  /** Spawned stages: how many server processes to start on the same database (replicas; default 1). */
  replicas?: number;
  /** A database URL; a fresh SQLite file by default. */
  databaseUrl?: string;
  sim?: SimulatorOptions;
  /** Extra environment for the server. */
  env?: Record<string, string>;
  /** In-process stages: the clock of the simulator and the server (a story's clock); the wall clock by default. */
  now?: () => Date;
}

export interface Stage {
  sim: Simulator;
  repo: string;
  installationId: number;
  appUrl: string;
  webhookUrl: string;
  /** Waits until every stored delivery is processed and every decided action applied. */
  settle(timeoutMs?: number): Promise<void>;
  /** The child process, when spawned. */
  child?: ChildProcess;
  /** Spawned stages: every server process (the first is `child`), all on the same database. */
  replicas: { child: ChildProcess; url: string; webhookUrl: string }[];
  /** The app itself, when it runs in this process. */
  tierkeeper?: Tierkeeper;
  /** Spawned stages: kills the server with SIGKILL and starts it again on the same database. */
  restart(): Promise<void>;
  /** The server's environment (database, App credentials, GitHub's address). */
  env: Record<string, string>;
  /** Runs `tierkeeper sweep --now <now>` as a child process with the server's environment. */
  sweep(now: Date, ...flags: string[]): Promise<{ code: number; output: string }>;
  close(): Promise<void>;
}

export async function startStage(options: StageOptions = {}): Promise<Stage> {
  const owner = options.owner ?? "bytecodealliance";
  const name = options.name ?? "wasmtime";
  const repo = `${owner}/${name}`;
  const sim = await startSimulator({ now: options.now, ...options.sim });
  const files: Record<string, string> = { "README.md": "# wasmtime\n", "crates/wasi-nn/src/lib.rs": "// wasi-nn\n" };
  const registry = options.registry === undefined ? EXAMPLE_REGISTRY : options.registry;
  if (registry !== null) files[".github/tiers.yml"] = registry;
  sim.createRepo({ owner, name, files });
  const installationId = sim.installApp(owner);
  // The registry's owners exist on this GitHub as on the real one: users collaborate, teams exist.
  const parsed = registry === null ? undefined : parseRegistry(registry);
  for (const o of parsed?.ok ? parsed.registry.components.flatMap((c) => c.owners) : []) {
    if (o.kind === "user") sim.addCollaborator(repo, o.login, "write");
    else if (o.org.toLowerCase() === owner.toLowerCase()) sim.addTeam(o.org, o.slug, []);
  }

  const dir = mkdtempSync(join(tmpdir(), "tierkeeper-stage-"));
  const env: Record<string, string> = {
    ...sim.probotEnv(),
    WEBHOOK_SECRET,
    DATABASE_URL: options.databaseUrl ?? join(dir, "tierkeeper.db"),
    HOST: "127.0.0.1",
    PORT: "0",
    LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
    WORKER_POLL_MS: "200",
    // The simulator has no rate limits: no need to space writes as GitHub asks.
    GITHUB_THROTTLE: "off",
    ...options.env,
  };

  let appUrl: string;
  let child: ChildProcess | undefined;
  let tierkeeper: Tierkeeper | undefined;
  let stop: () => Promise<void>;
  let replicas: Stage["replicas"] = [];
  if (options.spawn) {
    const attempts = await Promise.allSettled(Array.from({ length: Math.max(1, options.replicas ?? 1) }, () => spawnServer(env)));
    const started = attempts.flatMap((a) => (a.status === "fulfilled" ? [a.value] : []));
    const failed = attempts.find((a) => a.status === "rejected");
    if (failed) {
      await Promise.all(started.map((r) => stopChild(r.child))); // no replica left running behind a failed start
      await sim.close();
      throw failed.reason;
    }
    replicas = started.map((r) => ({ ...r, webhookUrl: `${r.url}/api/github/webhooks` }));
    ({ child, url: appUrl } = started[0]);
    stop = async () => void (await Promise.all(replicas.map((r) => stopChild(r.child))));
  } else {
    // The status pages link to github.com, whose story the demo tells (a spawned server links to its GHE_HOST, the simulator).
    const server = await startServer({ ...process.env, ...env }, { now: options.now, githubWebUrl: "https://github.com" });
    if (!server) throw new Error("the server did not start: credentials missing");
    appUrl = server.url;
    tierkeeper = server.tierkeeper;
    stop = server.close;
  }
  const stage: Stage = {
    sim,
    repo,
    installationId,
    appUrl,
    webhookUrl: `${appUrl}/api/github/webhooks`,
    child,
    replicas,
    tierkeeper,
    env,
    settle: async (timeoutMs = 30_000) => {
      const urls = stage.replicas.length > 1 ? stage.replicas.map((r) => r.url) : [stage.appUrl];
      await Promise.all(urls.map((url) => settle(url, timeoutMs)));
    },
    sweep: (now, ...flags) => runCli(env, ["sweep", "--now", now.toISOString(), ...flags]),
    async restart() {
      if (!stage.child) throw new Error("only a spawned server can be restarted");
      if (stage.replicas.length > 1) throw new Error("restart() restarts a single server, not replicas");
      await stopChild(stage.child, "SIGKILL");
      const next = await spawnServer(env);
      stage.child = next.child;
      stage.appUrl = next.url;
      stage.webhookUrl = `${next.url}/api/github/webhooks`;
      stage.replicas = [{ ...next, webhookUrl: stage.webhookUrl }];
      sim.setWebhookTarget(stage.webhookUrl, WEBHOOK_SECRET);
      stop = () => stopChild(next.child);
    },
    async close() {
      await stop();
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  sim.setWebhookTarget(stage.webhookUrl, WEBHOOK_SECRET);
  return stage;
}

/** The built CLI (`dist/cli/main.js`, what `npx tierkeeper` runs) as a child process. */
export function runCli(env: Record<string, string>, args: string[]): Promise<{ code: number; output: string }> {
  return spawnCli(env, args).done;
}

/** runCli, with the child process at hand (tests kill it midway). */
export function spawnCli(env: Record<string, string>, args: string[]): { child: ChildProcess; done: Promise<{ code: number; output: string }> } {
  const entry = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));
  const child = spawn(process.execPath, [entry, ...args], { env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const done = new Promise<{ code: number; output: string }>((resolve) => {
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    child.once("exit", (code) => resolve({ code: code ?? 1, output }));
  });
  return { child, done };
}

/** The log text of a server spawned with STAGE_KEEP_LOGS in its environment (tests look for leaked secrets). */
const keptLogs = new WeakMap<ChildProcess, string[]>();
export const childLogs = (child: ChildProcess): string => (keptLogs.get(child) ?? []).join("");

/** Polls /healthz until the queue is empty and no action is pending, twice in a row. */
async function settle(appUrl: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  while (Date.now() < deadline) {
    const health = (await (await fetch(`${appUrl}/healthz`)).json()) as { queue: { pending: number }; actionsPending: boolean };
    quiet = health.queue.pending === 0 && !health.actionsPending ? quiet + 1 : 0;
    if (quiet >= 2) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`tierkeeper did not settle within ${timeoutMs} ms`);
}

/**
 * `npm start` without the build step: `node dist/server.js` with the given environment.
 * `entry` runs another built server that prints "listening on <url>" (the benchmark's no-op app).
 */
/** Node's flags for the server, as `npm start` and the Dockerfile's CMD give them (a test holds them equal). */
export const SERVER_NODE_FLAGS = ["--max-semi-space-size=4"];

export async function spawnServer(env: Record<string, string>, entry = fileURLToPath(new URL("../../dist/server.js", import.meta.url))): Promise<{ child: ChildProcess; url: string }> {
  // The default is the same file from src/demo (tests) and dist/demo (demo, bench): the built server.
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, entry], {
    // Info level: the "listening" line is how the parent learns the port.
    env: { PATH: process.env.PATH ?? "", ...env, LOG_LEVEL: "info", LOG_FORMAT: "json" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill(); // not left running behind a failed start
      reject(new Error(`server did not start:\n${output}`));
    }, 15_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/[^\s"/]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
  // From here on the logs are drained, not kept: a long run must not grow the parent's memory.
  const kept = env.STAGE_KEEP_LOGS ? [output] : undefined; // ... unless a test asks
  if (kept) keptLogs.set(child, kept);
  for (const stream of [child.stdout, child.stderr]) {
    stream.removeAllListeners("data");
    if (kept) stream.on("data", (c: Buffer) => kept.push(c.toString()));
    else if (process.env.STAGE_LOGS) stream.pipe(process.stderr);
    else stream.resume();
  }
  child.removeAllListeners("exit");
  return { child, url };
}

export function stopChild(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill(signal);
  });
}
