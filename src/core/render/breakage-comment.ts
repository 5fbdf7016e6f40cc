import type { ComponentVerdict } from "../attribution.js";
import { formatDate } from "./dates.js";

/** Hidden in every breakage comment: finds the app's comment again after a crash. */
export const BREAKAGE_MARKER = "<!-- tierkeeper:breakage -->";

export interface BreakageView {
  headSha: string;
  defaultBranch: string;
  entries: {
    verdict: ComponentVerdict;
    owners: { handle: string; mention: boolean; note?: string }[];
    /** When the policy's response window for this breakage ends. */
    deadline: Date;
    trackingIssueUrl?: string;
  }[];
  /** Components whose mapped checks all pass at the head. */
  passing: string[];
  filesCapped: boolean;
}

export function renderBreakageComment(view: BreakageView): string {
  const sha = view.headSha.slice(0, 7);
  const lines = [BREAKAGE_MARKER, "### tierkeeper: support tiers", ""];
  if (view.entries.length === 0) {
    lines.push(`All checks mapped to components pass at ${sha}. Nothing is broken; nobody needs to act.`);
  } else {
    lines.push(`Results for ${sha}:`, "");
    for (const entry of view.entries) lines.push(...renderEntry(entry, view.defaultBranch), "");
    if (view.passing.length > 0) lines.push(`Passing: ${view.passing.map((id) => `\`${id}\``).join(", ")}.`, "");
  }
  if (view.filesCapped) {
    lines.push(
      "",
      "_This pull request changes more than 3,000 files, and GitHub lists only the first 3,000: tierkeeper treats it as touching every component._",
    );
  }
  lines.push("", "<sub>Posted by tierkeeper from `.github/tiers.yml` on the default branch. This comment is edited in place as results change.</sub>");
  return lines.join("\n").replace(/\n{3,}/g, "\n\n").trim() + "\n";
}

function renderEntry(entry: BreakageView["entries"][number], defaultBranch: string): string[] {
  const { component, verdict, failing } = entry.verdict;
  const title = component.name && component.name !== component.id ? `${component.id}\` (${component.name})` : `${component.id}\``;
  const status =
    verdict === "already-broken"
      ? `already broken on \`${defaultBranch}\`, not by this pull request`
      : entry.verdict.base === "unknown"
        ? `broken by this pull request (no result on \`${defaultBranch}\` known yet)`
        : `broken by this pull request (passes on \`${defaultBranch}\`)`;
  const checks = failing.map((r) => (r.url ? `[${r.name}](${r.url})` : `\`${r.name}\``)).join(", ");
  const owners = entry.owners.length
    ? entry.owners.map((o) => `${o.mention ? `@${o.handle}` : `\`${o.handle}\``}${o.note ? ` (${o.note})` : ""}`).join(", ")
    : "none listed";
  const lines = [
    `**\`${title} · Tier ${component.tier} · ${component.category}** — ${status}`,
    `- Failing: ${checks}`,
    `- Owners: ${owners}`,
  ];
  if (verdict === "already-broken") {
    lines.push(`- This failure is already on \`${defaultBranch}\`; it does not block on this pull request's account.`);
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
      return (
        "Tier 2: the author handles minor fixes; for a substantial change the owners guide the work " +
        `and are expected to reply within a week (by ${formatDate(deadline)}).`
      );
    case 3:
      return (
        "Tier 3: the owners are notified. If this component keeps blocking other work without a response " +
        `from an owner, disabling it in CI will be proposed on ${formatDate(deadline)}.`
      );
  }
}
