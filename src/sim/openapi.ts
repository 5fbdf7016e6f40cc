/**
 * Checks a REST request against GitHub's official OpenAPI description
 * (@octokit/openapi, api.github.com.json).
 *
 * The 13 MB spec is trimmed once to the request side (operation, parameters,
 * JSON request-body schema and the component schemas those reference) and the
 * trimmed copy is cached in os.tmpdir() keyed by package version and file size,
 * so each jest worker / test file pays only for parsing the small copy.
 */
import { createRequire } from "node:module";
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import AjvModule from "ajv";
import type { ValidateFunction, ErrorObject } from "ajv";
import addFormatsModule from "ajv-formats";

// ajv and ajv-formats are CommonJS with `exports.default`; under NodeNext the
// default import is the module object, so take `.default` when present.
const Ajv = ((AjvModule as any).default ?? AjvModule) as typeof AjvModule.default;
const addFormats = ((addFormatsModule as any).default ?? addFormatsModule) as typeof addFormatsModule.default;

/** Bump when the trimmed format changes so stale caches are ignored. */
const TRIM_FORMAT = 2;
/** Path params whose values may contain `/` when they end the template. */
const GREEDY_PARAMS = new Set(["path", "ref", "basehead"]);
const SCHEMA_ID = "gh";

type JsonSchema = Record<string, unknown>;

interface TrimmedParam {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  schema?: JsonSchema;
}

interface TrimmedOperation {
  method: string;
  template: string;
  operationId: string;
  params: TrimmedParam[];
  /** JSON request body schema, refs rewritten to `gh#/components/schemas/...`. */
  body?: JsonSchema;
  bodyRequired?: boolean;
  /** The operation takes a body, but not JSON (e.g. octet-stream uploads). */
  nonJsonBody?: boolean;
}

interface TrimmedSpec {
  format: number;
  version: string;
  operations: TrimmedOperation[];
  schemas: Record<string, JsonSchema>;
}

export interface CheckRequest {
  method: string;
  /** URL path without host; may include a query string and a `/api/v3` prefix. */
  path: string;
  query?: Record<string, string | string[] | number | boolean | undefined>;
  body?: unknown;
  headers?: Record<string, string | string[] | undefined>;
}

export type CheckResult =
  | { ok: true; operationId: string; template: string; params: Record<string, string> }
  | { ok: false; error: string; operationId?: string; template?: string; params?: Record<string, string> };

export interface RouteMatch {
  operationId: string;
  template: string;
  /** Decoded path parameters. */
  params: Record<string, string>;
}

export interface OpenApiChecker {
  /** Route lookup only (no validation). `null` when no operation fits. */
  match(method: string, path: string): RouteMatch | null;
  check(req: CheckRequest): CheckResult;
  /** Number of operations in the description. */
  readonly size: number;
  /** Milliseconds the load took (trimmed cache hit or full parse). */
  readonly loadMs: number;
  readonly fromCache: boolean;
}

// ---------------------------------------------------------------- trimming

const require = createRequire(import.meta.url);

function specPath(): string {
  return require.resolve("@octokit/openapi/generated/api.github.com.json");
}

function specVersion(): string {
  try {
    return (require("@octokit/openapi/package.json") as { version: string }).version;
  } catch {
    return "unknown";
  }
}

const METHODS = ["get", "put", "post", "patch", "delete", "head", "options"];

