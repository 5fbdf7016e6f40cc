import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { createNodeMiddleware, createProbot, type ApplicationFunction } from "probot";

/**
 * The benchmark's baseline: a Probot app that does nothing, served exactly as src/server.ts
 * serves tierkeeper (same body limit, signature check and Probot middleware), so the ratio
 * measures what tierkeeper adds. Its signature check is copied rather than imported, so this
 * process does not load tierkeeper's modules (the database driver) and its RSS stays a baseline.
 * Answers /healthz like tierkeeper, with nothing ever pending, so the bench treats both alike.
 */

const WEBHOOK_PATH = "/api/github/webhooks";
const MAX_BODY = 25 * 1024 * 1024;

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
const secret = env.WEBHOOK_SECRET!;
const probot = createProbot({ env: { LOG_LEVEL: "info", ...env } });
const middleware = await createNodeMiddleware(appFn, { probot, webhooksPath: WEBHOOK_PATH });
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
await new Promise<void>((resolve) => server.listen(Number(env.PORT ?? 0), env.HOST || "localhost", resolve));
const { address, port } = server.address() as AddressInfo;
probot.log.info(`no-op app listening on http://${address}:${port}${WEBHOOK_PATH}`);
process.once("SIGTERM", () => server.close(() => process.exit(0)).closeIdleConnections());

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

function signatureMatches(secret: string, body: string, header: string | string[] | undefined): boolean {
  if (typeof header !== "string" || !header.startsWith("sha256=")) return false;
  const expected = Buffer.from("sha256=" + createHmac("sha256", secret).update(body).digest("hex"));
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
