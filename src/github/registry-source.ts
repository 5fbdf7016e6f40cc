import type { Logger } from "pino";
import { REGISTRY_PATH, formatProblem, parseRegistry, registryFromLoaded, sizeProblem } from "../core/registry.js";
import type { Registry, RegistryProblem, RepoRef } from "../core/model.js";
import type { Store } from "../store/store.js";
import type { Octokit } from "./octokit.js";

/**
 * Where the rules come from: `.github/tiers.yml` on the default branch, read with Probot's
 * config loader (so an organisation's `.github` repository and `_extends` work), cached in
 * the store until a push to the default branch changes it. A registry that does not parse
 * is never half-applied: tierkeeper acts on nothing in that repository until it is fixed,
 * and logs the errors once per version (once per fetch: fetches happen once per change).
 */
export class RegistrySource {
  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    private readonly now: () => Date,
  ) {}

  /** The registry in force, or undefined when the repository has none or it is invalid. */
  async get(repo: RepoRef, github: () => Promise<Octokit>): Promise<Registry | undefined> {
    // The cache parses an entry of an older tierkeeper again from its source (see RegistryCache);
    // one it cannot parse again reads as absent, and is fetched again here.
    const cached = await this.store.registries.get(repo.id);
    if (cached) return cached.registry ?? undefined;
    const loaded = await fetchRegistry(await github(), repo);
    if (loaded.errors.length > 0) {
      this.log.error(
        { repository: `${repo.owner}/${repo.name}`, errors: loaded.errors.map(formatProblem) },
        "tiers registry is invalid: tierkeeper takes no action in this repository until it is fixed",
      );
    }
    await this.store.registries.put({
      repoId: repo.id,
      repoKey: `${repo.owner}/${repo.name}`,
      registry: loaded.registry ?? null,
      errors: loaded.errors,
      source: loaded.source ?? null,
      fetchedAt: this.now(),
    });
    return loaded.registry;
  }

  /** Errors of the cached version, for status output. */
  async errors(repoId: number): Promise<RegistryProblem[]> {
    return (await this.store.registries.get(repoId))?.errors ?? [];
  }
}

interface Loaded {
  registry?: Registry;
  errors: RegistryProblem[];
  /** What the config loader returned, as JSON: kept in the cache to be parsed again by a newer tierkeeper. */
  source?: string;
}

/** Reads and validates the registry; on an error, re-reads the file's text to point at line and column. */
export async function fetchRegistry(octokit: Octokit, repo: RepoRef): Promise<Loaded> {
  let config: Record<string, unknown>;
  try {
    const result = await octokit.config.get({ owner: repo.owner, repo: repo.name, path: REGISTRY_PATH });
    if (result.files.every((f) => !f.config)) return { errors: [] };
    config = result.config;
  } catch (error) {
    // The loader throws on YAML it cannot parse; the text tells where.
    if (!/could not be parsed/.test(String((error as Error).message))) throw error;
    return { errors: await positionedErrors(octokit, repo, String((error as Error).message)) };
  }
  // The loader has parsed the file already; its size as JSON is what the limit bounds from here on.
  const source = JSON.stringify(config);
  const result = registryFromLoaded(source, REGISTRY_PATH);
  if (result.ok) return { registry: result.registry, errors: [], source };
  // Refused for its size: not kept. Otherwise the problems are pointed at in the file's text.
  if (sizeProblem(source, REGISTRY_PATH)) return { errors: result.errors };
  return { errors: await positionedErrors(octokit, repo, undefined, result.errors), source };
}

async function positionedErrors(octokit: Octokit, repo: RepoRef, message?: string, fallback: RegistryProblem[] = []): Promise<RegistryProblem[]> {
  const text = await rawFile(octokit, repo);
  if (text !== undefined) {
    const parsed = parseRegistry(text, REGISTRY_PATH);
    if (!parsed.ok) return parsed.errors;
  }
  // The problem is in a file the repository extends or inherits: report it without a position.
  return fallback.length > 0 ? fallback : [{ file: REGISTRY_PATH, line: 1, column: 1, message: message ?? "invalid registry", severity: "error" }];
}

async function rawFile(octokit: Octokit, repo: RepoRef): Promise<string | undefined> {
  try {
    const { data } = await octokit.request("GET /repos/{owner}/{repo}/contents/{path}", {
      owner: repo.owner,
      repo: repo.name,
      path: REGISTRY_PATH,
      mediaType: { format: "raw" },
    });
    return typeof data === "string" ? data : undefined;
  } catch (error) {
    if ((error as { status?: number }).status === 404) return undefined;
    throw error;
  }
}