function resolveRef<T>(spec: any, obj: any): T {
  let cur = obj;
  while (cur && typeof cur.$ref === "string") {
    const parts = cur.$ref.replace(/^#\//, "").split("/");
    cur = parts.reduce((o: any, k: string) => o?.[k], spec);
  }
  return cur as T;
}

/** Copies a schema, rewriting component refs and collecting their names. */
function rewriteSchema(node: unknown, refs: Set<string>): unknown {
  if (Array.isArray(node)) return node.map((n) => rewriteSchema(n, refs));
  if (!node || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    // Descriptions and examples are the bulk of the spec and irrelevant to validation.
    if (k === "description" || k === "example" || k === "examples" || k === "title") continue;
    if (k === "$ref" && typeof v === "string") {
      const m = /^#\/components\/schemas\/(.+)$/.exec(v);
      if (m) refs.add(m[1]);
      out[k] = v.startsWith("#") ? `${SCHEMA_ID}${v}` : v;
      continue;
    }
    out[k] = rewriteSchema(v, refs);
  }
  // OpenAPI 3.0 `nullable` without `type` (next to anyOf/allOf) is rejected by ajv.
  if (out.nullable === true && out.type === undefined) {
    delete out.nullable;
    return { anyOf: [out, { type: "null" }] };
  }
  return out;
}

function trimSpec(spec: any, version: string): TrimmedSpec {
  const operations: TrimmedOperation[] = [];
  const refs = new Set<string>();
  for (const [template, item] of Object.entries<any>(spec.paths)) {
    const shared: any[] = item.parameters ?? [];
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const params: TrimmedParam[] = [...shared, ...(op.parameters ?? [])].map((p) => {
        const r = resolveRef<any>(spec, p);
        return {
          name: r.name,
          in: r.in,
          required: r.required,
          schema: r.schema ? (rewriteSchema(r.schema, refs) as JsonSchema) : undefined,
        };
      });
      const trimmed: TrimmedOperation = { method: method.toUpperCase(), template, operationId: op.operationId, params };
      const rb = op.requestBody ? resolveRef<any>(spec, op.requestBody) : undefined;
      if (rb) {
        const json = rb.content?.["application/json"];
        if (json?.schema) trimmed.body = rewriteSchema(json.schema, refs) as JsonSchema;
        else trimmed.nonJsonBody = true;
        trimmed.bodyRequired = rb.required === true;
      }
      operations.push(trimmed);
    }
  }
  // Transitive closure of the component schemas the request side references.
  const schemas: Record<string, JsonSchema> = {};
  const queue = [...refs];
  while (queue.length) {
    const name = queue.pop()!;
    if (schemas[name]) continue;
    const more = new Set<string>();
    schemas[name] = rewriteSchema(spec.components.schemas[name], more) as JsonSchema;
    for (const m of more) if (!schemas[m]) queue.push(m);
  }
  return { format: TRIM_FORMAT, version, operations, schemas };
}

