import type { StoredAction } from "../../intents/index.js";
import type { Octokit } from "../octokit.js";
import { gone, lastApplied, ONCE, type ActionContext, type ActionHandler, type Existing } from "./action.js";

/** One comment on an issue or pull request, posted once and edited as its desired body changes. */
interface CommentApplied {
  body: string;
  mentions: string[];
  /** Every mention ever sent through this comment. */
  spent: string[];
}

type CommentAction = StoredAction<"comment">;

/** The thread the comment goes to: given, or the issue another action made (undefined while it has none). */
async function threadOf(action: CommentAction, context: ActionContext): Promise<number | undefined> {
  const { target } = action;
  return target.issueNumber ?? (target.issueKey ? await context.issueOf(action, target.issueKey) : undefined);
}

/** The app's earlier comment on the thread, recognised by its marker. */
async function find(octokit: Octokit, action: CommentAction, context: ActionContext): Promise<Existing<CommentApplied> | null> {
  const issueNumber = await threadOf(action, context);
  if (issueNumber === undefined) return null;
  const previous = lastApplied<CommentApplied>(action);
  for await (const page of octokit.paginate.iterator(octokit.rest.issues.listComments, {
    owner: action.target.owner,
    repo: action.target.repo,
    issue_number: issueNumber,
    per_page: 100,
  })) {
    const mine = page.data.find((c) => c.user?.type === "Bot" && c.body?.includes(action.target.marker));
    if (mine) return { id: String(mine.id), applied: { mentions: [], spent: [], ...previous, body: mine.body ?? "" } };
  }
  return null;
}

export const comment: ActionHandler<"comment", CommentApplied> = {
  kind: "comment",
  find,

  async apply(octokit, action, context) {
    const { target, desired } = action;
    const issueNumber = await threadOf(action, context);
    if (issueNumber === undefined) {
      if (target.issueKey) return "waiting";
      throw new Error(`comment ${action.key} names no issue`);
    }
    const params = { owner: target.owner, repo: target.repo };
    const mentions = desired.mentions ?? [];
    const previous = lastApplied<CommentApplied>(action);
    const record: CommentApplied = { body: desired.body, mentions, spent: [...new Set([...(previous?.spent ?? []), ...mentions])] };

    let found: Existing<CommentApplied> | null = await context.existing(action, () => find(octokit, action, context));
    if (found && found.applied?.body !== desired.body) {
      try {
        await octokit.rest.issues.updateComment({ ...params, comment_id: Number(found.id), body: desired.body });
      } catch (error) {
        if (!gone(error)) throw error;
        found = null; // someone deleted it: post it again
      }
    }
    let commentId = found?.id;
    if (!commentId) {
      await context.creating(action);
      const { data } = await octokit.rest.issues.createComment({ ...params, issue_number: issueNumber, body: desired.body, request: ONCE });
      commentId = String(data.id);
    }
    await context.store.actions.markApplied(action.key, action.version, JSON.stringify(record), commentId);
    context.log.info({ action: action.key, comment: commentId }, "comment applied");
    return "applied";
  },
};
