import type { WorkflowDesired } from "../../intents/index.js";
import { lastApplied, type ActionHandler } from "./action.js";

/** A GitHub Actions workflow turned off or on; nothing is created, so nothing needs finding after a crash. */
export const workflowDisable: ActionHandler<"workflow-disable"> = {
  kind: "workflow-disable",

  async apply(octokit, action, context) {
    const { target, desired } = action;
    // Enabling and disabling are idempotent on GitHub; the diff only saves the request.
    if (lastApplied<WorkflowDesired>(action)?.enabled !== desired.enabled) {
      const params = { owner: target.owner, repo: target.repo, workflow_id: target.workflow };
      if (desired.enabled) await octokit.rest.actions.enableWorkflow(params);
      else await octokit.rest.actions.disableWorkflow(params);
    }
    await context.store.actions.markApplied(action.key, action.version, JSON.stringify(desired), String(target.workflow));
    context.log.info({ action: action.key, workflow: target.workflow, enabled: desired.enabled }, "workflow applied");
    return "applied";
  },
};
