import type { PushFact } from "../core/facts.js";
import type { Deps } from "./deps.js";

/** A push to the default branch that edits the registry makes the cached copy stale. */
export async function onPush(deps: Deps, fact: PushFact): Promise<void> {
  if (fact.ref !== `refs/heads/${fact.repo.defaultBranch}` || !fact.touchesRegistry) return;
  // The organisation's `.github` repository holds the registry its other repositories inherit.
  if (fact.repo.name === ".github") await deps.store.invalidateRegistry({ owner: fact.repo.owner });
  else await deps.store.invalidateRegistry({ repoId: fact.repo.id });
  deps.log.info({ repository: `${fact.repo.owner}/${fact.repo.name}` }, "registry changed on the default branch; cache invalidated");
}
