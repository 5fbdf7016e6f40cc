import { attribute } from "../core/attribution.js";
import { decideBreakageComment, type AppliedComment, type BreakageComment } from "../core/breakage.js";
import { matcherFor } from "../core/match.js";
import type { PullRecord, Registry, RepoRef } from "../core/model.js";
import { BREAKAGE_MARKER } from "../core/render/breakage-comment.js";
import type { CommentTarget } from "../github/executor.js";
import type { Deps } from "./deps.js";
import { recipientsFor } from "../core/responsiveness.js";
import { trackingIssues } from "./tier3-timeline.js";
import { awayNow, cancelRequests, recordRequests } from "./tier2-requests.js";

/** The key of a PR's one breakage comment: what it is about, not when it was decided. */
export const breakagePrefix = (repoId: number) => `breakage:${repoId}#`;
export const breakageKey = (repoId: number, pullNumber: number) => `${breakagePrefix(repoId)}${pullNumber}`;

/**
 * Owner pings on breaking PRs: recompute the PR's comment from the stored results and
 * record it as an intent. The executor posts or edits it; nothing here talks to GitHub.
 */
export async function refreshBreakageComment(deps: Deps, repo: RepoRef, installationId: number, registry: Registry, pull: PullRecord): Promise<void> {
  if (!registry.policy.behaviours.prComment || pull.state !== "open") return;
  const [head, base, action, tracking, away, queued] = await Promise.all([
    deps.store.results.forSha(repo.id, pull.headSha),
    deps.store.results.latestOnBranch(repo.id, repo.defaultBranch),
    deps.store.actions.get(breakageKey(repo.id, pull.number)),
    trackingIssues(deps, repo.id),
    awayNow(deps, repo.id),
    deps.store.queue.latest(repo.id, pull.number),
  ]);
  // The PR's latest merge queue run, judged against the queue's base where its results are known.
  const entry = queued?.pullHeadSha === pull.headSha ? queued : undefined;
  const queue = entry && {
    headSha: entry.headSha,
    base: entry.base,
    baseSha: entry.baseSha,
    verdicts: attribute(
      matcherFor(registry),
      await deps.store.results.forSha(repo.id, entry.headSha),
      await deps.store.results.forSha(repo.id, entry.baseSha),
      entry.base === repo.defaultBranch ? base : await deps.store.results.latestOnBranch(repo.id, entry.base),
    ),
  };
  const decision = decideBreakageComment({
    registry,
    pull,
    defaultBranch: repo.defaultBranch,
    verdicts: attribute(matcherFor(registry), head, base),
    ...(queue && { queue }),
    previous: action ? (JSON.parse(action.desired) as BreakageComment) : undefined,
    applied: action?.applied ? (JSON.parse(action.applied) as AppliedComment) : undefined,
    trackingIssueUrl: (id) => (tracking.has(id) ? `#${tracking.get(id)}` : undefined),
    route: (component) => recipientsFor(component, away),
    now: deps.now(),
  });
  if (!decision) return;
  const target: CommentTarget = { owner: repo.owner, repo: repo.name, issueNumber: pull.number, marker: BREAKAGE_MARKER };
  const changed = await deps.store.actions.saveIntent({
    key: breakageKey(repo.id, pull.number),
    kind: "comment",
    target: JSON.stringify(target),
    desired: JSON.stringify(decision),
    installationId,
    now: deps.now(),
    shadow: registry.policy.mode === "shadow",
  });
  if (changed) deps.log.info({ pull: pull.number, mentions: decision.mentions }, "breakage comment decided");
  // Always, not only on change: after a crash between the two saves, the requests still follow the comment.
  await syncPingRequests(deps, { repo, installationId, registry }, pull, decision.mentions);
}

/**
 * A ping to a Tier 2 component's owners is a request to each of them; when the component is no
 * longer broken by the PR, the requests it made are moot and are cancelled.
 */
async function syncPingRequests(deps: Deps, target: { repo: RepoRef; installationId: number; registry: Registry }, pull: PullRecord, mentions: string[]) {
  const matcher = matcherFor(target.registry);
  const asked = new Set(mentions.map((m) => m.toLowerCase()));
  for (const mention of mentions) {
    const split = mention.indexOf(":");
    const component = matcher.component(mention.slice(0, split));
    if (component?.tier !== 2) continue;
    const request = { thread: pull.number, isPull: true, source: "ping" as const, requestedBy: "tierkeeper", commentKey: breakageKey(target.repo.id, pull.number) };
    await recordRequests(deps, target, component, request, [mention.slice(split + 1)]);
  }
  await cancelRequests(deps, target.repo, pull.number, "the pull request no longer breaks the component", target.registry.policy,
    (r) => r.source === "ping" && !asked.has(`${r.component}:${r.requestee}`.toLowerCase()));
}
