import type { Logger } from "pino";

/** The features that failed while the others went on; the message names each with its error. */
export class FeatureFailures extends Error {
  constructor(readonly failures: { feature: string; error: unknown }[]) {
    super(failures.map((f) => `${f.feature}: ${(f.error as Error)?.message ?? String(f.error)}`).join("; "));
    this.name = "FeatureFailures";
  }
}

/**
 * Runs each feature in turn, each in isolation: one that fails is logged with its name and the
 * others still run. Afterwards the failures are thrown together, so that the delivery is retried
 * as a whole: the features that succeeded run again then, and change nothing (intents are keyed,
 * results keep the newest, replies are keyed by what they answer).
 */
export async function isolated(log: Logger, features: Record<string, () => Promise<unknown>>): Promise<void> {
  const failures: { feature: string; error: unknown }[] = [];
  for (const [feature, run] of Object.entries(features)) {
    try {
      await run();
    } catch (error) {
      failures.push({ feature, error });
      log.warn({ err: error, feature }, `feature ${feature} failed; the others go on`);
    }
  }
  if (failures.length > 0) throw new FeatureFailures(failures);
}
