import type { PushFact } from "../../core/facts.js";
import type { EventContext } from "../feature.js";

/**
 * A push to the default branch that edits the registry makes the cached copy stale; the new
 * registry is read at once (by the features after this first stage: Tier 1 and Tier 2 components
 * marked disabled start their alarm clock, features/alarms; a Tier 3 component that was disabled
 * in CI and is enabled again, or was removed, closes its timeline, features/tier3-timeline).
 * Any other push concerns no feature.
 */
export async function invalidateOnRegistryPush(ctx: EventContext<PushFact>): Promise<"continue" | "stop"> {
  const { deps, fact } = ctx;
  if (fact.ref !== `refs/heads/${fact.repo.defaultBranch}` || !fact.touchesRegistry) return "stop";
  // The organisation's `.github` repository holds the registry its other repositories inherit.
  if (fact.repo.name === ".github") await deps.store.registries.invalidate({ owner: fact.repo.owner });
  else await deps.store.registries.invalidate({ repoId: fact.repo.id });
  deps.log.info({ repository: `${fact.repo.owner}/${fact.repo.name}` }, "registry changed on the default branch; cache invalidated");
  return "continue";
}
