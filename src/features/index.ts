import { alarms } from "./alarms/feature.js";
import { breakage } from "./breakage/feature.js";
import { changeRules } from "./change-rules/feature.js";
import { ciResults } from "./ci-results/feature.js";
import { commands } from "./commands/feature.js";
import { documentCheck } from "./document-check/feature.js";
import type { AnyFeature } from "./feature.js";
import { installations } from "./installations/feature.js";
import { mergeQueue } from "./merge-queue/feature.js";
import { onboarding } from "./onboarding/feature.js";
import { pulls } from "./pulls/feature.js";
import { registryCache } from "./registry-cache/feature.js";
import { registryCheck } from "./registry-check/feature.js";
import { suggestions } from "./suggestions/feature.js";
import { tier2Deadlines, tier2Replies, tier2Reports, tier2Requests, tier2TeamMentions } from "./tier2-responsiveness/feature.js";
import { ownerResponses, tier3Timeline } from "./tier3-timeline/feature.js";

/**
 * Every feature, in the order they run: for an event (app/router.ts) and in the sweep
 * (app/sweep.ts). The order is what ties them together:
 * - the first stage (`observe`): the registry cache is refreshed by a push that edits it,
 *   a CI result and a pull request are recorded, before the features that read them;
 * - `registry-check` before `pulls` records a new head: if the check fails, the retry still
 *   sees the new head and checks again;
 * - a closed PR: Tier 2 requests on it are cancelled before a disabling PR's timeline steps;
 * - a CI result: the Tier 3 timeline steps before the breakage comment, which links its issue;
 * - the sweep: timelines, Tier 2 deadlines, alarms, monthly reports, suggestions (so that
 *   issues are opened in that order). A push that edits the registry therefore steps the
 *   timelines before it notes alarms (two independent records).
 */
export const FEATURES: readonly AnyFeature[] = [
  registryCache,
  ciResults,
  registryCheck,
  pulls,
  installations,
  onboarding,
  tier2Requests,
  tier3Timeline,
  tier2Deadlines,
  alarms,
  tier2Reports,
  suggestions,
  documentCheck,
  changeRules,
  breakage,
  mergeQueue,
  commands,
  tier2Replies,
  tier2TeamMentions,
  ownerResponses,
];
