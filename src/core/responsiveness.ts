import { atOrAfter } from "./instants.js";
import { add } from "date-fns/add";
import { ownerHandle } from "./breakage.js";
import type { Component, Owner, Policy, RepoRef } from "./model.js";
import { compareText } from "./order.js";

/**
 * Tier 2 responsiveness, as the spec words it: "Maintainers of a Tier 2 feature are responsive
 * (reply to requests within a week)". Pure: a request's state, an event and the clock in, the
 * next state out; who is asked, and when a deadline falls once away time is taken out.
 *
 * A request is addressed to one maintainer (a user, or a team that any member answers) on one
 * thread (a pull request or issue), about one component. It is open until that maintainer
 * replies there; at its deadline without a reply it is breached once (a reminder on the thread),
 * and a week later a second time (the escalation contacts are mentioned too). Then it stays
 * open, silently, so that a late reply still counts in the figures.
 */

export type RequestSource = "ping" | "review-request" | "team-mention" | "major-change";

export interface Reply {
  by: string;
  /** ISO time of the comment, review or reaction. */
  at: string;
  /** "comment on #12", "review on #12", "reaction on #12". */
  via: string;
}

export interface Tier2Request {
  component: string;
  /** The pull request or issue the request was made on. */
  thread: number;
  isPull: boolean;
  /** `login` or `org/team-slug`. */
  requestee: string;
  team: boolean;
  source: RequestSource;
  /** Who made it (for the record; tierkeeper's own pings say `tierkeeper`). */
  requestedBy: string;
  requestedAt: string;
  /** The request's comment, when tierkeeper knows it: reactions on it are replies. */
  commentId?: number;
  /** Or the key of tierkeeper's own comment that made it (its id is known once posted). */
  commentKey?: string;
  /** Where it lives, so the sweep can act without asking GitHub (the core does not read it). */
  repo?: RepoRef;
  status: "open" | "replied" | "cancelled";
  reply?: Reply;
  /** When each breach was recorded (ISO); the n-th breach gets the n-th reminder. */
  breaches: string[];
  /** When the sweep must look at it next; null when nothing more is scheduled. */
  dueAt: string | null;
  /** Owners this request was routed around because they were away. */
  routedAround?: string[];
  cancelledReason?: string;
}

/** How many breaches a request can have: the reminder, then the escalation. */
export const MAX_BREACHES = 2;

/** One maintainer's away time in a repository (`/tier away until`, ended early by `/tier back`). */
export interface AwayPeriod {
  from: string;
  until: string;
}

export type RequestEvent =
  | { kind: "reply"; reply: Reply }
  /** The review request was withdrawn, or the thread closed before the deadline. */
  | { kind: "cancel"; reason: string }
  /** The sweep: `replies` were read from GitHub just now; `away` is the requestee's away time. */
  | { kind: "due"; replies: Reply[]; away: AwayPeriod[] }
  /** The requestee's away time changed (`/tier away`, `/tier back`): the deadline follows it. */
  | { kind: "away"; away: AwayPeriod[] }
  /** No rules are in force to judge it by (the registry is gone or invalid): look again at `until`. */
  | { kind: "defer"; until: string };

export interface NewRequest {
  component: string;
  thread: number;
  isPull: boolean;
  requestee: string;
  source: RequestSource;
  requestedBy: string;
  commentId?: number;
  commentKey?: string;
  routedAround?: string[];
}

export function openRequest(input: NewRequest, now: Date, policy: Policy, away: AwayPeriod[]): Tier2Request {
  const requestedAt = now.toISOString();
  return {
    ...input,
    team: input.requestee.includes("/"),
    requestedAt,
    status: "open",
    breaches: [],
    dueAt: deadlineAfter(requestedAt, policy, away),
  };
}

export function stepRequest(request: Tier2Request, event: RequestEvent, now: Date, policy: Policy): Tier2Request {
  if (request.status !== "open") return request;
  switch (event.kind) {
    case "reply":
      return replied(request, [event.reply]);
    case "cancel":
      // A breach already recorded stays recorded: cancelling only stops what comes next.
      return { ...request, status: "cancelled", cancelledReason: event.reason, dueAt: null };
    case "defer":
      return request.dueAt && request.dueAt < event.until ? { ...request, dueAt: event.until } : request;
    case "away":
      return request.dueAt ? { ...request, dueAt: deadlineAfter(request.breaches.at(-1) ?? request.requestedAt, policy, event.away) } : request;
    case "due": {
      if (!request.dueAt || new Date(request.dueAt) > now) return request;
      const answered = replied(request, event.replies);
      if (answered !== request) return answered;
      // The clock stops while the maintainer is away: a deadline that moved is not a breach yet.
      const start = request.breaches.at(-1) ?? request.requestedAt;
      const deadline = deadlineAfter(start, policy, event.away);
      if (new Date(deadline) > now) return { ...request, dueAt: deadline };
      const breaches = [...request.breaches, now.toISOString()];
      const dueAt = breaches.length < MAX_BREACHES ? deadlineAfter(now.toISOString(), policy, event.away) : null;
      return { ...request, breaches, dueAt };
    }
  }
}

