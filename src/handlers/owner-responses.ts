import type { ActivityFact } from "../core/facts.js";
import { matcherFor } from "../core/match.js";
import type { Deps } from "./deps.js";
import { applyEvent, trackingIssues } from "./tier3-timeline.js";

/**
 * What counts as an owner's response: a comment or review by a listed owner (or a member of a
 * listed owner team) on the tracking issue or on a blocked pull request, after the notice.
 * Nobody else's activity counts, and bots' (the app's own included) never does. Reactions
 * send no webhook: the sweep reads them from GitHub before every step.
 */
export async function onOwnerActivity(deps: Deps, fact: ActivityFact): Promise<void> {
  if (fact.authorIsBot) return;
  const records = await deps.store.episodes.ofRepo(fact.repo.id);
  const open = records.map((r) => r.state).filter((e) => e.phase !== "closed");
  if (open.length === 0) return; // the common case: costs one indexed query, no GitHub request
  const tracking = await trackingIssues(deps, fact.repo.id);
  const related = open.filter((e) => tracking.get(e.component) === fact.issueNumber || e.blockers.some((b) => b.pr === fact.issueNumber));
  if (related.length === 0) return;

  const github = () => deps.github(fact.installationId);
  const registry = await deps.registries.get(fact.repo, github);
  if (!registry) return;
  for (const episode of related) {
    const component = matcherFor(registry).component(episode.component);
    if (!component || !(await deps.owners.isOwner(github, component, fact.author))) continue;
    await applyEvent(deps, { repo: fact.repo, installationId: fact.installationId, registry, component }, {
      kind: "response",
      response: { by: fact.author, at: fact.at.toISOString(), via: `${fact.via} on #${fact.issueNumber}` },
    });
  }
}
