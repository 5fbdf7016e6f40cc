import { ProbotOctokit } from "probot";

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
