import { atOrAfter } from "./instants.js";
import { add } from "date-fns/add";
import type { Policy, RepoRef } from "./model.js";
import { compareText } from "./order.js";

/**
 * The Tier 3 timeline, as the spec words it: "If a Tier 3 feature is preventing development of
 * other features then the owner will be notified. If no response is heard from within a week
 * then the feature will be disabled in CI. If no further response happens for a month then the
 * feature may be removed from the repository."
 *
 * One episode per component, from the first blocking failure until it is resolved. Pure:
 * `openEpisode` starts one, `advance(episode, event, now, policy)` returns the next state;
 * nothing here talks to GitHub or the store, and the clock is an argument.
 */

/**
 * `disabling`: the disable was asked for (the registry PR opened, or the workflow disable sent) and
 * has not taken effect on the default branch yet; `disable-declined`: the maintainers closed the
 * disabling PR unmerged, and the timeline waits (see `advance`).
 */
export type Phase = "notified" | "disabling" | "disable-declined" | "disabled" | "removal-proposed" | "closed";

/** Evidence that the component blocks other work: a failing run on the default branch or on someone else's PR. */
export interface Blocker {
  /** The PR blocked; absent for a failure on the default branch. */
  pr?: number;
  check: string;
  url?: string;
  sha: string;
  /** When the run completed (ISO). */
  at: string;
}

/** An owner's response: a comment, review, reaction or `/tier ack` after the notice. */
export interface Response {
  by: string;
  at: string;
  /** Where, for the record: "comment on #12", "reaction on #12", "/tier ack". */
  via: string;
}

export interface Episode {
  component: string;
  /** Where it lives, so the sweep can act without asking GitHub (the core does not read it). */
  repo?: RepoRef;
  /** Increases with each new episode of the same component: keys its issues and PRs. */
  seq: number;
  phase: Phase;
  /** When the owners were notified (the tracking issue was decided). */
  noticeAt: string;
  /** When the next step is due; null while frozen or when nothing is left to do. */
  dueAt: string | null;
  responses: Response[];
  frozen?: { by: string; reason: string; at: string };
  blockers: Blocker[];
  /** When tierkeeper asked for the disable (opened the PR, or sent the workflow disable). */
  disableProposedAt?: string;
  /** When the disable took effect on the default branch: the removal window starts here. */
  disabledAt?: string;
  /** How it took effect, for the record: "#12 merged", "the registry on the default branch", ... */
  disabledVia?: string;
  /** When and by whom the disabling PR was closed unmerged. */
  disableDeclined?: { at: string; by?: string };
  removalProposedAt?: string;
  closedAt?: string;
  closedReason?: string;
  /** Whether the registry on the default branch was seen with `ci: disabled` during this episode. */
  seenDisabled?: boolean;
  /** Every step taken, for the evidence in a removal proposal. */
  log: { at: string; what: string }[];
}

export type TimelineEvent =
  /** A failing run that blocks other work (the shell decides what counts, see features/tier3-timeline). */
  | { kind: "blocking"; blocker: Blocker }
  | { kind: "response"; response: Response }
  | { kind: "freeze"; by: string; reason: string }
  | { kind: "unfreeze"; by: string }
  /** The component's checks pass on the default branch again. */
  | { kind: "passing" }
  /** The registry on the default branch, as last read. */
  | { kind: "registry"; present: boolean; ciDisabled: boolean }
  /**
   * The disable took effect at `at`: the disabling PR was merged (`viaRegistry`: it put
   * `ci: disabled` on the default branch), or GitHub accepted the workflow disable.
   */
  | { kind: "disable-landed"; at: string; via: string; viaRegistry: boolean }
  /** The disabling PR was closed without being merged: the maintainers chose not to disable. */
  | { kind: "disable-declined"; at: string; by?: string }
  /** The sweep: the episode is due; `responses` were read from GitHub just now, to catch missed webhooks. */
  | { kind: "due"; responses: Response[] };

/** The most blockers an episode keeps: the newest, enough to show the pattern. */
const MAX_BLOCKERS = 30;

/** How often the sweep asks GitHub whether a pending disable took effect, in case a webhook was missed. */
export const DISABLE_RECHECK = { days: 1 };

/** Phases before anything is disabled: the component still runs in CI and still blocks work. */
const UNDISABLED: readonly Phase[] = ["notified", "disabling", "disable-declined"];

/**
 * The spec's "preventing development of other features", made precise: a Tier 3 component's
 * failing run blocks other work when it is on the default branch, or on a pull request that
 * does not touch the component's paths (a PR that changes the component may break it itself).
 */
