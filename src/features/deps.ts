import type { Logger } from "pino";
import type { Store } from "../store/store.js";
import type { OwnerCheck } from "../github/owners.js";
import type { RegistrySource } from "../github/registry-source.js";
import type { Octokit } from "../github/octokit.js";

/** What every handler works with: injected, so tests swap the clock and GitHub's address. */
export interface Deps {
  store: Store;
  log: Logger;
  now: () => Date;
  /** An Octokit authenticated as the installation; creating one makes no request. */
  github(installationId: number): Promise<Octokit>;
  registries: RegistrySource;
  owners: OwnerCheck;
}
