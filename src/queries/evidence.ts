import { ciCostWindowStart, evidenceFor } from "../core/evidence.js";
import type { Registry } from "../core/model.js";
import type { Evidence } from "../core/requirements.js";
import type { Store } from "../store/store.js";

/** The repository's evidence from what the store kept: default-branch checks, PR CI time, Tier 2 requests. */
export async function observedEvidence(store: Store, repoId: number, registry: Registry, now: Date): Promise<Record<string, Evidence>> {
  // A registry cached by an older version has no tier2 policy yet: the default window.
  const figuresSince = new Date(now.getTime() - registry.policy.tier2.figuresWindowDays * 86_400_000);
  const [defaultBranch, pullRequestMs, requests, owners] = await Promise.all([
    store.evidence.defaultBranchChecks(repoId),
    store.evidence.pullRequestCiTime(repoId, ciCostWindowStart(now)),
    store.requests.since({ repoId }, figuresSince),
    store.evidence.ownerLookups(repoId),
  ]);
  const requestStates = requests.map((r) => r.state);
  return evidenceFor(registry, { defaultBranch, pullRequestMs }, requestStates, now, { statuses: owners, unchecked: 0 });
}
