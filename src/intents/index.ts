/** Intents: what the app wants GitHub to show, typed by action kind; recorded under the policy's mode. */
export * from "./kinds.js";
export { recordIntent, recordIntents, NO_REGISTRY, type Mode } from "./record.js";
export { parseAction, isActionKind, type StoredAction } from "./read.js";