function loadTrimmed(): { spec: TrimmedSpec; fromCache: boolean } {
  const file = specPath();
  const version = specVersion();
  const size = statSync(file).size;
  const cacheFile = join(tmpdir(), `tierkeeper-openapi-${version}-${size}-f${TRIM_FORMAT}.json`);
  if (existsSync(cacheFile)) {
    try {
      const spec = JSON.parse(readFileSync(cacheFile, "utf8")) as TrimmedSpec;
      if (spec.format === TRIM_FORMAT && spec.version === version) return { spec, fromCache: true };
    } catch {
      // Corrupt cache (e.g. concurrent writer died): rebuild below.
    }
  }
  const spec = trimSpec(JSON.parse(readFileSync(file, "utf8")), version);
  try {
    // Write-then-rename so parallel jest workers never read a half-written file.
    const tmp = `${cacheFile}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(tmp, JSON.stringify(spec));
    renameSync(tmp, cacheFile);
  } catch {
    // A read-only tmpdir only costs speed.
  }
  return { spec, fromCache: false };
}

// ---------------------------------------------------------------- routing

interface TrieNode {
  literal: Map<string, TrieNode>;
  param?: { name: string; node: TrieNode };
  ops: Map<string, TrimmedOperation>;
  /** Operations whose last segment is a greedy param, keyed by method. */
  greedy?: { name: string; ops: Map<string, TrimmedOperation> };
}

const newNode = (): TrieNode => ({ literal: new Map(), ops: new Map() });

function buildTrie(ops: TrimmedOperation[]): TrieNode {
  const root = newNode();
  for (const op of ops) {
    const segs = op.template.split("/").slice(1);
    let node = root;
    segs.forEach((seg, i) => {
      const pm = /^\{(\w+)\}$/.exec(seg);
      if (pm && i === segs.length - 1 && GREEDY_PARAMS.has(pm[1])) {
        node.greedy ??= { name: pm[1], ops: new Map() };
        node.greedy.ops.set(op.method, op);
      }
      if (pm) {
        node.param ??= { name: pm[1], node: newNode() };
        node = node.param.node;
      } else {
        let next = node.literal.get(seg);
        if (!next) node.literal.set(seg, (next = newNode()));
        node = next;
      }
    });
    node.ops.set(op.method, op);
  }
  return root;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The params of a matched path, named as `template` names them. */
function renamedFor(template: string, segs: string[], params: Record<string, string>): Record<string, string> {
  const names = template.split("/").slice(1);
  if (names.length !== segs.length) return params;
  const out: Record<string, string> = {};
  names.forEach((name, i) => {
    const m = /^\{(.+)\}$/.exec(name);
    if (m) out[m[1]] = safeDecode(segs[i]);
  });
  return Object.keys(out).length === Object.keys(params).length ? out : params;
}

/** Literal segments win over params (`issues/comments` vs `issues/{issue_number}`). */
function walk(
  node: TrieNode,
  segs: string[],
  i: number,
  method: string,
  params: Record<string, string>,
): { op: TrimmedOperation; params: Record<string, string> } | { pathOnly: true } | null {
  if (i === segs.length) {
    const op = node.ops.get(method);
    // Operations sharing a param position may name it differently (`{commit_sha}` vs `{ref}`): name them as this one does.
    if (op) return { op, params: renamedFor(op.template, segs, params) };
    return node.ops.size ? { pathOnly: true } : null;
  }
  let pathOnly = false;
  const lit = node.literal.get(segs[i]);
  if (lit) {
    const r = walk(lit, segs, i + 1, method, params);
    if (r && "op" in r) return r;
    if (r) pathOnly = true;
  }
  if (node.param && segs[i] !== "") {
    const r = walk(node.param.node, segs, i + 1, method, { ...params, [node.param.name]: safeDecode(segs[i]) });
    if (r && "op" in r) return r;
    if (r) pathOnly = true;
  }
  if (node.greedy && i < segs.length - 1) {
    const op = node.greedy.ops.get(method);
    if (op) return { op, params: { ...params, [node.greedy.name]: segs.slice(i).map(safeDecode).join("/") } };
    pathOnly = true;
  }
  return pathOnly ? { pathOnly: true } : null;
}

/** Splits `/api/v3/repos/o/r?x=1` into the API path and its query. */
export function splitApiPath(raw: string): { path: string; query: URLSearchParams } {
  const q = raw.indexOf("?");
  let path = q < 0 ? raw : raw.slice(0, q);
  const query = new URLSearchParams(q < 0 ? "" : raw.slice(q + 1));
  if (path.startsWith("/api/v3")) path = path.slice(7) || "/";
  if (path.length > 1 && path.endsWith("/")) path = path.slice(0, -1);
  return { path, query };
}

// ---------------------------------------------------------------- validation

function formatErrors(where: string, errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .map((e) => {
      const at = `${where}${e.instancePath || ""}`;
      const extra =
        e.keyword === "additionalProperties"
          ? ` (${(e.params as { additionalProperty: string }).additionalProperty})`
          : e.keyword === "enum"
            ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.join(", ")})`
            : "";
      return `${at} ${e.message}${extra}`;
    })
    .join("; ");
}

class Checker implements OpenApiChecker {
  private readonly root: TrieNode;
  private readonly bodyAjv: InstanceType<typeof Ajv>;
  private readonly paramAjv: InstanceType<typeof Ajv>;
  private readonly bodyValidators = new Map<TrimmedOperation, ValidateFunction | null>();
  private readonly paramValidators = new Map<TrimmedOperation, ValidateFunction>();
  readonly size: number;

