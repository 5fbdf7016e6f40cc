import type { MergeGroupFact, QueueBranch } from "../core/facts.js";
import type { PullRecord, Registry, RepoRef } from "../core/model.js";
import { rfcCheckKey } from "./change-rules.js";
import type { Deps } from "./deps.js";
import { adoptPull } from "./pull-request.js";
import { registryCheckKey } from "./registry-check.js";

/**
 * GitHub's merge queue: a queue commit (`gh-readonly-queue/<base>/pr-<N>-<base sha>`) tests PR N
 * merged onto the default branch, and its CI results name no pull request. Here they are tied
 * back to the PR, and tierkeeper's own checks are repeated on the queue commit, so that making
 * them required never leaves the queue waiting for a check nobody sets.
 */

export interface QueueTarget {
  repo: RepoRef;
  installationId: number;
  registry: Registry;
}

/** `merge_group.checks_requested`: remember the entry and set tierkeeper's checks on the queue commit. */
export async function onMergeGroup(deps: Deps, fact: MergeGroupFact): Promise<void> {
  const { repo, installationId } = fact;
  const registry = await deps.registries.get(repo, () => deps.github(installationId));
  if (!registry) return;
  const target = { repo, installationId, registry };
  for (const pull of await queuedPulls(deps, target, fact.headSha, { ...fact.queue, baseSha: fact.baseSha })) {
    await copyOwnChecks(deps, target, pull, fact.headSha);
  }
}

/**
 * The open PRs tested at a queue commit: those recorded for it (from its merge_group event or an
 * earlier result), else the one its branch names. A PR that GitHub does not know (404), a closed
 * one, or one pushed to since it was queued is logged and left out: nothing is said about it.
 */
export async function queuedPulls(deps: Deps, target: QueueTarget, headSha: string, named: QueueBranch): Promise<PullRecord[]> {
  const { repo } = target;
  const recorded = await deps.store.queue.entriesAt(repo.id, headSha);
  const entries = recorded.length > 0 ? recorded : [{ ...named, pullHeadSha: undefined }];
  const pulls: PullRecord[] = [];
  for (const entry of entries) {
    const pull = await openPull(deps, target, entry.pull);
    if (!pull) {
      deps.log.info({ pull: entry.pull, queueSha: headSha }, "merge queue: the pull request is closed or does not exist; ignored");
      continue;
    }
    if (entry.pullHeadSha !== undefined && entry.pullHeadSha !== pull.headSha) {
      deps.log.info({ pull: pull.number, queueSha: headSha }, "merge queue: the pull request moved on since it was queued; ignored");
      continue;
    }
    if (entry.pullHeadSha === undefined) {
      await deps.store.queue.record({ repoId: repo.id, headSha, pull: pull.number, base: entry.base, baseSha: entry.baseSha, pullHeadSha: pull.headSha, seenAt: deps.now() });
    }
    pulls.push(pull);
  }
  return pulls;
}

async function openPull(deps: Deps, target: QueueTarget, number: number): Promise<PullRecord | undefined> {
  const known = await deps.store.pulls.get(target.repo.id, number);
  if (known) return known.state === "open" ? known : undefined;
  try {
    return await adoptPull(deps, target.repo, target.installationId, target.registry, number);
  } catch (error) {
    if ((error as { status?: number }).status === 404) return undefined;
    throw error; // an outage: the delivery is retried
  }
}

/** tierkeeper's check runs at the PR's head, with the same conclusion, on the queue commit. */
async function copyOwnChecks(deps: Deps, target: QueueTarget, pull: PullRecord, queueSha: string): Promise<void> {
  const { repo, installationId } = target;
  for (const keyAt of [rfcCheckKey, registryCheckKey]) {
    const atHead = await deps.store.actions.get(keyAt(repo.id, pull.headSha));
    if (!atHead) continue;
    await deps.store.actions.saveIntent({
      key: keyAt(repo.id, queueSha),
      kind: "check-run",
      target: JSON.stringify({ owner: repo.owner, repo: repo.name, headSha: queueSha }),
      desired: atHead.desired,
      installationId,
      now: deps.now(),
      shadow: atHead.shadow,
    });
  }
}
