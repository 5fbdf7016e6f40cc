import { ownerHandle } from "./breakage.js";
import type { Component, Registry } from "./model.js";
import type { CheckRunDesired } from "./registry-check.js";

/**
 * The spec's rules for changes: "Major changes affecting Tier 1 features require an RFC and
 * prior agreement on the change before an implementation is committed", and "Major changes
 * otherwise requiring an RFC that affect Tier 2 components are required to consult Tier 2
 * maintainers". Pure: what a pull request changes, its labels and description in; which
 * components it changes in a major way, the `tierkeeper/rfc` check run and whom to consult out.
 */

export const RFC_CHECK_NAME = "tierkeeper/rfc";

export interface ChangePolicy {
  /** A change is major for a component when it changes at least this many lines in its paths; null: never by size. */
  majorLines: number | null;
  /** A change carrying this label is major for every component it touches; null: no label. */
  majorLabel: string | null;
  /** A regular expression (source) that an RFC link in the PR description matches. */
  rfcLink: string;
  /** A maintainer's label that lifts the RFC requirement for this PR. */
  rfcOverrideLabel: string;
}

export const DEFAULT_CHANGE_POLICY: ChangePolicy = {
  majorLines: null,
  majorLabel: "major-change",
  rfcLink: String.raw`https://github\.com/[\w.-]+/rfcs/(?:pull|issues)/\d+`,
  rfcOverrideLabel: "rfc-not-needed",
};

export interface PullChange {
  author: string;
  /** Components the PR touches; `all` when GitHub's file list was cut short. */
  touched: string[] | "all";
  /** Lines added plus deleted, per component. */
  lines: Record<string, number>;
  labels: string[];
  body: string;
}

/** Components the change is major for, with why. */
export function majorChanges(registry: Registry, change: PullChange, policy: ChangePolicy): { component: Component; why: string }[] {
  const labelled = policy.majorLabel !== null && change.labels.some((l) => l.toLowerCase() === policy.majorLabel!.toLowerCase());
  const touched = (c: Component) => change.touched === "all" || change.touched.includes(c.id);
  return registry.components.filter(touched).flatMap((component) => {
    if (labelled) return [{ component, why: `labelled \`${policy.majorLabel}\`` }];
    if (policy.majorLines === null) return [];
    if (change.touched === "all") return [{ component, why: "changes more files than GitHub lists (3,000)" }];
    const lines = change.lines[component.id] ?? 0;
    return lines >= policy.majorLines ? [{ component, why: `changes ${lines} lines in its paths (major from ${policy.majorLines})` }] : [];
  });
}

/** RFC links in a PR description, in order, without repeats. */
export function rfcLinks(body: string, policy: ChangePolicy): string[] {
  let pattern: RegExp;
  try {
    pattern = new RegExp(policy.rfcLink, "g");
  } catch {
    return []; // the registry's schema rejects an invalid pattern; never crash on one
  }
  return [...new Set([...body.matchAll(pattern)].map((m) => m[0]))];
}

/** What GitHub says of a linked RFC. */
export interface RfcVerdict {
  link: string;
  accepted: boolean;
  /** "merged", "open, not merged", "closed without merging", "tierkeeper cannot read it", ... */
  detail: string;
}

/**
 * The check run, or null when none is needed: no Tier 1 component is changed in a major way
 * and none was before at this head (then it turns green instead of disappearing).
 */
export function decideRfcCheck(
  major: { component: Component; why: string }[],
  change: PullChange,
  verdicts: RfcVerdict[],
  policy: ChangePolicy,
  shownBefore: boolean,
): CheckRunDesired | null {
  const tier1 = major.filter((m) => m.component.tier === 1);
  const done = (title: string, summary: string): CheckRunDesired => ({ name: RFC_CHECK_NAME, conclusion: "success", title, summary, annotations: [] });
  if (tier1.length === 0) return shownBefore ? done("No major change to a Tier 1 component", "This pull request no longer changes a Tier 1 component in a major way.") : null;
  const list = tier1.map((m) => `- \`${m.component.id}\` (${m.component.category}): ${m.why}`).join("\n");
  const rule = `The policy: "Major changes affecting Tier 1 features require an RFC and prior agreement on the change before an implementation is committed."`;
  if (change.labels.some((l) => l.toLowerCase() === policy.rfcOverrideLabel.toLowerCase())) {
    return done("RFC requirement lifted by a maintainer", `${rule}\n\nThis pull request changes Tier 1 components in a major way:\n${list}\n\nA maintainer added the label \`${policy.rfcOverrideLabel}\`, which lifts the requirement for this pull request.`);
  }
  const accepted = verdicts.filter((v) => v.accepted);
  if (accepted.length > 0) {
    return done(`Accepted RFC linked: ${accepted[0].link}`, `${rule}\n\nThis pull request changes Tier 1 components in a major way:\n${list}\n\nIt links the accepted RFC ${accepted[0].link} (${accepted[0].detail}).`);
  }
  const linked = verdicts.length ? `Linked, but not accepted:\n${verdicts.map((v) => `- ${v.link}: ${v.detail}`).join("\n")}` : "It links no RFC.";
  return {
    name: RFC_CHECK_NAME,
    conclusion: "failure",
    title: `A major change to Tier 1 needs an accepted RFC`,
    summary: [
      rule,
      "",
      `This pull request changes Tier 1 components in a major way:\n${list}`,
      "",
      linked,
      "",
      `To pass: link the accepted RFC in the pull request's description (a link matching \`${policy.rfcLink}\`, for a merged RFC pull request or an RFC issue closed as completed). ` +
        `A maintainer who judges that no RFC is needed can add the label \`${policy.rfcOverrideLabel}\`.`,
    ].join("\n"),
    annotations: [],
  };
}

/** Tier 2 owners to consult about a major change: each component's owners, never the author. */
export function consultations(major: { component: Component; why: string }[], author: string): { component: Component; why: string; handles: string[] }[] {
  return major
    .filter((m) => m.component.tier === 2)
    .map((m) => ({ ...m, handles: m.component.owners.map(ownerHandle).filter((h) => h.toLowerCase() !== author.toLowerCase()) }))
    .filter((m) => m.handles.length > 0);
}

/** Parses a GitHub issue or pull request URL. */
export function githubThread(link: string): { owner: string; repo: string; kind: "pull" | "issues"; number: number } | undefined {
  const m = /^https:\/\/github\.com\/([\w.-]+)\/([\w.-]+)\/(pull|issues)\/(\d+)$/.exec(link);
  return m ? { owner: m[1], repo: m[2], kind: m[3] as "pull" | "issues", number: Number(m[4]) } : undefined;
}
