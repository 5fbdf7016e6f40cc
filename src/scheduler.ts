import { atOrAfter, toSecond } from "./core/instants.js";
import { matcherFor } from "./core/match.js";
import { advance, type Episode, type Response, type TimelineEvent } from "./core/timeline.js";
import { episodeKey } from "./core/timeline-intents.js";
import type { Executor } from "./github/executor.js";
import type { Deps, Octokit } from "./handlers/deps.js";
import type { EpisodeRecord } from "./store/store.js";
import { applyEvent, departedComponent, observeDisable, recordIntents, toRecord, type EpisodeTarget } from "./handlers/tier3-timeline.js";
import { sweepRequests, sweepReports, type Tier2Step } from "./handlers/tier2-deadlines.js";
import { sweepAlarms } from "./handlers/tier-alarms.js";
import { sweepSuggestions } from "./handlers/tier-suggestions.js";

/**
 * The sweep: time-based steps of Tier 3 timelines, then Tier 2 deadlines and alarms. It reads only the episodes that are due,
 * asks GitHub only about those (to confirm no owner responded), takes at most `limit` steps
 * per run (the rest wait for the next), and holds a lock so that one replica sweeps at a time.
 * Running it twice, or twice at once, takes no step twice: the lock, then compare-and-set on
 * each episode, then the executor's keyed, idempotent actions.
 */

export interface SweepOptions {
  now: Date;
  holder: string;
  limit?: number;
  /** Decide and report, but save nothing and send nothing. */
  dryRun?: boolean;
}

export interface SweepStep {
  repo: string;
  component: string;
  from: Episode["phase"];
  to: Episode["phase"];
  dueAt: string | null;
  note?: string;
}

export interface SweepReport {
  locked: boolean;
  due: number;
  steps: SweepStep[];
  /** Tier 2 requests whose deadline came (see handlers/tier2-deadlines.ts). */
  tier2: Tier2Step[];
  /** Alarms about Tier 1/2 components disabled in CI (see handlers/tier-alarms.ts). */
  alarms: string[];
  intents: string[];
  /** Items and steps that failed (each backs off; the rest of the sweep went on), e.g. `timeline o/r wasi-nn: ...`. */
  failed: string[];
}

const SWEEP_LOCK = "sweep";
/** How far back `relink` looks: several sweep intervals. */
const RELINK_WINDOW_MS = 2 * 3600 * 1000;
/** A timeline the sweep failed on is looked at again after 10 minutes, then 20, 40, ... at most a day. */
export const sweepRetryDelay = (failures: number) => Math.min(10 * 60_000 * 2 ** (failures - 1), 24 * 3600 * 1000);

export async function sweep(deps: Deps, executor: Executor | undefined, options: SweepOptions): Promise<SweepReport> {
  const { store } = deps;
  const report: SweepReport = { locked: false, due: 0, steps: [], tier2: [], alarms: [], intents: [], failed: [] };
  if (!options.dryRun && !(await store.locks.tryLock(SWEEP_LOCK, options.holder, new Date(), 10 * 60_000))) return report;
  report.locked = !options.dryRun;
  /** Workflow disables asked for in this run: they take effect once the executor's request is accepted. */
  const workflowDisables: EpisodeTarget[] = [];
  try {
    const due = await store.episodes.due(options.now, options.limit ?? 50);
    report.due = due.length;
    for (const record of due) {
      // Each timeline in isolation: one that fails (GitHub answering 500, a corrupt stored state)
      // backs off, and the others are swept.
      try {
        await sweepEpisode(deps, record, options, report, workflowDisables);
      } catch (error) {
        const what = `timeline ${record.repoKey} ${record.componentId}`;
        report.failed.push(`${what}: ${(error as Error)?.message ?? String(error)}`);
        const failures = options.dryRun ? 0 : await store.episodes.defer(record.repoId, record.componentId, options.now, sweepRetryDelay);
        deps.log.warn({ err: error, repository: record.repoKey, component: record.componentId, failures }, `sweep failed on ${what}; it backs off, the others go on`);
      }
    }
    const limit = options.limit ?? 50;
    // Each step in isolation too: a failing one is logged, and the next sweep tries it again.
    const step = async <T>(name: string, run: () => Promise<T>, fallback: T): Promise<T> => {
      try {
        return await run();
      } catch (error) {
        report.failed.push(`${name}: ${(error as Error)?.message ?? String(error)}`);
        deps.log.warn({ err: error, step: name }, `sweep step ${name} failed; the others go on`);
        return fallback;
      }
    };
    report.tier2 = await step("tier2 deadlines", () => sweepRequests(deps, { now: options.now, limit, dryRun: options.dryRun }, report.intents), []);
    report.alarms = await step("alarms", () => sweepAlarms(deps, options.now, limit, options.dryRun), []);
    if (!options.dryRun) {
      report.intents.push(...report.alarms);
      report.intents.push(...(await step("reports", () => sweepReports(deps, options.now), [])));
      report.intents.push(...(await step("suggestions", () => sweepSuggestions(deps, options.now, limit), [])));
    }
  } finally {
    if (report.locked) await store.locks.unlock(SWEEP_LOCK, options.holder);
  }
  if (!options.dryRun && executor) {
    await executor.drain();
    await settleWorkflowDisables(deps, workflowDisables, options.now);
    await relink(deps, options.now);
    await executor.drain();
  }
  return report;
}

/** One due timeline: confirm with GitHub, step, save (see `sweep`). */
async function sweepEpisode(deps: Deps, record: EpisodeRecord, options: SweepOptions, report: SweepReport, workflowDisables: EpisodeTarget[]): Promise<void> {
  const episode = record.state;
  const repo = episode.repo;
  if (!repo) return;
  const github = () => deps.github(record.installationId);
  const registry = await deps.registries.get(repo, github);
  const component = registry && matcherFor(registry).component(record.componentId);
  const step = (to: Episode, note?: string): SweepStep => ({ repo: record.repoKey, component: record.componentId, from: episode.phase, to: to.phase, dueAt: to.dueAt, note });
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
    const registry = episode.repo && (await deps.registries.get(episode.repo, () => deps.github(record.installationId)));
    const component = registry && matcherFor(registry).component(record.componentId);
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


