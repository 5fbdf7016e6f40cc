import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import { createNodeMiddleware, run } from "probot";
import { probotFromEnv } from "./github/octokit.js";
import { Tierkeeper } from "./index.js";
import { openStore } from "./store/open.js";

/**
 * `npm start`: the app with Probot's standard environment plus DATABASE_URL.
 * Without credentials it hands over to Probot's registration flow (app.yml).
 * With them it serves webhooks itself, so that a bad signature is answered 401 before
 * Probot sees the request, and the body size is bounded.
 */

const WEBHOOK_PATH = "/api/github/webhooks";
/** GitHub caps payloads at 25 MB. */
const MAX_BODY = 25 * 1024 * 1024;

export interface RunningServer {
  url: string;
  tierkeeper: Tierkeeper;
  close(): Promise<void>;
}

export async function startServer(env: NodeJS.ProcessEnv = process.env): Promise<RunningServer | undefined> {
  const store = await openStore(env.DATABASE_URL);
  const tierkeeper = new Tierkeeper({
    store,
    pollMs: Number(env.WORKER_POLL_MS) || undefined,
    sweepIntervalMs: Number(env.SWEEP_INTERVAL_MS) || undefined,
    sweepLimit: Number(env.SWEEP_LIMIT) || undefined,
    redeliveryIntervalMs: Number(env.REDELIVERY_INTERVAL_MS) || undefined,
  });
  if (!env.APP_ID || !(env.PRIVATE_KEY || env.PRIVATE_KEY_PATH)) {
    await run(tierkeeper.appFn); // no credentials yet: Probot's setup flow registers the app from app.yml
    return undefined;
  }
  const secret = env.WEBHOOK_SECRET;
  if (!secret) throw new Error("WEBHOOK_SECRET is not set: tierkeeper refuses webhooks it cannot verify");

  const probot = probotFromEnv(env);
  const middleware = await createNodeMiddleware(tierkeeper.appFn, { probot, webhooksPath: WEBHOOK_PATH });
  const server = createServer(async (req, res) => {
    try {
      if (req.method === "POST" && req.url?.split("?")[0] === WEBHOOK_PATH) {
        const body = await readBody(req);
        if (body === undefined) return void res.writeHead(413).end("payload too large\n");
        if (!signatureMatches(secret, body, req.headers["x-hub-signature-256"])) {
          return void res.writeHead(401, { "content-type": "text/plain" }).end("signature does not match\n");
        }
        (req as IncomingMessage & { body?: string }).body = body;
      }
      await middleware(req, res, () => void res.writeHead(404).end("not found\n"));
    } catch (error) {
      probot.log.error({ err: error }, "request failed");
      if (!res.headersSent) res.writeHead(500).end();
    }
  });
  const port = env.PORT === undefined ? 3000 : Number(env.PORT);
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(port, env.HOST || "localhost", resolve));
  const { address, port: bound } = server.address() as AddressInfo;
  const url = `http://${address.includes(":") ? `[${address}]` : address}:${bound}`;
  probot.log.info(`tierkeeper listening on ${url}${WEBHOOK_PATH}`);
  return {
    url,
    tierkeeper,
    close: async () => {
      await new Promise<void>((resolve) => closeServer(server, resolve));
      await tierkeeper.stop();
      await store.close();
    },
  };
}

function closeServer(server: Server, done: () => void) {
  server.close(() => done());
  server.closeIdleConnections();
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on("end", () => resolve(size > MAX_BODY ? undefined : Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

export function signatureMatches(secret: string, body: string, header: string | string[] | undefined): boolean {
  if (typeof header !== "string" || !header.startsWith("sha256=")) return false;
  const expected = Buffer.from("sha256=" + createHmac("sha256", secret).update(body).digest("hex"));
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

// Run when executed directly (`node dist/server.js`), not when imported by tests.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
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
      console.error(`tierkeeper: cannot start: ${error.message}`);
      process.exit(1);
    },
  );
}
