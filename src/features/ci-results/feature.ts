import { defineFeature } from "../feature.js";
import { observeCiResult } from "./ci-results.js";

/** CI results: recorded as evidence and for the breakage comment, before the features that read them (the first stage). */
export const ciResults = defineFeature({
  name: "ci-results",
  facts: ["ci"],
  observe: observeCiResult,
});
