import { defineFeature } from "../feature.js";
import { sweepSuggestions } from "./suggestions.js";

/** Tier change suggestions, judged by the sweep at most once a day per repository. */
export const suggestions = defineFeature({
  name: "suggestions",
  facts: [],
  sweep: {
    name: "suggestions",
    run: async ({ deps, now, limit, dryRun, report }) => {
      if (!dryRun) report.intents.push(...(await sweepSuggestions(deps, now, limit)));
    },
  },
});
