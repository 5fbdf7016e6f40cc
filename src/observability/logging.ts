import { getPrivateKey } from "@probot/get-private-key";
import { getTransformStream } from "@probot/pino";
import { pino, type Logger } from "pino";
import { createProbot, type Probot } from "probot";
import type { Config } from "../app/config.js";
import { octokitClassFor } from "../github/octokit.js";
import { countRateLimit, type Metrics } from "./metrics.js";
import { redact, registerSecrets } from "./redaction.js";

/**
 * Logs: pino JSON (or Probot's pretty format) with secrets redacted by key and scrubbed by value
 * (redaction.ts) before they are written; and the Probot that the server runs, built with that logger.
 */

/** Object keys whose values never reach a log line. */
const REDACT_PATHS = [
  "authorization",
  "headers.authorization",
  "*.headers.authorization",
  "*.*.headers.authorization",
  "req.headers.cookie",
  'req.headers["x-hub-signature-256"]',
  'req.headers["x-hub-signature"]',
  "token",
  "*.token",
  "privateKey",
  "*.privateKey",
  "secret",
  "*.secret",
  "webhookSecret",
  "clientSecret",
  "*.clientSecret",
  "password",
  "*.password",
  "connectionString",
  "*.connectionString",
];

/** Probot's logger (same format, level and destination), each line through redaction.ts's scrubber. */
export async function redactingLogger(
  config: Config,
  level: string = config.logLevel,
  privateKey?: string,
  destination: NodeJS.WritableStream = pino.destination(1) as unknown as NodeJS.WritableStream,
): Promise<Logger> {
  const transform = await getTransformStream({
    logFormat: config.logFormat,
    logLevelInString: config.logLevelInString,
    sentryDsn: config.sentryDsn,
  });
  transform.pipe(destination);
  registerSecrets(config.probotEnv, privateKey); // for this logger and every other error path (redaction.ts)
  return pino(
    {
      level,
      name: "probot",
      messageKey: config.logMessageKey,
      redact: { paths: REDACT_PATHS, censor: "[REDACTED]" },
      hooks: { streamWrite: redact },
    },
    transform,
  );
}

/**
 * What `probotFromEnv` (github/octokit.ts) makes, plus the redacting logger and a count of the
 * rate-limit waits of Octokit's throttling (Probot's own onRateLimit/onSecondaryRateLimit still decide).
 */
export async function observedProbot(config: Config, metrics: Metrics): Promise<Probot> {
  // Secondary rate limits waited out and repeated (github/octokit.ts); nothing spaced against the simulator.
  const base = octokitClassFor(config.githubThrottle);
  const Octokit = base // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Octokit's plugin options are untyped here
    .defaults((options: Record<string, any>) => {
      const throttle = { ...options.throttle };
      // Only handlers that are set: an explicit undefined would hide ProbotOctokit's own defaults.
      if (throttle.onRateLimit) throttle.onRateLimit = countRateLimit(throttle.onRateLimit, metrics, "primary");
      if (throttle.onSecondaryRateLimit) throttle.onSecondaryRateLimit = countRateLimit(throttle.onSecondaryRateLimit, metrics, "secondary");
      return { ...options, throttle };
    });
  const probotEnv: NodeJS.ProcessEnv = { LOG_LEVEL: "info", ...config.probotEnv };
  let privateKey: string | undefined;
  try {
    privateKey = getPrivateKey({ env: probotEnv }) ?? undefined;
  } catch {
    /* Probot reports a missing or unreadable key itself */
  }
  const log = await redactingLogger(config, config.logLevel, privateKey);
  return createProbot({ env: probotEnv, overrides: { Octokit, log } });
}
