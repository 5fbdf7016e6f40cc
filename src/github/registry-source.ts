import type { Logger } from "pino";
import { globError } from "../core/glob.js";
import { DEFAULT_POLICY, REGISTRY_PATH, formatProblem, parseRegistry, sizeProblem, validateRegistry } from "../core/registry.js";
import type { Registry, RegistryProblem, RepoRef } from "../core/model.js";
import type { Store } from "../store/store.js";
import type { Octokit } from "../handlers/deps.js";

/**
 * Where the rules come from: `.github/tiers.yml` on the default branch, read with Probot's
 * config loader (so an organisation's `.github` repository and `_extends` work), cached in
 * the store until a push to the default branch changes it. A registry that does not parse
 * is never half-applied: tierkeeper acts on nothing in that repository until it is fixed,
 * and logs the errors once per version (once per fetch: fetches happen once per change).
 */
export class RegistrySource {
  // Parsed registries by repository and fetch time: keeps one object per version, so the
  // compiled matchers cached per registry object survive across deliveries.
  private readonly parsed = new Map<number, { fetchedAt: number; json: string | null; registry: Registry | undefined }>();

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    private readonly now: () => Date,
  ) {}

  /** The registry in force, or undefined when the repository has none or it is invalid. */
  async get(repo: RepoRef, github: () => Promise<Octokit>): Promise<Registry | undefined> {
    const cached = await this.store.registries.get(repo.id);
    if (cached) {
      const memo = this.parsed.get(repo.id);
      // Two fetches can share a millisecond (or a driven clock): the text must match as well.
      if (memo && memo.fetchedAt === cached.fetchedAt.getTime() && memo.json === cached.registryJson) return memo.registry;
      // Parsed once per cached version, not per delivery: the memo above serves the rest.
      const registry = cached.registryJson ? (JSON.parse(cached.registryJson) as Registry) : undefined;
      if (!registry || !parsedByOlderVersion(registry)) {
        this.parsed.set(repo.id, { fetchedAt: cached.fetchedAt.getTime(), json: cached.registryJson, registry });
        return registry;
      }
    }
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
      registryJson: loaded.registry ? JSON.stringify(loaded.registry) : null,
      errorsJson: loaded.errors.length ? JSON.stringify(loaded.errors) : null,
      fetchedAt: this.now(),
    });
    return loaded.registry;
  }

  /** Errors of the cached version, for status output. */
  async errors(repoId: number): Promise<RegistryProblem[]> {
    const cached = await this.store.registries.get(repoId);
    return cached?.errorsJson ? (JSON.parse(cached.errorsJson) as RegistryProblem[]) : [];
  }
}

/**
 * A registry cached by an older tierkeeper lacks policy settings this one relies on, or holds
 * globs this one refuses (compiling them would throw at every delivery): it is read again from
 * GitHub instead (once; the new copy, or its errors, replace it).
 */
function parsedByOlderVersion(registry: Registry): boolean {
  const policy = registry.policy ?? {};
  if (Object.keys(DEFAULT_POLICY).some((key) => !(key in policy))) return true;
  return registry.components.some(
    (c) => c.paths.some((glob) => globError("path", glob) !== undefined) || [...c.checks, ...(c.fuzzing ?? [])].some((glob) => globError("check", glob) !== undefined),
  );
}

interface Loaded {
  registry?: Registry;
  errors: RegistryProblem[];
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
  const tooLarge = sizeProblem(JSON.stringify(config), REGISTRY_PATH);
  if (tooLarge) return { errors: [tooLarge] };
  const result = validateRegistry(config, REGISTRY_PATH);
  if (result.ok) return { registry: result.registry, errors: [] };
  return { errors: await positionedErrors(octokit, repo, undefined, result.errors) };
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
