import type { CiResult } from "../core/model.js";
import type { Db } from "./db.js";

/** CI results: the newest by completion time wins, whatever the arrival order. */
export class Results {
  constructor(private readonly db: Db) {}

  /** Returns true when the result is newer than what was known for (repo, sha, name). */
  async record(r: CiResult): Promise<boolean> {
    // `<=`: on equal completion times the later arrival wins.
    return this.db.transaction(async (tx) => {
      const { changes } = await tx.run(
        `INSERT INTO ci_results (repo_id, sha, result_key, name, source, outcome, completed_at, branch, url)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (repo_id, sha, result_key) DO UPDATE SET source = excluded.source, outcome = excluded.outcome,
           completed_at = excluded.completed_at, branch = excluded.branch, url = excluded.url
         WHERE ci_results.completed_at <= excluded.completed_at`,
        [r.repoId, r.sha, r.key ?? r.name, r.name, r.source, r.outcome, r.completedAt, r.branch, r.url],
      );
      if (r.branch !== undefined) {
        // Results keyed apart from their name (the check suites of one commit) count on the branch
        // together: the commit's outcome for that name is its worst.
        const latest = r.key === undefined || changes !== 1 ? r : await worstOfName(tx, r);
        await tx.run(
          `INSERT INTO branch_results (repo_id, branch, name, sha, source, outcome, completed_at, url)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (repo_id, branch, name) DO UPDATE SET sha = excluded.sha, source = excluded.source,
             outcome = excluded.outcome, completed_at = excluded.completed_at, url = excluded.url
           WHERE branch_results.completed_at <= excluded.completed_at`,
          [r.repoId, r.branch, r.name, r.sha, r.source, latest.outcome, latest.completedAt, latest.url],
        );
      }
      return changes === 1;
    });
  }

  async forSha(repoId: number, sha: string): Promise<CiResult[]> {
    const rows = await this.db.query<ResultRow>(
      `SELECT repo_id, sha, result_key, name, source, outcome, completed_at, branch, url FROM ci_results
       WHERE repo_id = $1 AND sha = $2 ORDER BY name, result_key`,
      [repoId, sha],
    );
    return rows.map(toResult);
  }

  /** The latest result of every name on a branch. */
  async latestOnBranch(repoId: number, branch: string): Promise<CiResult[]> {
    const rows = await this.db.query<ResultRow>(
      `SELECT repo_id, sha, name, source, outcome, completed_at, branch, url FROM branch_results
       WHERE repo_id = $1 AND branch = $2 ORDER BY name`,
      [repoId, branch],
    );
    return rows.map(toResult);
  }
}

interface ResultRow {
  repo_id: number;
  sha: string;
  /** Absent in branch_results, whose rows are per name. */
  result_key?: string;
  name: string;
  source: CiResult["source"];
  outcome: CiResult["outcome"];
  completed_at: number;
  branch: string | null;
  url: string | null;
}

function toResult(r: ResultRow): CiResult {
  const result: CiResult = {
    repoId: r.repo_id,
    sha: r.sha,
    name: r.name,
    source: r.source,
    outcome: r.outcome,
    completedAt: new Date(Number(r.completed_at)),
  };
  if (r.result_key !== undefined && r.result_key !== r.name) result.key = r.result_key;
  if (r.branch !== null) result.branch = r.branch;
  if (r.url !== null) result.url = r.url;
  return result;
}

/** The worst outcome at a commit among the results of `r`'s name (fail, then pass, then neutral), and when the last of them completed. */
async function worstOfName(tx: Db, r: CiResult): Promise<Pick<CiResult, "outcome" | "completedAt" | "url">> {
  const rows = await tx.query<ResultRow>(`SELECT repo_id, sha, result_key, name, source, outcome, completed_at, branch, url FROM ci_results WHERE repo_id = $1 AND sha = $2 AND name = $3`, [
    r.repoId,
    r.sha,
    r.name,
  ]);
  const results = rows.map(toResult);
  const worst = results.find((x) => x.outcome === "fail") ?? results.find((x) => x.outcome === "pass") ?? r;
  const completedAt = new Date(Math.max(...results.map((x) => x.completedAt.getTime())));
  return { outcome: worst.outcome, completedAt, url: worst.url };
}