  constructor(
    spec: TrimmedSpec,
    readonly loadMs: number,
    readonly fromCache: boolean,
  ) {
    this.root = buildTrie(spec.operations);
    this.size = spec.operations.length;
    const opts = { strict: false, allErrors: true, validateSchema: false, logger: false } as const;
    this.bodyAjv = new Ajv(opts);
    addFormats(this.bodyAjv);
    this.bodyAjv.addSchema({ $id: SCHEMA_ID, components: { schemas: spec.schemas } });
    // Path and query values arrive as strings: let ajv coerce "5" to 5 and reject "abc".
    this.paramAjv = new Ajv({ ...opts, coerceTypes: "array" });
    addFormats(this.paramAjv);
    this.paramAjv.addSchema({ $id: SCHEMA_ID, components: { schemas: spec.schemas } });
  }

  private lookup(method: string, path: string) {
    return walk(this.root, path.split("/").slice(1), 0, method.toUpperCase(), {});
  }

  match(method: string, rawPath: string): RouteMatch | null {
    const r = this.lookup(method, splitApiPath(rawPath).path);
    return r && "op" in r ? { operationId: r.op.operationId, template: r.op.template, params: r.params } : null;
  }

  check(req: CheckRequest): CheckResult {
    const method = req.method.toUpperCase();
    const { path, query: urlQuery } = splitApiPath(req.path);
    const r = this.lookup(method, path);
    if (!r || !("op" in r)) {
      return { ok: false, error: `no such operation: ${method} ${path}${r ? " (path exists, method does not)" : ""}` };
    }
    const { op, params } = r;
    const base = { operationId: op.operationId, template: op.template, params };

    const values: Record<string, unknown> = { ...params };
    const query: Record<string, unknown> = {};
    for (const [k, v] of urlQuery) query[k] = v;
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) query[k] = Array.isArray(v) ? v : String(v);
    for (const p of op.params) if (p.in === "query" && p.name in query) values[p.name] = query[p.name];
    const pv = this.paramValidator(op);
    if (!pv(values)) return { ok: false, error: `${op.operationId}: ${formatErrors("params", pv.errors)}`, ...base };

    if (op.body || op.nonJsonBody) {
      const empty = req.body === undefined || req.body === null || req.body === "";
      if (empty) {
        if (op.bodyRequired) return { ok: false, error: `${op.operationId}: request body is required`, ...base };
      } else if (op.body) {
        let body = req.body;
        if (typeof body === "string" || Buffer.isBuffer(body)) {
          try {
            body = JSON.parse(body.toString());
          } catch {
            return { ok: false, error: `${op.operationId}: request body is not JSON`, ...base };
          }
        }
        const bv = this.bodyValidator(op);
        if (bv && !bv(body)) return { ok: false, error: `${op.operationId}: ${formatErrors("body", bv.errors)}`, ...base };
      }
    }
    return { ok: true, ...base };
  }

  private paramValidator(op: TrimmedOperation): ValidateFunction {
    let v = this.paramValidators.get(op);
    if (!v) {
      const properties: Record<string, JsonSchema> = {};
      const required: string[] = [];
      for (const p of op.params) {
        if (p.in !== "path" && p.in !== "query") continue;
        properties[p.name] = p.schema ?? {};
        if (p.in === "path" || p.required) required.push(p.name);
      }
      v = this.paramAjv.compile({ type: "object", properties, required });
      this.paramValidators.set(op, v);
    }
    return v;
  }

  private bodyValidator(op: TrimmedOperation): ValidateFunction | null {
    if (!this.bodyValidators.has(op)) {
      let v: ValidateFunction | null = null;
      try {
        v = this.bodyAjv.compile(op.body!);
      } catch {
        // A schema ajv cannot compile should not block requests; treat as unchecked.
        v = null;
      }
      this.bodyValidators.set(op, v);
    }
    return this.bodyValidators.get(op)!;
  }
}

let cached: Promise<OpenApiChecker> | undefined;

/** The checker, loaded once per module registry (i.e. once per jest test file). */
export function loadOpenApi(): Promise<OpenApiChecker> {
  cached ??= Promise.resolve().then(() => {
    const t0 = performance.now();
    const { spec, fromCache } = loadTrimmed();
    const c = new Checker(spec, 0, fromCache);
    (c as { loadMs: number }).loadMs = Math.round(performance.now() - t0);
    return c;
  });
  return cached;
}
