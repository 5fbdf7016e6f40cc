import { setComponentCi } from "../../core/registry-edit.js";
import type { FilePrDesired, FilePrTarget, RegistryEdit } from "../../intents/index.js";
import type { Octokit } from "../octokit.js";
import { changed, ONCE, statusOf, withMarker, type ActionHandler, type Existing } from "./action.js";

interface FilePrApplied extends Omit<FilePrDesired, "edit"> {
  /** The edit the branch carries; null when unknown (a pull request found after a crash). */
  edit: RegistryEdit | null;
}

/** The pull request from the action's branch, recognised by its marker. Its edit is unknown: the branch is checked again. */
async function findPull(octokit: Octokit, target: FilePrTarget): Promise<Existing<FilePrApplied> | null> {
  for await (const page of octokit.paginate.iterator(octokit.rest.pulls.list, {
    owner: target.owner,
    repo: target.repo,
    head: `${target.owner}:${target.branch}`,
    state: "all",
    per_page: 100,
  })) {
    const mine = page.data.find((p) => p.body?.includes(target.marker));
    if (mine) return { id: String(mine.number), applied: { title: mine.title, body: mine.body ?? "", state: mine.state as FilePrDesired["state"], edit: null } };
  }
  return null;
}

/** A branch (deterministic, so found again after a crash), a commit editing the registry, and a pull request. */
export const filePr: ActionHandler<"file-pr", FilePrApplied> = {
  kind: "file-pr",
  find: (octokit, action) => findPull(octokit, action.target),

  async apply(octokit, action, context) {
    const { target } = action;
    const desired: FilePrDesired = { ...action.desired, body: withMarker(action.desired.body, target.marker) };
    const params = { owner: target.owner, repo: target.repo };
    const record = (githubId: string | null) => context.store.actions.markApplied(action.key, action.version, JSON.stringify(desired), githubId);
    const issueNumber = target.issueKey ? await context.issueOf(action, target.issueKey) : undefined;
    if (target.issueKey && issueNumber === undefined) return "waiting";

    const pr = await context.existing(action, () => findPull(octokit, target));
    // The branch needs a commit only when the edit is new to it; a closed pull request gets none.
    if (desired.state === "open" && !sameEdit(pr?.applied?.edit, desired.edit)) {
      const { proposes } = await pushEdit(octokit, target, desired.edit, issueNumber);
      if (!proposes && !pr) {
        await record(null);
        context.log.info({ action: action.key, path: target.path }, "the file already has the edit: no pull request");
        return "applied";
      }
    }
    let number = pr?.id;
    if (pr) {
      const changes = changed(pr.applied, desired, ["title", "body", "state"]);
      if (changes) await updatePull(octokit, { ...params, pull_number: Number(pr.id), ...changes });
    } else if (desired.state === "open") {
      await context.creating(action);
      number = await createPull(octokit, target, desired);
    } // else: closed before it was ever opened: nothing to do.
    await record(number ?? null);
    context.log.info({ action: action.key, pull: number }, "file pull request applied");
    return "applied";
  },
};

function sameEdit(a: RegistryEdit | null | undefined, b: RegistryEdit): boolean {
  return !!a && JSON.stringify(a) === JSON.stringify(b);
}

async function createPull(octokit: Octokit, target: FilePrTarget, desired: FilePrDesired): Promise<string> {
  try {
    const { data } = await octokit.rest.pulls.create({
      owner: target.owner,
      repo: target.repo,
      title: desired.title,
      body: desired.body,
      head: target.branch,
      base: target.baseBranch,
      request: ONCE,
    });
    return String(data.number);
  } catch (error) {
    // "A pull request already exists" for the branch: ours, made by a run whose record was lost.
    const found = statusOf(error) === 422 ? await findPull(octokit, target) : null;
    if (!found) throw error;
    return found.id;
  }
}

