import type { CiResult, RepoRef, Tier } from "../core/model.js";
import type { DefaultBranchCheck } from "../core/evidence.js";
import type { OwnerStatus } from "../core/registry-findings.js";
import type { Standing } from "../core/suggestions.js";
import type { Db } from "./db.js";
import { checkRepoRef, readJson } from "./json.js";
import { unparked } from "./parked.js";

/** A repository whose evidence is kept, and the installation to act through. */
export interface EvidenceRepo {
  repo: RepoRef;
  installationId: number;
}

/**
 * Evidence for the tier requirements: checks seen on the default branch, pull-request CI time,
 * the repositories to judge, their tier standings and the owners looked up on GitHub.
 */
export class Evidence {
  constructor(private readonly db: Db) {}

  /** A recorded result on the default branch: its name's first and last time seen there, and last pass. */
  async noteDefaultBranchResult(where: EvidenceRepo, r: CiResult): Promise<void> {
    await this.db.transaction(async (tx) => {
      await keepEvidenceRepo(tx, where);
      // Completion times, so that a result arriving late cannot move "last passed" backwards.
      await tx.run(
        `INSERT INTO default_branch_checks (repo_id, name, first_seen_at, last_seen_at, last_passed_at) VALUES ($1, $2, $3, $3, $4)
         ON CONFLICT (repo_id, name) DO UPDATE SET
           first_seen_at = CASE WHEN excluded.first_seen_at < default_branch_checks.first_seen_at THEN excluded.first_seen_at ELSE default_branch_checks.first_seen_at END,
           last_seen_at = CASE WHEN excluded.last_seen_at > default_branch_checks.last_seen_at THEN excluded.last_seen_at ELSE default_branch_checks.last_seen_at END,
           last_passed_at = CASE WHEN excluded.last_passed_at > COALESCE(default_branch_checks.last_passed_at, 0)
             THEN excluded.last_passed_at ELSE default_branch_checks.last_passed_at END`,
        [r.repoId, r.name, r.completedAt, r.outcome === "pass" ? r.completedAt : null],
      );
    });
  }

