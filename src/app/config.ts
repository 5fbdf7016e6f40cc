import { z } from "zod";
import { DEFAULT_DELIVERY_RETENTION_MS, MIN_DELIVERY_RETENTION_MS } from "./retention.js";
import { parseDatabaseUrl } from "../store/database-url.js";
import { MAX_BODY, WEBHOOK_PATH } from "../web/webhook-server.js";

/**
 * Every setting the server and the CLI read from the environment, in one zod schema: type,
 * bounds, default and a line of description each. The environment is parsed once at start;
 * a bad value is an error that names the variable, says what is wrong and what is accepted
 * (a secret's value is never shown), instead of being ignored as `Number(x) || undefined` did.
 * README.md's configuration table is generated from this list (`tierkeeper config --markdown`).
 * Unknown variables are ignored: the environment holds much else.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const MIB = 1024 * 1024;

interface Setting<T> {
  /** Parses the trimmed, non-empty text; unset or empty gives the default. */
  schema: z.ZodType<T, string | undefined>;
  /** What is accepted, for errors and the README. */
  accepts: string;
  /** The default as the README shows it; none: unset by default. */
  shownDefault?: string;
  description: string;
  /** Its value is never shown in an error. */
  secret?: boolean;
}

type Check<T> = (text: string, fail: (problem: string) => never) => T;

class Problem extends Error {}
const fail = (problem: string): never => {
  throw new Problem(problem);
};

/** A setting from a check of its text; `fallback` is the value when unset (undefined: none). */
function setting<T, D extends T | undefined>(check: Check<T>, fallback: D, doc: Omit<Setting<T>, "schema">): Setting<T | D> {
  const schema = z
    .string()
    .optional()
    .transform((raw, ctx): T | D => {
      const text = raw?.trim() ?? "";
      if (text === "") return fallback;
      try {
        return check(text, fail);
      } catch (error) {
        if (!(error instanceof Problem)) throw error;
        ctx.issues.push({ code: "custom", message: error.message, input: raw });
        return z.NEVER;
      }
    });
  return { schema, ...doc };
}

function wholeNumber(min: number, max: number): Check<number> {
  return (text, fail) => {
    if (!/^[+-]?\d+$/.test(text)) fail("is not a whole number");
    const n = Number(text);
    if (n < min) fail(`is below the minimum, ${min}`);
    if (n > max) fail(`is above the maximum, ${max}`);
    return n;
  };
}

/** A whole number of milliseconds; at most a day (Node's timers cap at 24.8 days anyway). */
function milliseconds(min: number, max: number, fallback: number, description: string): Setting<number> {
  return setting(wholeNumber(min, max), fallback, { accepts: `milliseconds, ${min} to ${max} (${duration(max)})`, shownDefault: `${fallback} (${duration(fallback)})`, description });
}

function count(min: number, max: number, fallback: number, description: string): Setting<number> {
  return setting(wholeNumber(min, max), fallback, { accepts: `whole number, ${min} to ${max}`, shownDefault: String(fallback), description });
}

function oneOf<const V extends string>(values: readonly V[], fallback: V, description: string): Setting<V> {
  const check: Check<V> = (text, fail) => (values.includes(text as V) ? (text as V) : fail(`is not one of ${values.join(", ")}`));
  return setting(check, fallback, { accepts: values.map((v) => `\`${v}\``).join(", "), shownDefault: `\`${fallback}\``, description });
}

function text(description: string, doc: { secret?: boolean; accepts?: string; shownDefault?: string } = {}): Setting<string | undefined> {
  return setting((t) => t, undefined, { ...doc, accepts: doc.accepts ?? "text", description });
}

function urlCheck(protocols: readonly string[]): Check<string> {
  return (text, fail) => {
    let parsed: URL;
    try {
      parsed = new URL(text);
    } catch {
      return fail("is not a URL");
    }
    if (!protocols.includes(parsed.protocol)) fail(`is not a ${protocols.join(" or ")} URL`);
    return text;
  };
}

const urlAccepts = (protocols: readonly string[]) => protocols.map((p) => `\`${p}//\``).join(" or ") + " URL";

function url(protocols: readonly string[], doc: { description: string; secret?: boolean }): Setting<string | undefined> {
  return setting(urlCheck(protocols), undefined, { accepts: urlAccepts(protocols), ...doc });
}

