import { atOrAfter, toSecond } from "../../core/instants.js";
import { onlyCommandsToTierkeeper } from "../../core/commands.js";
import { DEFAULT_POLICY } from "../../core/registry.js";
import type { Component, Registry, RepoRef } from "../../core/model.js";
import { ownerHandle } from "../../core/breakage.js";
import { breachesOf, replyFigures } from "../../core/reply-figures.js";
import { stepRequest, type Reply, type Tier2Request } from "../../core/responsiveness.js";
import { demotionIssueTitle, renderDemotionIssue, renderFigures, renderReminder, type BreachEvidence } from "../../core/render/tier2.js";
import type { RequestRecord } from "../../store/store.js";
import { rulesFor, type Deps } from "../deps.js";
import type { Tier2Step } from "../feature.js";
import type { Octokit } from "../../github/octokit.js";
import { stepStoredRequest } from "./requests.js";
import { commentIntent, hiddenMarker, recordIntent, recordIntents, repoIssueIntent } from "../../intents/index.js";

/**
 * The sweep's Tier 2 part: requests whose deadline came. Before a breach is recorded, the
 * thread is read from GitHub (comments, reviews, reactions) so that a reply no webhook
 * brought still counts. A breach records its reminder first (keyed by the request and the
 * breach number, so a repeat posts nothing twice), then the request's new state; the
 * component's breaches in the figures window may then call for the demotion proposal.
 */

export const LABELS = { demotion: ["tierkeeper", "tier-2", "demotion-proposal"], report: ["tierkeeper", "tier-2", "report"] };

export const reminderKey = (requestKey: string, n: number) => `${requestKey}:reminder-${n}`;
export const demotionKey = (repoId: number, component: string) => `t2-demotion:${repoId}:${component}`;
export const reportKey = (repoId: number, month: string) => `t2-report:${repoId}:${month}`;

export async function sweepRequests(deps: Deps, options: { now: Date; limit: number; dryRun?: boolean }, intents: string[]): Promise<Tier2Step[]> {
  const steps: Tier2Step[] = [];
  for (const record of await deps.store.requests.due(options.now, options.limit)) {
    const request = record.state;
    const repo = request.repo;
    if (!repo) continue;
    const github = () => deps.github(record.installationId);
    const rules = await rulesFor(deps, repo, record.installationId);
    if (!rules) {
      // Never act on rules that are not in force; look again tomorrow, so that it does not hold up the others.
      const until = new Date(options.now.getTime() + 86_400_000).toISOString();
      if (!options.dryRun) await stepStoredRequest(deps, record.key, () => ({ kind: "defer", until }), DEFAULT_POLICY, options.now);
      continue;
    }
    const step = (what: string) => steps.push({ repo: record.repoKey, component: request.component, thread: request.thread, requestee: request.requestee, what });
    const { registry, matcher } = rules;
    const component = matcher.component(request.component);
    if (component?.tier !== 2) {
      step("cancelled: no longer a Tier 2 component");
      if (!options.dryRun) await stepStoredRequest(deps, record.key, () => ({ kind: "cancel", reason: "the component is no longer Tier 2" }), registry.policy, options.now);
      continue;
    }
    const replies = await repliesOnGitHub(deps, github, repo, request);
    const away = request.team ? [] : await deps.store.away.get(repo.id, request.requestee);
    const next = stepRequest(request, { kind: "due", replies, away }, options.now, registry.policy);
    const n = next.breaches.length;
    const escalated = n > 1 && escalationOf(component, registry).length > 0;
    step(
      next.status === "replied"
        ? `replied (${next.reply!.via}, found on GitHub)`
        : n > request.breaches.length
          ? `breach ${n}: reminder${escalated ? " and escalation" : ""}`
          : "postponed: the maintainer is away",
    );
    if (options.dryRun) continue;
    const target = { repo, installationId: record.installationId, registry };
    // The reminder is saved before the breach: after a crash in between, the repeat finds it recorded.
    if (n > request.breaches.length) intents.push(...(await recordReminder(deps, target, component, record.key, next, n)));
    const stepped = await stepStoredRequest(
      deps,
      record.key,
      (current) => (current.status === "open" && current.dueAt === request.dueAt ? { kind: "due", replies, away } : undefined),
      registry.policy,
      options.now,
    );
    if (stepped && stepped.after.breaches.length > stepped.before.breaches.length) intents.push(...(await proposeDemotion(deps, target, component, options.now)));
  }
  return steps;
}

async function recordReminder(
  deps: Deps,
  target: { repo: RepoRef; installationId: number; registry: Registry },
  component: Component,
  requestKey: string,
  request: Tier2Request,
  n: number,
): Promise<string[]> {
  const { repo, registry } = target;
  const key = reminderKey(requestKey, n);
  const escalation = escalationOf(component, registry);
  const saved =
    (
      await recordIntents(
        deps.store,
        registry.policy,
        [
          commentIntent({
            key,
            target: { owner: repo.owner, repo: repo.name, issueNumber: request.thread, marker: hiddenMarker(key) },
            desired: { body: `${renderReminder(request, component, n, escalation, registry.policy)}\n\n${hiddenMarker(key)}\n` },
            installationId: target.installationId,
          }),
        ],
        deps.now(),
      )
    ).length > 0;
  return saved ? [key] : [];
}

/** Who is mentioned on a second breach: the component's escalation contacts, else the repository's maintainers. */
const escalationOf = (component: Component, registry: Registry) => (component.escalation ?? registry.policy.tier2.maintainers).map(ownerHandle);

