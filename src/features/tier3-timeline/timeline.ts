import { outcomesByComponent } from "../../core/attribution.js";
import type { ActivityFact, CiFact, PullFact, PushFact } from "../../core/facts.js";
import type { CiResult, Component, PullRecord, Registry, RepoRef } from "../../core/model.js";
import { REGISTRY_PATH } from "../../core/registry.js";
import { advance, blockersOf, openEpisode, type Episode, type TimelineEvent } from "../../core/timeline.js";
import { episodeKey, timelineIntents } from "../../core/timeline-intents.js";
import type { EpisodeRecord } from "../../store/store.js";
import type { Deps } from "../deps.js";
import type { EventContext, Rules } from "../feature.js";
import type { Octokit } from "../../github/octokit.js";
import { inInstallation, recordIntents as recordUnderPolicy } from "../../intents/index.js";

/**
 * Tier 3 timelines, the shell: turn CI results and people's activity into timeline events,
 * keep the episode in the store (compare-and-set, so concurrent twins cannot both step it),
 * and record the intents its new state implies. The executor carries them out.
 */

export interface EpisodeTarget {
  repo: RepoRef;
  installationId: number;
  registry: Registry;
  component: Component;
}

/** A timeline event for one component; `act` applies them in order. */
export interface ComponentEvent {
  component: Component;
  event: TimelineEvent;
}

export type TimelineEvents = { rules: Rules; events: ComponentEvent[] };

type TimelineInputs =
  | { kind: "ci"; rules: Rules; fact: CiFact; components: Component[]; pulls: PullRecord[]; branchResults?: CiResult[] }
  | { kind: "pull"; rules: Rules; disabling: { episode: Episode; component: Component }[] }
  | { kind: "push"; rules: Rules; open: Episode[] };

/**
 * What the timelines need from an event: for a CI result, the Tier 3 components its check belongs
 * to (and, after a pass on the default branch, the branch's latest results); for a closed PR, the
 * timelines whose disabling PR it is; for a registry edit, the open timelines.
 */
export async function loadTimelineInputs(ctx: EventContext<CiFact | PullFact | PushFact>): Promise<TimelineInputs | undefined> {
  const { deps, fact } = ctx;
  if (fact.kind === "pull" && fact.state !== "closed") return undefined;
  const rules = await ctx.rules();
  if (!rules) return undefined; // an invalid registry is never half-applied: the timelines wait for a valid one
  const { repo } = fact;
  if (fact.kind === "ci") {
    const { fact: judged, pulls } = ctx.observed.ci!;
    const { result } = judged;
    const components = rules.matcher.componentsForCheck(result.name).filter((c) => c.tier === 3 && c.facts.ci !== "disabled");
    if (components.length === 0) return undefined;
    const passedOnDefault = result.outcome === "pass" && result.branch === repo.defaultBranch;
    return { kind: "ci", rules, fact: judged, components, pulls, ...(passedOnDefault && { branchResults: await deps.store.results.latestOnBranch(repo.id, repo.defaultBranch) }) };
  }
  if (fact.kind === "pull") {
    const disabling: { episode: Episode; component: Component }[] = [];
    for (const record of await deps.store.episodes.ofRepo(repo.id)) {
      const episode = record.state;
      if (episode.phase !== "disabling" || (await disablePrNumber(deps, repo, episode)) !== fact.number) continue;
      const component = rules.matcher.component(episode.component);
      if (!component) continue; // gone from the registry: the registry push closes the timeline
      disabling.push({ episode, component });
    }
    return { kind: "pull", rules, disabling };
  }
  const open = (await deps.store.episodes.ofRepo(repo.id)).map((r) => r.state).filter((e) => e.phase !== "closed");
  return { kind: "push", rules, open };
}

/**
 * The events: a Tier 3 component's failure blocks other work on the default branch, or on a PR
 * that does not touch it, and a pass on the default branch (all its checks passing) is its
 * recovery; a closed disabling PR landed (merged: the registry on the default branch now says
 * `ci: disabled`) or was declined; a registry edit says whether each component is still there.
 */
export function decideTimelineEvents(inputs: TimelineInputs, fact: CiFact | PullFact | PushFact): TimelineEvents | undefined {
  const { rules } = inputs;
  const events: ComponentEvent[] = [];
  if (inputs.kind === "ci") {
    const { result } = inputs.fact;
    const { defaultBranch } = inputs.fact.repo;
    for (const component of inputs.components) {
      for (const blocker of blockersOf(result, component.id, defaultBranch, inputs.pulls)) events.push({ component, event: { kind: "blocking", blocker } });
      if (inputs.branchResults && outcomesByComponent(rules.matcher, inputs.branchResults).get(component.id)?.outcome === "pass") events.push({ component, event: { kind: "passing" } });
    }
  } else if (inputs.kind === "pull" && fact.kind === "pull") {
    for (const { component } of inputs.disabling) events.push({ component, event: disableOutcome(fact.number, fact.mergedAt, fact.updatedAt, fact.sender) });
  } else if (inputs.kind === "push") {
    for (const episode of inputs.open) {
      const component = rules.matcher.component(episode.component);
      events.push({ component: component ?? departedComponent(episode.component), event: { kind: "registry", present: Boolean(component), ciDisabled: component?.facts.ci === "disabled" } });
    }
  }
  return events.length > 0 ? { rules, events } : undefined;
}

/** Applies the events in turn, each by compare-and-set (applyEvent). */
export async function applyEvents(ctx: EventContext<CiFact | PullFact | PushFact | ActivityFact>, { rules, events }: TimelineEvents): Promise<void> {
  const { repo, installationId } = ctx.fact;
  for (const { component, event } of events) await applyEvent(ctx.deps, { repo, installationId, registry: rules.registry, component }, event);
}

