import { randomUUID } from "node:crypto";
import type { Registry, RegistryProblem } from "../core/model.js";
import { REGISTRY_PARSER_VERSION, registryFromLoaded } from "../core/registry.js";
import { queryOne, type Db } from "./db.js";
import { checkProblems, checkRegistry, readJson } from "./json.js";

/** A cached registry lookup at a default-branch version: the registry in force, its problems, or neither. */
export interface CachedRegistry {
  repoId: number;
  /** `owner/name`, for invalidation by owner (an organisation's `.github` repository). */
  repoKey: string;
  /** The registry, parsed by this version of tierkeeper; null when the repository has none or it is invalid. */
  registry: Registry | null;
  /** Why the registry is invalid; empty when it is valid or absent. */
  errors: RegistryProblem[];
  fetchedAt: Date;
}

/** What is cached after a fetch: the outcome, and what the config loader returned (JSON) to parse again later. */
export interface RegistryToCache extends CachedRegistry {
  /** Null when the repository has none, or the registry was refused before parsing (too large). */
  source: string | null;
}

/**
 * The registry cache, shared by replicas. Every entry records the parser version that wrote it
 * (REGISTRY_PARSER_VERSION): an entry of another version is parsed again from its source here,
 * once, and written back, so that no reader ever sees a registry in an older shape. An entry
 * without source (written before the source was kept, or refused for its size) cannot be parsed
 * again: it reads as absent from the cache, and RegistrySource fetches it again from GitHub.
 */
export class RegistryCache {
  // The entry last read per repository: one Registry object per cached version, so that the
  // compiled matchers cached per registry object survive across deliveries, and a registry is
  // parsed and checked once per version, not per delivery.
  private readonly memo = new Map<number, { row: RegistryRow; entry: CachedRegistry }>();

  constructor(private readonly db: Db) {}

  async get(repoId: number): Promise<CachedRegistry | undefined> {
    // Every delivery asks: the entry's id says whether the one parsed already still stands, and
    // the registry's JSON (10 KB for Wasmtime's) is read only when it does not.
    const memo = this.memo.get(repoId);
    if (memo && memo.row.entry_id !== "") {
      const head = await queryOne<Pick<RegistryRow, "entry_id" | "fetched_at" | "parser_version">>(
        this.db,
        `SELECT entry_id, fetched_at, parser_version FROM registry_cache WHERE repo_id = $1`,
        [repoId],
      );
      if (!head) return undefined;
      // fetched_at as well: a replica of an older tierkeeper, during an upgrade, writes entries without changing the id.
      if (head.entry_id === memo.row.entry_id && Number(head.fetched_at) === Number(memo.row.fetched_at) && Number(head.parser_version) === REGISTRY_PARSER_VERSION) {
        return memo.entry;
      }
    }
    const r = await queryOne<RegistryRow>(this.db, `SELECT ${REGISTRY_COLUMNS} FROM registry_cache WHERE repo_id = $1`, [repoId]);
    return r && this.read(r);
  }

  async put(e: RegistryToCache): Promise<void> {
    await this.db.run(
      `INSERT INTO registry_cache (repo_id, repo_key, owner, registry_json, errors_json, fetched_at, source_json, parser_version, entry_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (repo_id) DO UPDATE SET repo_key = excluded.repo_key, owner = excluded.owner,
         registry_json = excluded.registry_json, errors_json = excluded.errors_json, fetched_at = excluded.fetched_at,
         source_json = excluded.source_json, parser_version = excluded.parser_version, entry_id = excluded.entry_id`,
      [
        e.repoId,
        e.repoKey,
        ownerOf(e.repoKey),
        e.registry ? JSON.stringify(e.registry) : null,
        e.errors.length ? JSON.stringify(e.errors) : null,
        e.fetchedAt,
        e.source,
        REGISTRY_PARSER_VERSION,
        randomUUID(),
      ],
    );
  }

  /** Forgets one repository's entry, or all entries of an owner when `repoId` is omitted. */
  async invalidate(by: { repoId: number } | { owner: string }): Promise<void> {
    if ("repoId" in by) await this.db.run(`DELETE FROM registry_cache WHERE repo_id = $1`, [by.repoId]);
    else await this.db.run(`DELETE FROM registry_cache WHERE owner = $1`, [by.owner.toLowerCase()]);
  }

