import { ciCostWindowStart, startOfUtcDay } from "../../core/evidence.js";
import {
  judgeTiers,
  parseSuggestionKey,
  renderSuggestion,
  renderWithdrawn,
  SUGGESTION_LABELS,
  suggestionKey,
  suggestionPrefix,
  suggestionTitle,
  withdrawalReason,
} from "../../core/suggestions.js";
import type { IssueDesired } from "../../intents/index.js";
import type { Store } from "../../store/store.js";
import { rulesFor, type Deps } from "../deps.js";
import { lookUpOwners } from "../../github/owners.js";
import { parseAction, recordIntent, repoIssueIntent } from "../../intents/index.js";
import { observedEvidence } from "../../queries/evidence.js";

/**
 * Tier change suggestions (see core/suggestions.ts), judged by the sweep at most once a day per
 * repository with evidence: the standings are updated, a suggestion whose condition has held
 * for the policy's period gets its issue (one per component and direction, left as it was
 * suggested while it stays open), and an open one whose condition is gone is closed, saying why.
 */
export async function sweepSuggestions(deps: Deps, now: Date, limit: number): Promise<string[]> {
  const claimed = await deps.store.evidence.claimRepositoriesToJudge(startOfUtcDay(now), now, limit);
  if (claimed.length === 0) return [];
  await deps.store.evidence.forgetCiTimeBefore(ciCostWindowStart(now));
  const saved: string[] = [];
  for (const { repo, installationId } of claimed) {
    const rules = await rulesFor(deps, repo, installationId);
    if (!rules) continue; // never judge by rules that are not in force
    const { registry, matcher } = rules;
    // Once a day: do the owners still exist for GitHub (collaborators, existing teams)?
    const owners = await lookUpOwners(await deps.github(installationId), repo, registry, undefined, deps.log);
    await deps.store.evidence.saveOwnerLookups(repo.id, owners.statuses, now);
    const evidence = await observedEvidence(deps.store, repo.id, registry, now);
    const judgement = judgeTiers(registry, evidence, await deps.store.evidence.standingsOfRepo(repo.id), now);
    await deps.store.evidence.saveStandings(repo.id, judgement.standings);

    const save = async (key: string, desired: IssueDesired) => {
      const changed = await recordIntent(deps.store, registry.policy, repoIssueIntent(repo, key, desired, installationId), now);
      if (changed) saved.push(key);
      return changed;
    };
    const due = new Set<string>();
    for (const s of judgement.due) {
      const key = suggestionKey(repo.id, s);
      due.add(key);
      if ((await openSuggestion(deps.store, key)) !== undefined) continue;
      const component = matcher.component(s.componentId)!;
      const body = renderSuggestion(component, s, evidence[s.componentId] ?? {}, registry, now);
      if (await save(key, { title: suggestionTitle(component, s), body, labels: SUGGESTION_LABELS, state: "open" })) {
        deps.log.info({ component: s.componentId, suggestion: `${s.direction} to Tier ${s.to}` }, "tier change suggested");
      }
    }
    for (const key of await deps.store.actions.keysWithPrefix(suggestionPrefix(repo.id))) {
      const open = due.has(key) ? undefined : await openSuggestion(deps.store, key);
      const what = parseSuggestionKey(key);
      if (!open || !what) continue;
      await save(key, { ...open, body: renderWithdrawn(open.body, withdrawalReason(registry, evidence, what), now), state: "closed" });
    }
  }
  return saved;
}

/** The suggestion issue as last desired, when it is open. */
async function openSuggestion(store: Store, key: string): Promise<IssueDesired | undefined> {
  const action = await store.actions.get(key);
  const stored = action && parseAction(action);
  return stored?.kind === "issue" && stored.desired.state === "open" ? stored.desired : undefined;
}
