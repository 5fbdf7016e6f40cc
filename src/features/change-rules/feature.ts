import { defineFeature } from "../feature.js";
import { decideChangeRules, loadChangeRules, recordChangeRules } from "./change-rules.js";

/** The `tierkeeper/rfc` check for major changes to Tier 1 components, and consultations for Tier 2 ones. */
export const changeRules = defineFeature({
  name: "change-rules",
  facts: ["pull"],
  load: loadChangeRules,
  decide: decideChangeRules,
  act: recordChangeRules,
});