  /** The cached registry of the repository `owner/name`, whatever the case of the letters (GitHub's names ignore it). */
  async byName(owner: string, name: string): Promise<CachedRegistry | undefined> {
    // `owner` is stored lower-cased and indexed: the name is compared among that owner's few rows.
    const row = await queryOne<{ repo_id: number }>(this.db, `SELECT repo_id FROM registry_cache WHERE owner = $1 AND lower(repo_key) = $2`, [
      owner.toLowerCase(),
      `${owner}/${name}`.toLowerCase(),
    ]);
    return row && this.get(Number(row.repo_id));
  }

  /** Repositories whose registry is cached (valid or not), by name, at most `limit`. */
  async repositories(limit: number): Promise<{ repoId: number; repoKey: string }[]> {
    const rows = await this.db.query<{ repo_id: number; repo_key: string }>(
      `SELECT repo_id, repo_key FROM registry_cache WHERE registry_json IS NOT NULL OR errors_json IS NOT NULL ORDER BY repo_key, repo_id LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({ repoId: Number(r.repo_id), repoKey: r.repo_key }));
  }

  private async read(r: RegistryRow): Promise<CachedRegistry | undefined> {
    if (Number(r.parser_version) !== REGISTRY_PARSER_VERSION) return this.parseAgain(r);
    const memo = this.memo.get(Number(r.repo_id));
    // Two fetches can share a millisecond (or a driven clock): the texts must match as well.
    if (
      memo &&
      memo.row.entry_id === r.entry_id &&
      memo.row.fetched_at === r.fetched_at &&
      memo.row.registry_json === r.registry_json &&
      memo.row.errors_json === r.errors_json &&
      memo.row.repo_key === r.repo_key
    ) {
      return memo.entry;
    }
    const row = `(repo ${r.repo_id})`;
    const entry: CachedRegistry = {
      repoId: Number(r.repo_id),
      repoKey: r.repo_key,
      registry: r.registry_json === null ? null : readJson<Registry>("registry_cache", row, "registry_json", r.registry_json, checkRegistry),
      errors: r.errors_json === null ? [] : readJson<RegistryProblem[]>("registry_cache", row, "errors_json", r.errors_json, checkProblems),
      fetchedAt: new Date(Number(r.fetched_at)),
    };
    this.memo.set(entry.repoId, { row: r, entry });
    return entry;
  }

  /** An entry written by another parser version, parsed again from its source and written back (unless a newer fetch replaced it meanwhile). */
  private async parseAgain(r: RegistryRow): Promise<CachedRegistry | undefined> {
    // The source is read only here: every other read would carry it for nothing.
    const { source_json: source } = (await queryOne<{ source_json: string | null }>(this.db, `SELECT source_json FROM registry_cache WHERE repo_id = $1`, [r.repo_id])) ?? {
      source_json: null,
    };
    const absent = source === null && r.registry_json === null && r.errors_json === null;
    if (source === null && !absent) return undefined; // nothing to parse again: fetched again instead
    const parsed = source === null ? undefined : registryFromLoaded(source);
    const entry: RegistryToCache = {
      repoId: Number(r.repo_id),
      repoKey: r.repo_key,
      registry: parsed?.ok ? parsed.registry : null,
      errors: parsed && !parsed.ok ? parsed.errors : [],
      fetchedAt: new Date(Number(r.fetched_at)),
      source,
    };
    await this.db.run(`UPDATE registry_cache SET registry_json = $2, errors_json = $3, parser_version = $4, entry_id = $7 WHERE repo_id = $1 AND fetched_at = $5 AND parser_version = $6`, [
      entry.repoId,
      entry.registry ? JSON.stringify(entry.registry) : null,
      entry.errors.length ? JSON.stringify(entry.errors) : null,
      REGISTRY_PARSER_VERSION,
      r.fetched_at,
      r.parser_version,
      randomUUID(),
    ]);
    const { source: _source, ...cached } = entry;
    return cached;
  }
}

const REGISTRY_COLUMNS = "repo_id, repo_key, registry_json, errors_json, fetched_at, parser_version, entry_id";

interface RegistryRow {
  repo_id: number;
  repo_key: string;
  registry_json: string | null;
  errors_json: string | null;
  fetched_at: number;
  parser_version: number;
  /** A fresh random id at every write of the entry ('' before migration 11). */
  entry_id: string;
}

function ownerOf(repoKey: string): string {
  return repoKey.split("/")[0].toLowerCase();
}
