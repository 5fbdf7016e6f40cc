import { isFuzzingCheck, pullRequestCiTime } from "../core/evidence.js";
import type { CiFact } from "../core/facts.js";
import { matcherFor } from "../core/match.js";
import type { PullRecord } from "../core/model.js";
import { breakagePrefix, refreshBreakageComment } from "./breakage.js";
import type { Deps } from "./deps.js";
import { isolated } from "./isolated.js";
import { adoptPull } from "./pull-request.js";
import { queuedPulls } from "./merge-queue.js";
import { onTier3Result } from "./tier3-timeline.js";

/**
 * CI results (check runs, check suites, workflow jobs, commit statuses): keep the newest
 * result per commit and name, then refresh the comment of every open PR at that commit, or
 * tested at that merge queue commit.
 * Results are also evidence for the tier requirements: passes of components' checks and
 * fuzzing jobs on the default branch, and the CI time of every check on pull requests (the
 * CI cost's denominator). A result that is neither costs nothing but a cached registry lookup.
 */
export async function onCiResult(deps: Deps, given: CiFact): Promise<void> {
  const { repo, installationId } = given;
  const registry = await deps.registries.get(repo, () => deps.github(installationId));
  if (!registry) return;
  const mapped = matcherFor(registry).componentsForCheck(given.result.name).length > 0;
  // Judged by the commit, not by the trigger: a result on the merge queue's base is a default-branch
  // result even when GitHub names no branch (the commit is no longer the branch's tip).
  const fact = mapped && given.result.branch === undefined && (await deps.store.queue.isBase(repo.id, given.result.sha, repo.defaultBranch))
    ? { ...given, result: { ...given.result, branch: repo.defaultBranch } }
    : given;
  const { result } = fact;
  const onDefault = result.branch === repo.defaultBranch;
  const ciTime = pullRequestCiTime(result, repo.defaultBranch);
  const evidence = onDefault ? mapped || isFuzzingCheck(registry, result.name) : ciTime !== undefined;
  if (!mapped && !evidence) return;
  if (!(await deps.store.results.record(result))) return; // older than what we know: nothing changes
  if (evidence && onDefault) await deps.store.evidence.noteDefaultBranchResult({ repo, installationId }, result);
  if (evidence && ciTime) await deps.store.evidence.addPullRequestCiTime({ repo, installationId }, result, ciTime.day, ciTime.ms);
  if (!mapped) return;

  const pulls = new Map<number, PullRecord>();
  for (const pull of await deps.store.pulls.openByHead(repo.id, result.sha)) pulls.set(pull.number, pull);
  for (const named of fact.pulls) {
    if (pulls.has(named.number) || named.headSha !== result.sha) continue;
    const known = await deps.store.pulls.get(repo.id, named.number);
    const pull = known ?? (await adoptPull(deps, repo, installationId, registry, named.number));
    if (pull && pull.state === "open" && pull.headSha === result.sha) pulls.set(pull.number, pull);
  }
  // A merge queue commit names no PR: its branch (or its merge_group event) says whose it is.
  if (fact.queue) {
    for (const pull of await queuedPulls(deps, { repo, installationId, registry }, result.sha, fact.queue)) pulls.set(pull.number, pull);
  }

  await isolated(deps.log, {
    // Tier 3: a failure that blocks other work starts or feeds the component's timeline.
    "tier3-timeline": () => onTier3Result(deps, fact, registry, [...pulls.values()]),
    breakage: async () => {
      // A new result on the default branch can turn "broken by this PR" into "already broken":
      // re-read the PRs that already carry a comment.
      const affected = new Map(pulls);
      if (result.branch === repo.defaultBranch) {
        for (const key of await deps.store.actions.keysWithPrefix(breakagePrefix(repo.id))) {
          const number = Number(key.slice(key.lastIndexOf("#") + 1));
          if (affected.has(number)) continue;
          const pull = await deps.store.pulls.get(repo.id, number);
          if (pull?.state === "open") affected.set(number, pull);
        }
      }
      for (const pull of affected.values()) await refreshBreakageComment(deps, repo, installationId, registry, pull);
    },
  });
}
