import type { Owner, PullRecord, Registry, RepoRef } from "../core/model.js";
import { parseRegistry, refusedForSize, REGISTRY_LIMITS, REGISTRY_PATH } from "../core/registry.js";
import { fileAt } from "../github/file-at.js";
import { decideRegistryCheck } from "../core/registry-check.js";
import { registryFindings, type FindingsInput } from "../core/registry-findings.js";
import { lookUpOwners } from "../github/owners.js";
import type { Deps, Octokit } from "./deps.js";

/**
 * Registry checks on pull requests: a PR that edits `.github/tiers.yml` gets the check run
 * `tierkeeper/registry`, computed from the file at the PR's head. The rules in force still
 * come from the default branch: this only says whether the edit would be usable, and what it
 * means for this repository (files, CI checks, owners, tier changes against `registry`).
 */
export const registryCheckKey = (repoId: number, headSha: string) => `registry-check:${repoId}:${headSha}`;

export async function checkRegistryAtHead(deps: Deps, repo: RepoRef, installationId: number, registry: Registry, pull: PullRecord): Promise<void> {
  const octokit = await deps.github(installationId);
  const file = await fileAt(octokit, repo, REGISTRY_PATH, pull.headSha, REGISTRY_LIMITS.bytes);
  const text = file && "text" in file ? file.text : undefined;
  const result = file === undefined ? "deleted" : text === undefined ? refusedForSize("tooLarge" in file ? file.tooLarge : 0) : parseRegistry(text, REGISTRY_PATH);
  const findings =
    text !== undefined && result !== "deleted" && result.ok
      ? registryFindings({
          file: REGISTRY_PATH,
          text,
          head: result,
          base: registry,
          tree: await treeAt(deps, octokit, repo, pull.headSha),
          seenChecks: (await deps.store.results.latestOnBranch(repo.id, repo.defaultBranch)).map((r) => r.name),
          owners: await lookUpOwners(octokit, repo, result.registry, registry, deps.log),
        })
      : undefined;
  const desired = decideRegistryCheck(result, REGISTRY_PATH, findings);
  await deps.store.actions.saveIntent({
    key: registryCheckKey(repo.id, pull.headSha),
    kind: "check-run",
    target: JSON.stringify({ owner: repo.owner, repo: repo.name, headSha: pull.headSha }),
    desired: JSON.stringify(desired),
    installationId,
    now: deps.now(),
    shadow: registry.policy.mode === "shadow",
  });
}

/** Files compared with the path globs at most: past it the globs are not judged (and the check says so). */
export const TREE_ENTRY_LIMIT = 20_000;

/**
 * The files (and submodules) at head. GitHub cuts a recursive listing short on very large
 * repositories (`truncated`), and tierkeeper compares at most TREE_ENTRY_LIMIT files: past
 * either, the globs are not judged at all rather than on a part (a glob may match a file left out).
 * The findings are extras to the check: when GitHub cannot say, the check says what it skipped.
 */
async function treeAt(deps: Deps, octokit: Octokit, repo: RepoRef, sha: string): Promise<FindingsInput["tree"]> {
  try {
    const { data } = await octokit.rest.git.getTree({ owner: repo.owner, repo: repo.name, tree_sha: sha, recursive: "1" });
    if (data.truncated) return { unknown: "the repository has more files than GitHub lists at once" };
    const paths = data.tree.filter((e) => e.type === "blob" || e.type === "commit").flatMap((e) => (e.path ? [e.path] : []));
    if (paths.length > TREE_ENTRY_LIMIT) return { unknown: `the repository has ${paths.length.toLocaleString("en")} files, more than the ${TREE_ENTRY_LIMIT.toLocaleString("en")} tierkeeper compares` };
    return { paths };
  } catch (error) {
    deps.log.warn({ err: error, repo: `${repo.owner}/${repo.name}`, sha }, "registry check: cannot list the files at head");
    return { unknown: `GitHub did not list the files at head (HTTP ${(error as { status?: number }).status ?? "error"})` };
  }
}

