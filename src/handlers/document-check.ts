import type { PullRecord, Registry, RepoRef } from "../core/model.js";
import { decideDocumentCheck, type DocumentAtHead } from "../core/document-check.js";
import { parseRegistry, REGISTRY_PATH } from "../core/registry.js";
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
    const text = await fileAt(octokit, repo, REGISTRY_PATH, pull.headSha);
    const parsed = text === undefined ? undefined : parseRegistry(text, REGISTRY_PATH);
    if (parsed?.ok) atHead = parsed.registry;
    else if (parsed) registryInvalid = true;
  }
  const path = atHead.policy.document ?? registry.policy.document;
  if (path === undefined) return;
  let document: DocumentAtHead;
  if (registryInvalid) document = { registryInvalid: true };
  else {
    const text = await fileAt(octokit, repo, path, pull.headSha);
    document = text === undefined ? { absent: true } : { text };
  }
  await deps.store.saveIntent({
    key: `document-check:${repo.id}:${pull.headSha}`,
    kind: "check-run",
    target: JSON.stringify({ owner: repo.owner, repo: repo.name, headSha: pull.headSha }),
    desired: JSON.stringify(decideDocumentCheck(path, REGISTRY_PATH, document, atHead)),
    installationId,
    now: deps.now(),
    shadow: registry.policy.mode === "shadow",
  });
}

/** A file's text at a commit; undefined when it does not exist there. */
async function fileAt(octokit: Octokit, repo: RepoRef, path: string, ref: string): Promise<string | undefined> {
  try {
    const { data } = await octokit.request("GET /repos/{owner}/{repo}/contents/{path}", { owner: repo.owner, repo: repo.name, path, ref, mediaType: { format: "raw" } });
    return typeof data === "string" ? data : undefined;
  } catch (error) {
    if ((error as { status?: number }).status !== 404) throw error;
    return undefined;
  }
}
