import { defineFeature } from "../feature.js";
import { invalidateOnRegistryPush } from "./registry-push.js";

/**
 * The registry cache: a push that edits the registry on the default branch makes the cached copy
 * stale. The first stage, so that the features after it (timelines, alarms) read the new registry;
 * any other push concerns no feature and stops here.
 */
export const registryCache = defineFeature({
  name: "registry-cache",
  facts: ["push"],
  observe: invalidateOnRegistryPush,
});
