import type { PullRecord, Registry, RepoRef } from "../core/model.js";
import { decideDocumentCheck, type DocumentAtHead } from "../core/document-check.js";
import { parseRegistry, refusedForSize, REGISTRY_LIMITS, REGISTRY_PATH } from "../core/registry.js";
import { fileAt } from "../github/file-at.js";
import type { Deps, Octokit } from "./deps.js";

/**
 * `tierkeeper/document` on a pull request that changes the registry or the tier document named by
 * `policy.document`: the document's tables at head against the registry at head (the registry in
 * force when the PR does not edit it). Like `tierkeeper/registry`, it only judges the PR.
 */
export async function checkDocumentAtHead(deps: Deps, repo: RepoRef, installationId: number, registry: Registry, pull: PullRecord, editsRegistry: boolean): Promise<void> {
  const octokit = await deps.github(installationId);
  let atHead = registry;
  let registryInvalid = false;
  if (editsRegistry) {
    const file = await fileAt(octokit, repo, REGISTRY_PATH, pull.headSha, REGISTRY_LIMITS.bytes);
    const parsed = file === undefined ? undefined : "text" in file ? parseRegistry(file.text, REGISTRY_PATH) : refusedForSize(file.tooLarge);
    if (parsed?.ok) atHead = parsed.registry;
    else if (parsed) registryInvalid = true;
  }
  const path = atHead.policy.document ?? registry.policy.document;
  if (path === undefined) return;
  let document: DocumentAtHead;
  if (registryInvalid) document = { registryInvalid: true };
  else {
    // A tier document is prose and tables: 1 MB (what GitHub's JSON answer carries) is plenty.
    const file = await fileAt(octokit, repo, path, pull.headSha, 1024 * 1024);
    document = file ?? { absent: true };
  }
  await deps.store.actions.saveIntent({
    key: `document-check:${repo.id}:${pull.headSha}`,
    kind: "check-run",
    target: JSON.stringify({ owner: repo.owner, repo: repo.name, headSha: pull.headSha }),
    desired: JSON.stringify(decideDocumentCheck(path, REGISTRY_PATH, document, atHead)),
    installationId,
    now: deps.now(),
    shadow: registry.policy.mode === "shadow",
  });
}