/** `36h`, `7d`, `2w` (or `36 hours`, `7 days`, `2 weeks`): fixed lengths, so no months. */
const RETENTION_UNITS: Record<string, number> = { h: HOUR, hour: HOUR, hours: HOUR, d: DAY, day: DAY, days: DAY, w: 7 * DAY, week: 7 * DAY, weeks: 7 * DAY };

function retention(min: number, max: number): Check<number> {
  return (text, fail) => {
    const match = /^(\d+) ?([a-z]+)$/.exec(text);
    const unit = match && RETENTION_UNITS[match[2]];
    if (!match || !unit) return fail("is not a duration such as 72h, 7d or 2w");
    const ms = Number(match[1]) * unit;
    if (ms < min) fail(`is shorter than the minimum, ${duration(min)}`);
    if (ms > max) fail(`is longer than the maximum, ${duration(max)}`);
    return ms;
  };
}

/** 600000 → "10 min", for the README. */
function duration(ms: number): string {
  const units: [number, string][] = [
    [DAY, "day"],
    [HOUR, "h"],
    [MINUTE, "min"],
    [1000, "s"],
  ];
  for (const [size, name] of units) {
    if (ms >= size && ms % size === 0) return name === "day" ? `${ms / size} day${ms === size ? "" : "s"}` : `${ms / size} ${name}`;
  }
  return `${ms} ms`;
}

const databaseUrl: Check<string> = (text, fail) => {
  try {
    parseDatabaseUrl(text);
  } catch (error) {
    // parseDatabaseUrl's own message echoes the URL: only its gist here.
    fail(/names no file/.test((error as Error).message) ? "names no file" : "is not a database tierkeeper can open (unsupported scheme or malformed file: URL)");
  }
  return text;
};

const host: Check<string> = (text, fail) => {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) fail("holds a protocol: give the host alone and the protocol in GHE_PROTOCOL");
  if (!/^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(text)) fail("is not a host name (with an optional :port)");
  return text;
};

