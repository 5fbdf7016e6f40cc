import type { ReviewRequestDesired } from "../../intents/index.js";
import { lastApplied, type ActionHandler } from "./action.js";

/**
 * Asks for reviews, each reviewer once: only those not asked before are sent, so a reviewer who
 * removed the request is not asked again. GitHub refuses (422) reviewers who are not
 * collaborators; that is recorded and logged, not retried forever.
 */
export const reviewRequest: ActionHandler<"review-request"> = {
  kind: "review-request",

  async apply(octokit, action, context) {
    const { target, desired } = action;
    const before = lastApplied<ReviewRequestDesired>(action);
    const reviewers = desired.reviewers.filter((r) => !before?.reviewers.includes(r));
    const teamReviewers = desired.teamReviewers.filter((t) => !before?.teamReviewers.includes(t));
    let applied: ReviewRequestDesired & { refused?: string } = desired;
    if (reviewers.length > 0 || teamReviewers.length > 0) {
      try {
        await octokit.rest.pulls.requestReviewers({ owner: target.owner, repo: target.repo, pull_number: target.pullNumber, reviewers, team_reviewers: teamReviewers });
      } catch (error) {
        if ((error as { status?: number }).status !== 422) throw error;
        const refused = (error as Error).message;
        context.log.warn({ action: action.key, reviewers, teamReviewers, refused }, "GitHub refused the review request");
        applied = { ...desired, refused };
      }
    }
    await context.store.actions.markApplied(action.key, action.version, JSON.stringify(applied), null);
    context.log.info({ action: action.key }, "review request applied");
    return "applied";
  },
};
