import { add } from "date-fns/add";
import type { ComponentVerdict } from "./attribution.js";
import type { Component, Owner, PullRecord, Registry } from "./model.js";
import { renderBreakageComment, type BreakageView } from "./render/breakage-comment.js";
import { compareText } from "./order.js";

/**
 * The breaking-PR comment: decide what the one comment on a pull request should say.
 * Pure: (registry, verdicts, what was posted before, now) -> the comment's desired state.
 */

/** The desired state of the comment, recorded before anything is sent. */
export interface BreakageComment {
  body: string;
  /** `component:owner` pairs @-mentioned in `body`. */
  mentions: string[];
  /** When each component was first seen broken in this PR (ISO): the policy's clocks start there. */
  since: Record<string, string>;
}

/** What GitHub last accepted, plus every mention ever sent on this PR. */
export interface AppliedComment {
  body: string;
  mentions: string[];
  spent: string[];
}

export interface BreakageInput {
  registry: Registry;
  pull: PullRecord;
  defaultBranch: string;
  verdicts: ComponentVerdict[];
  /** The PR's latest run in the merge queue: its commit, the default-branch commit it built on, its verdicts. */
  queue?: QueueRun;
  previous?: BreakageComment;
  applied?: AppliedComment;
  /** Link to a component's Tier 3 tracking issue, when one exists. */
  trackingIssueUrl?: (componentId: string) => string | undefined;
  /** Who is asked for a component when some owners are away (see responsiveness.recipientsFor); all owners when absent. */
  route?: (component: Component) => { handles: string[]; routedAround: string[] };
  now: Date;
}

export interface QueueRun {
  headSha: string;
  /** The branch the queue merges into, and its commit the queue built on. */
  base: string;
  baseSha: string;
  verdicts: ComponentVerdict[];
}

export function ownerHandle(owner: Owner): string {
  return owner.kind === "user" ? owner.login : `${owner.org}/${owner.slug}`;
}

/**
 * Returns the comment to post or edit, or null when there is nothing to say
 * (no component broken and no comment posted yet).
 */
export function decideBreakageComment(input: BreakageInput): BreakageComment | null {
  const { pull, previous, applied, now } = input;
  const verdicts = withQueue(input.verdicts, input.queue?.verdicts ?? []);
  // A component disabled in CI is expected to fail: its failures are nobody's breakage.
  const broken = verdicts.filter((v) => v.verdict !== "passing" && v.component.facts.ci !== "disabled");
  if (broken.length === 0 && !previous) return null;

  // Each owner is @-mentioned once per PR and component: a mention already sent stays
  // as it was while the component stays listed, and is written without "@" afterwards.
  const spent = new Set(applied?.spent ?? []);
  const stillShown = new Set([...(applied?.mentions ?? []), ...(previous?.mentions ?? [])]);
  const mentions: string[] = [];
  const since: Record<string, string> = {};

  const entries: BreakageView["entries"] = broken.map((v) => {
    const id = v.component.id;
    since[id] = previous?.since[id] ?? now.toISOString();
    const listed = v.component.owners.map(ownerHandle);
    // Routing around away owners applies to a new request only: who was asked on this PR stays asked.
    const askedBefore = [...spent, ...stillShown].some((key) => key.startsWith(`${id}:`));
    const route = askedBefore ? undefined : input.route?.(v.component);
    // An owner who is away is listed but not asked; a backup asked instead is listed too.
    const owners = [...listed, ...(route?.handles.filter((h) => !listed.includes(h)) ?? [])]
      .filter((handle) => handle.toLowerCase() !== pull.author.toLowerCase())
      .map((handle) => {
        const key = `${id}:${handle}`;
        const asked = !route || route.handles.includes(handle) || stillShown.has(key);
        // Only those who must act are pinged: a failure already on the default branch is not this PR's news.
        const mention = asked && v.verdict === "broken-by-pr" && (!spent.has(key) || stillShown.has(key));
        if (mention) mentions.push(key);
        const note = route?.routedAround.includes(handle) && !mention ? "away" : listed.includes(handle) ? undefined : "backup";
        return { handle, mention, ...(note && { note }) };
      });
    return {
      verdict: v,
      ...(v.inQueue && input.queue && { queue: { headSha: input.queue.headSha, base: input.queue.base, baseSha: input.queue.baseSha } }),
      owners,
      deadline: add(new Date(since[id]), input.registry.policy.responseWindow),
      trackingIssueUrl: input.trackingIssueUrl?.(id),
    };
  });

  const body = renderBreakageComment({
    headSha: pull.headSha,
    defaultBranch: input.defaultBranch,
    entries,
    passing: verdicts.filter((v) => v.verdict === "passing").map((v) => v.component.id),
    ...(input.queue && { queueSha: input.queue.headSha }),
    filesCapped: pull.touched === "all",
  });
  return { body, mentions, since };
}

/**
 * The PR's head and its merge queue run, one verdict per component: what fails at the head
 * speaks first; a component that fails only in the queue is reported as failing there.
 */
function withQueue(head: ComponentVerdict[], queue: ComponentVerdict[]): (ComponentVerdict & { inQueue?: true })[] {
  const byId = new Map<string, ComponentVerdict & { inQueue?: true }>(head.map((v) => [v.component.id, v]));
  for (const v of queue) {
    const atHead = byId.get(v.component.id);
    if (v.verdict !== "passing" && (!atHead || atHead.verdict === "passing")) byId.set(v.component.id, { ...v, inQueue: true });
    else if (!atHead) byId.set(v.component.id, v);
  }
  return [...byId.values()].sort((a, b) => a.component.tier - b.component.tier || compareText(a.component.id, b.component.id));
}
