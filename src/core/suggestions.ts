/**
 * Tier change suggestions: a component that has met every requirement of the tier above for the
 * policy's `suggestions` period gets one issue suggesting its promotion; one that has missed a
 * requirement of its own tier for that long gets one suggesting its demotion. Pure: the registry,
 * evidence, what was judged before and the clock in; standings, due suggestions and texts out.
 * tierkeeper never changes a tier itself.
 *
 * A promotion needs observation behind it, not only declarations: the component's checks must
 * have been seen passing on the default branch. Requirements nothing can show yet (a Tier 3
 * component has no Tier 2 reply figures; the RFC and security processes are project-wide) are
 * listed as not known, for the maintainers to judge.
 */
import { add } from "date-fns/add";
import { formatDuration } from "./duration.js";
import { CI_COST_WINDOW_DAYS } from "./evidence.js";
import type { Component, Registry, Tier } from "./model.js";
import { ownerHandle } from "./breakage.js";
import { formatDate } from "./render/dates.js";
import { md } from "./render/escape.js";
import { formatHours } from "./render/tier2.js";
import { DEFAULT_LIMITS, evaluateFor, missingFor, nextTier, requirementSet, type Evidence, type RequirementResult, type RequirementSet } from "./requirements.js";

/** Since when a component meets the tier above and misses its own, as last judged. */
export interface Standing {
  componentId: string;
  /** The tier it was judged at: a new tier starts both clocks again. */
  tier: Tier;
  /** Since when it meets every requirement of the tier above, with evidence; null: it does not. */
  meetsAboveSince: Date | null;
  /** Since when it misses a requirement of its own tier; null: it meets them all. */
  missesOwnSince: Date | null;
}

export type Direction = "promote" | "demote";

export interface Suggestion {
  componentId: string;
  direction: Direction;
  from: Tier;
  to: Tier;
  since: Date;
  /** The requirements judged: the tier above's for a promotion, its own tier's for a demotion. */
  requirements: RequirementResult[];
}

export interface Judgement {
  /** Every component's standing now (the components no longer in the registry are dropped). */
  standings: Standing[];
  /** The suggestions whose condition has held for the whole period. */
  due: Suggestion[];
}

export const SUGGESTION_LABELS = ["tierkeeper", "tier-suggestion"];
export const suggestionPrefix = (repoId: number) => `suggest:${repoId}:`;
export const suggestionKey = (repoId: number, s: Pick<Suggestion, "componentId" | "direction" | "to">) => `${suggestionPrefix(repoId)}${s.componentId}:${s.direction}-to-${s.to}`;

/** The parts of a suggestion key; undefined for a key that is not one. */
export function parseSuggestionKey(key: string): Pick<Suggestion, "componentId" | "direction" | "to"> | undefined {
  const m = /^suggest:\d+:(.+):(promote|demote)-to-([123])$/.exec(key);
  return m ? { componentId: m[1], direction: m[2] as Direction, to: Number(m[3]) as Tier } : undefined;
}

export function judgeTiers(registry: Registry, evidence: Readonly<Record<string, Evidence>>, previous: readonly Standing[], now: Date): Judgement {
  const set = requirementSet(registry.policy.requirements);
  const before = new Map(previous.map((s) => [s.componentId, s]));
  const period = registry.policy.suggestions;
  const held = (since: Date | null) => since !== null && period !== "off" && add(since, period) <= now;
  const judgement: Judgement = { standings: [], due: [] };
  for (const c of registry.components) {
    const e = evidence[c.id] ?? {};
    const prior = before.get(c.id);
    const carried = prior?.tier === c.tier ? prior : undefined;
    const promotion = promotionCheck(c, e, set);
    const demotion = demotionCheck(c, e, set);
    const standing: Standing = {
      componentId: c.id,
      tier: c.tier,
      meetsAboveSince: promotion?.holds ? (carried?.meetsAboveSince ?? now) : null,
      missesOwnSince: demotion?.holds ? (carried?.missesOwnSince ?? now) : null,
    };
    judgement.standings.push(standing);
    if (promotion && held(standing.meetsAboveSince)) {
      judgement.due.push({ componentId: c.id, direction: "promote", from: c.tier, to: promotion.to, since: standing.meetsAboveSince!, requirements: promotion.results });
    }
    if (demotion && held(standing.missesOwnSince)) {
      judgement.due.push({ componentId: c.id, direction: "demote", from: c.tier, to: demotion.to, since: standing.missesOwnSince!, requirements: demotion.results });
    }
  }
  return judgement;
}

/** Toward the tier above: nothing missing, and its checks seen passing on the default branch. */
function promotionCheck(c: Component, e: Evidence, set: RequirementSet) {
  const to = nextTier(c.tier);
  if (to === undefined) return undefined;
  const results = evaluateFor(c, to, e, set);
  const holds = typeof e.checksPassedOnDefaultWithinDays === "number" && results.every((r) => r.status !== "missing");
  return { to, results, holds };
}

/** Toward the tier below: a requirement of its own tier missing. Tier 3 has no tier below. */
function demotionCheck(c: Component, e: Evidence, set: RequirementSet) {
  if (c.tier === 3) return undefined;
  const results = evaluateFor(c, c.tier, e, set);
  return { to: (c.tier + 1) as Tier, results, holds: results.some((r) => r.status === "missing") };
}

