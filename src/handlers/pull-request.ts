import type { PullFact } from "../core/facts.js";
import { matcherFor } from "../core/match.js";
import type { PullRecord, Registry, RepoRef } from "../core/model.js";
import { refreshBreakageComment } from "./breakage.js";
import { checkRegistryAtHead } from "./registry-check.js";
import { checkDocumentAtHead } from "./document-check.js";
import { REGISTRY_PATH } from "../core/registry.js";
import type { Deps, Octokit } from "./deps.js";
import { applyChangeRules } from "./change-rules.js";
import { cancelRequests } from "./tier2-requests.js";
import { onDisablingPullClosed } from "./tier3-timeline.js";
import { isolated } from "./isolated.js";

/** GitHub lists at most this many files of a pull request. */
export const PR_FILES_CAP = 3000;

/** Pull requests: remember each PR's head, author and the components it touches. */
export async function onPullRequest(deps: Deps, fact: PullFact): Promise<void> {
  const github = () => deps.github(fact.installationId);
  const registry = await deps.registries.get(fact.repo, github);
  if (!registry) return;
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
  if (known && known.updatedAt > fact.updatedAt) return; // a late, older event: the newer one already counted
  let editsRegistry = false;
  let editsDocument = false;
  if (fact.state === "open" && headChanged) {
    const changes = await changedFiles(await github(), fact.repo, fact.number, registry);
    pull.touched = changes.touched;
    pull.lines = changes.lines;
    editsRegistry = changes.editsRegistry;
    editsDocument = changes.editsDocument;
  }
  // Checked before the new head is recorded: if the check fails, the retry still sees a new head and checks again.
  const failedCheck = editsRegistry ? await checkRegistryAtHead(deps, fact.repo, fact.installationId, registry, pull).then(() => undefined, (error: unknown) => ({ error })) : undefined;
  if (!failedCheck) await deps.store.pulls.upsert(pull);
  if (fact.state === "closed") {
    await cancelRequests(deps, fact.repo, fact.number, "the pull request was closed", registry.policy);
    await onDisablingPullClosed(deps, fact, registry);
    return;
  }
  // Each feature in isolation: a failing registry check does not keep the comment from its update.
  await isolated(deps.log, {
    ...(failedCheck && { "registry-check": () => Promise.reject(failedCheck.error) }),
    ...((editsRegistry || editsDocument) && { "document-check": () => checkDocumentAtHead(deps, fact.repo, fact.installationId, registry, pull, editsRegistry) }),
    "change-rules": () => applyChangeRules(deps, { repo: fact.repo, installationId: fact.installationId, registry }, pull, { labels: fact.labels, body: fact.body }),
    breakage: () => refreshBreakageComment(deps, fact.repo, fact.installationId, registry, pull),
  });
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
async function changedFiles(octokit: Octokit, repo: RepoRef, number: number, registry: Registry): Promise<{ touched: string[] | "all"; lines: Record<string, number>; editsRegistry: boolean; editsDocument: boolean }> {
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
