import { atOrAfter, toSecond } from "../../core/instants.js";
import { advance, type Episode, type Response, type TimelineEvent } from "../../core/timeline.js";
import { episodeKey } from "../../core/timeline-intents.js";
import type { Octokit } from "../../github/octokit.js";
import type { EpisodeRecord } from "../../store/store.js";
import { rulesFor, type Deps } from "../deps.js";
import type { SweepContext, SweepReport, SweepStepReport } from "../feature.js";
import { applyEvent, departedComponent, observeDisable, recordIntents, toRecord, type EpisodeTarget } from "./timeline.js";

/**
 * The sweep's Tier 3 part: the timelines that are due. It reads only those, asks GitHub only
 * about them (to confirm no owner responded), and steps each by compare-and-set, so that a twin
 * sweep or a webhook that stepped it meanwhile wins. Each timeline in isolation: one that fails
 * (GitHub answering 500, a corrupt stored state) backs off, and the others are swept.
 */

/** How far back `relink` looks: several sweep intervals. */
const RELINK_WINDOW_MS = 2 * 3600 * 1000;
/** A timeline the sweep failed on is looked at again after 10 minutes, then 20, 40, ... at most a day. */
export const sweepRetryDelay = (failures: number) => Math.min(10 * 60_000 * 2 ** (failures - 1), 24 * 3600 * 1000);

type Options = { now: Date; dryRun: boolean };

export async function sweepTimelines(ctx: SweepContext): Promise<void> {
  const { deps, report, now, dryRun } = ctx;
  const options = { now, dryRun };
  /** Workflow disables asked for in this run: they take effect once the executor's request is accepted. */
  const workflowDisables: EpisodeTarget[] = [];
  ctx.afterDrain.push(async () => {
    await settleWorkflowDisables(deps, workflowDisables, now);
    await relink(deps, now);
  });
  const due = await deps.store.episodes.due(now, ctx.limit);
  report.due = due.length;
  for (const record of due) {
    try {
      await sweepEpisode(deps, record, options, report, workflowDisables);
    } catch (error) {
      const what = `timeline ${record.repoKey} ${record.componentId}`;
      report.failed.push(`${what}: ${(error as Error)?.message ?? String(error)}`);
      const failures = dryRun ? 0 : await deps.store.episodes.defer(record.repoId, record.componentId, now, sweepRetryDelay);
      deps.log.warn({ err: error, repository: record.repoKey, component: record.componentId, failures }, `sweep failed on ${what}; it backs off, the others go on`);
    }
  }
}

/** One due timeline: confirm with GitHub, step, save (see `sweep`). */
async function sweepEpisode(deps: Deps, record: EpisodeRecord, options: Options, report: SweepReport, workflowDisables: EpisodeTarget[]): Promise<void> {
  const episode = record.state;
  const repo = episode.repo;
  if (!repo) return;
  const github = () => deps.github(record.installationId);
  const rules = await rulesFor(deps, repo, record.installationId);
  const registry = rules?.registry;
  const component = rules?.matcher.component(record.componentId);
  const step = (to: Episode, note?: string): SweepStepReport => ({ repo: record.repoKey, component: record.componentId, from: episode.phase, to: to.phase, dueAt: to.dueAt, note });
  if (!registry || !component) {
    // The rules are gone (or invalid): never escalate on rules that are not in force.
    if (!registry) return;
    const closed = advance(episode, { kind: "registry", present: false, ciDisabled: false }, options.now, registry.policy);
    report.steps.push(step(closed, "component no longer in the registry"));
    if (!options.dryRun) await save(deps, { repo, installationId: record.installationId, registry, component: departedComponent(record.componentId) }, closed, record, report);
    return;
  }
  const target: EpisodeTarget = { repo, installationId: record.installationId, registry, component };
  if (episode.phase === "disabling") {
    // No owner clock runs: only whether the disable took effect, asked of GitHub in case a webhook was missed.
    const observed = await observeSafely(deps, github, target, episode, options.now);
    const next = advance(observed ? advance(episode, observed, options.now, registry.policy) : episode, { kind: "due", responses: [] }, options.now, registry.policy);
    report.steps.push(step(next, next.phase === episode.phase ? "the disable awaits merge" : undefined));
    if (!options.dryRun) await save(deps, target, next, record, report, options.now);
    return;
  }
  const responses = await verifiedResponses(deps, github, target, episode);
  const next = advance(episode, { kind: "due", responses }, options.now, registry.policy);
  report.steps.push(step(next, next.phase === episode.phase ? "postponed: an owner responded" : undefined));
  if (!options.dryRun) await save(deps, target, next, record, report, options.now);
  if (next.phase === "disabling" && component.facts.disable === "workflow") workflowDisables.push(target);
}

