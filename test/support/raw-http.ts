import { connect, type Socket } from "node:net";
import { readFileSync } from "node:fs";

/**
 * A bare HTTP/1.1 client over a socket, for what fetch will not do: send a request target
 * exactly as written (`/api/github/./webhooks`), stream a body of any size without buffering
 * it, stop writing as soon as the server answers, and keep an upload open without finishing it.
 */

export interface RawResponse {
  /** The status of the server's answer; undefined when it closed without answering. */
  status?: number;
  /** The raw bytes of the answer (head and body). */
  text: string;
  /** Body bytes this client handed to its socket before the server answered or closed. */
  sent: number;
}

export interface RawRequest {
  url: string;
  target: string;
  headers: Record<string, string>;
  /** The body: bytes given, or `size` bytes of `{` streamed in chunks. */
  body?: Buffer | { size: number };
  /** Chunked transfer encoding (no Content-Length), as a streaming client would send. */
  chunked?: boolean;
  /** The Content-Length to announce, when not the body's size (a client that lies, or sends it later). */
  contentLength?: number;
}

export function rawRequest(request: RawRequest): Promise<RawResponse> {
  return startRaw(request).done;
}

/** The request in flight, with its socket (tests hold uploads open or close them). */
export function startRaw({ url, target, headers, body, chunked, contentLength }: RawRequest): { socket: Socket; done: Promise<RawResponse>; answered: Promise<void> } {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  let text = "";
  let sent = 0;
  let answered = false;
  let closed = false;
  let markAnswered!: () => void;
  const answeredPromise = new Promise<void>((resolve) => (markAnswered = resolve));
  let wake: (() => void) | undefined;
  socket.on("data", (chunk: Buffer) => {
    text += chunk.toString("latin1");
    answered = true;
    markAnswered();
    wake?.();
  });
  socket.on("error", () => undefined); // a reset after the answer is expected
  const done = new Promise<RawResponse>((resolve) => {
    socket.once("close", () => {
      closed = true;
      wake?.();
      const status = /^HTTP\/1\.1 (\d{3})/.exec(text)?.[1];
      resolve({ status: status === undefined ? undefined : Number(status), text, sent });
    });
  });
  const size = body === undefined ? 0 : Buffer.isBuffer(body) ? body.length : body.size;
  const head = [`POST ${target} HTTP/1.1`, `host: ${hostname}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  head.push(chunked ? "transfer-encoding: chunked" : `content-length: ${contentLength ?? size}`);
  const write = async () => {
    await new Promise<void>((resolve) => socket.once("connect", resolve));
    socket.write(head.join("\r\n") + "\r\n\r\n");
    const filler = Buffer.alloc(1 << 20, "{");
    while (sent < size && !answered && !closed) {
      const n = Math.min(filler.length, size - sent);
      const part = Buffer.isBuffer(body) ? body.subarray(sent, sent + n) : filler.subarray(0, n);
      const ok = socket.write(chunked ? Buffer.concat([Buffer.from(`${n.toString(16)}\r\n`), part, Buffer.from("\r\n")]) : part);
      sent += n;
      if (!ok) await new Promise<void>((resolve) => ((wake = resolve), socket.once("drain", resolve)));
    }
    if (chunked && sent >= size && !answered && !closed) socket.write("0\r\n\r\n");
  };
  void write();
  return { socket, done, answered: answeredPromise };
}

/** A process's peak resident set (VmHWM) and current one (VmRSS), in bytes (Linux). */
export function memoryOf(pid: number): { peak: number; rss: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN) * 1024;
  return { peak: kb("VmHWM"), rss: kb("VmRSS") };
}
