import { defineFeature } from "../feature.js";
import { loadOnboarding, saveOnboarding } from "./onboarding.js";

/** A starter registry proposed, once, to each repository installed without one. */
export const onboarding = defineFeature({
  name: "onboarding",
  facts: ["installed"],
  load: loadOnboarding,
  decide: (repos) => (repos.length > 0 ? repos : undefined),
  act: saveOnboarding,
});
