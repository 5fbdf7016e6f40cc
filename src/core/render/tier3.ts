import { differenceInCalendarDays } from "date-fns/differenceInCalendarDays";
import { ownerHandle } from "../breakage.js";
import type { Component } from "../model.js";
import type { Episode } from "../timeline.js";
import { formatDate } from "./dates.js";
import { md } from "./escape.js";

/** The texts of a Tier 3 timeline: the tracking issue, the disabling PR, the removal proposal, step notes. */

export const TIER3_POLICY =
  "If a Tier 3 feature is preventing development of other features then the owner will be notified. " +
  "If no response is heard from within a week then the feature will be disabled in CI. " +
  "If no further response happens for a month then the feature may be removed from the repository.";

export interface Tier3View {
  episode: Episode;
  component: Component;
  defaultBranch: string;
  registryPath: string;
  trackingIssue?: number;
  disablePr?: number;
  removalIssue?: number;
  now: Date;
}

const date = (iso: string) => formatDate(new Date(iso));
/** A step of the history; the people it names are not mentioned again (`@` followed by a zero-width space). */
/** A history line is prose that may name people: it never notifies them (md.text). */
const historyLine = (l: Episode["log"][number]) => `- ${date(l.at)}: ${md.text(l.what)}`;
const mentions = (c: Component) => (c.owners.length ? c.owners.map((o) => `@${ownerHandle(o)}`).join(", ") : "none listed");

export function trackingIssueTitle(c: Component): string {
  return `Tier 3 component \`${c.id}\` is blocking other work`;
}

