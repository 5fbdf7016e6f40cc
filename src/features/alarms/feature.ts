import { defineFeature } from "../feature.js";
import { decideDisabled, loadDisabled, recordDisabled, sweepAlarms } from "./alarms.js";

/** Alarms about Tier 1 and Tier 2 components disabled in CI: noted at each registry edit, raised by the sweep. */
export const alarms = defineFeature({
  name: "alarms",
  facts: ["push"],
  load: loadDisabled,
  decide: decideDisabled,
  act: recordDisabled,
  sweep: {
    name: "alarms",
    run: async ({ deps, now, limit, dryRun, report }) => {
      report.alarms = await sweepAlarms(deps, now, limit, dryRun);
      if (!dryRun) report.intents.push(...report.alarms);
    },
  },
});