/** The settings, by variable name, in the README's order. */
export const SETTINGS = {
  // Where the server listens and what it stores.
  DATABASE_URL: setting(databaseUrl, undefined, {
    secret: true,
    accepts: "`postgres://` or `postgresql://` URL; `sqlite:` or `file:` URL or a file path",
    shownDefault: "SQLite file `./data/tierkeeper.db`",
    description: "the database: SQLite (one server; the file created 0600 in a directory created 0700) or PostgreSQL (several replicas; a password may hold `@` and `/` unencoded)",
  }),
  PORT: setting(wholeNumber(0, 65535), 3000, { accepts: "whole number, 0 to 65535", shownDefault: "3000", description: "the port the server listens on (0: any free port)" }),
  HOST: setting((t) => t, "localhost", { accepts: "host name or address", shownDefault: "`localhost`", description: "the address the server listens on; `0.0.0.0` in a container" }),
  // The GitHub App (Probot's standard names; Probot reads them too).
  APP_ID: setting(wholeNumber(1, Number.MAX_SAFE_INTEGER), undefined, {
    accepts: "whole number",
    description: "the GitHub App's id; without it or a private key the server starts Probot's registration flow (app.yml)",
  }),
  PRIVATE_KEY: text("the App's private key (PEM; `\\n` escapes allowed)", { secret: true, accepts: "PEM text" }),
  PRIVATE_KEY_PATH: text("a file holding the App's private key, instead of PRIVATE_KEY", { accepts: "file path" }),
  WEBHOOK_SECRET: text("the webhook secret; required to serve webhooks (deliveries are verified with it)", { secret: true }),
  WEBHOOK_PATH: setting((t, fail) => (t === WEBHOOK_PATH ? t : fail(`is not ${WEBHOOK_PATH}`)), undefined, {
    accepts: `\`${WEBHOOK_PATH}\``,
    shownDefault: `\`${WEBHOOK_PATH}\``,
    description: "where webhooks arrive; fixed: the variable (Probot's) is accepted with this value only",
  }),
  GITHUB_CLIENT_SECRET: text("the App's client secret, written by Probot's registration flow; unused, but redacted from every output", { secret: true }),
  GHE_HOST: setting(host, undefined, { accepts: "host name, optional `:port`", shownDefault: "github.com", description: "GitHub Enterprise Server's host (no protocol)" }),
  GHE_PROTOCOL: oneOf(["https", "http"], "https", "the protocol of GHE_HOST"),
  GITHUB_THROTTLE: oneOf(["on", "off"], "on", "`off` only against a GitHub without rate limits (the simulator): stop spacing writes; `on`: Probot's throttling spaces writes as GitHub asks"),
  REDIS_URL: url(["redis:", "rediss:"], { secret: true, description: "Probot's: a Redis server that replicas share for GitHub's rate-limit throttling" }),
  // Logs.
  LOG_LEVEL: oneOf(["trace", "debug", "info", "warn", "error", "fatal", "silent"], "info", "the server's log level (`tierkeeper sweep` logs at `warn`)"),
  LOG_FORMAT: oneOf(["pretty", "json"], "pretty", "log lines as text or as JSON objects"),
  LOG_LEVEL_IN_STRING: oneOf(["false", "true"], "false", "JSON logs: the level as a name (`info`) instead of a number (30)"),
  LOG_MESSAGE_KEY: setting((t) => t, "msg", { accepts: "text", shownDefault: "`msg`", description: "JSON logs: the key of the message" }),
  SENTRY_DSN: url(["https:", "http:"], { secret: true, description: "errors logged are also sent to this Sentry project" }),
  // The worker, the sweep and the redelivery.
  WORKER_POLL_MS: milliseconds(10, HOUR, 1000, "how often the delivery worker looks for stored deliveries when none arrive"),
  SWEEP_INTERVAL_MS: milliseconds(100, DAY, 10 * MINUTE, "how often the server sweeps due timelines"),
  SWEEP_LIMIT: count(1, 100_000, 50, "the most timeline steps one sweep takes; the rest wait for the next"),
  REDELIVERY_INTERVAL_MS: milliseconds(100, DAY, 10 * MINUTE, "how often the server lists the App's recent webhook deliveries and asks GitHub to redeliver those that never arrived"),
  EXECUTOR_RETRY_MS: milliseconds(100, DAY, MINUTE, "how long a GitHub action that failed waits before it is tried again"),
  DELIVERY_BUDGET_MS: milliseconds(100, HOUR, 30_000, "how long one delivery's handlers may take before they are abandoned and the delivery retried later"),
  DELIVERY_MAX_CLAIMS: count(1, 100, 5, "claims of a delivery before it is given up as dead"),
  // At least GitHub's redelivery window (3 days): a delivery redelivered later than its retention would be processed again.
  DELIVERY_RETENTION: setting(retention(MIN_DELIVERY_RETENTION_MS, 3650 * DAY), DEFAULT_DELIVERY_RETENTION_MS, {
    accepts: "duration in hours, days or weeks (`72h`, `7d`, `2w`), 3 days to 3650 days",
    shownDefault: "`7d`",
    description: "how long finished deliveries are kept before they are pruned",
  }),
  // The webhook intake.
  WEBHOOK_MAX_IN_FLIGHT: count(1, 10_000, 32, "webhook bodies read at once; past it a new one gets 503 unread"),
  WEBHOOK_MAX_BUFFERED_BYTES: setting(wholeNumber(MAX_BODY, 16 * 1024 * MIB), 64 * MIB, {
    accepts: `bytes, ${MAX_BODY} (25 MiB: one payload at GitHub's cap) to ${16 * 1024 * MIB} (16 GiB)`,
    shownDefault: `${64 * MIB} (64 MiB)`,
    description: "bytes of webhook bodies held at once (being read or stored); past it, 503",
  }),
  WEBHOOK_BODY_TIMEOUT_MS: milliseconds(100, 10 * MINUTE, 10_000, "a webhook body must arrive whole within this, or 408"),
  // The status pages and the CLI.
  STATUS_PAGE_TOKEN: text("the one access token of the status pages of private repositories; unset: they are not served", { secret: true }),
  GITHUB_TOKEN: text("`tierkeeper audit`: the token it reads GitHub with", { secret: true }),
  GITHUB_API_URL: setting(urlCheck(["https:", "http:"]), "https://api.github.com", {
    accepts: urlAccepts(["https:", "http:"]),
    shownDefault: "`https://api.github.com`",
    description: "`tierkeeper audit`: GitHub's REST API",
  }),
} satisfies Record<string, Setting<unknown>>;

type Settings = typeof SETTINGS;
export type SettingName = keyof Settings;
type Values = { [K in SettingName]: Settings[K] extends Setting<infer T> ? T : never };

