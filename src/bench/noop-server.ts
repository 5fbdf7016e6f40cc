import { createProbot, type ApplicationFunction } from "probot";
import { parseConfig } from "../app/config.js";
import { serveApp } from "../web/webhook-server.js";

/**
 * The benchmark's baseline: a Probot app that does nothing, served exactly as src/server.ts
 * serves tierkeeper (same intake limits, signature check and routing), so the ratio
 * measures what tierkeeper adds. web/webhook-server.ts imports nothing of tierkeeper, and
 * app/config.ts no database driver, so this process's RSS stays a baseline.
 * Answers /healthz like tierkeeper, with nothing ever pending, so the bench treats both alike.
 */

let done = 0;
const appFn: ApplicationFunction = (app, { addHandler }) => {
  app.onAny(async () => {
    done++;
  });
  addHandler?.((req, res) => {
    if (req.method !== "GET" || req.url !== "/healthz") return false;
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status: "ok", queue: { pending: 0, done, failed: 0 }, actionsPending: false }));
    return true;
  });
};

const env = process.env;
const probot = createProbot({ env: { LOG_LEVEL: "info", ...env } });
const { close } = await serveApp(appFn, probot, parseConfig(env), { label: "no-op app" });
process.once("SIGTERM", () => void close().then(() => process.exit(0)));