/** Why an open suggestion no longer applies, in one sentence. */
export function withdrawalReason(registry: Registry, evidence: Readonly<Record<string, Evidence>>, s: Pick<Suggestion, "componentId" | "direction" | "to">): string {
  const c = registry.components.find((x) => x.id === s.componentId);
  if (!c) return `\`${s.componentId}\` is no longer in the registry.`;
  const to = s.direction === "promote" ? nextTier(c.tier) : c.tier === 3 ? undefined : c.tier + 1;
  if (to !== s.to) return `\`${c.id}\` is Tier ${c.tier} now.`;
  if (registry.policy.suggestions === "off") return "Suggestions are turned off in the registry's policy (`suggestions: off`).";
  const set = requirementSet(registry.policy.requirements);
  const e = evidence[c.id] ?? {};
  if (s.direction === "promote") {
    const missing = missingFor(c, s.to, e, set);
    if (missing.length > 0) return `\`${c.id}\` no longer meets every Tier ${s.to} requirement: it misses ${missing.join(", ")}.`;
    if (typeof e.checksPassedOnDefaultWithinDays !== "number") return `The checks of \`${c.id}\` have not been seen passing on the default branch lately.`;
  } else if (missingFor(c, c.tier, e, set).length === 0) {
    return `\`${c.id}\` meets every Tier ${c.tier} requirement again.`;
  }
  return `The condition has not held for the registry's \`suggestions\` period (${formatDuration(registry.policy.suggestions)}) yet.`;
}

// ---------------------------------------------------------------------------------------------
// Texts

export function suggestionTitle(component: Component, s: Suggestion): string {
  return s.direction === "promote"
    ? `Suggestion: promote \`${component.id}\` from Tier ${s.from} to Tier ${s.to}`
    : `Suggestion: demote \`${component.id}\` from Tier ${s.from} to Tier ${s.to} (its tier's requirements are not met)`;
}

const STATUS_TEXT: Record<RequirementResult["status"], string> = { met: "met", missing: "**missing**", unknown: "not known" };

export function renderSuggestion(component: Component, s: Suggestion, evidence: Evidence, registry: Registry, now: Date): string {
  const period = registry.policy.suggestions === "off" ? "" : ` (the registry's \`suggestions\` period is ${formatDuration(registry.policy.suggestions)})`;
  const missing = s.requirements.filter((r) => r.status === "missing").map((r) => r.label);
  const lead =
    s.direction === "promote"
      ? `\`${component.id}\` (${md.text(component.category)}, Tier ${s.from}) has met every requirement of Tier ${s.to} since ${formatDate(s.since)}${period}, by its declared facts and what tierkeeper observed.`
      : `\`${component.id}\` (${md.text(component.category)}) is Tier ${s.from}, but has missed requirements of Tier ${s.from} since ${formatDate(s.since)}${period}: ${missing.map(md.text).join(", ")}.`;
  const owners = component.owners.map((o) => `@${ownerHandle(o)}`);
  const unknown = s.requirements.some((r) => r.status === "unknown");
  const action =
    s.direction === "promote"
      ? `This is a suggestion: tierkeeper changes no tier. To promote it, set \`tier: ${s.to}\` for \`${component.id}\` in \`.github/tiers.yml\`; otherwise close this issue.`
      : `This is a suggestion: tierkeeper changes no tier. Restore what is missing (this issue then closes by itself), or set \`tier: ${s.to}\` for \`${component.id}\` in \`.github/tiers.yml\`.`;
  return [
    lead,
    "",
    `| Tier ${s.direction === "promote" ? s.to : s.from} requirement | Status |`,
    "| --- | --- |",
    ...s.requirements.map((r) => `| ${md.text(r.label)} | ${STATUS_TEXT[r.status]} |`),
    ...(unknown ? ["", "Requirements that are not known are ones tierkeeper cannot observe yet: the maintainers judge them."] : []),
    "",
    `Evidence as of ${formatDate(now)}:`,
    ...evidenceLines(component, evidence, registry),
    "",
    action,
    ...(owners.length ? ["", `Owners: ${owners.join(" ")}`] : []),
  ].join("\n");
}

function evidenceLines(c: Component, e: Evidence, registry: Registry): string[] {
  const limit = registry.policy.requirements?.passedWithinDays ?? DEFAULT_LIMITS.passedWithinDays;
  const passed = (what: string, patterns: readonly string[], days: number | null | undefined) =>
    `- ${what} (${patterns.map((p) => md.code(p)).join(", ")}) on the default branch: ${days === undefined ? "not observed yet" : days === null ? `not all passing within the last ${limit} days` : `all passed ${ago(days)}`}.`;
  const lines: string[] = [];
  if (c.checks.length > 0) lines.push(passed("Checks", c.checks, e.checksPassedOnDefaultWithinDays));
  if (c.fuzzing?.length) lines.push(passed("Fuzzing", c.fuzzing, e.fuzzingPassedWithinDays));
  if (e.ciShare !== undefined) lines.push(`- Share of pull-request CI time over the last ${CI_COST_WINDOW_DAYS} days: ${Math.round(e.ciShare * 100)}%.`);
  if (e.tier2ReplyMedianHours !== undefined)
    lines.push(`- Median reply to Tier 2 requests over the last ${registry.policy.tier2.figuresWindowDays} days: ${formatHours(e.tier2ReplyMedianHours)}.`);
  return lines.length ? lines : ["- Nothing observed beyond the declared facts."];
}

function ago(days: number): string {
  const whole = Math.floor(days);
  return whole === 0 ? "within the last day" : `${whole} day${whole === 1 ? "" : "s"} ago`;
}

/** The closed issue: why it no longer applies, above the text it had. */
export function renderWithdrawn(previousBody: string, reason: string, now: Date): string {
  return [`**No longer applies** (${formatDate(now)}): ${reason}`, "", "---", "", previousBody].join("\n");
}
