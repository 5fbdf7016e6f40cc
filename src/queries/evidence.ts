import { ciCostWindowStart, evidenceFor } from "../core/evidence.js";
import type { Registry } from "../core/model.js";
import { DEFAULT_POLICY } from "../core/registry.js";
import type { Evidence } from "../core/requirements.js";
import type { Tier2Request } from "../core/responsiveness.js";
import type { Store } from "../store/store.js";

/** The repository's evidence from what the store kept: default-branch checks, PR CI time, Tier 2 requests. */
export async function observedEvidence(store: Store, repoId: number, registry: Registry, now: Date): Promise<Record<string, Evidence>> {
  // A registry cached by an older version has no tier2 policy yet: the default window.
  const figuresSince = new Date(now.getTime() - (registry.policy.tier2?.figuresWindowDays ?? DEFAULT_POLICY.tier2.figuresWindowDays) * 86_400_000);
  const [defaultBranch, pullRequestMs, requests, owners] = await Promise.all([
    store.defaultBranchChecks(repoId),
    store.pullRequestCiTime(repoId, ciCostWindowStart(now)),
    store.requestsSince({ repoId }, figuresSince),
    store.ownerLookups(repoId),
  ]);
  const requestStates = requests.map((r) => JSON.parse(r.state) as Tier2Request);
  return evidenceFor(registry, { defaultBranch, pullRequestMs }, requestStates, now, { statuses: owners, unchecked: 0 });
}
