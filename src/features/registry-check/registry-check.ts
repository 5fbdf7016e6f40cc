import type { PullFact } from "../../core/facts.js";
import type { PullRecord, Registry, RegistryParseResult, RepoRef } from "../../core/model.js";
import { parseRegistry, refusedForSize, REGISTRY_LIMITS, REGISTRY_PATH } from "../../core/registry.js";
import { fileAt } from "../../github/file-at.js";
import { decideRegistryCheck, type CheckRunDesired } from "../../core/registry-check.js";
import { registryFindings, type FindingsInput } from "../../core/registry-findings.js";
import { lookUpOwners } from "../../github/owners.js";
import type { Deps } from "../deps.js";
import type { EventContext } from "../feature.js";
import type { Octokit } from "../../github/octokit.js";
import { checkRunIntent, recordIntents } from "../../intents/index.js";

/**
 * Registry checks on pull requests: a PR that edits `.github/tiers.yml` gets the check run
 * `tierkeeper/registry`, computed from the file at the PR's head. The rules in force still
 * come from the default branch: this only says whether the edit would be usable, and what it
 * means for this repository (files, CI checks, owners, tier changes against `registry`).
 */
export const registryCheckKey = (repoId: number, headSha: string) => `registry-check:${repoId}:${headSha}`;

/** The registry file at the PR's head, parsed, and (when it parses) what its findings compare it with. */
export interface RegistryAtHead {
  pull: PullRecord;
  /** The rules in force, which the findings compare the edit with. */
  base: Registry;
  result: RegistryParseResult | "deleted";
  text?: string;
  tree?: FindingsInput["tree"];
  seenChecks?: string[];
  owners?: FindingsInput["owners"];
}

export async function loadRegistryAtHead(ctx: EventContext<PullFact>): Promise<RegistryAtHead | undefined> {
  const { deps, fact } = ctx;
  const { repo } = fact;
  const { pull, editsRegistry } = ctx.observed.pull!;
  if (!editsRegistry) return undefined;
  const registry = (await ctx.rules())!.registry;
  const octokit = await ctx.github();
  const file = await fileAt(octokit, repo, REGISTRY_PATH, pull.headSha, REGISTRY_LIMITS.bytes);
  const text = file && "text" in file ? file.text : undefined;
  const result = file === undefined ? "deleted" : text === undefined ? refusedForSize("tooLarge" in file ? file.tooLarge : 0) : parseRegistry(text, REGISTRY_PATH);
  if (text === undefined || result === "deleted" || !result.ok) return { pull, base: registry, result, text };
  return {
    pull,
    base: registry,
    result,
    text,
    tree: await treeAt(deps, octokit, repo, pull.headSha),
    seenChecks: (await deps.store.results.latestOnBranch(repo.id, repo.defaultBranch)).map((r) => r.name),
    owners: await lookUpOwners(octokit, repo, result.registry, registry, deps.log),
  };
}

/** The check's conclusion and text, from the file and, when it parses, its findings (against the registry in force). */
export function decideRegistryAtHead(loaded: RegistryAtHead): { pull: PullRecord; desired: CheckRunDesired } {
  const { pull, base, result, text, tree, seenChecks, owners } = loaded;
  const findings = text !== undefined && result !== "deleted" && result.ok ? registryFindings({ file: REGISTRY_PATH, text, head: result, base, tree, seenChecks, owners }) : undefined;
  return { pull, desired: decideRegistryCheck(result, REGISTRY_PATH, findings) };
}

export async function saveRegistryCheck(ctx: EventContext<PullFact>, { pull, desired }: { pull: PullRecord; desired: CheckRunDesired }): Promise<void> {
  const { deps } = ctx;
  const { repo, installationId } = ctx.fact;
  const registry = (await ctx.rules())!.registry;
  await recordIntents(
    deps.store,
    registry.policy,
    [checkRunIntent({ key: registryCheckKey(repo.id, pull.headSha), target: { owner: repo.owner, repo: repo.name, headSha: pull.headSha }, desired, installationId })],
    deps.now(),
  );
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
    if (paths.length > TREE_ENTRY_LIMIT)
      return { unknown: `the repository has ${paths.length.toLocaleString("en")} files, more than the ${TREE_ENTRY_LIMIT.toLocaleString("en")} tierkeeper compares` };
    return { paths };
  } catch (error) {
    deps.log.warn({ err: error, repo: `${repo.owner}/${repo.name}`, sha }, "registry check: cannot list the files at head");
    return { unknown: `GitHub did not list the files at head (HTTP ${(error as { status?: number }).status ?? "error"})` };
  }
}
