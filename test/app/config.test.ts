import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError, configMarkdown, parseConfig, SETTINGS } from "../../src/app/config.js";
import { run } from "../../src/cli/run.js";
import type { Io } from "../../src/cli/io.js";
import { startServer } from "../../src/server.js";

/**
 * The one configuration module (issue 13 §4): every setting parsed once, a bad value a clear
 * error (the variable, the problem, what is accepted; never a secret's value) and exit 1 for the
 * server and the CLI; the defaults those of the code before; README.md's table generated from it.
 * The process tests run the built files: `npm run build` first.
 */

// Probot's types narrow LOG_LEVEL in NodeJS.ProcessEnv: environments with bad values are typed loosely.
const asEnv = (vars: Record<string, string>) => vars as NodeJS.ProcessEnv;

const problemsOf = (env: Record<string, string>): readonly string[] => {
  try {
    parseConfig(asEnv(env));
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("the configuration parsed");
};

describe("a bad value is an error naming the variable, the problem and what is accepted", () => {
  test.each([
    [{ SWEEP_LIMIT: "-1" }, 'SWEEP_LIMIT="-1" is below the minimum, 1; accepted: whole number, 1 to 100000'],
    [{ SWEEP_LIMIT: "0" }, 'SWEEP_LIMIT="0" is below the minimum, 1; accepted: whole number, 1 to 100000'],
    [{ WORKER_POLL_MS: "abc" }, 'WORKER_POLL_MS="abc" is not a whole number; accepted: milliseconds, 10 to 3600000 (1 h)'],
    [{ WORKER_POLL_MS: "1.5" }, 'WORKER_POLL_MS="1.5" is not a whole number; accepted: milliseconds, 10 to 3600000 (1 h)'],
    [{ PORT: "70000" }, 'PORT="70000" is above the maximum, 65535; accepted: whole number, 0 to 65535'],
    [{ DELIVERY_BUDGET_MS: "1e9" }, 'DELIVERY_BUDGET_MS="1e9" is not a whole number; accepted: milliseconds, 100 to 3600000 (1 h)'],
    [{ LOG_LEVEL: "verbose" }, 'LOG_LEVEL="verbose" is not one of trace, debug, info, warn, error, fatal, silent; accepted: `trace`, `debug`, `info`, `warn`, `error`, `fatal`, `silent`'],
    [{ LOG_FORMAT: "xml" }, 'LOG_FORMAT="xml" is not one of pretty, json; accepted: `pretty`, `json`'],
    [{ LOG_LEVEL_IN_STRING: "yes" }, 'LOG_LEVEL_IN_STRING="yes" is not one of false, true; accepted: `false`, `true`'],
    [
      { GHE_HOST: "https://ghe.example.com" },
      'GHE_HOST="https://ghe.example.com" holds a protocol: give the host alone and the protocol in GHE_PROTOCOL; accepted: host name, optional `:port`',
    ],
    [
      { WEBHOOK_MAX_BUFFERED_BYTES: "1048576" },
      'WEBHOOK_MAX_BUFFERED_BYTES="1048576" is below the minimum, 26214400; accepted: bytes, 26214400 (25 MiB: one payload at GitHub\'s cap) to 17179869184 (16 GiB)',
    ],
    [{ DELIVERY_RETENTION: "48h" }, 'DELIVERY_RETENTION="48h" is shorter than the minimum, 3 days; accepted: duration in hours, days or weeks (`72h`, `7d`, `2w`), 3 days to 3650 days'],
    [{ DELIVERY_RETENTION: "1mo" }, 'DELIVERY_RETENTION="1mo" is not a duration such as 72h, 7d or 2w; accepted: duration in hours, days or weeks (`72h`, `7d`, `2w`), 3 days to 3650 days'],
    [{ WEBHOOK_PATH: "/hooks" }, 'WEBHOOK_PATH="/hooks" is not /api/github/webhooks; accepted: `/api/github/webhooks`'],
    [{ GITHUB_API_URL: "api.github.com" }, 'GITHUB_API_URL="api.github.com" is not a URL; accepted: `https://` or `http://` URL'],
  ])("%j", (env, problem) => {
    expect(problemsOf(env)).toEqual([problem]);
  });

  test("every bad setting is listed at once, in one error", () => {
    const error = (() => {
      try {
        parseConfig(asEnv({ WORKER_POLL_MS: "abc", SWEEP_LIMIT: "-1", PORT: "http", LOG_LEVEL: "loud" }));
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.message.split("\n")).toEqual([
      "invalid configuration:",
      expect.stringMatching(/^ {2}PORT="http" is not a whole number/),
      expect.stringMatching(/^ {2}LOG_LEVEL="loud" is not one of/),
      expect.stringMatching(/^ {2}WORKER_POLL_MS="abc" is not a whole number/),
      expect.stringMatching(/^ {2}SWEEP_LIMIT="-1" is below the minimum/),
    ]);
  });

  test("a secret's value is never shown", () => {
    const problems = problemsOf({ DATABASE_URL: "mysql://tk:hunter2pw@db/tk", SENTRY_DSN: "not-a-dsn-s3cr3t", REDIS_URL: "http://:redispw@cache" });
    expect(problems).toEqual([
      "DATABASE_URL (value not shown) is not a database tierkeeper can open (unsupported scheme or malformed file: URL); accepted: `postgres://` or `postgresql://` URL; `sqlite:` or `file:` URL or a file path",
      "REDIS_URL (value not shown) is not a redis: or rediss: URL; accepted: `redis://` or `rediss://` URL",
      "SENTRY_DSN (value not shown) is not a URL; accepted: `https://` or `http://` URL",
    ]);
    expect(problems.join("\n")).not.toMatch(/hunter2pw|s3cr3t|redispw/);
  });
});

test("the defaults are those the code used before", () => {
  const config = parseConfig({});
  const { probotEnv, ...values } = config;
  expect(probotEnv).toEqual({});
  expect(values).toEqual({
    databaseUrl: undefined, // openStore: the SQLite file ./data/tierkeeper.db
    port: 3000,
    host: "localhost",
    appId: undefined,
    privateKey: undefined,
    privateKeyPath: undefined,
    hasAppCredentials: false,
    webhookSecret: undefined,
    githubClientSecret: undefined,
    gheHost: undefined,
    gheProtocol: "https",
    githubWebUrl: "https://github.com",
    githubThrottle: true,
    redisUrl: undefined,
    logLevel: "info",
    logFormat: "pretty",
    logLevelInString: false,
    logMessageKey: "msg",
    sentryDsn: undefined,
    workerPollMs: 1000,
    sweepIntervalMs: 600_000,
    sweepLimit: 50,
    redeliveryIntervalMs: 600_000,
    executorRetryMs: 60_000,
    deliveryBudgetMs: 30_000,
    deliveryMaxClaims: 5,
    deliveryRetentionMs: 7 * 24 * 3600_000,
    intake: { maxInFlight: 32, maxBufferedBytes: 64 * 1024 * 1024, bodyTimeoutMs: 10_000 },
    statusPageToken: undefined,
    githubToken: undefined,
    githubApiUrl: "https://api.github.com",
  });
  // An empty (or blank) value is unset, as `Number("") || undefined` made it before.
  expect(parseConfig(Object.fromEntries(Object.keys(SETTINGS).map((name) => [name, " "])))).toEqual({ ...config, probotEnv: expect.any(Object) });
});

test("values are read as given", () => {
  const config = parseConfig({
    APP_ID: "42",
    PRIVATE_KEY_PATH: "key.pem",
    PORT: "0",
    HOST: "0.0.0.0",
    GHE_HOST: "ghe.example.com:8443",
    GHE_PROTOCOL: "http",
    GITHUB_THROTTLE: "off",
    LOG_LEVEL: "debug",
    LOG_FORMAT: "json",
    LOG_LEVEL_IN_STRING: "true",
    SWEEP_LIMIT: " 7 ",
    DELIVERY_RETENTION: "96h",
    WEBHOOK_MAX_BUFFERED_BYTES: String(25 * 1024 * 1024),
    WEBHOOK_PATH: "/api/github/webhooks",
  });
  expect(config).toMatchObject({
    appId: 42,
    hasAppCredentials: true,
    port: 0,
    host: "0.0.0.0",
    githubWebUrl: "http://ghe.example.com:8443",
    githubThrottle: false,
    logLevel: "debug",
    logFormat: "json",
    logLevelInString: true,
    sweepLimit: 7,
    deliveryRetentionMs: 96 * 3600_000,
    intake: { maxBufferedBytes: 25 * 1024 * 1024 },
  });
  expect(parseConfig({ DELIVERY_RETENTION: "2 weeks" }).deliveryRetentionMs).toBe(14 * 24 * 3600_000);
  expect(parseConfig({ DELIVERY_RETENTION: "3d" }).deliveryRetentionMs).toBe(3 * 24 * 3600_000);
});

test("README.md's configuration table is the one generated from the schema (npm run config:doc)", () => {
  const readme = readFileSync(fileURLToPath(new URL("../../README.md", import.meta.url)), "utf8");
  const table = /<!-- config-table:start[^>]*-->\n([\s\S]*?)<!-- config-table:end -->/.exec(readme);
  expect(table).not.toBeNull();
  expect(table![1]).toBe(configMarkdown());
  // One row per setting, each with a description, a default and what it accepts.
  expect(configMarkdown().trim().split("\n")).toHaveLength(2 + Object.keys(SETTINGS).length);
  for (const s of Object.values(SETTINGS)) expect([s.description, s.accepts].every((t) => t.length > 3)).toBe(true);
});

test("the server checks its settings before it opens anything", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tierkeeper-config-"));
  try {
    const file = join(dir, "tk.db");
    await expect(startServer({ DATABASE_URL: file, SWEEP_LIMIT: "-1", PORT: "0", HOST: "127.0.0.1" })).rejects.toThrow(ConfigError);
    expect(existsSync(file)).toBe(false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe("the CLI", () => {
  const cli = async (argv: string[], env: NodeJS.ProcessEnv) => {
    const out = { stdout: "", stderr: "" };
    const io: Io = { stdout: (s) => void (out.stdout += s), stderr: (s) => void (out.stderr += s), cwd: process.cwd(), readFile: (p) => Promise.resolve(readFileSync(p, "utf8")), env };
    const saved = process.env;
    process.env = { ...env }; // the commands read the process's environment, as main.ts runs them
    try {
      return { code: await run(argv, io), ...out };
    } finally {
      process.env = saved;
    }
  };

  test("`tierkeeper config` checks the environment: exit 0 when valid, 1 with the problems", async () => {
    expect(await cli(["config"], { SWEEP_LIMIT: "5" })).toEqual({ code: 0, stdout: "tierkeeper config: the settings are valid\n", stderr: "" });
    expect(await cli(["config"], { SWEEP_LIMIT: "-1", WEBHOOK_SECRET: "sekrit" })).toEqual({
      code: 1,
      stdout: "",
      stderr: 'tierkeeper config: invalid configuration:\n  SWEEP_LIMIT="-1" is below the minimum, 1; accepted: whole number, 1 to 100000\n',
    });
  });

  test("`tierkeeper config --markdown` prints the table", async () => {
    expect(await cli(["config", "--markdown"], {})).toEqual({ code: 0, stdout: configMarkdown(), stderr: "" });
  });

  test("commands that read settings fail with exit 1; those that do not are unaffected", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tierkeeper-config-"));
    try {
      const env = { DATABASE_URL: join(dir, "tk.db"), WORKER_POLL_MS: "abc" };
      for (const argv of [["deliveries"], ["timelines"], ["report"], ["status", "--repo", "o/r"], ["sweep"], ["audit", "--repo", "o/r"]]) {
        const result = await cli(argv, env);
        expect({ argv, ...result }).toEqual({
          argv,
          code: 1,
          stdout: "",
          stderr: `tierkeeper ${argv[0]}: invalid configuration:\n  WORKER_POLL_MS="abc" is not a whole number; accepted: milliseconds, 10 to 3600000 (1 h)\n`,
        });
      }
      expect(existsSync(env.DATABASE_URL)).toBe(false);
      expect((await cli(["schema"], env)).code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the built processes (npm run build first)", () => {
  const spawnBuilt = (entry: string, args: string[], env: Record<string, string>) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [fileURLToPath(new URL(`../../dist/${entry}`, import.meta.url)), ...args], {
        env: { PATH: process.env.PATH ?? "", ...env },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
      child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
      child.once("exit", (code) => resolve({ code, stdout, stderr }));
    });

  test("`node dist/server.js` with a bad value exits 1, the problem on stderr, no secret in it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tierkeeper-config-"));
    try {
      const env = {
        DATABASE_URL: join(dir, "tk.db"),
        APP_ID: "1",
        PRIVATE_KEY: "unused-key-material",
        WEBHOOK_SECRET: "webhook-s3cret",
        STATUS_PAGE_TOKEN: "status-t0ken",
        HOST: "127.0.0.1",
        PORT: "0",
        SWEEP_LIMIT: "-1",
        LOG_LEVEL: "chatty",
        SENTRY_DSN: "webhook-s3cret",
      };
      const { code, stdout, stderr } = await spawnBuilt("server.js", [], env);
      expect(code).toBe(1);
      expect(stdout).toBe("");
      expect(stderr).toBe(
        [
          "tierkeeper: cannot start: invalid configuration:",
          '  LOG_LEVEL="chatty" is not one of trace, debug, info, warn, error, fatal, silent; accepted: `trace`, `debug`, `info`, `warn`, `error`, `fatal`, `silent`',
          "  SENTRY_DSN (value not shown) is not a URL; accepted: `https://` or `http://` URL",
          '  SWEEP_LIMIT="-1" is below the minimum, 1; accepted: whole number, 1 to 100000',
          "",
        ].join("\n"),
      );
      expect(existsSync(env.DATABASE_URL)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  test("`tierkeeper deliveries` with a bad value exits 1, the problem on stderr", async () => {
    const { code, stderr } = await spawnBuilt("cli/main.js", ["deliveries"], { WEBHOOK_BODY_TIMEOUT_MS: "-5" });
    expect(code).toBe(1);
    expect(stderr).toBe('tierkeeper deliveries: invalid configuration:\n  WEBHOOK_BODY_TIMEOUT_MS="-5" is below the minimum, 100; accepted: milliseconds, 100 to 600000 (10 min)\n');
  }, 30_000);
});
