import { ownerHandle } from "./breakage.js";
import type { Component, Registry } from "./model.js";
import type { CheckRunDesired } from "./registry-check.js";
import { md } from "./render/escape.js";

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
  /**
   * The repositories (`owner/name`) whose pull requests and issues count as RFCs; null: the
   * checked repository's owner's own `rfcs`. A link elsewhere never passes the check, or anyone
   * could merge an "RFC" in a repository of their own and link it.
   */
  rfcRepositories: string[] | null;
}

export const DEFAULT_CHANGE_POLICY: ChangePolicy = {
  majorLines: null,
  majorLabel: "major-change",
  rfcLink: String.raw`https://github\.com/[\w.-]+/rfcs/(?:pull|issues)/\d+`,
  rfcOverrideLabel: "rfc-not-needed",
  rfcRepositories: null,
};

/** The repositories whose threads count as RFCs for a repository of `owner`. */
export function rfcRepositories(policy: ChangePolicy, owner: string): string[] {
  return policy.rfcRepositories ?? [`${owner}/rfcs`];
}

const inRepositories = (link: string, repositories: string[]): boolean => {
  const thread = githubThread(link);
  return thread !== undefined && repositories.some((r) => r.toLowerCase() === `${thread.owner}/${thread.repo}`.toLowerCase());
};

/**
 * RFC links in a PR description: those in the policy's RFC repositories (`links`), and those
 * that match `rfc.link` but lie elsewhere (`ignored`, named in the check so the author knows).
 */
export function sortRfcLinks(body: string, policy: ChangePolicy, repositories: string[]): { links: string[]; ignored: string[] } {
  const threads = [...body.matchAll(/https:\/\/github\.com\/[\w.-]+\/[\w.-]+\/(?:pull|issues)\/\d+(?![\w/])/g)].map((m) => m[0]);
  const candidates = [...new Set([...rfcLinks(body, policy), ...threads.filter((t) => inRepositories(t, repositories))])];
  return { links: candidates.filter((l) => inRepositories(l, repositories)), ignored: candidates.filter((l) => !inRepositories(l, repositories)) };
}

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
    if (labelled) return [{ component, why: `labelled ${md.code(policy.majorLabel!)}` }];
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
  elsewhere: { ignored: string[]; repositories: string[] } = { ignored: [], repositories: [] },
): CheckRunDesired | null {
  const tier1 = major.filter((m) => m.component.tier === 1);
  const done = (title: string, summary: string): CheckRunDesired => ({ name: RFC_CHECK_NAME, conclusion: "success", title, summary, annotations: [] });
  if (tier1.length === 0) return shownBefore ? done("No major change to a Tier 1 component", "This pull request no longer changes a Tier 1 component in a major way.") : null;
  const list = tier1.map((m) => `- \`${m.component.id}\` (${md.text(m.component.category)}): ${m.why}`).join("\n");
  const ignored = elsewhere.ignored.length
    ? `\n\nIgnored, as not in the policy's RFC repositories (${elsewhere.repositories.map(md.code).join(", ")}):\n${elsewhere.ignored.map((l) => `- ${md.url(l)}`).join("\n")}`
    : "";
  const rule = `The policy: "Major changes affecting Tier 1 features require an RFC and prior agreement on the change before an implementation is committed."`;
  if (change.labels.some((l) => l.toLowerCase() === policy.rfcOverrideLabel.toLowerCase())) {
    return done(
      "RFC requirement lifted by a maintainer",
      `${rule}\n\nThis pull request changes Tier 1 components in a major way:\n${list}\n\nA maintainer added the label ${md.code(policy.rfcOverrideLabel)}, which lifts the requirement for this pull request.`,
    );
  }
  const accepted = verdicts.filter((v) => v.accepted);
  if (accepted.length > 0) {
    return done(
      `Accepted RFC linked: ${accepted[0].link}`,
      `${rule}\n\nThis pull request changes Tier 1 components in a major way:\n${list}\n\nIt links the accepted RFC ${md.url(accepted[0].link)} (${accepted[0].detail}).${ignored}`,
    );
  }
  const linked = (verdicts.length ? `Linked, but not accepted:\n${verdicts.map((v) => `- ${md.url(v.link)}: ${v.detail}`).join("\n")}` : "It links no RFC.") + ignored;
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
      `To pass: link the accepted RFC in the pull request's description (a merged pull request or an issue closed as completed in ${elsewhere.repositories.length ? elsewhere.repositories.map(md.code).join(", ") : "the policy's RFC repositories"}, linked as a match of ${md.code(policy.rfcLink)} or by its address). ` +
        `A maintainer who judges that no RFC is needed can add the label ${md.code(policy.rfcOverrideLabel)}.`,
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
