import { differenceInCalendarDays } from "date-fns";
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
      "Maintainers with write access can stop the clock with `/tier freeze " + c.id + " <reason>`.",
    "",
    `> Tiers of Support, Tier 3: "${TIER3_POLICY}"`,
    "",
    "**Blocked work:**",
    ...e.blockers.map((b) => `- ${b.pr ? `#${b.pr}` : `${md.code(v.defaultBranch)} at ${md.code(b.sha.slice(0, 7))}`}: ${md.link(md.code(b.check), b.url)} failed on ${date(b.at)}`),
  ];
  if (e.responses.length) {
    lines.push("", "**Responses:**", ...e.responses.map((r) => `- ${md.login(r.by)} on ${date(r.at)} (${r.via})`));
  }
  lines.push("", "<details><summary>History</summary>", "", ...e.log.map((l) => `- ${date(l.at)}: ${md.text(l.what)}`), "", "</details>");
  return lines.join("\n") + "\n";
}

function schedule(v: Tier3View): string {
  const e = v.episode;
  if (e.phase === "closed") return `closed on ${date(e.closedAt!)}: ${e.closedReason}.`;
  if (e.frozen) return `frozen by ${md.login(e.frozen.by)} on ${date(e.frozen.at)} (${md.code(e.frozen.reason)}); the clock is stopped until \`/tier unfreeze ${e.component}\`.`;
  const pr = v.disablePr ? ` (#${v.disablePr})` : "";
  switch (e.phase) {
    case "notified":
      return `disabled in CI on ${date(e.dueAt!)} unless an owner responds.`;
    case "disabled":
      if (v.component.facts.disable === "workflow") {
        return (
          `its workflow ${md.code(v.component.facts.workflow ?? "")} was disabled on ${date(e.disabledAt!)}; removal will be proposed on ${date(e.dueAt!)} unless an owner responds. ` +
          "To re-enable: fix the failures, then enable the workflow again in the Actions tab."
        );
      }
      return (
        `disabled in CI on ${date(e.disabledAt!)}${pr}; removal will be proposed on ${date(e.dueAt!)} unless an owner responds. ` +
        `To re-enable: fix the failures, then remove \`ci: disabled\` from \`${e.component}\` in ${md.code(v.registryPath)}` +
        `${v.disablePr ? ` (or revert #${v.disablePr})` : ""}; this issue closes once the default branch enables it again.`
      );
    case "removal-proposed":
      return `disabled in CI on ${date(e.disabledAt!)}${pr}; removal proposed on ${date(e.removalProposedAt!)}${v.removalIssue ? ` in #${v.removalIssue}` : ""}.`;
  }
}

export function disablePrTitle(c: Component): string {
  return `Disable Tier 3 component ${c.id} in CI`;
}

export function renderDisablePr(v: Tier3View): string {
  const c = v.component;
  return [
    `This marks \`${c.id}\` as \`ci: disabled\` in ${md.code(v.registryPath)}: CI stops testing it, so its failures stop blocking other work.`,
    "",
    `Owners: ${mentions(c)}. No owner response was heard within the response window after the notice of ${date(v.episode.noticeAt)}` +
      `${v.trackingIssue ? ` in #${v.trackingIssue}` : ""}.`,
    "",
    `> Tiers of Support, Tier 3: "${TIER3_POLICY}"`,
    "",
    "Merging is a maintainer's decision. An owner's response postpones the next step; to keep the component enabled, fix the failures and say so on the tracking issue.",
  ].join("\n") + "\n";
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
    `- Disabled in CI on ${e.disabledAt ? date(e.disabledAt) : "(unknown)"}${v.disablePr ? ` by #${v.disablePr}` : ""}.`,
    `- Owners' last activity: ${lastResponse ? `${md.login(lastResponse.by)} on ${date(lastResponse.at)} (${lastResponse.via})` : "none since the notice"}.`,
    ...e.log.map((l) => `- ${date(l.at)}: ${md.text(l.what)}`),
    "",
    "**What would go** (the component's paths in the registry):",
    ...(c.paths.length ? c.paths.map((p) => `- ${md.code(p)}`) : ["- (no paths listed)"]),
    `- the \`${c.id}\` entry of ${md.code(v.registryPath)}`,
  ];
  if (e.phase !== "removal-proposed" && e.phase !== "closed") {
    lines.push("", `**On hold:** an owner responded after this proposal (${lastResponse ? `${md.login(lastResponse.by)} on ${date(lastResponse.at)}` : "see the tracking issue"}); the clock is stopped.`);
  }
  return lines.join("\n") + "\n";
}

export function renderNote(step: "disabled" | "removal" | "closed", v: Tier3View): string {
  switch (step) {
    case "disabled":
      if (v.component.facts.disable === "workflow") {
        return `No owner response within the response window: the workflow ${md.code(v.component.facts.workflow ?? "")} of \`${v.component.id}\` is disabled through the Actions API. Removal will be proposed after the removal window unless an owner responds (dates in the issue above).\n`;
      }
      // No dates here: a note is posted once and must not change; the issue's schedule stays current.
      return `No owner response within the response window: ${v.disablePr ? `#${v.disablePr} disables` : "a pull request disables"} \`${v.component.id}\` in CI. Removal will be proposed after the removal window unless an owner responds (dates in the issue above).\n`;
    case "removal":
      return `No owner response for the removal window: removal proposed${v.removalIssue ? ` in #${v.removalIssue}` : ""}.\n`;
    case "closed":
      return `Closed: ${v.episode.closedReason}.\n`;
  }
}
