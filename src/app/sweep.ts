import type { Executor } from "../github/executor.js";
import type { Deps } from "../features/deps.js";
import type { AnyFeature, SweepContext, SweepOptions, SweepReport } from "../features/feature.js";
import { FEATURES } from "../features/index.js";

export type { SweepOptions, SweepReport } from "../features/feature.js";
export { sweepRetryDelay } from "../features/tier3-timeline/sweep.js";

/**
 * The sweep: the time-based steps of the features (features/index.ts, in that order: Tier 3
 * timelines, Tier 2 deadlines, alarms, monthly reports, suggestions). Each reads only what is due
 * and takes at most `limit` steps per run (the rest wait for the next), and the sweep holds a lock
 * so that one replica sweeps at a time. Running it twice, or twice at once, takes no step twice:
 * the lock, then compare-and-set on each item, then the executor's keyed, idempotent actions.
 */

const SWEEP_LOCK = "sweep";

export async function sweep(deps: Deps, executor: Executor | undefined, options: SweepOptions, features: readonly AnyFeature[] = FEATURES): Promise<SweepReport> {
  const { store } = deps;
  const report: SweepReport = { locked: false, due: 0, steps: [], tier2: [], alarms: [], intents: [], failed: [] };
  if (!options.dryRun && !(await store.locks.tryLock(SWEEP_LOCK, options.holder, new Date(), 10 * 60_000))) return report;
  report.locked = !options.dryRun;
  const ctx: SweepContext = { deps, now: options.now, limit: options.limit ?? 50, dryRun: options.dryRun ?? false, report, afterDrain: [] };
  try {
    for (const { sweep: step } of features) {
      if (!step) continue;
      // Each step in isolation: a failing one is logged, and the next sweep tries it again.
      try {
        await step.run(ctx);
      } catch (error) {
        report.failed.push(`${step.name}: ${(error as Error)?.message ?? String(error)}`);
        deps.log.warn({ err: error, step: step.name }, `sweep step ${step.name} failed; the others go on`);
      }
    }
  } finally {
    if (report.locked) await store.locks.unlock(SWEEP_LOCK, options.holder);
  }
  if (!options.dryRun && executor) {
    await executor.drain();
    for (const job of ctx.afterDrain) await job();
    await executor.drain();
  }
  return report;
}
