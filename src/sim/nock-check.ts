/**
 * Makes nock-based unit tests honest: every request a nock interceptor answers
 * is checked against GitHub's OpenAPI description, and so is every request no
 * interceptor matched (nock's global "no match" event).
 *
 * nock (v14) emits "request" only on the Scope that answered, and does not
 * export Scope; we patch `Scope.prototype.emit` (reached through a throwaway
 * scope) so one hook sees every scope, including ones created later.
 *
 * Usage (in a test file):
 *
 *   import nock from "nock";
 *   import { useOpenApiNockCheck } from "../../src/sim/nock-check.js";
 *
 *   const openapi = useOpenApiNockCheck(nock); // registers beforeAll/afterEach/afterAll
 *
 *   test("comments", async () => {
 *     nock("https://api.github.com").post("/repos/o/r/issues/1/comments").reply(201, {});
 *     await octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {...});
 *   }); // afterEach throws if the request did not fit the spec
 *
 * Or by hand: `const rec = await openApiNockRecorder(nock); ...; rec.assertValid(); rec.stop();`
 */
import { loadOpenApi, type OpenApiChecker } from "./openapi.js";

export interface NockViolation {
  method: string;
  path: string;
  error: string;
}

export interface OpenApiNockRecorder {
  readonly violations: NockViolation[];
  /** Number of requests checked so far. */
  readonly checked: number;
  /** Throws (failing the test) if any checked request did not fit the spec; then clears. */
  assertValid(): void;
  reset(): void;
  /** Removes the hooks. */
  stop(): void;
}

/** The subset of the nock module we use (so callers pass their own nock instance). */
interface NockLike {
  (basePath: string): object;
  emitter: { on(ev: string, fn: (...a: any[]) => void): unknown; removeListener(ev: string, fn: (...a: any[]) => void): unknown };
}

function parseBody(body: unknown): unknown {
  if (typeof body !== "string" || body === "") return body === "" ? undefined : body;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

function pathOf(req: any): string {
  if (typeof req.path === "string") return req.path;
  if (req.url) return new URL(String(req.url), "http://x").pathname + (new URL(String(req.url), "http://x").search ?? "");
  return "/";
}

export async function openApiNockRecorder(nock: NockLike): Promise<OpenApiNockRecorder> {
  const checker: OpenApiChecker = await loadOpenApi();
  const violations: NockViolation[] = [];
  let checked = 0;

  const check = (method: string, path: string, body: unknown) => {
    checked++;
    const r = checker.check({ method, path, body: parseBody(body) });
    if (!r.ok) violations.push({ method, path, error: r.error });
  };

  const proto = Object.getPrototypeOf(nock("http://openapi-nock-check.invalid")) as { emit: (...a: any[]) => boolean };
  const originalEmit = proto.emit;
  proto.emit = function (this: unknown, event: string, ...args: any[]) {
    if (event === "request") {
      const [req, , body] = args;
      check(String(req.method ?? "GET"), pathOf(req), body);
    }
    return originalEmit.call(this, event, ...args);
  };
  // Unmatched requests: nock passes (req, options, body) or just options.
  const onNoMatch = (req: any, options?: any, body?: unknown) => {
    const o = options ?? req;
    check(String(o.method ?? req.method ?? "GET"), String(o.path ?? pathOf(req)), body);
  };
  nock.emitter.on("no match", onNoMatch);

  return {
    violations,
    get checked() {
      return checked;
    },
    assertValid() {
      if (violations.length) {
        const msg = violations.map((v) => `${v.method} ${v.path}: ${v.error}`).join("\n");
        violations.length = 0;
        throw new Error(`request(s) do not fit GitHub's OpenAPI description:\n${msg}`);
      }
    },
    reset() {
      violations.length = 0;
    },
    stop() {
      if (proto.emit !== originalEmit) proto.emit = originalEmit;
      nock.emitter.removeListener("no match", onNoMatch);
    },
  };
}

/** Registers jest hooks: start in beforeAll, assert after each test, stop in afterAll. */
export function useOpenApiNockCheck(nock: NockLike): { recorder(): OpenApiNockRecorder } {
  let rec: OpenApiNockRecorder | undefined;
  const g = globalThis as any;
  g.beforeAll(async () => {
    rec = await openApiNockRecorder(nock);
  });
  g.afterEach(() => rec?.assertValid());
  g.afterAll(() => rec?.stop());
  return {
    recorder() {
      if (!rec) throw new Error("useOpenApiNockCheck: recorder not started yet (use it inside tests)");
      return rec;
    },
  };
}