export function blockersOf(
  result: { outcome: string; name: string; sha: string; url?: string; completedAt: Date; branch?: string },
  componentId: string,
  defaultBranch: string,
  pulls: { number: number; touched: string[] | "all" }[],
): Blocker[] {
  if (result.outcome !== "fail") return [];
  const blocker: Blocker = { check: result.name, url: result.url, sha: result.sha, at: result.completedAt.toISOString() };
  const blocked = pulls.filter((p) => Array.isArray(p.touched) && !p.touched.includes(componentId)).map((p) => ({ ...blocker, pr: p.number }));
  return result.branch === defaultBranch ? [blocker, ...blocked] : blocked;
}

/**
 * An episode as stored. Earlier versions set "disabled" when the disabling PR was opened, merged
 * or not: such an episode that never saw the default branch disable it (no `disabledVia`, not
 * `seenDisabled`) is read as a pending disable proposed at that date, so that the shell verifies
 * on GitHub whether, and when, it took effect before any removal window runs.
 */
export function parseEpisode(json: string): Episode {
  return upgradeEpisode(JSON.parse(json) as Episode);
}

/** An episode read as stored (already parsed), in today's terms: see `parseEpisode`. */
export function upgradeEpisode(episode: Episode): Episode {
  if (episode.phase === "disabled" && !episode.disabledVia && !episode.seenDisabled && episode.disabledAt) {
    const { disabledAt, ...rest } = episode;
    return { ...rest, phase: "disabling", disableProposedAt: disabledAt };
  }
  return episode;
}

/** A blocking failure with no open episode: notify the owners and start the response window. */
export function openEpisode(component: string, previous: Episode | undefined, blocker: Blocker, now: Date, policy: Policy): Episode {
  const at = now.toISOString();
  return {
    component,
    seq: (previous?.seq ?? 0) + 1,
    phase: "notified",
    noticeAt: at,
    dueAt: iso(add(now, policy.responseWindow)),
    responses: [],
    blockers: [blocker],
    log: [{ at, what: "owners notified" }],
  };
}

/** The next state of an open episode after an event. A closed episode stays closed. */
export function advance(episode: Episode, event: TimelineEvent, now: Date, policy: Policy): Episode {
  if (episode.phase === "closed") return episode;
  const at = now.toISOString();
  const next: Episode = { ...episode, blockers: [...episode.blockers], responses: [...episode.responses], log: [...episode.log] };
  switch (event.kind) {
    case "blocking":
      // While disabled, its failures are expected and block nobody.
      if (UNDISABLED.includes(next.phase)) addBlocker(next, event.blocker);
      return next;
    case "response":
      return respond(next, [event.response], policy);
    case "freeze":
      next.frozen = { by: event.by, reason: event.reason, at };
      next.dueAt = null;
      next.log.push({ at, what: `frozen by @${event.by}: ${event.reason}` });
      return next;
    case "unfreeze": {
      if (next.phase === "disable-declined" && !next.frozen) {
        // A maintainer asks to go on after declining: the owners get a full response window again.
        next.phase = "notified";
        delete next.disableProposedAt; // the declined PR stays closed until silence proposes it again
        next.dueAt = iso(add(now, policy.responseWindow));
        next.log.push({ at, what: `response window restarted by @${event.by} after the declined disable` });
        return next;
      }
      if (!next.frozen) return next;
      // The frozen time does not count against the owners: the current step's full window starts again.
      delete next.frozen;
      const window = next.phase === "disabling" ? DISABLE_RECHECK : windowOf(next.phase, policy);
      next.dueAt = window ? iso(add(now, window)) : null;
      next.log.push({ at, what: `unfrozen by @${event.by}` });
      return next;
    }
    case "passing":
      // Blocking stopped before anything was disabled: nothing left to enforce (a pending disabling PR closes).
      return UNDISABLED.includes(next.phase) ? close(next, at, "its checks pass on the default branch again") : next;
    case "registry":
      if (!event.present) return close(next, at, "it is no longer in the registry");
      if (event.ciDisabled) {
        next.seenDisabled = true;
        return land(next, at, "the registry on the default branch marks it `ci: disabled`", policy);
      }
      if (next.seenDisabled && !UNDISABLED.includes(next.phase)) return close(next, at, "it was re-enabled in CI");
      return next;
    case "disable-landed":
      if (event.viaRegistry) next.seenDisabled = true;
      return land(next, event.at, event.via, policy);
    case "disable-declined":
      // Only the pending disable can be declined; a PR closed after another route disabled it changes nothing.
      if (next.phase !== "disabling") return next;
      next.phase = "disable-declined";
      next.disableDeclined = { at: event.at, ...(event.by && { by: event.by }) };
      next.dueAt = null;
      next.log.push({ at: event.at, what: `disabling pull request closed without merging${event.by ? ` by @${event.by}` : ""}: the maintainers chose not to disable it` });
      return next;
    case "due":
      return due(next, event.responses, now, policy);
  }
}

