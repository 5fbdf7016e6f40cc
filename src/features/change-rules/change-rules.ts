import { consultations, decideRfcCheck, githubThread, majorChanges, rfcRepositories, sortRfcLinks, type RfcVerdict } from "../../core/change-rules.js";
import type { PullFact } from "../../core/facts.js";
import type { PullRecord, RepoRef } from "../../core/model.js";
import type { Deps } from "../deps.js";
import type { EventContext, Rules } from "../feature.js";
import type { Octokit } from "../../github/octokit.js";
import { recordRequests, type RepoTarget } from "../tier2-responsiveness/requests.js";
import { checkRunIntent, recordIntents, reviewRequestIntent } from "../../intents/index.js";

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

type Change = Parameters<typeof majorChanges>[1];

/** What the rules judge: the change, its major parts, whether the RFC check was shown before, and the linked RFCs' state. */
export interface ChangeInputs {
  rules: Rules;
  pull: PullRecord;
  change: Change;
  major: ReturnType<typeof majorChanges>;
  shownBefore: boolean;
  verdicts: RfcVerdict[];
  links: { ignored: ReturnType<typeof sortRfcLinks>["ignored"]; repositories: ReturnType<typeof rfcRepositories> };
}

export async function loadChangeRules(ctx: EventContext<PullFact>): Promise<ChangeInputs | undefined> {
  const { deps, fact } = ctx;
  if (fact.state !== "open") return undefined;
  const { repo, installationId } = fact;
  const rules = (await ctx.rules())!;
  const { registry } = rules;
  const { pull } = ctx.observed.pull!;
  const policy = registry.policy.changes;
  const change = { author: pull.author, touched: pull.touched, lines: pull.lines ?? {}, labels: fact.labels, body: fact.body };
  const major = majorChanges(registry, change, policy);
  const needsRfc = major.some((m) => m.component.tier === 1);
  const shownBefore = Boolean(await deps.store.actions.get(rfcCheckKey(repo.id, pull.headSha)));
  const repositories = rfcRepositories(policy, repo.owner);
  const { links, ignored } = sortRfcLinks(fact.body, policy, repositories);
  const verdicts = needsRfc ? await Promise.all(links.slice(0, MAX_LINKS).map((link) => rfcVerdict(deps, installationId, link, repo))) : [];
  return { rules, pull, change, major, shownBefore, verdicts, links: { ignored, repositories } };
}

export function decideChangeRules({ rules, pull, change, major, shownBefore, verdicts, links }: ChangeInputs) {
  const needsRfc = major.some((m) => m.component.tier === 1);
  const desired = needsRfc || shownBefore ? decideRfcCheck(major, change, verdicts, rules.registry.policy.changes, shownBefore, links) : undefined;
  return { rules, pull, desired, consults: consultations(major, pull.author) };
}

export async function recordChangeRules(ctx: EventContext<PullFact>, { rules, pull, desired, consults }: ReturnType<typeof decideChangeRules>): Promise<void> {
  const { deps } = ctx;
  const { repo, installationId } = ctx.fact;
  const { registry } = rules;
  const target: RepoTarget = { repo, installationId, registry };
  const key = rfcCheckKey(repo.id, pull.headSha);
  if (desired) {
    await recordIntents(deps.store, registry.policy, [checkRunIntent({ key, target: { owner: repo.owner, repo: repo.name, headSha: pull.headSha }, desired, installationId })], deps.now());
  }

  for (const consult of consults) {
    const users = consult.handles.filter((h) => !h.includes("/"));
    const teams = consult.handles.filter((h) => h.includes("/")).map((h) => h.split("/")[1]);
    // Keyed by PR and component: a later push or label event does not ask again.
    await recordIntents(
      deps.store,
      registry.policy,
      [
        reviewRequestIntent({
          key: consultKey(repo.id, pull.number, consult.component.id),
          target: { owner: repo.owner, repo: repo.name, pullNumber: pull.number },
          desired: { reviewers: users, teamReviewers: teams },
          installationId,
        }),
      ],
      deps.now(),
    );
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
