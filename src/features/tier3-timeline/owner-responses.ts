import type { ActivityFact } from "../../core/facts.js";
import type { Component } from "../../core/model.js";
import type { EventContext, Rules } from "../feature.js";
import { trackingIssues, type TimelineEvents } from "./timeline.js";

/**
 * What counts as an owner's response: a comment or review by a listed owner (or a member of a
 * listed owner team) on the tracking issue or on a blocked pull request, after the notice.
 * Nobody else's activity counts, and bots' (the app's own included) never does. Reactions
 * send no webhook: the sweep reads them from GitHub before every step.
 */
export async function loadResponses(ctx: EventContext<ActivityFact>): Promise<{ rules: Rules; responded: Component[] } | undefined> {
  const { deps, fact } = ctx;
  if (fact.authorIsBot) return undefined;
  const records = await deps.store.episodes.ofRepo(fact.repo.id);
  const open = records.map((r) => r.state).filter((e) => e.phase !== "closed");
  if (open.length === 0) return undefined; // the common case: costs one indexed query, no GitHub request
  const tracking = await trackingIssues(deps, fact.repo.id);
  const related = open.filter((e) => tracking.get(e.component) === fact.issueNumber || e.blockers.some((b) => b.pr === fact.issueNumber));
  if (related.length === 0) return undefined;

  const rules = await ctx.rules();
  if (!rules) return undefined;
  const responded: Component[] = [];
  for (const episode of related) {
    const component = rules.matcher.component(episode.component);
    if (component && (await deps.owners.isOwner(ctx.github, component, fact.author))) responded.push(component);
  }
  return { rules, responded };
}

export function decideResponses({ rules, responded }: { rules: Rules; responded: Component[] }, fact: ActivityFact): TimelineEvents | undefined {
  const response = { by: fact.author, at: fact.at.toISOString(), via: `${fact.via} on #${fact.issueNumber}` };
  return responded.length > 0 ? { rules, events: responded.map((component) => ({ component, event: { kind: "response" as const, response } })) } : undefined;
}