/** Responses count only after the notice and only once; each postpones the next step. */
function respond(episode: Episode, responses: Response[], policy: Policy): Episode {
  const known = new Set(episode.responses.map(key));
  const fresh = responses.filter((r) => atOrAfter(r.at, episode.noticeAt) && !known.has(key(r))).sort((a, b) => compareText(a.at, b.at));
  if (fresh.length === 0) return episode;
  const latest = fresh[fresh.length - 1];
  episode.responses.push(...fresh);
  episode.responses = episode.responses.slice(-20);
  episode.log.push({ at: latest.at, what: `@${latest.by} responded (${latest.via})` });
  if (episode.phase === "removal-proposed") {
    // "An owner's response at any point stops the clock": back to disabled, removal on hold.
    episode.phase = "disabled";
    episode.log.push({ at: latest.at, what: "removal proposal withdrawn after the response" });
  }
  const window = windowOf(episode.phase, policy);
  // A pending or declined disable has no owner clock: the maintainers decide, a response is only recorded.
  if (!episode.frozen && window) {
    const postponed = iso(add(new Date(latest.at), window));
    episode.dueAt = episode.dueAt && episode.dueAt > postponed ? episode.dueAt : postponed;
  }
  return episode;
}

function due(episode: Episode, verified: Response[], now: Date, policy: Policy): Episode {
  if (episode.frozen || !episode.dueAt || new Date(episode.dueAt) > now) return episode;
  if (episode.phase === "disabling") {
    // Nothing to decide: the shell has just asked GitHub whether the disable took effect. Ask again later.
    episode.dueAt = iso(add(now, DISABLE_RECHECK));
    return episode;
  }
  // Verify before acting: a response GitHub shows but no webhook brought postpones instead.
  const before = episode.responses.length;
  const afterResponses = respond(episode, verified, policy);
  if (afterResponses.responses.length !== before) return afterResponses;
  const at = now.toISOString();
  if (episode.phase === "notified") {
    // Asked for, not done: it counts as disabled once the change is on the default branch (`land`).
    episode.phase = "disabling";
    episode.disableProposedAt = at;
    delete episode.disableDeclined;
    episode.dueAt = iso(add(now, DISABLE_RECHECK));
    episode.log.push({ at, what: "disable in CI proposed (no owner response within the response window)" });
  } else if (episode.phase === "disabled") {
    episode.phase = "removal-proposed";
    episode.removalProposedAt = at;
    episode.dueAt = null;
    episode.log.push({ at, what: "removal proposed (no owner response within the removal window)" });
  }
  return episode;
}

/** The disable took effect at `at`: the removal window starts then. Later reports of it change nothing. */
function land(episode: Episode, at: string, via: string, policy: Policy): Episode {
  if (!UNDISABLED.includes(episode.phase)) return episode;
  episode.phase = "disabled";
  episode.disabledAt = at;
  episode.disabledVia = via;
  episode.dueAt = episode.frozen ? null : iso(add(new Date(at), policy.removalWindow));
  episode.log.push({ at, what: `disabled in CI: ${via}` });
  return episode;
}

function close(episode: Episode, at: string, reason: string): Episode {
  episode.phase = "closed";
  episode.closedAt = at;
  episode.closedReason = reason;
  episode.dueAt = null;
  delete episode.frozen;
  episode.log.push({ at, what: `closed: ${reason}` });
  return episode;
}

function addBlocker(episode: Episode, blocker: Blocker) {
  const same = (b: Blocker) => b.pr === blocker.pr && b.check === blocker.check && (b.pr !== undefined || b.sha === blocker.sha);
  episode.blockers = [blocker, ...episode.blockers.filter((b) => !same(b))].slice(0, MAX_BLOCKERS);
}

/** The owners' clock in a phase: none while a disable is pending or declined, nor after the proposal. */
function windowOf(phase: Phase, policy: Policy) {
  if (phase === "notified") return policy.responseWindow;
  if (phase === "disabled") return policy.removalWindow;
  return undefined;
}

const key = (r: Response) => `${r.by.toLowerCase()}@${r.at}`;
const iso = (d: Date) => d.toISOString();
