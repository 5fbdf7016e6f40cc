import { defineFeature } from "../feature.js";
import { decideComments, loadComments, saveComments } from "./breakage.js";

/**
 * Owner pings on breaking PRs: the comment of each open PR at a new head, or at the commit of a
 * new CI result (and, after a default-branch result, of every PR that carries one), recomputed
 * from the stored results and recorded as an intent; Tier 2 pings become requests.
 */
export const breakage = defineFeature({
  name: "breakage",
  facts: ["pull", "ci"],
  load: loadComments,
  decide: decideComments,
  act: saveComments,
});
