import type { CheckRunDesired, CheckRunTarget } from "../../intents/index.js";
import type { Octokit } from "../octokit.js";
import { CREATING, ONCE, SHADOW, type ActionHandler } from "./action.js";

/** GitHub's limit of annotations per request; later batches are appended by updates. */
const ANNOTATIONS_PER_REQUEST = 50;

/** The check run of that name on the commit, if any. */
async function findCheckRun(octokit: Octokit, target: CheckRunTarget, name: string): Promise<string | null> {
  const { data } = await octokit.rest.checks.listForRef({ owner: target.owner, repo: target.repo, ref: target.headSha, check_name: name });
  return data.check_runs.length ? String(data.check_runs[0].id) : null;
}

/**
 * A completed check run on a commit, with its annotations sent 50 at a time (GitHub's limit
 * per request; later batches are appended by updates). Found again by name on the commit.
 */
export const checkRun: ActionHandler<"check-run"> = {
  kind: "check-run",
  find: async (octokit, action) => {
    const id = await findCheckRun(octokit, action.target, action.desired.name);
    return id === null ? null : { id, applied: undefined };
  },

  async apply(octokit, action, context) {
    const { target, desired } = action;
    const params = { owner: target.owner, repo: target.repo };
    const output = (annotations: CheckRunDesired["annotations"]) => ({ title: desired.title, summary: desired.summary, annotations });
    let id = action.githubId === CREATING ? await findCheckRun(octokit, target, desired.name) : action.githubId === SHADOW ? null : action.githubId;
    if (!id) {
      await context.creating(action);
      const batches = chunk(desired.annotations, ANNOTATIONS_PER_REQUEST);
      const { data } = await octokit.rest.checks.create({
        ...params,
        name: desired.name,
        head_sha: target.headSha,
        status: "completed",
        conclusion: desired.conclusion,
        output: output(batches[0] ?? []),
        request: ONCE,
      });
      id = String(data.id);
      await context.store.actions.setGithubId(action.key, id);
      for (const batch of batches.slice(1)) await octokit.rest.checks.update({ ...params, check_run_id: data.id, output: output(batch) });
    } else if (action.applied !== action.desiredJson) {
      // Annotations already sent stay: updates would only append them again.
      await octokit.rest.checks.update({ ...params, check_run_id: Number(id), conclusion: desired.conclusion, output: output([]) });
    }
    // The stored JSON, as sent: the next pass compares it with the desired column as stored.
    await context.store.actions.markApplied(action.key, action.version, action.desiredJson, id);
    context.log.info({ action: action.key, checkRun: id, conclusion: desired.conclusion }, "check run applied");
    return "applied";
  },
};

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
