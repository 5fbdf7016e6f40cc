import type { ComponentVerdict } from "../attribution.js";
import { formatDate } from "./dates.js";
import { md } from "./escape.js";

/** Hidden in every breakage comment: finds the app's comment again after a crash. */
export const BREAKAGE_MARKER = "<!-- tierkeeper:breakage -->";

export interface BreakageView {
  headSha: string;
  defaultBranch: string;
  entries: {
    verdict: ComponentVerdict;
    /** Set when the component failed in the merge queue rather than at the PR's head. */
    queue?: { headSha: string; base: string; baseSha: string };
    owners: { handle: string; mention: boolean; note?: string }[];
    /** When the policy's response window for this breakage ends. */
    deadline: Date;
    trackingIssueUrl?: string;
  }[];
  /** Components whose mapped checks all pass at the head. */
  passing: string[];
  filesCapped: boolean;
  /** The PR's merge queue commit, when its results are included. */
  queueSha?: string;
}

export function renderBreakageComment(view: BreakageView): string {
  const sha = view.headSha.slice(0, 7);
  const lines = [BREAKAGE_MARKER, "### tierkeeper: support tiers", ""];
  if (view.entries.length === 0) {
    lines.push(`All checks mapped to components pass at ${sha}${queued(view)}. Nothing is broken; nobody needs to act.`);
  } else {
    lines.push(`Results for ${sha}${queued(view)}:`, "");
    for (const entry of view.entries) lines.push(...renderEntry(entry, view.defaultBranch), "");
    if (view.passing.length > 0) lines.push(`Passing: ${view.passing.map((id) => `\`${id}\``).join(", ")}.`, "");
  }
  if (view.filesCapped) {
    lines.push("", "_This pull request changes more than 3,000 files, and GitHub lists only the first 3,000: tierkeeper treats it as touching every component._");
  }
  lines.push("", "<sub>Posted by tierkeeper from `.github/tiers.yml` on the default branch. This comment is edited in place as results change.</sub>");
  return (
    lines
      .join("\n")
      .replace(/\n{3,}/g, "\n\n")
      .trim() + "\n"
  );
}

const queued = (view: BreakageView) => (view.queueSha ? ` and in the merge queue at ${view.queueSha.slice(0, 7)}` : "");

function renderEntry(entry: BreakageView["entries"][number], defaultBranch: string): string[] {
  const { component, verdict, failing } = entry.verdict;
  const title = component.name && component.name !== component.id ? `${component.id}\` (${md.text(component.name)})` : `${component.id}\``;
  // A queue into a release branch is judged against that branch.
  const branch = md.code(entry.queue?.base ?? defaultBranch);
  const where = entry.queue ? " in the merge queue" : "";
  const status =
    verdict === "already-broken"
      ? `${entry.queue ? "fails in the merge queue, " : ""}already broken on ${branch}, not by this pull request`
      : entry.verdict.base === "unknown"
        ? `broken by this pull request${where} (no result on ${branch} known yet)`
        : `broken by this pull request${where} (passes on ${branch})`;
  const checks = failing.map((r) => md.link(md.code(r.name), r.url)).join(", ");
  const owners = entry.owners.length ? entry.owners.map((o) => `${o.mention ? `@${o.handle}` : md.code(o.handle)}${o.note ? ` (${o.note})` : ""}`).join(", ") : "none listed";
  const lines = [
    `**\`${title} · Tier ${component.tier} · ${md.text(component.category)}** — ${status}`,
    `- Failing: ${checks}`,
    ...(entry.queue
      ? [
          `- Where: the merge queue's commit ${md.code(entry.queue.headSha.slice(0, 7))}, this pull request merged onto ${md.code(entry.queue.base)} at ${md.code(entry.queue.baseSha.slice(0, 7))}; it passes or is not run at the pull request's head.`,
        ]
      : []),
    `- Owners: ${owners}`,
  ];
  if (verdict === "already-broken") {
    lines.push(`- This failure is already on ${branch}; it does not block on this pull request's account.`);
  } else {
    lines.push(`- ${policyWords(component.tier, entry.deadline)}`);
  }
  if (entry.trackingIssueUrl) lines.push(`- Tracking issue: ${entry.trackingIssueUrl}`);
  return lines;
}

/** The spec's duties for each tier, in a sentence. */
function policyWords(tier: 1 | 2 | 3, deadline: Date): string {
  switch (tier) {
    case 1:
      return "Tier 1 must not break: this pull request has to fix it before it merges.";
    case 2:
      return "Tier 2: the author handles minor fixes; for a substantial change the owners guide the work " + `and are expected to reply within a week (by ${formatDate(deadline)}).`;
    case 3:
      return (
        "Tier 3: the owners are notified. If this component keeps blocking other work without a response " + `from an owner, disabling it in CI will be proposed on ${formatDate(deadline)}.`
      );
  }
}
