import { pathToFileURL } from "node:url";
import { run } from "probot";
import { Tierkeeper } from "./index.js";
import { observedProbot, redactingLogger } from "./observability/logging.js";
import { redact, registerSecrets } from "./observability/redaction.js";
import { openStore } from "./store/open.js";
import { serveApp } from "./web/webhook-server.js";

/**
 * `npm start`: the app with Probot's standard environment plus DATABASE_URL.
 * Without credentials it hands over to Probot's registration flow (app.yml).
 * With them it serves webhooks through web/webhook-server.ts (bad signatures answered 401).
 */

export interface RunningServer {
  url: string;
  tierkeeper: Tierkeeper;
  close(): Promise<void>;
}

/** `now`: the clock, for a server run in-process on a simulated story (the demo); the wall clock otherwise. */
export async function startServer(env: NodeJS.ProcessEnv = process.env, options: { now?: () => Date } = {}): Promise<RunningServer | undefined> {
  registerSecrets(env); // before anything can fail: the store's errors echo its URL
  const store = await openStore(env.DATABASE_URL);
  const tierkeeper = new Tierkeeper({
    store,
    now: options.now,
    pollMs: Number(env.WORKER_POLL_MS) || undefined,
    sweepIntervalMs: Number(env.SWEEP_INTERVAL_MS) || undefined,
    sweepLimit: Number(env.SWEEP_LIMIT) || undefined,
    redeliveryIntervalMs: Number(env.REDELIVERY_INTERVAL_MS) || undefined,
    executorRetryMs: Number(env.EXECUTOR_RETRY_MS) || undefined,
    deliveryBudgetMs: Number(env.DELIVERY_BUDGET_MS) || undefined,
    deliveryMaxClaims: Number(env.DELIVERY_MAX_CLAIMS) || undefined,
  });
  if (!env.APP_ID || !(env.PRIVATE_KEY || env.PRIVATE_KEY_PATH)) {
    await run(tierkeeper.appFn, { log: await redactingLogger(env) }); // no credentials yet: Probot's setup flow registers the app from app.yml
    return undefined;
  }
  const probot = await observedProbot(env, tierkeeper.metrics); // probotFromEnv + redacted logs + rate-limit counts
  const { url, close } = await serveApp(tierkeeper.appFn, probot, env, "tierkeeper", tierkeeper.metrics.intake);
  return {
    url,
    tierkeeper,
    close: async () => {
      await close();
      await tierkeeper.stop();
      await store.close();
    },
  };
}

// Run when executed directly (`node dist/server.js`), not when imported by tests.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  registerSecrets(process.env);
  // Node would print these unscrubbed; the process still ends, as it would have.
  const fatal = (what: string) => (error: unknown) => {
    process.stderr.write(redact(`tierkeeper: ${what}: ${(error as Error)?.stack ?? String(error)}`) + "\n");
    process.exit(1);
  };
  process.on("uncaughtException", fatal("uncaught error"));
  process.on("unhandledRejection", fatal("unhandled rejection"));
  const shutdown = (server: RunningServer | undefined) => async () => {
    await server?.close();
    process.exit(0);
  };
  startServer().then(
    (server) => {
      process.once("SIGTERM", shutdown(server));
      process.once("SIGINT", shutdown(server));
    },
    (error: Error) => {
      process.stderr.write(redact(`tierkeeper: cannot start: ${error.message}`) + "\n");
      process.exit(1);
    },
  );
}
