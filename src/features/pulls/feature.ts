import { defineFeature } from "../feature.js";
import { observePull } from "./pulls.js";

/**
 * Pull requests: the first stage reads the PR's record and its files (ctx.observed.pull) for the
 * features; the record is saved after the registry check, and not when that check failed: the
 * retry then still sees a new head and checks again.
 */
export const pulls = defineFeature({
  name: "pulls",
  facts: ["pull"],
  observe: observePull,
  load: async (ctx) => (ctx.failed.has("registry-check") ? undefined : ctx.observed.pull!.pull),
  decide: (pull) => pull,
  act: async (ctx, pull) => {
    await ctx.deps.store.pulls.upsert(pull);
  },
});
