import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { ApplicationFunction, Probot } from "probot";

/**
 * The HTTP front of a Probot app. Webhooks never reach Probot's webhook middleware: every request
 * whose path could be read as the webhook path (any spelling: trailing or doubled slashes, `.` and
 * `..` segments, percent-encoding, backslashes, case, a query string, an absolute URL) goes through
 * the intake below: a size cap that cuts the connection, a bound on bodies read at once and on the
 * bytes they hold, a deadline for a slow body, the signature check, and only then the app's
 * receiver, answered 200 once it has finished (tierkeeper's stores the delivery). The default
 * receiver is Probot's `webhooks.receive`, which builds a context and an authenticated Octokit for
 * every event; tierkeeper passes its own, which stores the fact the body states and leaves the rest to
 * its worker. Other requests go to the app's own routes, which read no body. It imports nothing of
 * tierkeeper, so the benchmark's no-op baseline is served exactly the same way.
 */

export const WEBHOOK_PATH = "/api/github/webhooks";
/** GitHub caps payloads at 25 MB. */
export const MAX_BODY = 25 * 1024 * 1024;

export interface IntakeLimits {
  /** Webhook bodies being read at once; past it a new one gets 503 without being read. */
  maxInFlight: number;
  /** Bytes of webhook bodies held at once (being read or being stored); past it, 503. */
  maxBufferedBytes: number;
  /** A body must arrive whole within this, or 408 (GitHub itself gives up on a delivery after 10 s). */
  bodyTimeoutMs: number;
}

/** Where and how webhooks are served (app/config.ts parses them from the environment). */
export interface ServeSettings {
  port: number;
  host: string;
  webhookSecret: string | undefined;
  intake: IntakeLimits;
}

export type RefusalReason = "too_large" | "busy" | "timeout" | "signature" | "malformed";

/** What the intake reports (prom-client counters and a gauge fit it; the no-op baseline passes none). */
export interface IntakeMeters {
  bodyBytes: { inc(value: number): void };
  refused: { inc(labels: { reason: RefusalReason }): void };
  inFlight: { set(value: number): void };
}

export interface Served {
  server: Server;
  url: string;
  close: () => Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void | boolean | Promise<void | boolean>;

/** A webhook whose signature matched: its body as it arrived, and parsed. */
export interface VerifiedWebhook {
  id: string;
  name: string;
  body: string;
  payload: unknown;
}

/** Takes a verified webhook; the intake answers 200 once it resolves, and the error's status (else 500) if it rejects. */
export type Receive = (webhook: VerifiedWebhook) => Promise<void>;

/** Probot's own dispatch to the app's `on(...)` handlers: what any Probot app gets. */
export const probotReceive =
  (probot: Probot): Receive =>
  ({ id, name, payload }) =>
    probot.webhooks.receive({ id, name, payload } as Parameters<Probot["webhooks"]["receive"]>[0]);

export interface ServeOptions {
  /** Names the server in its "listening on" line. */
  label: string;
  meters?: IntakeMeters;
  /** Where verified webhooks go (default: probotReceive). */
  receive?: Receive;
}

export async function serveApp(appFn: ApplicationFunction, probot: Probot, settings: ServeSettings, { label, meters, receive }: ServeOptions): Promise<Served> {
  const secret = settings.webhookSecret;
  if (!secret) throw new Error("WEBHOOK_SECRET is not set: refusing webhooks that cannot be verified");
  // What Probot's createNodeMiddleware does, without its webhook middleware (which reads any body whole).
  const routes: Handler[] = [];
  await probot.load(appFn, { cwd: process.cwd(), addHandler: (handler) => void routes.push(handler) });
  const intake = new Intake(secret, probot, receive ?? probotReceive(probot), settings.intake, meters);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const path = loosePath(req.url ?? "");
      if (path === WEBHOOK_PATH) return await intake.serve(req, res);
      // Nothing else reads a body: one sent anyway is not drained, the connection is closed after the answer.
      if (hasBody(req)) res.setHeader("connection", "close");
      for (const route of routes) if (await route(req, res)) return;
      res.writeHead(404).end("not found\n");
    } catch (error) {
      probot.log.error({ err: error }, "request failed");
      if (!res.headersSent) res.writeHead(500, { connection: "close" }).end();
    }
  };
  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(settings.port, settings.host, resolve));
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

