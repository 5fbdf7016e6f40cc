import { formatDuration } from "../duration.js";
import type { Component, Policy } from "../model.js";
import type { FigureRow, Figures } from "../reply-figures.js";
import type { Tier2Request } from "../responsiveness.js";
import { formatDate } from "./dates.js";
import { md } from "./escape.js";

/**
 * The texts of Tier 2 responsiveness: reminders on a thread, the demotion proposal, the alarm
 * about a Tier 1/2 component turned off, and the reply figures (text, Markdown, JSON).
 */

export const TIER2_POLICY = `"Maintainers of a Tier 2 feature are responsive (reply to requests within a week)."`;

const mention = (handle: string) => `@${handle}`;

function describeRequest(r: Tier2Request): string {
  switch (r.source) {
    case "ping":
      return "tierkeeper's comment about this pull request breaking it";
    case "review-request":
      return `a review request by ${md.login(r.requestedBy)}`;
    case "team-mention":
      return `a mention of @${r.requestee} by ${md.login(r.requestedBy)}`;
    case "major-change":
      return "a review request for a major change (the policy asks that Tier 2 maintainers be consulted)";
  }
}

/** The n-th reminder of one request (n = 1 or 2); the second also mentions the escalation contacts. */
export function renderReminder(r: Tier2Request, component: Component, n: number, escalation: string[], policy: Policy): string {
  const since = formatDate(new Date(r.requestedAt));
  const who = r.team ? `the @${r.requestee} team, as owners` : `you, as an owner`;
  const lines = [
    `${mention(r.requestee)}: ${n === 1 ? "a reminder" : "a second reminder"} from tierkeeper. On ${since} ${who} of the Tier 2 component \`${component.id}\` (${md.text(component.category)}) were asked here, through ${describeRequest(r)}, and no reply has come ${n === 1 ? `within ${formatDuration(policy.responseWindow)}` : "since the first reminder"}.`,
    "",
    `The policy: ${TIER2_POLICY} Any comment, review or reaction here from ${r.team ? "a member of the team" : "you"} counts as a reply.`,
    `If you are away, \`/tier away until YYYY-MM-DD\` stops your clock and sends new requests to the other owners.`,
  ];
  if (n > 1 && escalation.length > 0) {
    lines.push("", `cc ${escalation.map(mention).join(" ")}: the escalation contacts for \`${component.id}\`, since this request has now been missed twice.`);
  }
  return lines.join("\n");
}

export interface BreachEvidence {
  thread: number;
  requestee: string;
  requestedAt: string;
  breachedAt: string;
}

export function demotionIssueTitle(component: Component): string {
  return `Proposal: move \`${component.id}\` from Tier 2 to Tier 3 (requests left unanswered)`;
}

export function renderDemotionIssue(component: Component, row: FigureRow, evidence: BreachEvidence[], policy: Policy, asOf: Date): string {
  const figures = `${row.requests} requests, ${row.replies} replies, ${row.breaches} breaches${row.medianHours !== null ? `, median reply ${formatHours(row.medianHours)}` : ""}`;
  return [
    `The Tier 2 component \`${component.id}\` (${md.text(component.category)}) has missed the reply window ${row.breaches} times in the last ${policy.tier2.figuresWindowDays} days (the threshold is ${policy.tier2.demotionBreaches}).`,
    "",
    `The policy: ${TIER2_POLICY} A Tier 2 component whose maintainers cannot keep that up is better served as Tier 3, where the duties are lighter.`,
    "",
    `Owners: ${component.owners.length ? component.owners.map((o) => mention(o.kind === "user" ? o.login : `${o.org}/${o.slug}`)).join(", ") : "none"}`,
    `Figures as of ${formatDate(asOf)}: ${figures}.`,
    "",
    "| Thread | Asked | Requested | Missed on |",
    "| --- | --- | --- | --- |",
    ...evidence.map((e) => `| #${e.thread} | ${md.cell(e.requestee)} | ${formatDate(new Date(e.requestedAt))} | ${formatDate(new Date(e.breachedAt))} |`),
    "",
    `This is a proposal: tierkeeper changes no tier. To demote, set \`tier: 3\` for \`${component.id}\` in \`.github/tiers.yml\`; to keep it at Tier 2, close this issue.`,
  ].join("\n");
}

export function alarmIssueTitle(component: Component): string {
  return `Tier ${component.tier} component \`${component.id}\` is disabled in CI`;
}

export function renderAlarmIssue(component: Component, since: Date, policy: Policy, enabledAgain: boolean): string {
  const rule =
    component.tier === 1
      ? `Tier 1 features "are rarely, if ever, turned off or removed from the repository": this one has been off since ${formatDate(since)}.`
      : `Tier 2 features "are not turned off or disabled for very long": this one has been off since ${formatDate(since)}, longer than the ${formatDuration(policy.tier2.disabledLimit)} the registry allows.`;
  const contacts = policy.tier2.maintainers.map((o) => mention(o.kind === "user" ? o.login : `${o.org}/${o.slug}`));
  return [
    `\`${component.id}\` (${md.text(component.category)}) is marked \`ci: disabled\` in \`.github/tiers.yml\` on the default branch.`,
    "",
    rule,
    "",
    enabledAgain
      ? "It is enabled in CI again: this alarm is over."
      : `To end this alarm, enable it again (remove \`ci: disabled\`), or move it to the tier it can keep${contacts.length ? `. ${contacts.join(" ")}: for the repository's maintainers.` : "."}`,
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------
// Figures

export type FiguresFormat = "text" | "json" | "markdown";

export function renderFigures(figures: Figures, format: FiguresFormat, title = "Tier 2 reply figures"): string {
  if (format === "json") return `${JSON.stringify(figures, null, 2)}\n`;
  const head = `${title}: ${figures.windowDays} days to ${formatDate(new Date(figures.asOf))}`;
  const columns = ["Requests", "Replies", "Open", "Median reply", "90th percentile", "Breaches"];
  const cells = (r: FigureRow) => [String(r.requests), String(r.replies), String(r.open), formatHours(r.medianHours), formatHours(r.p90Hours), String(r.breaches)];
  const table = (first: string, rows: FigureRow[], name: (r: FigureRow) => string) => {
    const body = rows.map((r) => [name(r), ...cells(r)]);
    if (format === "markdown") {
      return [`| ${[first, ...columns].join(" | ")} |`, `| ${[first, ...columns].map(() => "---").join(" | ")} |`, ...body.map((b) => `| ${b.join(" | ")} |`)].join("\n");
    }
    const all = [[first, ...columns], ...body];
    const widths = all[0].map((_, i) => Math.max(...all.map((r) => r[i].length)));
    return all
      .map((r) =>
        r
          .map((c, i) => c.padEnd(widths[i]))
          .join("  ")
          .trimEnd(),
      )
      .join("\n");
  };
  if (figures.byComponent.length === 0) return `${head}\n\nNo requests to Tier 2 maintainers in this window.\n`;
  const h = format === "markdown" ? "### " : "";
  return [
    format === "markdown" ? `## ${head}` : head,
    "",
    `${h}By component`,
    "",
    table("Component", figures.byComponent, (r) => r.component),
    "",
    `${h}By maintainer`,
    "",
    table("Maintainer", figures.byMaintainer, (r) => r.maintainer),
    "",
  ].join("\n");
}

/** `3.5 h`, `2.1 d`, `–` for none. */
export function formatHours(hours: number | null): string {
  if (hours === null) return "–";
  return hours < 48 ? `${round(hours)} h` : `${round(hours / 24)} d`;
}

const round = (n: number) => (Math.round(n * 10) / 10).toString();
