import { defineFeature } from "../feature.js";
import { sweepReports, sweepRequests } from "./deadlines.js";
import {
  decideReplies,
  decideReviewRequest,
  decideTeamMentions,
  loadReplies,
  loadReviewRequest,
  loadTeamMentions,
  recordReplies,
  recordReviewRequest,
  recordTeamMentions,
} from "./requests.js";

/**
 * Tier 2 responsiveness. Requests (review requests, team mentions, pings from the breakage
 * comment, consultations from the change rules) are rows stepped by compare-and-set, like Tier 3
 * episodes: `act` reads each row again as it steps it (requests.ts, stepStoredRequest).
 */

/** A review requested from (or withdrawn from) a Tier 2 owner; a closed PR cancels the requests on it. */
export const tier2Requests = defineFeature({
  name: "tier2-requests",
  facts: ["review-request", "pull"],
  load: loadReviewRequest,
  decide: decideReviewRequest,
  act: recordReviewRequest,
});

/** A comment or review by a maintainer asked on the thread: their reply. */
export const tier2Replies = defineFeature({
  name: "tier2-replies",
  facts: ["activity"],
  load: loadReplies,
  decide: decideReplies,
  act: recordReplies,
});

/** `@org/team` mentioned for a team that owns a Tier 2 component: a request to that team. */
export const tier2TeamMentions = defineFeature({
  name: "team-mentions",
  facts: ["activity"],
  load: loadTeamMentions,
  decide: decideTeamMentions,
  act: recordTeamMentions,
});

/** The sweep: requests whose deadline came get their reminder, a breach, and maybe a demotion proposal. */
export const tier2Deadlines = defineFeature({
  name: "tier2-deadlines",
  facts: [],
  sweep: {
    name: "tier2 deadlines",
    run: async ({ deps, now, limit, dryRun, report }) => {
      report.tier2 = await sweepRequests(deps, { now, limit, dryRun }, report.intents);
    },
  },
});

/** The sweep: the optional monthly report issue of reply figures. */
export const tier2Reports = defineFeature({
  name: "tier2-reports",
  facts: [],
  sweep: {
    name: "reports",
    run: async ({ deps, now, dryRun, report }) => {
      if (!dryRun) report.intents.push(...(await sweepReports(deps, now)));
    },
  },
});