/** A merged pull request cannot change state; there is nothing left to do with it. */
async function updatePull(octokit: Octokit, params: { owner: string; repo: string; pull_number: number; title?: string; body?: string; state?: "open" | "closed" }): Promise<void> {
  try {
    await octokit.rest.pulls.update(params);
  } catch (error) {
    if (statusOf(error) !== 422) throw error;
    const { data } = await octokit.rest.pulls.get({ owner: params.owner, repo: params.repo, pull_number: params.pull_number });
    if (!data.merged) throw error;
  }
}

interface RepoFile {
  text: string;
  sha: string;
}

async function readFile(octokit: Octokit, target: FilePrTarget, ref: string): Promise<RepoFile | null> {
  try {
    const { data } = await octokit.rest.repos.getContent({ owner: target.owner, repo: target.repo, path: target.path, ref });
    if (Array.isArray(data) || data.type !== "file" || !("content" in data) || data.encoding !== "base64") {
      throw new Error(`${target.path} at ${ref} is not a file GitHub returns inline`);
    }
    return { text: Buffer.from(data.content, "base64").toString("utf8"), sha: data.sha };
  } catch (error) {
    if (statusOf(error) === 404) return null;
    throw error;
  }
}

async function branchHead(octokit: Octokit, target: FilePrTarget, branch: string): Promise<string | null> {
  try {
    const { data } = await octokit.rest.git.getRef({ owner: target.owner, repo: target.repo, ref: `heads/${branch}` });
    return data.object.sha;
  } catch (error) {
    if (statusOf(error) === 404) return null;
    throw error;
  }
}

/**
 * Makes the branch hold the base branch's registry with the edit applied, committing only when
 * it does not already. `proposes` is false when the base branch already has the edit (and the
 * branch does not exist): there is nothing to propose.
 */
async function pushEdit(octokit: Octokit, target: FilePrTarget, edit: RegistryEdit, issueNumber: number | undefined): Promise<{ proposes: boolean }> {
  const params = { owner: target.owner, repo: target.repo };
  const baseSha = await branchHead(octokit, target, target.baseBranch);
  if (!baseSha) throw new Error(`branch ${target.baseBranch} not found in ${params.owner}/${params.repo}`);
  const base = await readFile(octokit, target, baseSha);
  if (!base && edit.op === "set-ci") throw new Error(`${target.path} not found on ${target.baseBranch} in ${params.owner}/${params.repo}`);
  // A new file is proposed only while the base branch has none: one added meanwhile wins.
  const text = edit.op === "set-ci" ? setComponentCi(base!.text, edit.component, edit.value, edit.note) : base ? base.text : edit.content;
  const proposes = text !== base?.text;

  let onBranch: RepoFile | null = base;
  if (await branchHead(octokit, target, target.branch)) {
    onBranch = await readFile(octokit, target, target.branch);
  } else if (!proposes) {
    return { proposes };
  } else {
    try {
      await octokit.rest.git.createRef({ ...params, ref: `refs/heads/${target.branch}`, sha: baseSha });
    } catch (error) {
      if (statusOf(error) !== 422) throw error;
      onBranch = await readFile(octokit, target, target.branch); // created meanwhile
    }
  }
  if (onBranch?.text === text) return { proposes }; // the branch already has the edit
  const message =
    edit.op === "create"
      ? edit.message
      : [
          `${edit.value === "disabled" ? "Disable" : "Re-enable"} CI for ${edit.component} in ${target.path}`,
          edit.note,
          issueNumber !== undefined ? `Tracking issue: #${issueNumber}` : undefined,
        ]
          .filter(Boolean)
          .join("\n\n");
  await octokit.rest.repos.createOrUpdateFileContents({
    ...params,
    path: target.path,
    branch: target.branch,
    message,
    content: Buffer.from(text, "utf8").toString("base64"),
    ...(onBranch && { sha: onBranch.sha }),
  });
  return { proposes };
}
