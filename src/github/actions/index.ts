import type { ActionKind } from "../../intents/index.js";
import type { ActionHandler } from "./action.js";
import { checkRun } from "./check-run.js";
import { comment } from "./comment.js";
import { filePr } from "./file-pr.js";
import { issue } from "./issue.js";
import { reviewRequest } from "./review-request.js";
import { workflowDisable } from "./workflow-disable.js";

/** Every action kind's implementation: a kind without one does not compile. */
export const ACTIONS: { [K in ActionKind]: ActionHandler<K> } = {
  comment,
  issue,
  "file-pr": filePr,
  "check-run": checkRun,
  "workflow-disable": workflowDisable,
  "review-request": reviewRequest,
};

export { CREATING, SHADOW, lastApplied, type ActionContext, type ActionHandler, type Existing, type Outcome } from "./action.js";