const valuesSchema = z.object(Object.fromEntries(Object.entries(SETTINGS).map(([name, s]) => [name, s.schema])) as { [K in SettingName]: Settings[K]["schema"] });

/** The schema of the whole environment: the settings parsed, then named as the code uses them. */
export const configSchema = valuesSchema.transform((v: Values) => ({
  databaseUrl: v.DATABASE_URL,
  port: v.PORT,
  host: v.HOST,
  appId: v.APP_ID,
  privateKey: v.PRIVATE_KEY,
  privateKeyPath: v.PRIVATE_KEY_PATH,
  /** Credentials to act as the App; without them the server runs Probot's registration flow. */
  hasAppCredentials: v.APP_ID !== undefined && (v.PRIVATE_KEY !== undefined || v.PRIVATE_KEY_PATH !== undefined),
  webhookSecret: v.WEBHOOK_SECRET,
  githubClientSecret: v.GITHUB_CLIENT_SECRET,
  gheHost: v.GHE_HOST,
  gheProtocol: v.GHE_PROTOCOL,
  /** GitHub's web address, for links: GitHub Enterprise Server's when GHE_HOST is set. */
  githubWebUrl: v.GHE_HOST ? `${v.GHE_PROTOCOL}://${v.GHE_HOST}` : "https://github.com",
  githubThrottle: v.GITHUB_THROTTLE === "on",
  redisUrl: v.REDIS_URL,
  logLevel: v.LOG_LEVEL,
  logFormat: v.LOG_FORMAT,
  logLevelInString: v.LOG_LEVEL_IN_STRING === "true",
  logMessageKey: v.LOG_MESSAGE_KEY,
  sentryDsn: v.SENTRY_DSN,
  workerPollMs: v.WORKER_POLL_MS,
  sweepIntervalMs: v.SWEEP_INTERVAL_MS,
  sweepLimit: v.SWEEP_LIMIT,
  redeliveryIntervalMs: v.REDELIVERY_INTERVAL_MS,
  executorRetryMs: v.EXECUTOR_RETRY_MS,
  deliveryBudgetMs: v.DELIVERY_BUDGET_MS,
  deliveryMaxClaims: v.DELIVERY_MAX_CLAIMS,
  deliveryRetentionMs: v.DELIVERY_RETENTION,
  intake: { maxInFlight: v.WEBHOOK_MAX_IN_FLIGHT, maxBufferedBytes: v.WEBHOOK_MAX_BUFFERED_BYTES, bodyTimeoutMs: v.WEBHOOK_BODY_TIMEOUT_MS },
  statusPageToken: v.STATUS_PAGE_TOKEN,
  githubToken: v.GITHUB_TOKEN,
  githubApiUrl: v.GITHUB_API_URL,
}));

export type Config = z.output<typeof configSchema> & {
  /** The environment as given, for Probot, which reads its own variables (APP_ID, PRIVATE_KEY, GHE_HOST, LOG_*...) from it; they are checked above. */
  probotEnv: NodeJS.ProcessEnv;
};

/** A configuration that does not parse: one line per bad setting. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Parses the environment; throws a ConfigError naming every bad setting. */
export function parseConfig(env: NodeJS.ProcessEnv): Config {
  const result = configSchema.safeParse(env);
  if (result.success) return { ...result.data, probotEnv: env };
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const name = String(issue.path[0]) as SettingName;
      const s: Setting<unknown> | undefined = SETTINGS[name];
      if (!s) return `${name}: ${issue.message}`;
      const raw = env[name] ?? "";
      const value = s.secret ? `${name} (value not shown)` : `${name}=${JSON.stringify(raw.length > 80 ? `${raw.slice(0, 77)}...` : raw)}`;
      return `${value} ${issue.message}; accepted: ${s.accepts}`;
    }),
  );
}

/** The README's configuration table, generated from SETTINGS. */
export function configMarkdown(): string {
  const cell = (text: string) => text.replace(/\|/g, "\\|");
  const rows = Object.entries(SETTINGS).map(([name, s]: [string, Setting<unknown>]) => `| \`${name}\` | ${cell(s.description)} | ${cell(s.shownDefault ?? "unset")} | ${cell(s.accepts)} |`);
  return ["| variable | meaning | default | accepted |", "|---|---|---|---|", ...rows].join("\n") + "\n";
}