/**
 * Applies one event to a component's episode and records the resulting intents.
 * A blocking event with no open episode opens one; other events without one do nothing.
 * Returns the episode as saved (undefined when there is none).
 */
export async function applyEvent(deps: Deps, target: EpisodeTarget, event: TimelineEvent): Promise<Episode | undefined> {
  const { repo, component, registry } = target;
  for (let attempt = 0; attempt < 5; attempt++) {
    const record = await deps.store.episodes.get(repo.id, component.id);
    const current = record ? record.state : undefined;
    const open = current && current.phase !== "closed" ? current : undefined;
    let next: Episode | undefined;
    if (open) next = advance(open, event, deps.now(), registry.policy);
    else if (event.kind === "blocking") next = openEpisode(component.id, current, event.blocker, deps.now(), registry.policy);
    if (!next) return current;
    next = { ...next, repo };
    if (record && JSON.stringify(next) === JSON.stringify(record.state)) return next; // nothing changed: nothing to save or send
    const saved = await deps.store.episodes.save(toRecord(target, next, deps.now(), record));
    if (!saved) continue; // a concurrent twin stepped it first: read again and decide again
    if (next.seq !== open?.seq || next.phase !== open?.phase) deps.log.info({ component: component.id, phase: next.phase, dueAt: next.dueAt }, "tier 3 timeline step");
    await recordIntents(deps, target, next);
    return next;
  }
  throw new Error(`episode ${repo.id}/${component.id} kept changing under us`);
}

export function toRecord(target: EpisodeTarget, episode: Episode, now: Date, previous?: EpisodeRecord): EpisodeRecord {
  return {
    repoId: target.repo.id,
    componentId: target.component.id,
    repoKey: `${target.repo.owner}/${target.repo.name}`,
    installationId: target.installationId,
    state: episode,
    dueAt: episode.dueAt ? new Date(episode.dueAt) : null,
    version: (previous?.version ?? 0) + 1,
    updatedAt: now,
  };
}

/** Records what GitHub should show for the episode; in shadow mode, recorded but never sent. */
export async function recordIntents(deps: Deps, target: EpisodeTarget, episode: Episode, now = deps.now()): Promise<string[]> {
  const { repo, installationId, registry, component } = target;
  const number = async (what: string) => {
    const id = (await deps.store.actions.get(episodeKey(repo.id, episode, what)))?.githubId;
    return id && /^\d+$/.test(id) ? Number(id) : undefined;
  };
  const intents = timelineIntents(episode, component, {
    repo,
    defaultBranch: repo.defaultBranch,
    registryPath: REGISTRY_PATH,
    trackingIssue: await number("tracking"),
    disablePr: await number("disable"),
    removalIssue: await number("removal"),
    now,
  });
  return recordUnderPolicy(deps.store, registry.policy, inInstallation(installationId, intents), now);
}

/**
 * Whether a pending disable took effect, asked of GitHub (the sweep, in case a webhook was missed,
 * and right after the executor sent a workflow disable). Undefined while it is still pending.
 */
export async function observeDisable(deps: Deps, github: () => Promise<Octokit>, target: EpisodeTarget, episode: Episode, now: Date): Promise<TimelineEvent | undefined> {
  const { repo, component } = target;
  if (component.facts.ci === "disabled") return { kind: "registry", present: true, ciDisabled: true };
  const action = await deps.store.actions.get(episodeKey(repo.id, episode, "disable"));
  if (!action) return undefined;
  if (action.kind === "workflow-disable") {
    // It takes effect when GitHub accepts it: the executor records that as applied.
    const accepted = action.applied !== null && action.appliedVersion === action.version && !action.shadow;
    return accepted ? { kind: "disable-landed", at: now.toISOString(), via: `workflow \`${component.facts.workflow}\` disabled through the Actions API`, viaRegistry: false } : undefined;
  }
  const number = await disablePrNumber(deps, repo, episode);
  if (number === undefined) return undefined;
  const { data } = await (await github()).rest.pulls.get({ owner: repo.owner, repo: repo.name, pull_number: number });
  if (data.state !== "closed") return undefined;
  return disableOutcome(number, data.merged_at ? new Date(data.merged_at) : null, new Date(data.closed_at ?? now), undefined);
}

function disableOutcome(number: number, mergedAt: Date | null, closedAt: Date, by: string | undefined): TimelineEvent {
  return mergedAt
    ? { kind: "disable-landed", at: mergedAt.toISOString(), via: `#${number} merged`, viaRegistry: true }
    : { kind: "disable-declined", at: closedAt.toISOString(), ...(by && { by }) };
}

async function disablePrNumber(deps: Deps, repo: RepoRef, episode: Episode): Promise<number | undefined> {
  const id = (await deps.store.actions.get(episodeKey(repo.id, episode, "disable")))?.githubId;
  return id && /^\d+$/.test(id) ? Number(id) : undefined;
}

/** A component that left the registry: enough of one to close its timeline. */
export function departedComponent(id: string): Component {
  return { id, category: "", tier: 3, owners: [], paths: [], checks: [], facts: {} };
}

/** Open episodes' tracking issue numbers, for the breaking-PR comment's links. */
export async function trackingIssues(deps: Deps, repoId: number): Promise<Map<string, number>> {
  const issues = new Map<string, number>();
  for (const record of await deps.store.episodes.ofRepo(repoId)) {
    const episode = record.state;
    if (episode.phase === "closed") continue;
    const id = (await deps.store.actions.get(episodeKey(repoId, episode, "tracking")))?.githubId;
    if (id && /^\d+$/.test(id)) issues.set(record.componentId, Number(id));
  }
  return issues;
}
