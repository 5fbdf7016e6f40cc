import type { Db } from "./db.js";

/** Where work stops: a whole installation (`repoId` 0), or one repository removed from it. */
export interface ParkedScope {
  installationId: number;
  repoId: number;
  /** `owner/name` of a parked repository; "" for a whole installation. */
  repoKey: string;
  reason: string;
  since: Date;
}

/** Installations and repositories where work stops (suspended, deleted, removed). */
export class ParkedScopes {
  constructor(private readonly db: Db) {}

  /** Parks a whole installation (`repoId` 0) or one of its repositories; a second park keeps the first reason. */
  async add(p: ParkedScope): Promise<void> {
    await this.db.run(`INSERT INTO parked (installation_id, repo_id, repo_key, reason, since) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (installation_id, repo_id) DO NOTHING`, [
      p.installationId,
      p.repoId,
      p.repoKey.toLowerCase(),
      p.reason,
      p.since,
    ]);
  }

  /** Resumes an installation (`repoId` omitted: the installation's own entry) or one of its repositories. */
  async remove(installationId: number, repoId = 0): Promise<void> {
    await this.db.run(`DELETE FROM parked WHERE installation_id = $1 AND repo_id = $2`, [installationId, repoId]);
  }

  async list(): Promise<ParkedScope[]> {
    const rows = await this.db.query<{ installation_id: number; repo_id: number; repo_key: string; reason: string; since: number }>(
      `SELECT installation_id, repo_id, repo_key, reason, since FROM parked ORDER BY installation_id, repo_id`,
    );
    return rows.map((r) => ({ installationId: Number(r.installation_id), repoId: Number(r.repo_id), repoKey: r.repo_key, reason: r.reason, since: new Date(Number(r.since)) }));
  }
}

/** The rows of `table` (with installation_id and repo_id) outside parked installations and repositories. */
export function unparked(table: string): string {
  return `NOT EXISTS (SELECT 1 FROM parked p WHERE p.installation_id = ${table}.installation_id AND p.repo_id IN (0, ${table}.repo_id))`;
}
