import { isFuzzingCheck, pullRequestCiTime } from "../../core/evidence.js";
import type { CiFact } from "../../core/facts.js";
import type { PullRecord } from "../../core/model.js";
import type { EventContext } from "../feature.js";
import { adoptPull } from "../pulls/pulls.js";
import { queuedPulls } from "../merge-queue/merge-queue.js";

/**
 * CI results (check runs, check suites, workflow jobs, commit statuses), the first stage: keep
 * the newest result per commit and name, and find every open PR at that commit, or tested at that
 * merge queue commit (ctx.observed.ci), for the Tier 3 timelines and the breakage comments.
 * Results are also evidence for the tier requirements: passes of components' checks and
 * fuzzing jobs on the default branch, and the CI time of every check on pull requests (the
 * CI cost's denominator). A result that is neither costs nothing but a cached registry lookup.
 */
export async function observeCiResult(ctx: EventContext<CiFact>): Promise<"continue" | "stop"> {
  const { deps, fact: given } = ctx;
  const { repo, installationId } = given;
  const rules = await ctx.rules();
  if (!rules) return "stop";
  const { registry } = rules;
  const mapped = rules.matcher.componentsForCheck(given.result.name).length > 0;
  // Judged by the commit, not by the trigger: a result on the merge queue's base is a default-branch
  // result even when GitHub names no branch (the commit is no longer the branch's tip).
  const fact =
    mapped && given.result.branch === undefined && (await deps.store.queue.isBase(repo.id, given.result.sha, repo.defaultBranch))
      ? { ...given, result: { ...given.result, branch: repo.defaultBranch } }
      : given;
  const { result } = fact;
  const onDefault = result.branch === repo.defaultBranch;
  const ciTime = pullRequestCiTime(result, repo.defaultBranch);
  const evidence = onDefault ? mapped || isFuzzingCheck(registry, result.name) : ciTime !== undefined;
  if (!mapped && !evidence) return "stop";
  if (!(await deps.store.results.record(result))) return "stop"; // older than what we know: nothing changes
  if (evidence && onDefault) await deps.store.evidence.noteDefaultBranchResult({ repo, installationId }, result);
  if (evidence && ciTime) await deps.store.evidence.addPullRequestCiTime({ repo, installationId }, result, ciTime.day, ciTime.ms);
  if (!mapped) return "stop";

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

  ctx.observed.ci = { fact, pulls: [...pulls.values()] };
  return "continue";
}
