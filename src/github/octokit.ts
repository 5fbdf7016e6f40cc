import { createProbot, ProbotOctokit, type Probot } from "probot";

/**
 * Probot's Octokit with GitHub's etiquette switched off: no spacing of writes. Only for a
 * GitHub that has no such limits (the simulator in tests, the demo, the benchmark); against
 * GitHub itself, Probot's throttling (writes serialized and spaced, retry-after honoured) stays on.
 */
export const UnthrottledOctokit = ProbotOctokit.defaults((options: Record<string, any>) => ({
  ...options,
  // Probot fills in its own throttle options after ours; this runs after it and wins.
  throttle: { ...options.throttle, enabled: false },
  retry: { ...options.retry, enabled: false },
}));

/** A Probot from Probot's standard environment, as the server and the CLI both need it. */
export function probotFromEnv(env: NodeJS.ProcessEnv, logLevel: "info" | "warn" = "info"): Probot {
  // GITHUB_THROTTLE=off: only for a GitHub without rate limits (the simulator).
  const overrides = env.GITHUB_THROTTLE === "off" ? { Octokit: UnthrottledOctokit } : {};
  return createProbot({ env: { LOG_LEVEL: logLevel, ...env }, overrides });
}
