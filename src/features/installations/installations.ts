import type { InstallationFact, InstalledFact } from "../../core/facts.js";
import type { ParkedScope } from "../../store/store.js";
import type { EventContext } from "../feature.js";

/**
 * An installation deleted or suspended, or repositories removed from it: work for them stops
 * cleanly. They are parked (store: `parked`): their deliveries are dropped, their pending actions
 * and sweep items (timelines, Tier 2 deadlines, alarms, judgements) wait instead of failing at
 * every run. `unsuspend`, or a repository added (again), resumes them where they stood.
 */
export type InstallationChange = { park: ParkedScope[]; unpark: { installationId: number; repoId?: number }[]; log?: InstallationFact };

export function decideInstallationChange(fact: InstallationFact | InstalledFact, _fact: unknown, since: Date): InstallationChange {
  if (fact.kind === "installed") return { park: [], unpark: fact.repos.map((r) => ({ installationId: fact.installationId, repoId: r.id })) };
  if (fact.change === "unsuspended") return { park: [], unpark: [{ installationId: fact.installationId }], log: fact };
  if (fact.change === "repositories-removed") {
    return { park: fact.repos.map((r) => ({ installationId: fact.installationId, repoId: r.id, repoKey: `${r.owner}/${r.name}`, reason: "removed", since })), unpark: [], log: fact };
  }
  return { park: [{ installationId: fact.installationId, repoId: 0, repoKey: "", reason: fact.change, since }], unpark: [], log: fact };
}

export async function applyInstallationChange(ctx: EventContext<InstallationFact | InstalledFact>, { park, unpark, log: fact }: InstallationChange): Promise<void> {
  const { deps } = ctx;
  for (const u of unpark) await (u.repoId === undefined ? deps.store.parked.remove(u.installationId) : deps.store.parked.remove(u.installationId, u.repoId));
  for (const p of park) await deps.store.parked.add(p);
  if (fact)
    deps.log.info(
      { change: fact.change, repositories: fact.repos.map((r) => `${r.owner}/${r.name}`) },
      `installation ${fact.change}: work for it ${fact.change === "unsuspended" ? "resumes" : "stops"}`,
    );
}
