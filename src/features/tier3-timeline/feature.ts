import { defineFeature } from "../feature.js";
import { decideResponses, loadResponses } from "./owner-responses.js";
import { sweepTimelines } from "./sweep.js";
import { applyEvents, decideTimelineEvents, loadTimelineInputs } from "./timeline.js";

/**
 * Tier 3 timelines: CI results that block other work open or feed a component's timeline, a
 * passing run closes it; a closed disabling PR, or a registry edit, steps it; the sweep takes the
 * due steps. Each event is applied by compare-and-set (timeline.ts, applyEvent): it reads the
 * episode, steps it (pure, core/timeline.ts) and saves it, again if a twin stepped it meanwhile;
 * so `act` still reads, by design.
 */
export const tier3Timeline = defineFeature({
  name: "tier3-timeline",
  facts: ["ci", "pull", "push"],
  load: loadTimelineInputs,
  decide: decideTimelineEvents,
  act: applyEvents,
  sweep: { name: "timelines", run: sweepTimelines },
});

/** An owner's comment or review on the tracking issue or a blocked PR postpones the next step. */
export const ownerResponses = defineFeature({
  name: "owner-responses",
  facts: ["activity"],
  load: loadResponses,
  decide: decideResponses,
  act: applyEvents,
});
