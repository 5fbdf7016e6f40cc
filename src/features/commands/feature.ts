import { defineFeature } from "../feature.js";
import { loadCommands, runCommands } from "./commands.js";

/**
 * `/tier` commands. The exception to load/decide/act: each command's permission is asked of
 * GitHub and the command carried out in turn, so that a later command sees what an earlier one
 * did (`/tier ack x` then `/tier status x`); `decide` only keeps the parsed commands.
 */
export const commands = defineFeature({
  name: "commands",
  facts: ["activity"],
  load: loadCommands,
  decide: (loaded) => loaded,
  act: runCommands,
});
