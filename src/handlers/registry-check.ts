import type { PullRecord, Registry, RepoRef } from "../core/model.js";
import { parseRegistry, REGISTRY_PATH } from "../core/registry.js";
import { decideRegistryCheck } from "../core/registry-check.js";
import type { Deps } from "./deps.js";

/**
 * Registry checks on pull requests: a PR that edits `.github/tiers.yml` gets the check run
 * `tierkeeper/registry`, computed from the file at the PR's head. The rules in force still
 * come from the default branch: this only says whether the edit would be usable.
 */
export async function checkRegistryAtHead(deps: Deps, repo: RepoRef, installationId: number, registry: Registry, pull: PullRecord): Promise<void> {
  const octokit = await deps.github(installationId);
  let text: string | undefined;
  try {
    const { data } = await octokit.request("GET /repos/{owner}/{repo}/contents/{path}", {
      owner: repo.owner,
      repo: repo.name,
      path: REGISTRY_PATH,
      ref: pull.headSha,
      mediaType: { format: "raw" },
    });
    text = typeof data === "string" ? data : undefined;
  } catch (error) {
    if ((error as { status?: number }).status !== 404) throw error;
  }
  const desired = decideRegistryCheck(text === undefined ? "deleted" : parseRegistry(text, REGISTRY_PATH), REGISTRY_PATH);
  await deps.store.saveIntent({
    key: `registry-check:${repo.id}:${pull.headSha}`,
    kind: "check-run",
    target: JSON.stringify({ owner: repo.owner, repo: repo.name, headSha: pull.headSha }),
    desired: JSON.stringify(desired),
    installationId,
    now: deps.now(),
    shadow: registry.policy.mode === "shadow",
  });
}
