import type { InstalledFact } from "../../core/facts.js";
import type { RepoRef } from "../../core/model.js";
import { ONBOARDING_TITLE, onboardingBody, starterRegistry, type OnboardingInput } from "../../core/onboarding.js";
import { REGISTRY_PATH } from "../../core/registry.js";
import type { Deps } from "../deps.js";
import type { EventContext } from "../feature.js";
import type { Octokit } from "../../github/octokit.js";
import { filePrIntent, hiddenMarker, NO_REGISTRY, recordIntents } from "../../intents/index.js";

/**
 * Onboarding: when tierkeeper is installed on a repository that has no registry (of its own
 * or inherited from the organisation's `.github` repository), it opens one pull request with a
 * starter `.github/tiers.yml` (core/onboarding.ts). Once per repository: the intent is keyed by
 * the repository, so a reinstall or a redelivery asks nothing again, and a closed pull request
 * stays closed. Archived repositories and forks are skipped; an organisation (or a repository)
 * turns it off with `onboarding: false` in `.github/tierkeeper.yml` of its `.github` repository.
 */

export const onboardingKey = (repoId: number) => `onboarding:${repoId}`;
export const ONBOARDING_CONFIG = ".github/tierkeeper.yml";
/** At most this many repositories are looked at per installation event (each costs a few reads). */
const MAX_REPOS = 200;

/** The repositories to onboard, each with what its starter registry is made of. */
export async function loadOnboarding(ctx: EventContext<InstalledFact>): Promise<{ repo: RepoRef; input: OnboardingInput }[]> {
  const { deps, fact } = ctx;
  const toOnboard: { repo: RepoRef; input: OnboardingInput }[] = [];
  if (fact.repos.length > MAX_REPOS) deps.log.warn({ repositories: fact.repos.length }, `onboarding looks at the first ${MAX_REPOS} repositories only`);
  const github = () => deps.github(fact.installationId);
  for (const listed of fact.repos.slice(0, MAX_REPOS)) {
    if (await deps.store.actions.get(onboardingKey(listed.id))) continue;
    const octokit = await github();
    const { data } = await octokit.rest.repos.get({ owner: listed.owner, repo: listed.name });
    if (data.archived || data.fork) continue;
    const repo: RepoRef = { owner: listed.owner, name: listed.name, id: listed.id, defaultBranch: data.default_branch, private: data.private };
    // A registry that does not parse is still a registry: its owners are at work on it.
    if ((await deps.registries.get(repo, github)) || (await deps.registries.errors(repo.id)).length > 0) continue;
    if (await optedOut(octokit, repo)) {
      deps.log.info({ repository: `${repo.owner}/${repo.name}` }, "onboarding is turned off here");
      continue;
    }
    toOnboard.push({ repo, input: await onboardingInput(deps, octokit, repo) });
  }
  return toOnboard;
}

/** One pull request per repository, keyed by it; its text comes from core/onboarding.ts. */
export async function saveOnboarding(ctx: EventContext<InstalledFact>, toOnboard: { repo: RepoRef; input: OnboardingInput }[]): Promise<void> {
  const { deps, fact } = ctx;
  for (const { repo, input } of toOnboard) {
    const key = onboardingKey(repo.id);
    // No registry yet, so no mode to follow: the onboarding PR is how a repository gets one.
    await recordIntents(
      deps.store,
      NO_REGISTRY,
      [
        filePrIntent({
          key,
          target: { owner: repo.owner, repo: repo.name, marker: hiddenMarker(key), baseBranch: repo.defaultBranch, branch: "tierkeeper/onboarding", path: REGISTRY_PATH },
          desired: {
            title: ONBOARDING_TITLE,
            body: onboardingBody(input),
            edit: { op: "create", content: starterRegistry(input), message: "Add a starter .github/tiers.yml for tierkeeper" },
            state: "open",
          },
          installationId: fact.installationId,
        }),
      ],
      deps.now(),
    );
    deps.log.info({ repository: `${repo.owner}/${repo.name}` }, "onboarding pull request decided");
  }
}

async function optedOut(octokit: Octokit, repo: RepoRef): Promise<boolean> {
  try {
    const { config } = await octokit.config.get({ owner: repo.owner, repo: repo.name, path: ONBOARDING_CONFIG });
    return (config as { onboarding?: unknown }).onboarding === false;
  } catch {
    return false; // an unreadable or invalid file says nothing about onboarding
  }
}

/** The top-level folders, and the check names seen on the default branch (by tierkeeper, and on its head commit). */
async function onboardingInput(deps: Deps, octokit: Octokit, repo: RepoRef): Promise<OnboardingInput> {
  const params = { owner: repo.owner, repo: repo.name };
  const seen = (await deps.store.results.latestOnBranch(repo.id, repo.defaultBranch)).map((r) => r.name);
  try {
    const { data: ref } = await octokit.rest.git.getRef({ ...params, ref: `heads/${repo.defaultBranch}` });
    const [{ data: tree }, { data: checks }] = await Promise.all([
      octokit.rest.git.getTree({ ...params, tree_sha: ref.object.sha }),
      octokit.rest.checks.listForRef({ ...params, ref: ref.object.sha, per_page: 100 }),
    ]);
    return { folders: tree.tree.filter((e) => e.type === "tree" && e.path).map((e) => e.path), checkNames: [...seen, ...checks.check_runs.map((r) => r.name)] };
  } catch (error) {
    // An empty repository has no default branch head yet (404, or 409 "Git Repository is empty").
    if ((error as { status?: number }).status !== 404 && (error as { status?: number }).status !== 409) throw error;
    return { folders: [], checkNames: seen };
  }
}
