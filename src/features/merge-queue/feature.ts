import { defineFeature } from "../feature.js";
import { copyOwnChecks, loadQueuedChecks } from "./merge-queue.js";

/**
 * GitHub's merge queue: tierkeeper's own checks are repeated on the queue commit. Loading the
 * queued PRs records the queue entry (and adopts a PR not seen yet), as the CI results' first stage does.
 */
export const mergeQueue = defineFeature({
  name: "merge-queue",
  facts: ["merge-group"],
  load: loadQueuedChecks,
  decide: (copies) => (copies.length > 0 ? copies : undefined),
  act: copyOwnChecks,
});
