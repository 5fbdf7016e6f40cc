import type { Logger } from "pino";
import { createProbot, ProbotOctokit, type Probot } from "probot";
import type { Config } from "../app/config.js";

/** An installation's (or the app's) Octokit, as Probot makes it. */
export type Octokit = InstanceType<typeof ProbotOctokit>;

/**
 * Probot's Octokit with GitHub's etiquette switched off: no spacing of writes. Only for a
 * GitHub that has no such limits (the simulator in tests, the demo, the benchmark); against
 * GitHub itself, Probot's throttling (writes serialized and spaced, retry-after honoured) stays on.
 */
export const UnthrottledOctokit = ProbotOctokit // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Octokit's plugin options are untyped here
  .defaults((options: Record<string, any>) => ({
    ...options,
    // Probot fills in its own throttle options after ours; this runs after it and wins.
    throttle: { ...options.throttle, enabled: false },
    retry: { ...options.retry, enabled: false },
  }));

/** How many times one request waits out a secondary rate limit and is sent again. */
export const SECONDARY_LIMIT_RETRIES = 3;

/**
 * Probot's Octokit as against GitHub, with secondary rate limits honoured. ProbotOctokit's own
 * default waits out `retry-after` and repeats the request, but createProbot (Probot 14,
 * get-octokit-throttle-options.js) replaces that handler with one that only logs: the 403 then
 * fails the request (plugin-retry never retries a 403). Here the handler in force is still called
 * (it logs; a wrapper may count), then the request is repeated after `retry-after`, a few times.
 * A secondary limit means GitHub applied nothing, so repeating even a create is safe.
 */
export const ThrottledOctokit = ProbotOctokit // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Octokit's plugin options are untyped here
  .defaults((options: Record<string, any>) => {
    const handler = options.throttle?.onSecondaryRateLimit as ((...args: unknown[]) => unknown) | undefined;
    return {
      ...options,
      throttle: {
        ...options.throttle,
        onSecondaryRateLimit: (retryAfter: number, request: unknown, octokit: unknown, retryCount: number) => {
          handler?.(retryAfter, request, octokit, retryCount);
          return retryCount < SECONDARY_LIMIT_RETRIES;
        },
      },
    };
  });

/** The Octokit class: throttled unless GITHUB_THROTTLE=off (only for a GitHub without rate limits, the simulator). */
export const octokitClassFor = (throttle: boolean) => (throttle ? ThrottledOctokit : UnthrottledOctokit);

/** A Probot from Probot's standard environment, as the server and the CLI both need it. */
export function probotFromEnv(config: Config, logLevel: "info" | "warn" = "info", log?: Logger): Probot {
  return createProbot({ env: { LOG_LEVEL: logLevel, ...config.probotEnv }, overrides: { Octokit: octokitClassFor(config.githubThrottle), ...(log && { log }) } });
}
