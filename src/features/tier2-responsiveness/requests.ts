import { onlyCommandsToTierkeeper } from "../../core/commands.js";
import type { ActivityFact, PullFact, ReviewRequestFact } from "../../core/facts.js";
import { ownerHandle } from "../../core/breakage.js";
import type { Component, PullRecord, Registry, RepoRef } from "../../core/model.js";
import { isAway, openRequest, requestKey, stepRequest, teamMentions, type NewRequest, type RequestEvent, type Tier2Request } from "../../core/responsiveness.js";
import type { RequestRecord } from "../../store/store.js";
import type { Deps } from "../deps.js";
import type { EventContext, Rules } from "../feature.js";
import { adoptPull } from "../pulls/pulls.js";

/**
 * Tier 2 requests, the shell: turn pings, review requests and team mentions into requests to
 * Tier 2 maintainers, and comments and reviews into their replies. Each request is one row,
 * stepped by compare-and-set like a Tier 3 episode; reminders come from the sweep
 * (deadlines.ts).
 */

export interface RepoTarget {
  repo: RepoRef;
  installationId: number;
  registry: Registry;
}

/** Handles that own a component, lower-cased, for matching a reviewer or a mentioned team. */
const ownedBy = (component: Component, handle: string) => component.owners.some((o) => ownerHandle(o).toLowerCase() === handle.toLowerCase());

/**
 * Records requests to `handles` about a Tier 2 component on a thread. A maintainer already
 * asked there about it is not asked again, except by a new review request after a reply.
 */
export async function recordRequests(deps: Deps, target: RepoTarget, component: Component, request: Omit<NewRequest, "component" | "requestee">, handles: string[]): Promise<Tier2Request[]> {
  if (component.tier !== 2) return [];
  const made: Tier2Request[] = [];
  for (const handle of handles) {
    const key = await freeKey(deps, target.repo.id, { thread: request.thread, component: component.id, requestee: handle }, askAgain[request.source]);
    if (!key) continue;
    const away = handle.includes("/") ? [] : await deps.store.away.get(target.repo.id, handle);
    const opened: Tier2Request = { ...openRequest({ ...request, component: component.id, requestee: handle }, deps.now(), target.registry.policy, away), repo: target.repo };
    if (await deps.store.requests.save(requestRecord(target, key, opened, deps.now()))) {
      made.push(opened);
      deps.log.info({ component: component.id, thread: request.thread, requestee: handle, source: request.source, dueAt: opened.dueAt }, "tier 2 request recorded");
    }
  }
  return made;
}

/**
 * When a maintainer asked before on the thread is asked again. A new review request or team
 * mention after the last one was answered is a new request. A ping is repeated on every refresh
 * of the comment while it stands, so it is new only after the last one was cancelled (the
 * breakage cleared, or a replica decided on results it had not all seen yet).
 */
const askAgain: Record<Tier2Request["source"], (previous: RequestRecord) => boolean> = {
  "review-request": () => true,
  "team-mention": () => true,
  ping: (previous) => previous.status === "cancelled",
  "major-change": () => false,
};

/** The key for a new request, or undefined when the maintainer is already asked (or was, and `again` says no). */
async function freeKey(deps: Deps, repoId: number, what: Pick<Tier2Request, "thread" | "component" | "requestee">, again: (previous: RequestRecord) => boolean): Promise<string | undefined> {
  const base = requestKey(repoId, what);
  for (let n = 1; n <= 20; n++) {
    const key = n === 1 ? base : `${base}#${n}`;
    const existing = await deps.store.requests.get(key);
    if (!existing) return key;
    if (existing.status === "open" || !again(existing)) return undefined;
  }
  return undefined;
}

function requestRecord(target: Pick<RepoTarget, "repo" | "installationId">, key: string, request: Tier2Request, now: Date): RequestRecord {
  return {
    key,
    repoId: target.repo.id,
    repoKey: `${target.repo.owner}/${target.repo.name}`,
    installationId: target.installationId,
    componentId: request.component,
    thread: request.thread,
    status: request.status,
    requestedAt: new Date(request.requestedAt),
    state: request,
    dueAt: request.dueAt ? new Date(request.dueAt) : null,
    version: 1,
    updatedAt: now,
  };
}

/**
 * Applies an event to a stored request (compare-and-set: a concurrent twin's step wins and this
 * one is decided again). Returns the request before and after, or undefined when nothing changed.
 */
