import type { InstallationFact, InstalledFact } from "../core/facts.js";
import type { Deps } from "./deps.js";

/**
 * An installation deleted or suspended, or repositories removed from it: work for them stops
 * cleanly. They are parked (store: `parked`): their deliveries are dropped, their pending actions
 * and sweep items (timelines, Tier 2 deadlines, alarms, judgements) wait instead of failing at
 * every run. `unsuspend`, or a repository added again, resumes them where they stood.
 */
export async function onInstallationChange(deps: Deps, fact: InstallationFact): Promise<void> {
  const since = deps.now();
  if (fact.change === "unsuspended") {
    await deps.store.parked.remove(fact.installationId);
  } else if (fact.change === "repositories-removed") {
    for (const r of fact.repos) await deps.store.parked.add({ installationId: fact.installationId, repoId: r.id, repoKey: `${r.owner}/${r.name}`, reason: "removed", since });
  } else {
    await deps.store.parked.add({ installationId: fact.installationId, repoId: 0, repoKey: "", reason: fact.change, since });
  }
  deps.log.info({ change: fact.change, repositories: fact.repos.map((r) => `${r.owner}/${r.name}`) }, `installation ${fact.change}: work for it ${fact.change === "unsuspended" ? "resumes" : "stops"}`);
}

/** Repositories added (again) to an installation: what waited for them resumes. */
export async function resumeRepositories(deps: Deps, fact: InstalledFact): Promise<void> {
  for (const r of fact.repos) await deps.store.parked.remove(fact.installationId, r.id);
}
