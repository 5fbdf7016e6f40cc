import { upgradeEpisode, type Episode } from "../core/timeline.js";
import { queryOne, type Db } from "./db.js";
import { checkEpisode, readJson, readOnUse } from "./json.js";
import { unparked } from "./parked.js";

/** A Tier 3 timeline as stored: the core's episode state, plus what the sweep indexes. */
export interface EpisodeRecord {
  repoId: number;
  componentId: string;
  repoKey: string;
  installationId: number;
  /** The core's Episode (stored as JSON, read through `upgradeEpisode`). */
  state: Episode;
  dueAt: Date | null;
  /** Optimistic concurrency: a save succeeds only against the version it read. */
  version: number;
  updatedAt: Date;
}

/** Tier 3 timelines, one per (repository, component). */
export class Episodes {
  constructor(private readonly db: Db) {}

  async get(repoId: number, componentId: string): Promise<EpisodeRecord | undefined> {
    const r = await queryOne<EpisodeRow>(this.db, `SELECT ${EPISODE_COLUMNS} FROM episodes WHERE repo_id = $1 AND component_id = $2`, [repoId, componentId]);
    return r && toEpisode(r);
  }

  /**
   * Saves an episode if nobody changed it since it was read at `record.version - 1`
   * (0: it must not exist yet). Returns false when someone else won: re-read and decide again.
   */
  async save(e: EpisodeRecord): Promise<boolean> {
    const values = [e.repoId, e.componentId, e.repoKey, e.installationId, JSON.stringify(e.state), e.dueAt, e.version, e.updatedAt];
    if (e.version === 1) {
      const { changes } = await this.db.run(`INSERT INTO episodes (${EPISODE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (repo_id, component_id) DO NOTHING`, values);
      return changes === 1;
    }
    // Compare-and-set on the version read: a concurrent twin's save makes this one fail.
    const { changes } = await this.db.run(
      `UPDATE episodes SET repo_key = $3, installation_id = $4, state = $5, due_at = $6, version = $7, updated_at = $8, sweep_failures = 0
       WHERE repo_id = $1 AND component_id = $2 AND version = $7 - 1`,
      values,
    );
    return changes === 1;
  }

  /**
   * After a sweep failed on the episode: its next look moves `delayMs(failures)` past `now`, where
   * `failures` counts the consecutive ones (a save resets it). Its state and version stay.
   */
  async defer(repoId: number, componentId: string, now: Date, delayMs: (failures: number) => number): Promise<number> {
    const row = await queryOne<{ sweep_failures: number }>(
      this.db,
      `UPDATE episodes SET sweep_failures = sweep_failures + 1 WHERE repo_id = $1 AND component_id = $2 RETURNING sweep_failures`,
      [repoId, componentId],
    );
    const failures = Number(row?.sweep_failures ?? 1);
    await this.db.run(`UPDATE episodes SET due_at = $3 WHERE repo_id = $1 AND component_id = $2`, [repoId, componentId, now.getTime() + delayMs(failures)]);
    return failures;
  }

  /** Episodes due at `now`, soonest first, outside parked installations and repositories: the sweep reads nothing else. */
  async due(now: Date, limit: number): Promise<EpisodeRecord[]> {
    const rows = await this.db.query<EpisodeRow>(`SELECT ${EPISODE_COLUMNS} FROM episodes WHERE due_at IS NOT NULL AND due_at <= $1 AND ${unparked("episodes")} ORDER BY due_at LIMIT $2`, [
      now,
      limit,
    ]);
    return rows.map(toEpisode);
  }

  async ofRepo(repoId: number): Promise<EpisodeRecord[]> {
    const rows = await this.db.query<EpisodeRow>(`SELECT ${EPISODE_COLUMNS} FROM episodes WHERE repo_id = $1 ORDER BY component_id`, [repoId]);
    return rows.map(toEpisode);
  }

  /** Episodes saved at or after `since`, newest first. */
  async changedSince(since: Date, limit: number): Promise<EpisodeRecord[]> {
    const rows = await this.db.query<EpisodeRow>(`SELECT ${EPISODE_COLUMNS} FROM episodes WHERE updated_at >= $1 ORDER BY updated_at DESC LIMIT $2`, [since, limit]);
    return rows.map(toEpisode);
  }

  /** For the CLI: episodes of one repository (`owner/name`) or of all, most recently changed first. */
  async list(repoKey: string | undefined, limit: number): Promise<EpisodeRecord[]> {
    const rows = repoKey
      ? await this.db.query<EpisodeRow>(`SELECT ${EPISODE_COLUMNS} FROM episodes WHERE repo_key = $1 ORDER BY updated_at DESC LIMIT $2`, [repoKey, limit])
      : await this.db.query<EpisodeRow>(`SELECT ${EPISODE_COLUMNS} FROM episodes ORDER BY updated_at DESC LIMIT $1`, [limit]);
    return rows.map(toEpisode);
  }
}

const EPISODE_COLUMNS = "repo_id, component_id, repo_key, installation_id, state, due_at, version, updated_at";

interface EpisodeRow {
  repo_id: number;
  component_id: string;
  repo_key: string;
  installation_id: number;
  state: string;
  due_at: number | null;
  version: number;
  updated_at: number;
}

/** The state is parsed on first use: one corrupt timeline fails alone, where it is stepped (see readOnUse). */
function toEpisode(r: EpisodeRow): EpisodeRecord {
  const record: EpisodeRecord = {
    repoId: Number(r.repo_id),
    componentId: r.component_id,
    repoKey: r.repo_key,
    installationId: Number(r.installation_id),
    state: undefined as unknown as Episode, // defined below, in its place
    dueAt: r.due_at === null ? null : new Date(Number(r.due_at)),
    version: r.version,
    updatedAt: new Date(Number(r.updated_at)),
  };
  return readOnUse(record, "state", () => upgradeEpisode(readJson<Episode>("episodes", `(repo ${r.repo_id}, component ${r.component_id})`, "state", r.state, checkEpisode)));
}
