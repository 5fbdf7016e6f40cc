import { attribute } from "../core/attribution.js";
import { decideBreakageComment, type AppliedComment, type BreakageComment } from "../core/breakage.js";
import { matcherFor } from "../core/match.js";
import type { PullRecord, Registry, RepoRef } from "../core/model.js";
import { BREAKAGE_MARKER } from "../core/render/breakage-comment.js";
import type { CommentTarget } from "../github/executor.js";
import type { Deps } from "./deps.js";
import { trackingIssues } from "./tier3-timeline.js";

/** The key of a PR's one breakage comment: what it is about, not when it was decided. */
export const breakagePrefix = (repoId: number) => `breakage:${repoId}#`;
export const breakageKey = (repoId: number, pullNumber: number) => `${breakagePrefix(repoId)}${pullNumber}`;

/**
 * Owner pings on breaking PRs: recompute the PR's comment from the stored results and
 * record it as an intent. The executor posts or edits it; nothing here talks to GitHub.
 */
export async function refreshBreakageComment(deps: Deps, repo: RepoRef, installationId: number, registry: Registry, pull: PullRecord): Promise<void> {
  if (!registry.policy.behaviours.prComment || pull.state !== "open") return;
  const [head, base, action, tracking] = await Promise.all([
    deps.store.resultsForSha(repo.id, pull.headSha),
    deps.store.latestResultsOnBranch(repo.id, repo.defaultBranch),
    deps.store.getAction(breakageKey(repo.id, pull.number)),
    trackingIssues(deps, repo.id),
  ]);
  const decision = decideBreakageComment({
    registry,
    pull,
    defaultBranch: repo.defaultBranch,
    verdicts: attribute(matcherFor(registry), head, base),
    previous: action ? (JSON.parse(action.desired) as BreakageComment) : undefined,
    applied: action?.applied ? (JSON.parse(action.applied) as AppliedComment) : undefined,
    trackingIssueUrl: (id) => (tracking.has(id) ? `#${tracking.get(id)}` : undefined),
    now: deps.now(),
  });
  if (!decision) return;
  const target: CommentTarget = { owner: repo.owner, repo: repo.name, issueNumber: pull.number, marker: BREAKAGE_MARKER };
  const changed = await deps.store.saveIntent({
    key: breakageKey(repo.id, pull.number),
    kind: "comment",
    target: JSON.stringify(target),
    desired: JSON.stringify(decision),
    installationId,
    now: deps.now(),
  });
  if (changed) deps.log.info({ pull: pull.number, mentions: decision.mentions }, "breakage comment decided");
}