/** The earliest reply after the request counts; replies before it are about something else. */
function replied(request: Tier2Request, replies: Reply[]): Tier2Request {
  const first = replies.filter((r) => atOrAfter(r.at, request.requestedAt)).sort((a, b) => compareText(a.at, b.at))[0];
  return first ? { ...request, status: "replied", reply: first, dueAt: null } : request;
}

/**
 * `start` plus the reply window, with the clock stopped during away time: each period that
 * begins before the deadline pushes it back by the part of the period after `start`.
 */
export function deadlineAfter(start: string, policy: Policy, away: AwayPeriod[]): string {
  const from = new Date(start).getTime();
  let remaining = add(new Date(start), policy.responseWindow).getTime() - from;
  let clock = from;
  const periods = away
    .map((p) => ({ from: new Date(p.from).getTime(), until: new Date(p.until).getTime() }))
    .filter((p) => p.until > from && p.until > p.from)
    .sort((a, b) => a.from - b.from);
  for (const period of periods) {
    if (period.from >= clock + remaining) break;
    remaining -= Math.max(0, period.from - clock);
    clock = Math.max(clock, period.until);
  }
  return new Date(clock + remaining).toISOString();
}

/** Whether `login` is away at `now`. */
export function isAway(periods: AwayPeriod[], now: Date): boolean {
  const t = now.getTime();
  return periods.some((p) => new Date(p.from).getTime() <= t && t < new Date(p.until).getTime());
}

/** Ends whatever away time is running at `now` (`/tier back`); periods in the future stay. */
export function endAway(periods: AwayPeriod[], now: Date): AwayPeriod[] {
  const at = now.toISOString();
  return periods.map((p) => (p.from <= at && at < p.until ? { ...p, until: at } : p)).filter((p) => p.until > p.from);
}

/** `/tier away until YYYY-MM-DD`: away from now to the end of that day (UTC), replacing what overlaps. */
export function startAway(periods: AwayPeriod[], untilDay: string, now: Date): AwayPeriod[] {
  const from = now.toISOString();
  const until = new Date(`${untilDay}T23:59:59.999Z`).toISOString();
  const kept = endAway(periods, now).filter((p) => p.until <= from || p.from >= until);
  return until > from ? [...kept, { from, until }].sort((a, b) => compareText(a.from, b.from)) : kept;
}

/**
 * Who is asked on behalf of a component: its owners, except users who are away; when every
 * owner is away, its `backup` list (minus those away); when nobody is left, the owners anyway
 * (their clocks stop while they are away, so nobody is in breach for it).
 */
export function recipientsFor(component: Component, awayNow: (login: string) => boolean, exclude: string[] = []): { handles: string[]; routedAround: string[] } {
  const excluded = new Set(exclude.map((e) => e.toLowerCase()));
  const eligible = (owners: Owner[]) => owners.map(ownerHandle).filter((h) => !excluded.has(h.toLowerCase()));
  const present = (handles: string[]) => handles.filter((h) => h.includes("/") || !awayNow(h));
  const owners = eligible(component.owners);
  const routedAround = owners.filter((h) => !h.includes("/") && awayNow(h));
  const here = present(owners);
  if (here.length > 0) return { handles: here, routedAround };
  const backup = present(eligible(component.backup ?? []));
  if (backup.length > 0) return { handles: backup, routedAround };
  return { handles: owners, routedAround: [] };
}

/** The key of a request: what it is about (repository, thread, component, maintainer). */
export const requestKey = (repoId: number, r: Pick<Tier2Request, "thread" | "component" | "requestee">) => `t2:${repoId}:${r.thread}:${r.component}:${r.requestee.toLowerCase()}`;

/** Team mentions in a comment (`@org/team`), outside code and quotes. */
export function teamMentions(body: string): string[] {
  const found = new Set<string>();
  let fenced = false;
  for (const line of body.split(/\r?\n/)) {
    if (/^ {0,3}(`{3,}|~{3,})/.test(line)) fenced = !fenced;
    if (fenced || /^\s*>/.test(line)) continue;
    const text = line.replace(/`[^`]*`/g, "");
    for (const m of text.matchAll(/(?:^|[^\w/@])@([A-Za-z0-9][A-Za-z0-9-]*)\/([A-Za-z0-9][A-Za-z0-9_.-]*)/g)) found.add(`${m[1]}/${m[2].toLowerCase()}`);
  }
  return [...found];
}
