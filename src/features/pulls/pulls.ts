import type { PullFact } from "../../core/facts.js";
import { matcherFor } from "../../core/match.js";
import type { PullRecord, Registry, RepoRef } from "../../core/model.js";
import { REGISTRY_PATH } from "../../core/registry.js";
import type { Deps } from "../deps.js";
import type { Octokit } from "../../github/octokit.js";
import type { EventContext } from "../feature.js";

/** GitHub lists at most this many files of a pull request. */
export const PR_FILES_CAP = 3000;

/**
 * Pull requests, the first stage: the PR as it is to be recorded (head, author, the components it
 * touches), for the features that follow; `pulls` saves it (features/pulls/feature.ts). A late,
 * older event, or a repository without a registry, stops the event here.
 */
export async function observePull(ctx: EventContext<PullFact>): Promise<"continue" | "stop"> {
  const { deps, fact } = ctx;
  const registry = (await ctx.rules())?.registry;
  if (!registry) return "stop";
  const known = await deps.store.pulls.get(fact.repo.id, fact.number);
  const headChanged = !known || known.headSha !== fact.headSha || fact.action === "opened" || fact.action === "reopened";
  const pull: PullRecord = {
    repoId: fact.repo.id,
    number: fact.number,
    headSha: fact.headSha,
    baseRef: fact.baseRef,
    author: fact.author,
    state: fact.state,
    touched: known?.touched ?? [],
    ...(known?.lines && { lines: known.lines }),
    updatedAt: fact.updatedAt,
  };
  if (known && known.updatedAt > fact.updatedAt) return "stop"; // a late, older event: the newer one already counted
  let editsRegistry = false;
  let editsDocument = false;
  if (fact.state === "open" && headChanged) {
    const changes = await changedFiles(await ctx.github(), fact.repo, fact.number, registry);
    pull.touched = changes.touched;
    pull.lines = changes.lines;
    editsRegistry = changes.editsRegistry;
    editsDocument = changes.editsDocument;
  }
  ctx.observed.pull = { pull, editsRegistry, editsDocument };
  return "continue";
}

/**
 * A PR named by a CI payload that tierkeeper has not seen yet (installed mid-way, or a
 * missed event): read it from GitHub once.
 */
export async function adoptPull(deps: Deps, repo: RepoRef, installationId: number, registry: Registry, number: number): Promise<PullRecord | undefined> {
  const octokit = await deps.github(installationId);
  const { data } = await octokit.rest.pulls.get({ owner: repo.owner, repo: repo.name, pull_number: number });
  if (data.state !== "open") return undefined;
  const pull: PullRecord = {
    repoId: repo.id,
    number,
    headSha: data.head.sha,
    baseRef: data.base.ref,
    author: data.user?.login ?? "",
    state: "open",
    ...(await changedFiles(octokit, repo, number, registry)),
    updatedAt: new Date(data.updated_at),
  };
  await deps.store.pulls.upsert(pull);
  return pull;
}

/**
 * Components whose paths the PR changes (`all` when GitHub's 3,000-file list is cut short), the
 * lines it changes in each (for the major-change rule), and whether it edits the registry.
 */
async function changedFiles(
  octokit: Octokit,
  repo: RepoRef,
  number: number,
  registry: Registry,
): Promise<{ touched: string[] | "all"; lines: Record<string, number>; editsRegistry: boolean; editsDocument: boolean }> {
  const matcher = matcherFor(registry);
  const paths: string[] = [];
  const lines: Record<string, number> = {};
  let files = 0;
  for await (const page of octokit.paginate.iterator(octokit.rest.pulls.listFiles, {
    owner: repo.owner,
    repo: repo.name,
    pull_number: number,
    per_page: 100,
  })) {
    for (const file of page.data) {
      files++;
      const names = file.previous_filename ? [file.filename, file.previous_filename] : [file.filename];
      paths.push(...names);
      for (const id of matcher.componentsForPaths(names)) lines[id] = (lines[id] ?? 0) + (file.changes ?? 0);
    }
  }
  const editsRegistry = paths.includes(REGISTRY_PATH) || files >= PR_FILES_CAP;
  const document = registry.policy.document;
  const editsDocument = document !== undefined && (paths.includes(document) || files >= PR_FILES_CAP);
  if (files >= PR_FILES_CAP) return { touched: "all", lines, editsRegistry, editsDocument };
  return { touched: Object.keys(lines).sort(), lines, editsRegistry, editsDocument };
}
