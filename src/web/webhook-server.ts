import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createNodeMiddleware, type ApplicationFunction, type Probot } from "probot";

/**
 * The HTTP front of a Probot app: bounded bodies, a bad signature answered 401 before Probot
 * sees the request, then Probot's middleware (webhooks and the app's own routes). It imports
 * nothing of tierkeeper, so the benchmark's no-op baseline is served exactly the same way.
 */

export const WEBHOOK_PATH = "/api/github/webhooks";
/** GitHub caps payloads at 25 MB. */
const MAX_BODY = 25 * 1024 * 1024;

export interface Served {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export async function serveApp(appFn: ApplicationFunction, probot: Probot, env: NodeJS.ProcessEnv, label: string): Promise<Served> {
  const secret = env.WEBHOOK_SECRET;
  if (!secret) throw new Error("WEBHOOK_SECRET is not set: refusing webhooks that cannot be verified");
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
  const port = env.PORT === undefined ? 3000 : Number(env.PORT);
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(port, env.HOST || "localhost", resolve));
  const { address, port: bound } = server.address() as AddressInfo;
  const url = `http://${address.includes(":") ? `[${address}]` : address}:${bound}`;
  probot.log.info(`${label} listening on ${url}${WEBHOOK_PATH}`);
  return {
    server,
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
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
