import type { Logger } from "pino";
import { matcherFor } from "../core/match.js";
import type { RepoRef } from "../core/model.js";
import type { Store } from "../store/store.js";
import type { OwnerCheck } from "../github/owners.js";
import type { RegistrySource } from "../github/registry-source.js";
import type { Octokit } from "../github/octokit.js";
import type { Rules } from "./feature.js";

/** What every feature works with: injected, so tests swap the clock and GitHub's address. */
export interface Deps {
  store: Store;
  log: Logger;
  now: () => Date;
  /** An Octokit authenticated as the installation; creating one makes no request. */
  github(installationId: number): Promise<Octokit>;
  registries: RegistrySource;
  owners: OwnerCheck;
}

/** The registry in force for a repository and its matcher; undefined when there is none (or it is invalid). */
export async function rulesFor(deps: Deps, repo: RepoRef, installationId: number): Promise<Rules | undefined> {
  const registry = await deps.registries.get(repo, () => deps.github(installationId));
  return registry && { registry, matcher: matcherFor(registry) };
}