const WEBHOOK_PATH_FOLDED = WEBHOOK_PATH.toLowerCase();

/**
 * A request target's path read as loosely as any router might, lower-cased: the webhook path in
 * any spelling comes out as WEBHOOK_PATH, so no spelling can skip the intake.
 */
export function loosePath(target: string): string {
  let path = target.split(/[?#]/)[0];
  if (!/^[/\\]/.test(path)) {
    try {
      path = new URL(target).pathname; // absolute form: `POST http://host/api/github/webhooks`
    } catch {
      /* not a URL: read as a path */
    }
  }
  // Percent-decoding, thrice at most (triple encoding; no router decodes more, and `%2525...` must not cost n rounds).
  for (let round = 0; round < 3; round++) path = percentDecode(path);
  const parts = path.replace(/\\/g, "/").toLowerCase().split("/");
  // `a//../b` is `a/b` to a URL parser (`..` removes the empty segment) and `b` to one that merges slashes first.
  const resolved = [resolveDots(parts).filter((p) => p !== ""), resolveDots(parts.filter((p) => p !== ""))].map((s) => "/" + s.join("/"));
  return resolved.includes(WEBHOOK_PATH_FOLDED) ? WEBHOOK_PATH : resolved[1];
}

function resolveDots(parts: string[]): string[] {
  const out: string[] = [];
  for (const part of parts) {
    if (part === ".") continue;
    if (part === "..") out.pop();
    else out.push(part);
  }
  return out;
}

const percentDecode = (text: string) => text.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

function hasBody(req: IncomingMessage): boolean {
  return req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0;
}

type BodyResult = { body: Buffer } | { status: number; reason: RefusalReason | "aborted"; message: string };

class Intake {
  private inFlight = 0;
  private buffered = 0;

  constructor(
    private readonly secret: string,
    private readonly probot: Probot,
    private readonly receive: Receive,
    private readonly limits: IntakeLimits,
    private readonly meters: IntakeMeters | undefined,
  ) {}

  async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== "POST") return void res.writeHead(404, hasBody(req) ? { connection: "close" } : {}).end("not found\n");
    // Refusals that need no byte of the body come first.
    const length = req.headers["content-length"] === undefined ? undefined : Number(req.headers["content-length"]);
    if (length !== undefined && length > MAX_BODY) return this.refuse(req, res, 413, "too_large", "payload too large\n");
    if (!/^\s*application\/json\s*(;|$)/i.test(req.headers["content-type"] ?? "")) return this.refuse(req, res, 415, "malformed", 'Content-Type must be "application/json"\n');
    const event = req.headers["x-github-event"];
    const id = req.headers["x-github-delivery"];
    if (typeof event !== "string" || typeof id !== "string" || event === "" || id === "") {
      return this.refuse(req, res, 400, "malformed", "X-GitHub-Event and X-GitHub-Delivery are required\n");
    }
    const signature = req.headers["x-hub-signature-256"];
    if (typeof signature !== "string") return this.refuse(req, res, 401, "signature", "signature does not match\n");
    if (this.inFlight >= this.limits.maxInFlight || this.buffered + (length ?? 0) > this.limits.maxBufferedBytes) {
      return this.refuse(req, res, 503, "busy", "too many webhook bodies at once; try again\n");
    }

    let held = 0; // bytes of this body counted in `buffered`, released when the answer is sent
    res.once("close", () => (this.buffered -= held));
    const read = await this.read(req, (n) => (held += n));
    if (!("body" in read)) {
      if (read.reason === "aborted") return; // the client left: nobody to answer
      return this.refuse(req, res, read.status, read.reason, read.message);
    }
    if (!signatureMatches(this.secret, read.body, signature)) return this.refuse(req, res, 401, "signature", "signature does not match\n");
    const body = read.body.toString("utf8");
    let payload: unknown;
    try {
      payload = JSON.parse(body);
    } catch {
      return this.refuse(req, res, 400, "malformed", "Invalid JSON\n");
    }
    this.probot.log.debug(`${event} event received (id: ${id})`);
    try {
      // Answered once the receiver has finished: tierkeeper's stores the delivery first.
      await this.receive({ id, name: event, body, payload });
    } catch (error) {
      const first = ((error as { errors?: unknown[] }).errors?.[0] ?? error) as { status?: unknown };
      const status = typeof first.status === "number" && first.status >= 400 && first.status < 600 ? first.status : 500;
      this.probot.log.error({ err: error, delivery: id, event }, "webhook handler failed");
      return void res.writeHead(status, { "content-type": "text/plain" }).end(status === 500 ? "internal error\n" : "refused\n");
    }
    res.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
  }

  /** Reads the body within the cap, the byte budget and the deadline, holding one in-flight slot meanwhile. */
  private read(req: IncomingMessage, hold: (bytes: number) => void): Promise<BodyResult> {
    this.meters?.inFlight.set(++this.inFlight);
    return new Promise<BodyResult>((resolve) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let settled = false;
      const finish = (result: BodyResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.off("data", onData).off("end", onEnd).off("close", onClose);
        if (!("body" in result)) {
          req.pause(); // not one more byte into memory
          chunks.length = 0;
        }
        this.meters?.inFlight.set(--this.inFlight);
        resolve(result);
      };
      const onData = (chunk: Buffer) => {
        size += chunk.length;
        this.meters?.bodyBytes.inc(chunk.length);
        if (size > MAX_BODY) return finish({ status: 413, reason: "too_large", message: "payload too large\n" });
        if (this.buffered + chunk.length > this.limits.maxBufferedBytes) {
          return finish({ status: 503, reason: "busy", message: "too many webhook bytes at once; try again\n" });
        }
        this.buffered += chunk.length;
        hold(chunk.length);
        chunks.push(chunk);
      };
      const onEnd = () => finish({ body: Buffer.concat(chunks, size) });
      const onClose = () => finish({ status: 400, reason: "aborted", message: "" });
      const timer = setTimeout(() => finish({ status: 408, reason: "timeout", message: "the body took too long\n" }), this.limits.bodyTimeoutMs);
      req.on("data", onData).on("end", onEnd).on("close", onClose);
    });
  }

  /** Answers a refusal; with part of the body unread, stops reading and closes the connection after the answer. */
  private refuse(req: IncomingMessage, res: ServerResponse, status: number, reason: RefusalReason, message: string): void {
    this.meters?.refused.inc({ reason });
    const headers: Record<string, string> = { "content-type": "text/plain" };
    if (!req.complete) {
      req.pause();
      headers.connection = "close";
      closeAfterAnswer(req);
    }
    res.writeHead(status, headers).end(message);
  }
}

/** How long a refused upload's connection stays half-closed, its bytes discarded, before it is destroyed. */
const LINGER_MS = 1000;

/**
 * With `Connection: close`, Node destroys the socket as soon as the answer is written. A client still
 * sending would then get a reset that can discard the answer before it reads it (RFC 9112 §9.6), so
 * the socket is half-closed instead and what still arrives is dropped unread, until the client closes
 * or LINGER_MS passes; then it is destroyed. Nothing of it is kept in memory.
 */
function closeAfterAnswer(req: IncomingMessage): void {
  const socket = req.socket as IncomingMessage["socket"] & { destroySoon?: () => void };
  socket.destroySoon = () => {
    socket.end();
    req
      .removeAllListeners("data")
      .on("data", () => undefined)
      .resume();
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    timer.unref();
    socket.once("close", () => clearTimeout(timer));
  };
}

export function signatureMatches(secret: string, body: Buffer | string, header: string | string[] | undefined): boolean {
  if (typeof header !== "string" || !header.startsWith("sha256=")) return false;
  const expected = Buffer.from("sha256=" + createHmac("sha256", secret).update(body).digest("hex"));
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