  /**
   * Adds a recorded result's pull-request CI time (`ms`) to its name's bucket of `day`, once per
   * (commit, name, completion time): a redelivery, or the check run and the workflow job of one
   * Actions job, count once. Returns whether it counted.
   */
  async addPullRequestCiTime(where: EvidenceRepo, r: CiResult, day: Date, ms: number): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      // Compare-and-set on the recorded result: only a completion newer than the one already counted adds time.
      const { changes } = await tx.run(
        `UPDATE ci_results SET timed_at = $4
         WHERE repo_id = $1 AND sha = $2 AND result_key = $3 AND completed_at = $4 AND (timed_at IS NULL OR timed_at < $4)`,
        [r.repoId, r.sha, r.key ?? r.name, r.completedAt],
      );
      if (changes !== 1) return false;
      await keepEvidenceRepo(tx, where);
      await tx.run(
        `INSERT INTO pr_ci_time (repo_id, day, name, ms) VALUES ($1, $2, $3, $4)
         ON CONFLICT (repo_id, day, name) DO UPDATE SET ms = pr_ci_time.ms + excluded.ms`,
        [r.repoId, day, r.name, Math.round(ms)],
      );
      return true;
    });
  }

  async defaultBranchChecks(repoId: number): Promise<DefaultBranchCheck[]> {
    const rows = await this.db.query<{ name: string; first_seen_at: number; last_seen_at: number; last_passed_at: number | null }>(
      `SELECT name, first_seen_at, last_seen_at, last_passed_at FROM default_branch_checks WHERE repo_id = $1 ORDER BY name`,
      [repoId],
    );
    return rows.map((r) => ({
      name: r.name,
      firstSeenAt: new Date(Number(r.first_seen_at)),
      lastSeenAt: new Date(Number(r.last_seen_at)),
      lastPassedAt: r.last_passed_at === null ? null : new Date(Number(r.last_passed_at)),
    }));
  }

  /** Pull-request CI time in milliseconds per check name, over the day buckets from `since`. */
  async pullRequestCiTime(repoId: number, since: Date): Promise<Map<string, number>> {
    const rows = await this.db.query<{ name: string; ms: number | string }>(`SELECT name, SUM(ms) AS ms FROM pr_ci_time WHERE repo_id = $1 AND day >= $2 GROUP BY name ORDER BY name`, [
      repoId,
      since,
    ]);
    return new Map(rows.map((r) => [r.name, Number(r.ms)]));
  }

  /** Drops the day buckets before `before`: the window only moves forward. */
  async forgetCiTimeBefore(before: Date): Promise<void> {
    await this.db.run(`DELETE FROM pr_ci_time WHERE day < $1`, [before]);
  }

  /** Takes up to `limit` repositories with evidence not judged since `since`, marking them judged at `now`. */
  async claimRepositoriesToJudge(since: Date, now: Date, limit: number): Promise<EvidenceRepo[]> {
    // The outer condition is checked again under the row lock: two claimers never both get a repository.
    const rows = await this.db.query<{ repo_id: number; repo: string; installation_id: number }>(
      `UPDATE evidence_repos SET judged_at = $2
       WHERE (judged_at IS NULL OR judged_at < $1)
         AND repo_id IN (SELECT repo_id FROM evidence_repos WHERE (judged_at IS NULL OR judged_at < $1) AND ${unparked("evidence_repos")} ORDER BY repo_id LIMIT $3)
       RETURNING repo_id, repo, installation_id`,
      [since, now, limit],
    );
    return rows
      .map((r) => ({ repo: readJson<RepoRef>("evidence_repos", `(repo ${r.repo_id})`, "repo", r.repo, checkRepoRef), installationId: Number(r.installation_id) }))
      .sort((a, b) => a.repo.id - b.repo.id);
  }

  async standingsOfRepo(repoId: number): Promise<Standing[]> {
    const rows = await this.db.query<{ component_id: string; tier: number; meets_above_since: number | null; misses_own_since: number | null }>(
      `SELECT component_id, tier, meets_above_since, misses_own_since FROM tier_standings WHERE repo_id = $1 ORDER BY component_id`,
      [repoId],
    );
    const at = (ms: number | null) => (ms === null ? null : new Date(Number(ms)));
    return rows.map((r) => ({ componentId: r.component_id, tier: Number(r.tier) as Tier, meetsAboveSince: at(r.meets_above_since), missesOwnSince: at(r.misses_own_since) }));
  }

  /** Replaces the repository's standings. */
  async saveStandings(repoId: number, standings: readonly Standing[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.run(`DELETE FROM tier_standings WHERE repo_id = $1`, [repoId]);
      for (const s of standings) {
        await tx.run(`INSERT INTO tier_standings (repo_id, component_id, tier, meets_above_since, misses_own_since) VALUES ($1, $2, $3, $4, $5)`, [
          repoId,
          s.componentId,
          s.tier,
          s.meetsAboveSince,
          s.missesOwnSince,
        ]);
      }
    });
  }

  /** Replaces what GitHub said of the repository's owners (by `ownerKey`). */
  async saveOwnerLookups(repoId: number, statuses: ReadonlyMap<string, OwnerStatus>, at: Date): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.run(`DELETE FROM owner_lookups WHERE repo_id = $1`, [repoId]);
      for (const [owner, status] of statuses) {
        await tx.run(`INSERT INTO owner_lookups (repo_id, owner_key, status, checked_at) VALUES ($1, $2, $3, $4)`, [repoId, owner, status, at]);
      }
    });
  }

  async ownerLookups(repoId: number): Promise<Map<string, OwnerStatus>> {
    const rows = await this.db.query<{ owner_key: string; status: OwnerStatus }>(`SELECT owner_key, status FROM owner_lookups WHERE repo_id = $1`, [repoId]);
    return new Map(rows.map((r) => [r.owner_key, r.status]));
  }
}

/** Where a repository with evidence lives; written only when that changes. */
async function keepEvidenceRepo(tx: Db, { repo, installationId }: EvidenceRepo): Promise<void> {
  await tx.run(
    `INSERT INTO evidence_repos (repo_id, repo, installation_id) VALUES ($1, $2, $3)
     ON CONFLICT (repo_id) DO UPDATE SET repo = excluded.repo, installation_id = excluded.installation_id
     WHERE evidence_repos.repo <> excluded.repo OR evidence_repos.installation_id <> excluded.installation_id`,
    [repo.id, JSON.stringify(repo), installationId],
  );
}
