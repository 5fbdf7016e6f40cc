import type { PushFact } from "../core/facts.js";
import { matcherFor } from "../core/match.js";
import type { Deps } from "./deps.js";
import { observeDisabled } from "./tier-alarms.js";
import { applyEvent, departedComponent } from "./tier3-timeline.js";

/**
 * A push to the default branch that edits the registry makes the cached copy stale; the new
 * registry is read at once. Tier 1 and Tier 2 components marked disabled start their alarm
 * clock (handlers/tier-alarms.ts); a Tier 3 component that was disabled in CI and is enabled
 * again (or was removed) closes its timeline.
 */
export async function onPush(deps: Deps, fact: PushFact): Promise<void> {
  if (fact.ref !== `refs/heads/${fact.repo.defaultBranch}` || !fact.touchesRegistry) return;
  // The organisation's `.github` repository holds the registry its other repositories inherit.
  if (fact.repo.name === ".github") await deps.store.registries.invalidate({ owner: fact.repo.owner });
  else await deps.store.registries.invalidate({ repoId: fact.repo.id });
  deps.log.info({ repository: `${fact.repo.owner}/${fact.repo.name}` }, "registry changed on the default branch; cache invalidated");

  const registry = await deps.registries.get(fact.repo, () => deps.github(fact.installationId));
  if (!registry) return; // an invalid registry is never half-applied: the timelines and alarms wait for a valid one
  await observeDisabled(deps, { repo: fact.repo, installationId: fact.installationId, registry });
  const open = (await deps.store.episodes.ofRepo(fact.repo.id)).map((r) => r.state).filter((e) => e.phase !== "closed");
  for (const episode of open) {
    const component = matcherFor(registry).component(episode.component);
    const target = { repo: fact.repo, installationId: fact.installationId, registry, component: component ?? departedComponent(episode.component) };
    await applyEvent(deps, target, { kind: "registry", present: Boolean(component), ciDisabled: component?.facts.ci === "disabled" });
  }
}