export async function stepStoredRequest(
  deps: Deps,
  key: string,
  event: (r: Tier2Request) => RequestEvent | undefined,
  policy: Registry["policy"],
  now = deps.now(),
): Promise<{ before: Tier2Request; after: Tier2Request; record: RequestRecord } | undefined> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const record = await deps.store.requests.get(key);
    if (!record) return undefined;
    const before = record.state;
    const e = event(before);
    if (!e) return undefined;
    const after = stepRequest(before, e, now, policy);
    if (JSON.stringify(after) === JSON.stringify(before)) return undefined;
    const next: RequestRecord = { ...record, status: after.status, state: after, dueAt: after.dueAt ? new Date(after.dueAt) : null, version: record.version + 1, updatedAt: now };
    if (await deps.store.requests.save(next)) return { before, after, record: next };
  }
  throw new Error(`request ${key} kept changing under us`);
}

/** Cancels the open requests on a thread that `which` selects. */
export async function cancelRequests(deps: Deps, repo: RepoRef, thread: number, reason: string, policy: Registry["policy"], which: (r: Tier2Request) => boolean = () => true): Promise<void> {
  for (const record of await deps.store.requests.openOnThread(repo.id, thread)) {
    await stepStoredRequest(deps, record.key, (r) => (which(r) ? { kind: "cancel", reason } : undefined), policy);
  }
}

/**
 * A comment or review: the reply of every maintainer it answers for (the user asked, or a
 * member of the team asked) on this thread. Costs one indexed read when nobody is waiting.
 */
export async function loadReplies(ctx: EventContext<ActivityFact>): Promise<{ rules: Rules; answered: { key: string; request: Tier2Request }[] } | undefined> {
  const { deps, fact } = ctx;
  if (fact.authorIsBot || onlyCommandsToTierkeeper(fact.body)) return undefined;
  const open = await deps.store.requests.openOnThread(fact.repo.id, fact.issueNumber);
  if (open.length === 0) return undefined;
  const rules = await ctx.rules();
  if (!rules) return undefined;
  const answered: { key: string; request: Tier2Request }[] = [];
  for (const record of open) {
    const request = record.state;
    if (await deps.owners.answersFor(ctx.github, request.requestee, fact.author)) answered.push({ key: record.key, request });
  }
  return { rules, answered };
}

export function decideReplies(loaded: { rules: Rules; answered: { key: string; request: Tier2Request }[] }, fact: ActivityFact) {
  const reply = { by: fact.author, at: fact.at.toISOString(), via: `${fact.via} on #${fact.issueNumber}` };
  return loaded.answered.length > 0 ? { ...loaded, reply } : undefined;
}

/** Steps each answered request (compare-and-set: a request answered or cancelled meanwhile stays as it is). */
export async function recordReplies(ctx: EventContext<ActivityFact>, { rules, answered, reply }: NonNullable<ReturnType<typeof decideReplies>>): Promise<void> {
  const { deps, fact } = ctx;
  for (const { key, request } of answered) {
    const stepped = await stepStoredRequest(deps, key, () => ({ kind: "reply", reply }), rules.registry.policy);
    if (stepped) deps.log.info({ component: request.component, requestee: request.requestee, by: fact.author }, "tier 2 request answered");
  }
}

type Asked = { component: Component; request: Omit<NewRequest, "component" | "requestee">; handles: string[] };

/** `@org/team` in a comment, for a team that owns a Tier 2 component: a request to that team. */
export async function loadTeamMentions(ctx: EventContext<ActivityFact>): Promise<{ rules: Rules; teams: { team: string; components: Component[] }[] } | undefined> {
  const { deps, fact } = ctx;
  if (fact.authorIsBot) return undefined;
  const mentioned = teamMentions(fact.body);
  if (mentioned.length === 0) return undefined;
  const rules = await ctx.rules();
  if (!rules) return undefined;
  const teams: { team: string; components: Component[] }[] = [];
  for (const team of mentioned) {
    const components = rules.registry.components.filter((c) => c.tier === 2 && ownedBy(c, team));
    // A member mentioning their own team is not asking anyone.
    if (components.length === 0 || (await deps.owners.answersFor(ctx.github, team, fact.author))) continue;
    teams.push({ team, components });
  }
  return { rules, teams };
}

