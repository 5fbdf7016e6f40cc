/**
 * The JSON columns are read here, once, and checked before anything else sees them: a corrupt
 * or foreign row fails where it is read, naming its table, row and column, instead of as an
 * undefined property somewhere in a feature.
 */
export class StoredDataError extends Error {
  constructor(
    readonly table: string,
    readonly row: string,
    readonly column: string,
    problem: string,
  ) {
    super(`${table} ${row}: ${column} ${problem}`);
    this.name = "StoredDataError";
  }
}

/** Says what is wrong with a value, or undefined when it has the expected shape. */
export type Check = (value: unknown) => string | undefined;

/** Parses a JSON column and checks its shape; throws a StoredDataError naming table, row and column. */
export function readJson<T>(table: string, row: string, column: string, text: string, check: Check): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new StoredDataError(table, row, column, `is not valid JSON: ${(error as Error).message}`);
  }
  const problem = check(value);
  if (problem !== undefined) throw new StoredDataError(table, row, column, `is not ${problem}`);
  return value as T;
}

// ---- Small guards: the fields the code relies on, not every optional detail.

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The fields of `v` that are not of their expected `typeof` (or "array"). */
function wrongFields(v: Record<string, unknown>, fields: Record<string, "string" | "number" | "boolean" | "object" | "array" | "string|null">): string[] {
  return Object.entries(fields)
    .filter(([name, type]) => {
      const x = v[name];
      if (type === "array") return !Array.isArray(x);
      if (type === "string|null") return x !== null && typeof x !== "string";
      if (type === "object") return !isObject(x);
      return typeof x !== type;
    })
    .map(([name]) => name);
}

function shaped(what: string, fields: Parameters<typeof wrongFields>[1]): Check {
  return (v) => {
    if (!isObject(v)) return `${what} (not an object)`;
    const wrong = wrongFields(v, fields);
    return wrong.length ? `${what} (wrong or missing: ${wrong.join(", ")})` : undefined;
  };
}

function listOf(what: string, item: Check): Check {
  return (v) => {
    if (!Array.isArray(v)) return `${what} (not an array)`;
    for (const [i, x] of v.entries()) {
      const problem = item(x);
      if (problem !== undefined) return `${what}: item ${i} is not ${problem}`;
    }
    return undefined;
  };
}

export const checkRepoRef: Check = shaped("a repository", { owner: "string", name: "string", id: "number" });

export const checkEpisode: Check = shaped("a Tier 3 episode", {
  component: "string",
  seq: "number",
  phase: "string",
  noticeAt: "string",
  dueAt: "string|null",
  responses: "array",
  blockers: "array",
  log: "array",
});

export const checkTier2Request: Check = shaped("a Tier 2 request", {
  component: "string",
  thread: "number",
  requestee: "string",
  status: "string",
  requestedAt: "string",
  breaches: "array",
  dueAt: "string|null",
});

export const checkAwayPeriods: Check = listOf("away periods", shaped("an away period", { from: "string", until: "string" }));

export const checkRegistry: Check = shaped("a registry", { components: "array", policy: "object" });

export const checkProblems: Check = listOf("registry problems", shaped("a registry problem", { message: "string", line: "number", column: "number" }));

export const checkTouched: Check = (v) => (v === "all" || (Array.isArray(v) && v.every((x) => typeof x === "string")) ? undefined : `"all" or a list of component ids`);

export const checkLines: Check = (v) => (isObject(v) && Object.values(v).every((x) => typeof x === "number") ? undefined : "lines per component (numbers by id)");

/**
 * Defines `record[key]` as read on first use (then kept): a list with one corrupt row still
 * reads, and the row fails where it is used, alone (the sweep backs off that one timeline).
 */
export function readOnUse<R extends object, K extends string, V>(record: R, key: K, read: () => V): R & Record<K, V> {
  let value: V | undefined;
  let known = false;
  Object.defineProperty(record, key, {
    enumerable: true,
    configurable: true,
    get: () => {
      if (!known) {
        value = read();
        known = true;
      }
      return value;
    },
    set: (v: V) => {
      value = v;
      known = true;
    },
  });
  return record as R & Record<K, V>;
}
