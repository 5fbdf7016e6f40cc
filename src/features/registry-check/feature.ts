import { defineFeature } from "../feature.js";
import { decideRegistryAtHead, loadRegistryAtHead, saveRegistryCheck } from "./registry-check.js";

/** `tierkeeper/registry` on a PR that edits `.github/tiers.yml`. Before `pulls` (see features/index.ts). */
export const registryCheck = defineFeature({
  name: "registry-check",
  facts: ["pull"],
  load: loadRegistryAtHead,
  decide: decideRegistryAtHead,
  act: saveRegistryCheck,
});
