import type { RepoRef } from "../core/model.js";
import { queryOne, type Db } from "./db.js";
import { checkRepoRef, readJson } from "./json.js";
import { unparked } from "./parked.js";

/** A Tier 1 or Tier 2 component seen disabled in CI on the default branch. */
export interface DisablementRecord {
  repoId: number;
  componentId: string;
  repo: RepoRef;
  installationId: number;
  tier: number;
  since: Date;
  /** When its alarm is due; null once decided. */
  dueAt: Date | null;
}

/** Tier 1 and Tier 2 components seen disabled in CI on the default branch. */
export class Disablements {
  constructor(private readonly db: Db) {}

  /** Records a component seen disabled; returns false when it already was (its `since` stays). */
  async mark(d: DisablementRecord): Promise<boolean> {
    const { changes } = await this.db.run(`INSERT INTO disablements (${DISABLEMENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (repo_id, component_id) DO NOTHING`, [
      d.repoId,
      d.componentId,
      JSON.stringify(d.repo),
      d.installationId,
      d.tier,
      d.since,
      d.dueAt,
    ]);
    return changes === 1;
  }

  /** Forgets a component that is enabled again; returns what was recorded. */
  async clear(repoId: number, componentId: string): Promise<DisablementRecord | undefined> {
    const r = await queryOne<DisablementRow>(this.db, `SELECT ${DISABLEMENT_COLUMNS} FROM disablements WHERE repo_id = $1 AND component_id = $2`, [repoId, componentId]);
    if (!r) return undefined;
    await this.db.run(`DELETE FROM disablements WHERE repo_id = $1 AND component_id = $2`, [repoId, componentId]);
    return toDisablement(r);
  }

  async ofRepo(repoId: number): Promise<DisablementRecord[]> {
    const rows = await this.db.query<DisablementRow>(`SELECT ${DISABLEMENT_COLUMNS} FROM disablements WHERE repo_id = $1 ORDER BY component_id`, [repoId]);
    return rows.map(toDisablement);
  }

  async due(now: Date, limit: number): Promise<DisablementRecord[]> {
    const rows = await this.db.query<DisablementRow>(
      `SELECT ${DISABLEMENT_COLUMNS} FROM disablements WHERE due_at IS NOT NULL AND due_at <= $1 AND ${unparked("disablements")} ORDER BY due_at LIMIT $2`,
      [now, limit],
    );
    return rows.map(toDisablement);
  }

  /** The alarm is decided: nothing more is due. */
  async settle(repoId: number, componentId: string): Promise<void> {
    await this.db.run(`UPDATE disablements SET due_at = NULL WHERE repo_id = $1 AND component_id = $2`, [repoId, componentId]);
  }
}

const DISABLEMENT_COLUMNS = "repo_id, component_id, repo, installation_id, tier, since, due_at";

interface DisablementRow {
  repo_id: number;
  component_id: string;
  repo: string;
  installation_id: number;
  tier: number;
  since: number;
  due_at: number | null;
}

function toDisablement(r: DisablementRow): DisablementRecord {
  return {
    repoId: Number(r.repo_id),
    componentId: r.component_id,
    repo: readJson<RepoRef>("disablements", `(repo ${r.repo_id}, component ${r.component_id})`, "repo", r.repo, checkRepoRef),
    installationId: Number(r.installation_id),
    tier: Number(r.tier),
    since: new Date(Number(r.since)),
    dueAt: r.due_at === null ? null : new Date(Number(r.due_at)),
  };
}
