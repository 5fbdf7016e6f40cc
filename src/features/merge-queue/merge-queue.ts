import type { MergeGroupFact, QueueBranch } from "../../core/facts.js";
import type { PullRecord, Registry, RepoRef } from "../../core/model.js";
import { rfcCheckKey } from "../change-rules/change-rules.js";
import type { ActionRecord } from "../../store/store.js";
import type { Deps } from "../deps.js";
import type { EventContext } from "../feature.js";
import { adoptPull } from "../pulls/pulls.js";
import { registryCheckKey } from "../registry-check/registry-check.js";
import { checkRunIntent, parseAction, recordIntents } from "../../intents/index.js";

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

/** One of tierkeeper's check runs at a queued PR's head, to be repeated on the queue commit. */
export interface OwnCheckCopy {
  keyAt: (repoId: number, headSha: string) => string;
  atHead: ActionRecord;
}

/** `merge_group.checks_requested`: remember the entry, and read tierkeeper's check runs at each queued PR's head. */
export async function loadQueuedChecks(ctx: EventContext<MergeGroupFact>): Promise<OwnCheckCopy[] | undefined> {
  const { deps, fact } = ctx;
  const { repo, installationId } = fact;
  const registry = (await ctx.rules())?.registry;
  if (!registry) return undefined;
  const target = { repo, installationId, registry };
  const copies: OwnCheckCopy[] = [];
  for (const pull of await queuedPulls(deps, target, fact.headSha, { ...fact.queue, baseSha: fact.baseSha })) {
    for (const keyAt of [rfcCheckKey, registryCheckKey]) {
      const atHead = await deps.store.actions.get(keyAt(repo.id, pull.headSha));
      if (atHead) copies.push({ keyAt, atHead });
    }
  }
  return copies;
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
export async function copyOwnChecks(ctx: EventContext<MergeGroupFact>, copies: OwnCheckCopy[]): Promise<void> {
  const { deps } = ctx;
  const { repo, installationId, headSha: queueSha } = ctx.fact;
  // The mode of the registry in force now, as every other intent (not the head's recorded one).
  const policy = (await ctx.rules())!.registry.policy;
  for (const { keyAt, atHead } of copies) {
    const copied = parseAction(atHead);
    if (copied.kind !== "check-run") continue;
    await recordIntents(
      deps.store,
      policy,
      [checkRunIntent({ key: keyAt(repo.id, queueSha), target: { owner: repo.owner, repo: repo.name, headSha: queueSha }, desired: copied.desired, installationId })],
      deps.now(),
    );
  }
}
