import { defineFeature } from "../feature.js";
import { applyInstallationChange, decideInstallationChange } from "./installations.js";

/** Installations suspended, deleted or trimmed park their work; unsuspended or added again, it resumes. */
export const installations = defineFeature({
  name: "installations",
  facts: ["installed", "installation"],
  load: async (ctx) => ctx.fact,
  decide: decideInstallationChange,
  act: applyInstallationChange,
});
