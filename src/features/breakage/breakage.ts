import { attribute } from "../../core/attribution.js";
import { decideBreakageComment, type AppliedComment, type BreakageComment } from "../../core/breakage.js";
import type { CiFact, PullFact } from "../../core/facts.js";
import type { Matcher } from "../../core/match.js";
import type { CiResult, PullRecord, Registry, RepoRef } from "../../core/model.js";
import { BREAKAGE_MARKER } from "../../core/render/breakage-comment.js";
import type { CommentTarget } from "../../intents/index.js";
import type { ActionRecord, QueueEntry } from "../../store/store.js";
import type { Deps } from "../deps.js";
import type { EventContext, Rules } from "../feature.js";
import { recipientsFor } from "../../core/responsiveness.js";
import { trackingIssues } from "../tier3-timeline/timeline.js";
import { awayNow, cancelRequests, recordRequests } from "../tier2-responsiveness/requests.js";
import { commentIntent, recordIntents } from "../../intents/index.js";

/** The key of a PR's one breakage comment: what it is about, not when it was decided. */
export const breakagePrefix = (repoId: number) => `breakage:${repoId}#`;
export const breakageKey = (repoId: number, pullNumber: number) => `${breakagePrefix(repoId)}${pullNumber}`;

/** What one PR's comment is computed from. */
export interface CommentInputs {
  pull: PullRecord;
  head: CiResult[];
  base: CiResult[];
  action: ActionRecord | undefined;
  tracking: Map<string, number>;
  away: (login: string) => boolean;
  /** The PR's latest merge queue run, with the results at its commit and at its base. */
  queue?: { entry: QueueEntry; head: CiResult[]; base: CiResult[]; branch: CiResult[] };
}

type Loaded = { rules: Rules; inputs: CommentInputs[] };

/**
 * Owner pings on breaking PRs: the PRs whose comment may change (the PR at a new head; the open
 * PRs at a CI result's commit, and after a default-branch result every PR that already carries a
 * comment, since the result can turn "broken by this PR" into "already broken"), and what each
 * comment is computed from. Nothing here talks to GitHub: the executor posts or edits the comment.
 */
export async function loadComments(ctx: EventContext<PullFact | CiFact>): Promise<Loaded | undefined> {
  const { deps, fact } = ctx;
  const { repo } = fact;
  const rules = await ctx.rules();
  if (!rules) return undefined;
  const affected = new Map<number, PullRecord>();
  if (fact.kind === "pull") {
    const { pull } = ctx.observed.pull!;
    affected.set(pull.number, pull);
  } else {
    const { fact: judged, pulls } = ctx.observed.ci!;
    for (const pull of pulls) affected.set(pull.number, pull);
    if (judged.result.branch === repo.defaultBranch) {
      for (const key of await deps.store.actions.keysWithPrefix(breakagePrefix(repo.id))) {
        const number = Number(key.slice(key.lastIndexOf("#") + 1));
        if (affected.has(number)) continue;
        const pull = await deps.store.pulls.get(repo.id, number);
        if (pull?.state === "open") affected.set(number, pull);
      }
    }
  }
  const inputs: CommentInputs[] = [];
  for (const pull of affected.values()) {
    const loaded = await loadComment(deps, repo, rules.registry, pull);
    if (loaded) inputs.push(loaded);
  }
  return inputs.length > 0 ? { rules, inputs } : undefined;
}

async function loadComment(deps: Deps, repo: RepoRef, registry: Registry, pull: PullRecord): Promise<CommentInputs | undefined> {
  if (!registry.policy.behaviours.prComment || pull.state !== "open") return undefined;
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
    entry,
    head: await deps.store.results.forSha(repo.id, entry.headSha),
    base: await deps.store.results.forSha(repo.id, entry.baseSha),
    branch: entry.base === repo.defaultBranch ? base : await deps.store.results.latestOnBranch(repo.id, entry.base),
  };
  return { pull, head, base, action: action ?? undefined, tracking, away, ...(queue && { queue }) };
}

/** Each PR's comment from its inputs (core/breakage.ts); a PR whose comment needs no change has none. */
export function decideComments({ rules, inputs }: Loaded, fact: PullFact | CiFact, now: Date): { rules: Rules; comments: { pull: PullRecord; decision: BreakageComment }[] } | undefined {
  const { registry, matcher } = rules;
  const comments = inputs.flatMap(({ pull, head, base, action, tracking, away, queue }) => {
    const decision = decideBreakageComment({
      registry,
      pull,
      defaultBranch: fact.repo.defaultBranch,
      verdicts: attribute(matcher, head, base),
      ...(queue && {
        queue: { headSha: queue.entry.headSha, base: queue.entry.base, baseSha: queue.entry.baseSha, verdicts: attribute(matcher, queue.head, queue.base, queue.branch) },
      }),
      previous: action ? (JSON.parse(action.desired) as BreakageComment) : undefined,
      applied: action?.applied ? (JSON.parse(action.applied) as AppliedComment) : undefined,
      trackingIssueUrl: (id) => (tracking.has(id) ? `#${tracking.get(id)}` : undefined),
      route: (component) => recipientsFor(component, away),
      now,
    });
    return decision ? [{ pull, decision }] : [];
  });
  return comments.length > 0 ? { rules, comments } : undefined;
}

/** Records each comment as an intent, and its Tier 2 pings as requests. */
export async function saveComments(ctx: EventContext<PullFact | CiFact>, { rules, comments }: NonNullable<ReturnType<typeof decideComments>>): Promise<void> {
  for (const { pull, decision } of comments) await saveComment(ctx.deps, ctx.fact.repo, ctx.fact.installationId, rules, pull, decision);
}

async function saveComment(deps: Deps, repo: RepoRef, installationId: number, rules: Rules, pull: PullRecord, decision: BreakageComment): Promise<void> {
  const { registry } = rules;
  const target: CommentTarget = { owner: repo.owner, repo: repo.name, issueNumber: pull.number, marker: BREAKAGE_MARKER };
  const changed =
    (await recordIntents(deps.store, registry.policy, [commentIntent({ key: breakageKey(repo.id, pull.number), target, desired: decision, installationId })], deps.now())).length > 0;
  if (changed) deps.log.info({ pull: pull.number, mentions: decision.mentions }, "breakage comment decided");
  // Always, not only on change: after a crash between the two saves, the requests still follow the comment.
  await syncPingRequests(deps, { repo, installationId, registry }, rules.matcher, pull, decision.mentions);
}

/**
 * A ping to a Tier 2 component's owners is a request to each of them; when the component is no
 * longer broken by the PR, the requests it made are moot and are cancelled.
 */
async function syncPingRequests(deps: Deps, target: { repo: RepoRef; installationId: number; registry: Registry }, matcher: Matcher, pull: PullRecord, mentions: string[]) {
  const asked = new Set(mentions.map((m) => m.toLowerCase()));
  for (const mention of mentions) {
    const split = mention.indexOf(":");
    const component = matcher.component(mention.slice(0, split));
    if (component?.tier !== 2) continue;
    const request = { thread: pull.number, isPull: true, source: "ping" as const, requestedBy: "tierkeeper", commentKey: breakageKey(target.repo.id, pull.number) };
    await recordRequests(deps, target, component, request, [mention.slice(split + 1)]);
  }
  await cancelRequests(
    deps,
    target.repo,
    pull.number,
    "the pull request no longer breaks the component",
    target.registry.policy,
    (r) => r.source === "ping" && !asked.has(`${r.component}:${r.requestee}`.toLowerCase()),
  );
}