export function decideTeamMentions({ rules, teams }: { rules: Rules; teams: { team: string; components: Component[] }[] }, fact: ActivityFact): { rules: Rules; asked: Asked[] } | undefined {
  const asked = teams.flatMap(({ team, components }) =>
    components.map((component) => ({
      component,
      request: { thread: fact.issueNumber, isPull: fact.isPull, source: "team-mention" as const, requestedBy: fact.author, commentId: fact.commentId },
      handles: [team],
    })),
  );
  return asked.length > 0 ? { rules, asked } : undefined;
}

export async function recordTeamMentions(ctx: EventContext<ActivityFact>, { rules, asked }: { rules: Rules; asked: Asked[] }): Promise<void> {
  await recordAsked(ctx, rules, asked);
}

async function recordAsked(ctx: EventContext<ActivityFact | ReviewRequestFact | PullFact>, rules: Rules, asked: Asked[]): Promise<void> {
  const target = { repo: ctx.fact.repo, installationId: ctx.fact.installationId, registry: rules.registry };
  for (const { component, request, handles } of asked) await recordRequests(ctx.deps, target, component, request, handles);
}

type ReviewRequestInputs =
  { kind: "cancel"; rules: Rules; thread: number; reason: string; which: (r: Tier2Request) => boolean } | { kind: "ask"; rules: Rules; owned: Component[]; pull: PullRecord };

/**
 * A review requested from a Tier 2 owner (user or team) on a PR touching their component; or
 * withdrawn. A closed PR cancels every request on it. Loading a PR tierkeeper has not seen yet
 * records it (adoptPull).
 */
export async function loadReviewRequest(ctx: EventContext<ReviewRequestFact | PullFact>): Promise<ReviewRequestInputs | undefined> {
  const { deps, fact } = ctx;
  if (fact.kind === "pull") {
    if (fact.state !== "closed") return undefined;
    const rules = (await ctx.rules())!;
    return { kind: "cancel", rules, thread: fact.number, reason: "the pull request was closed", which: () => true };
  }
  if (fact.reviewer.toLowerCase() === fact.requester.toLowerCase()) return undefined;
  const rules = await ctx.rules();
  if (!rules) return undefined;
  const owned = rules.registry.components.filter((c) => c.tier === 2 && ownedBy(c, fact.reviewer));
  if (owned.length === 0) return undefined;
  if (fact.action === "removed") {
    const reviewer = fact.reviewer.toLowerCase();
    return {
      kind: "cancel",
      rules,
      thread: fact.number,
      reason: `the review request was withdrawn by @${fact.requester}`,
      which: (r) => r.source === "review-request" && r.requestee.toLowerCase() === reviewer,
    };
  }
  const pull = (await deps.store.pulls.get(fact.repo.id, fact.number)) ?? (await adoptPull(deps, fact.repo, fact.installationId, rules.registry, fact.number));
  if (!pull || pull.state !== "open") return undefined;
  return { kind: "ask", rules, owned, pull };
}

export function decideReviewRequest(inputs: ReviewRequestInputs, fact: ReviewRequestFact | PullFact): ReviewRequestInputs | { kind: "asked"; rules: Rules; asked: Asked[] } | undefined {
  if (inputs.kind === "cancel" || fact.kind !== "review-request") return inputs;
  const { pull } = inputs;
  const asked = inputs.owned
    .filter((component) => pull.touched === "all" || pull.touched.includes(component.id))
    .map((component) => ({ component, request: { thread: fact.number, isPull: true, source: "review-request" as const, requestedBy: fact.requester }, handles: [fact.reviewer] }));
  return asked.length > 0 ? { kind: "asked", rules: inputs.rules, asked } : undefined;
}

export async function recordReviewRequest(ctx: EventContext<ReviewRequestFact | PullFact>, decision: NonNullable<ReturnType<typeof decideReviewRequest>>): Promise<void> {
  if (decision.kind === "cancel") return cancelRequests(ctx.deps, ctx.fact.repo, decision.thread, decision.reason, decision.rules.registry.policy, decision.which);
  if (decision.kind === "asked") await recordAsked(ctx, decision.rules, decision.asked);
}

/** Who is away in a repository right now, for routing a new request. */
export async function awayNow(deps: Deps, repoId: number): Promise<(login: string) => boolean> {
  const away = await deps.store.away.ofRepo(repoId);
  const now = deps.now();
  return (login) => isAway(away.get(login.toLowerCase()) ?? [], now);
}