/**
 * What a step created (the disabling PR, the removal issue) has a number only once GitHub
 * answered: render recently changed timelines again so that their texts link to it. Every
 * sweep does it, so a sweep that died between creating and linking is mended by the next.
 */
async function relink(deps: Deps, now: Date) {
  const recent = await deps.store.episodes.changedSince(new Date(now.getTime() - RELINK_WINDOW_MS), 200);
  for (const record of recent) {
    const episode = record.state;
    const rules = episode.repo && (await rulesFor(deps, episode.repo, record.installationId));
    const registry = rules && rules.registry;
    const component = rules && rules.matcher.component(record.componentId);
    if (!episode.repo || !registry || !component) continue;
    await recordIntents(deps, { repo: episode.repo, installationId: record.installationId, registry, component }, episode, now);
  }
}

/** Records as disabled, from now, each workflow GitHub accepted to disable in this run (the others are checked again later). */
async function settleWorkflowDisables(deps: Deps, targets: EpisodeTarget[], now: Date) {
  for (const target of targets) {
    const record = await deps.store.episodes.get(target.repo.id, target.component.id);
    const episode = record && record.state;
    if (episode?.phase !== "disabling") continue;
    const event = await observeSafely(deps, () => deps.github(target.installationId), target, episode, now);
    if (event) await applyEvent(deps, target, event);
  }
}

/** What GitHub says of a pending disable; a failure to ask (a deleted PR, an outage) leaves it pending. */
async function observeSafely(deps: Deps, github: () => Promise<Octokit>, target: EpisodeTarget, episode: Episode, now: Date): Promise<TimelineEvent | undefined> {
  try {
    return await observeDisable(deps, github, target, episode, now);
  } catch (error) {
    deps.log.warn({ err: error, component: target.component.id }, "could not check whether the disable took effect; checked again later");
    return undefined;
  }
}

async function save(deps: Deps, target: EpisodeTarget, next: Episode, record: EpisodeRecord, report: SweepReport, now = deps.now()) {
  // Compare-and-set: if a webhook (or a twin) changed the episode meanwhile, its step stands.
  if (!(await deps.store.episodes.save(toRecord(target, next, now, record)))) return;
  report.intents.push(...(await recordIntents(deps, target, next, now)));
}

/**
 * Confirms from GitHub that no owner responded on the tracking issue (comments and reactions)
 * since the notice: a missed webhook or an outage must never lead to a wrongful step.
 */
async function verifiedResponses(deps: Deps, github: () => Promise<Octokit>, target: EpisodeTarget, episode: Episode): Promise<Response[]> {
  if (episode.phase === "removal-proposed" || episode.phase === "closed") return [];
  const id = (await deps.store.actions.get(episodeKey(target.repo.id, episode, "tracking")))?.githubId;
  if (!id || !/^\d+$/.test(id)) return [];
  const octokit = await github();
  const params = { owner: target.repo.owner, repo: target.repo.name, issue_number: Number(id), per_page: 100 };
  const [comments, reactions] = await Promise.all([
    octokit.paginate(octokit.rest.issues.listComments, { ...params, since: toSecond(episode.noticeAt) }),
    octokit.paginate(octokit.rest.reactions.listForIssue, params),
  ]);
  const candidates = [
    ...comments.map((c) => ({ login: c.user?.login, bot: c.user?.type === "Bot", at: new Date(c.created_at).toISOString(), via: `comment on #${id}` })),
    ...reactions.map((r) => ({ login: r.user?.login, bot: r.user?.type === "Bot", at: new Date(r.created_at).toISOString(), via: `reaction on #${id}` })),
  ].filter((c) => c.login && !c.bot && atOrAfter(c.at, episode.noticeAt));
  const responses: Response[] = [];
  for (const c of candidates) {
    if (await deps.owners.isOwner(github, target.component, c.login!)) responses.push({ by: c.login!, at: c.at, via: c.via });
  }
  return responses;
}