/** One issue per component proposing its demotion once its breaches reach the policy's threshold. */
async function proposeDemotion(deps: Deps, target: { repo: RepoRef; installationId: number; registry: Registry }, component: Component, now: Date): Promise<string[]> {
  const { repo, registry } = target;
  const { figuresWindowDays, demotionBreaches } = registry.policy.tier2;
  const requests = (await deps.store.requests.since({ repoId: repo.id }, new Date(now.getTime() - figuresWindowDays * 86_400_000)))
    .map((r) => r.state)
    .filter((r) => r.component === component.id);
  if (breachesOf(requests, component.id, now, figuresWindowDays) < demotionBreaches) return [];
  const row = replyFigures(requests, now, figuresWindowDays).byComponent[0];
  const evidence: BreachEvidence[] = requests.flatMap((r) => r.breaches.map((at) => ({ thread: r.thread, requestee: r.requestee, requestedAt: r.requestedAt, breachedAt: at })));
  const key = demotionKey(repo.id, component.id);
  const desired = { title: demotionIssueTitle(component), body: renderDemotionIssue(component, row, evidence, registry.policy, now), labels: LABELS.demotion, state: "open" as const };
  const saved = await recordIntent(deps.store, registry.policy, repoIssueIntent(repo, key, desired, target.installationId), now);
  if (saved) deps.log.info({ component: component.id, breaches: row.breaches }, "tier 2 demotion proposed");
  return saved ? [key] : [];
}

/**
 * Replies by the maintainer asked (a team: any member) on the thread since the request, as
 * GitHub shows them now: comments, reviews, reactions on the thread and on the request's comment.
 */
async function repliesOnGitHub(deps: Deps, github: () => Promise<Octokit>, repo: RepoRef, request: Tier2Request): Promise<Reply[]> {
  const octokit = await github();
  const params = { owner: repo.owner, repo: repo.name };
  const thread = `#${request.thread}`;
  const commentId = request.commentId ?? numeric((request.commentKey && (await deps.store.actions.get(request.commentKey))?.githubId) || undefined);
  const [comments, reactions, reviews, commentReactions] = await Promise.all([
    octokit.paginate(octokit.rest.issues.listComments, { ...params, issue_number: request.thread, since: toSecond(request.requestedAt), per_page: 100 }),
    octokit.paginate(octokit.rest.reactions.listForIssue, { ...params, issue_number: request.thread, per_page: 100 }),
    request.isPull ? octokit.paginate(octokit.rest.pulls.listReviews, { ...params, pull_number: request.thread, per_page: 100 }) : Promise.resolve([]),
    commentId ? octokit.paginate(octokit.rest.reactions.listForIssueComment, { ...params, comment_id: commentId, per_page: 100 }) : Promise.resolve([]),
  ]);
  const candidates = [
    ...comments.filter((c) => !onlyCommandsToTierkeeper(c.body ?? "")).map((c) => ({ user: c.user, at: c.created_at, via: `comment on ${thread}` })),
    ...reactions.map((r) => ({ user: r.user, at: r.created_at, via: `reaction on ${thread}` })),
    ...reviews.map((r) => ({ user: r.user, at: r.submitted_at, via: `review on ${thread}` })),
    ...commentReactions.map((r) => ({ user: r.user, at: r.created_at, via: `reaction on ${thread}` })),
  ];
  const replies: Reply[] = [];
  for (const c of candidates) {
    if (!c.user?.login || c.user.type === "Bot" || !c.at) continue;
    const at = new Date(c.at).toISOString();
    if (!atOrAfter(at, request.requestedAt)) continue;
    if (await deps.owners.answersFor(github, request.requestee, c.user.login)) replies.push({ by: c.user.login, at, via: c.via });
  }
  return replies;
}

const numeric = (id: string | undefined) => (id && /^\d+$/.test(id) ? Number(id) : undefined);

/**
 * The optional monthly report issue (`policy: { report-issue: monthly }`): on the first sweep of
 * a month, one issue per repository with the figures as of the month's first instant (so the
 * issue says the same whenever it is computed).
 */
export async function sweepReports(deps: Deps, now: Date): Promise<string[]> {
  const month = now.toISOString().slice(0, 7);
  const asOf = new Date(`${month}-01T00:00:00.000Z`);
  const saved: string[] = [];
  for (const { repoId, installationId } of await deps.store.requests.repositories(new Date(asOf.getTime() - 366 * 86_400_000))) {
    const key = reportKey(repoId, month);
    // Cheap checks first, every sweep: already reported this month, or not asked for (the cached registry says).
    if (await deps.store.actions.get(key)) continue;
    const cached = await deps.store.registries.get(repoId);
    const registry = cached?.registry ?? undefined;
    if (registry?.policy.tier2?.report !== "monthly") continue;
    const records = await deps.store.requests.since({ repoId }, new Date(asOf.getTime() - registry.policy.tier2.figuresWindowDays * 86_400_000));
    const repo = latestRepo(records);
    const figures = replyFigures(
      records.map((r) => r.state),
      asOf,
      registry.policy.tier2.figuresWindowDays,
    );
    if (!repo || figures.byComponent.length === 0) continue; // nothing to report for that window
    const desired = { title: `Tier 2 reply figures, ${month}`, body: renderFigures(figures, "markdown"), labels: LABELS.report, state: "open" as const };
    const changed = await recordIntent(deps.store, registry.policy, repoIssueIntent(repo, key, desired, installationId), now);
    if (changed) saved.push(key);
  }
  return saved;
}

function latestRepo(records: RequestRecord[]): RepoRef | undefined {
  for (let i = records.length - 1; i >= 0; i--) {
    const repo = records[i].state.repo;
    if (repo) return repo;
  }
  return undefined;
}