export function renderTrackingIssue(v: Tier3View): string {
  const { episode: e, component: c } = v;
  const lines = [
    `**\`${c.id}\`**${c.name && c.name !== c.id ? ` (${md.text(c.name)})` : ""} · Tier 3 · ${md.text(c.category)} is preventing development of other features.`,
    "",
    `**Owners:** ${mentions(c)}`,
    "",
    `**Schedule:** ${schedule(v)}`,
    "",
    "**How to respond:** any owner (or member of an owner team) comments here, reacts to this issue, " +
      "reviews or comments on a blocked pull request, or writes `/tier ack`. Each response postpones the next step. " +
      "Maintainers with write access can stop the clock with `/tier freeze " +
      c.id +
      " <reason>`.",
    "",
    `> Tiers of Support, Tier 3: "${TIER3_POLICY}"`,
    "",
    "**Blocked work:**",
    ...e.blockers.map((b) => `- ${b.pr ? `#${b.pr}` : `${md.code(v.defaultBranch)} at ${md.code(b.sha.slice(0, 7))}`}: ${md.link(md.code(b.check), b.url)} failed on ${date(b.at)}`),
  ];
  if (e.responses.length) {
    lines.push("", "**Responses:**", ...e.responses.map((r) => `- ${md.login(r.by)} on ${date(r.at)} (${r.via})`));
  }
  lines.push("", "<details><summary>History</summary>", "", ...e.log.map(historyLine), "", "</details>");
  return lines.join("\n") + "\n";
}

function schedule(v: Tier3View): string {
  const e = v.episode;
  if (e.phase === "closed") return `closed on ${date(e.closedAt!)}: ${e.closedReason}.`;
  if (e.frozen) return `frozen by ${md.login(e.frozen.by)} on ${date(e.frozen.at)} (${md.code(e.frozen.reason)}); the clock is stopped until \`/tier unfreeze ${e.component}\`.`;
  const pr = v.disablePr ? ` (#${v.disablePr})` : "";
  const c = v.component;
  const workflow = c.facts.disable === "workflow" && c.facts.workflow;
  const reEnable = workflow
    ? "To re-enable: fix the failures, then enable the workflow again in the Actions tab."
    : `To re-enable: fix the failures, then remove \`ci: disabled\` from \`${e.component}\` in ${md.code(v.registryPath)}` +
      `${v.disablePr ? ` (or revert #${v.disablePr})` : ""}; this issue closes once the default branch enables it again.`;
  switch (e.phase) {
    case "notified":
      if (workflow) return `its workflow ${md.code(workflow)} will be disabled on ${date(e.dueAt!)} unless an owner responds.`;
      return `disabling it in CI will be proposed on ${date(e.dueAt!)} unless an owner responds: a pull request, which disables it once a maintainer merges it.`;
    case "disabling":
      if (workflow)
        return `its workflow ${md.code(workflow)} is being disabled through the Actions API (asked on ${date(e.disableProposedAt!)}); the removal window starts once GitHub accepts it.`;
      return (
        `no owner response within the response window: ${v.disablePr ? `#${v.disablePr}` : "a pull request"} (opened on ${date(e.disableProposedAt!)}) disables it in CI and **awaits a maintainer's merge**. ` +
        "Nothing is disabled until it is merged; the removal window starts then. Closing it unmerged declines the disable."
      );
    case "disable-declined":
      return (
        `the maintainers closed ${v.disablePr ? `#${v.disablePr}` : "the disabling pull request"} without merging on ${date(e.disableDeclined!.at)}: \`${e.component}\` stays enabled in CI and nothing further is scheduled. ` +
        `This issue closes once its checks pass on the default branch again; a maintainer can restart the owners' response window with \`/tier unfreeze ${e.component}\`.`
      );
    case "disabled":
      if (workflow) return `its workflow ${md.code(workflow)} was disabled on ${date(e.disabledAt!)}; removal will be proposed on ${date(e.dueAt!)} unless an owner responds. ${reEnable}`;
      return `disabled in CI on ${date(e.disabledAt!)}${pr}; removal will be proposed on ${date(e.dueAt!)} unless an owner responds. ${reEnable}`;
    case "removal-proposed":
      return `disabled in CI on ${date(e.disabledAt!)}${pr}; removal proposed on ${date(e.removalProposedAt!)}${v.removalIssue ? ` in #${v.removalIssue}` : ""}.`;
  }
}

export function disablePrTitle(c: Component): string {
  return `Disable Tier 3 component ${c.id} in CI`;
}

export function renderDisablePr(v: Tier3View): string {
  const c = v.component;
  return (
    [
      `This marks \`${c.id}\` as \`ci: disabled\` in ${md.code(v.registryPath)}: CI stops testing it, so its failures stop blocking other work.`,
      "",
      `Owners: ${mentions(c)}. No owner response was heard within the response window after the notice of ${date(v.episode.noticeAt)}` +
        `${v.trackingIssue ? ` in #${v.trackingIssue}` : ""}.`,
      "",
      `> Tiers of Support, Tier 3: "${TIER3_POLICY}"`,
      "",
      "Merging is a maintainer's decision. The component counts as disabled, and the policy's month before removal is proposed starts, only once this is merged. " +
        "Closing it without merging declines the disable: the tracking issue says so and nobody is escalated. " +
        "To keep the component enabled, fix the failures and say so on the tracking issue.",
    ].join("\n") + "\n"
  );
}

export function removalIssueTitle(c: Component): string {
  return `Proposal: remove Tier 3 component ${c.id}`;
}

export function renderRemovalIssue(v: Tier3View): string {
  const { episode: e, component: c } = v;
  const lastResponse = e.responses.at(-1);
  // Measured at the proposal, so the text stays the same on every later render.
  const disabledDays = e.disabledAt ? differenceInCalendarDays(new Date(e.removalProposedAt ?? v.now), new Date(e.disabledAt)) : 0;
  const lines = [
    `The Tier 3 component \`${c.id}\` (${md.text(c.category)}) has been disabled in CI for ${disabledDays} days without a response from its owners (${mentions(c)}).`,
    "Under the policy it may now be removed from the repository. tierkeeper never deletes code: this is a proposal for the maintainers to decide.",
    "",
    `> Tiers of Support, Tier 3: "${TIER3_POLICY}"`,
    "",
    "**Evidence**",
    `- Owners notified on ${date(e.noticeAt)}${v.trackingIssue ? ` in #${v.trackingIssue}` : ""}.`,
    `- Disabled in CI on ${e.disabledAt ? date(e.disabledAt) : "(unknown)"}${e.disabledVia ? `: ${e.disabledVia}` : v.disablePr ? ` by #${v.disablePr}` : ""}.`,
    `- Owners' last activity: ${lastResponse ? `${md.login(lastResponse.by)} on ${date(lastResponse.at)} (${lastResponse.via})` : "none since the notice"}.`,
    ...e.log.map(historyLine),
    "",
    "**What would go** (the component's paths in the registry):",
    ...(c.paths.length ? c.paths.map((p) => `- ${md.code(p)}`) : ["- (no paths listed)"]),
    `- the \`${c.id}\` entry of ${md.code(v.registryPath)}`,
  ];
  if (e.phase !== "removal-proposed" && e.phase !== "closed") {
    lines.push(
      "",
      `**On hold:** an owner responded after this proposal (${lastResponse ? `${md.login(lastResponse.by)} on ${date(lastResponse.at)}` : "see the tracking issue"}); the clock is stopped.`,
    );
  }
  return lines.join("\n") + "\n";
}

export function renderNote(step: "disabled" | "landed" | "declined" | "removal" | "closed", v: Tier3View): string {
  const c = v.component;
  // No dates of future steps here: a note is posted once and must not change; the issue's schedule stays current.
  switch (step) {
    case "disabled":
      if (c.facts.disable === "workflow") {
        return `No owner response within the response window: the workflow ${md.code(c.facts.workflow ?? "")} of \`${c.id}\` is disabled through the Actions API. Removal will be proposed after the removal window unless an owner responds (dates in the issue above).\n`;
      }
      return `No owner response within the response window: ${v.disablePr ? `#${v.disablePr} disables` : "a pull request disables"} \`${c.id}\` in CI once a maintainer merges it. Until then nothing is disabled and the removal window has not started.\n`;
    case "landed":
      return `\`${c.id}\` is disabled in CI since ${date(v.episode.disabledAt!)} (${v.episode.disabledVia}). Removal will be proposed after the removal window unless an owner responds (dates in the issue above).\n`;
    case "declined":
      return `${v.disablePr ? `#${v.disablePr}` : "The disabling pull request"} was closed without merging${v.episode.disableDeclined?.by ? ` by ${md.login(v.episode.disableDeclined.by)}` : ""}: the maintainers chose not to disable \`${c.id}\`. Nobody is escalated and no removal is scheduled (see the issue above).\n`;
    case "removal":
      return `No owner response for the removal window: removal proposed${v.removalIssue ? ` in #${v.removalIssue}` : ""}.\n`;
    case "closed":
      return `Closed: ${v.episode.closedReason}.\n`;
  }
}
