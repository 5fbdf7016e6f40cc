import { pathToFileURL } from "node:url";
import { run } from "probot";
import { parseConfig } from "./app/config.js";
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
  close: () => Promise<void>;
}

/**
 * `now`: the clock, for a server run in-process on a simulated story (the demo); the wall clock otherwise.
 * `githubWebUrl`: where the status pages link, when not GHE_HOST's (the demo tells github.com's story against the simulator).
 */
export async function startServer(env: NodeJS.ProcessEnv = process.env, options: { now?: () => Date; githubWebUrl?: string } = {}): Promise<RunningServer | undefined> {
  registerSecrets(env); // before anything can fail: the store's errors echo its URL
  const config = parseConfig(env); // every setting checked before anything starts
  const store = await openStore(config.databaseUrl);
  const tierkeeper = new Tierkeeper({
    store,
    now: options.now,
    pollMs: config.workerPollMs,
    sweepIntervalMs: config.sweepIntervalMs,
    sweepLimit: config.sweepLimit,
    redeliveryIntervalMs: config.redeliveryIntervalMs,
    executorRetryMs: config.executorRetryMs,
    deliveryBudgetMs: config.deliveryBudgetMs,
    deliveryMaxClaims: config.deliveryMaxClaims,
    deliveryRetentionMs: config.deliveryRetentionMs,
    statusPageToken: config.statusPageToken,
    githubWebUrl: options.githubWebUrl ?? config.githubWebUrl,
  });
  if (!config.hasAppCredentials) {
    await run(tierkeeper.appFn, { log: await redactingLogger(config) }); // no credentials yet: Probot's setup flow registers the app from app.yml
    return undefined;
  }
  const probot = await observedProbot(config, tierkeeper.metrics); // probotFromEnv + redacted logs + rate-limit counts
  const { url, close } = await serveApp(tierkeeper.appFn, probot, config, { label: "tierkeeper", meters: tierkeeper.metrics.intake, receive: tierkeeper.receive });
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
      process.once("SIGTERM", () => void shutdown(server)());
      process.once("SIGINT", () => void shutdown(server)());
    },
    (error: Error) => {
      process.stderr.write(redact(`tierkeeper: cannot start: ${error.message}`) + "\n");
      process.exit(1);
    },
  );
}
