import { consultations, decideRfcCheck, githubThread, majorChanges, rfcRepositories, sortRfcLinks, type RfcVerdict } from "../core/change-rules.js";
import type { PullRecord, RepoRef } from "../core/model.js";
import type { Deps, Octokit } from "./deps.js";
import { recordRequests, type RepoTarget } from "./tier2-requests.js";

/**
 * The change rules on a pull request (see core/change-rules.ts): the `tierkeeper/rfc` check run
 * at the PR's head for a major change to a Tier 1 component, and, once per PR and component, a
 * review request to the owners of a Tier 2 component changed in a major way.
 */

/** What a check says of an RFC it cannot read, or may not describe. */
const UNREADABLE = "not accepted or unreadable: tierkeeper cannot read it (is the app installed on that repository?), or it is in a private repository and this check is public";

/** At most this many RFC links are looked up per event. */
const MAX_LINKS = 3;

export const rfcCheckKey = (repoId: number, headSha: string) => `rfc-check:${repoId}:${headSha}`;
export const consultKey = (repoId: number, pull: number, component: string) => `consult:${repoId}:${pull}:${component}`;

export async function applyChangeRules(deps: Deps, target: RepoTarget, pull: PullRecord, pr: { labels: string[]; body: string }): Promise<void> {
  const { repo, installationId, registry } = target;
  const policy = registry.policy.changes;
  const change = { author: pull.author, touched: pull.touched, lines: pull.lines ?? {}, labels: pr.labels, body: pr.body };
  const major = majorChanges(registry, change, policy);
  const shadow = registry.policy.mode === "shadow";
  const key = rfcCheckKey(repo.id, pull.headSha);

  const needsRfc = major.some((m) => m.component.tier === 1);
  const shownBefore = Boolean(await deps.store.actions.get(key));
  if (needsRfc || shownBefore) {
    const repositories = rfcRepositories(policy, repo.owner);
    const { links, ignored } = sortRfcLinks(pr.body, policy, repositories);
    const verdicts = needsRfc ? await Promise.all(links.slice(0, MAX_LINKS).map((link) => rfcVerdict(deps, installationId, link, repo))) : [];
    const desired = decideRfcCheck(major, change, verdicts, policy, shownBefore, { ignored, repositories });
    if (desired) {
      await deps.store.actions.saveIntent({
        key,
        kind: "check-run",
        target: JSON.stringify({ owner: repo.owner, repo: repo.name, headSha: pull.headSha }),
        desired: JSON.stringify(desired),
        installationId,
        now: deps.now(),
        shadow,
      });
    }
  }

  for (const consult of consultations(major, pull.author)) {
    const users = consult.handles.filter((h) => !h.includes("/"));
    const teams = consult.handles.filter((h) => h.includes("/")).map((h) => h.split("/")[1]);
    // Keyed by PR and component: a later push or label event does not ask again.
    await deps.store.actions.saveIntent({
      key: consultKey(repo.id, pull.number, consult.component.id),
      kind: "review-request",
      target: JSON.stringify({ owner: repo.owner, repo: repo.name, pullNumber: pull.number }),
      desired: JSON.stringify({ reviewers: users, teamReviewers: teams }),
      installationId,
      now: deps.now(),
      shadow,
    });
    await recordRequests(deps, target, consult.component, { thread: pull.number, isPull: true, source: "major-change", requestedBy: "tierkeeper" }, consult.handles);
  }
}

/**
 * Whether a linked RFC is accepted: a merged pull request, or an issue closed as completed.
 * Anything tierkeeper cannot read counts as not accepted (fail closed); a maintainer can lift
 * the requirement with the override label. A public repository's check never describes a
 * private repository's thread: from a private RFC repository it only says "not accepted or
 * unreadable" (its state is not even asked), whatever the RFC's state.
 */
async function rfcVerdict(deps: Deps, installationId: number, link: string, checked: RepoRef): Promise<RfcVerdict> {
  const thread = githubThread(link);
  if (!thread) return { link, accepted: false, detail: "not a GitHub pull request or issue address" };
  let octokit: Octokit;
  try {
    octokit = await deps.github(installationId);
    if (!checked.private && (await octokit.rest.repos.get({ owner: thread.owner, repo: thread.repo })).data.private) {
      return { link, accepted: false, detail: UNREADABLE };
    }
    if (thread.kind === "pull") {
      const { data } = await octokit.rest.pulls.get({ owner: thread.owner, repo: thread.repo, pull_number: thread.number });
      return data.merged ? { link, accepted: true, detail: "merged" } : { link, accepted: false, detail: data.state === "open" ? "open, not merged yet" : "closed without merging" };
    }
    const { data } = await octokit.rest.issues.get({ owner: thread.owner, repo: thread.repo, issue_number: thread.number });
    return data.state === "closed" && data.state_reason === "completed"
      ? { link, accepted: true, detail: "closed as completed" }
      : { link, accepted: false, detail: data.state === "open" ? "still open" : `closed as ${data.state_reason ?? "not planned"}` };
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 404 || status === 403) return { link, accepted: false, detail: UNREADABLE };
    throw error; // an outage: the delivery is retried
  }
}
