import type { PullRecord } from "../core/model.js";
import { queryOne, type Db } from "./db.js";
import { checkLines, checkTouched, readJson } from "./json.js";

/** Pull requests as the events describe them; an older event arriving late does not undo a newer one. */
export class Pulls {
  constructor(private readonly db: Db) {}

  async upsert(p: PullRecord): Promise<void> {
    // An older event arriving late does not undo a newer one.
    await this.db.run(
      `INSERT INTO pulls (repo_id, number, head_sha, base_ref, author, state, touched, updated_at, lines)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (repo_id, number) DO UPDATE SET head_sha = excluded.head_sha, base_ref = excluded.base_ref,
         author = excluded.author, state = excluded.state, touched = excluded.touched, updated_at = excluded.updated_at,
         lines = excluded.lines
       WHERE pulls.updated_at <= excluded.updated_at`,
      [p.repoId, p.number, p.headSha, p.baseRef, p.author, p.state, JSON.stringify(p.touched), p.updatedAt, p.lines ? JSON.stringify(p.lines) : null],
    );
  }

  async get(repoId: number, number: number): Promise<PullRecord | undefined> {
    const r = await queryOne<PullRow>(this.db, `SELECT ${PULL_COLUMNS} FROM pulls WHERE repo_id = $1 AND number = $2`, [repoId, number]);
    return r && toPull(r);
  }

  async openByHead(repoId: number, sha: string): Promise<PullRecord[]> {
    const rows = await this.db.query<PullRow>(`SELECT ${PULL_COLUMNS} FROM pulls WHERE repo_id = $1 AND head_sha = $2 AND state = 'open' ORDER BY number`, [repoId, sha]);
    return rows.map(toPull);
  }
}

const PULL_COLUMNS = "repo_id, number, head_sha, base_ref, author, state, touched, updated_at, lines";

interface PullRow {
  repo_id: number;
  number: number;
  head_sha: string;
  base_ref: string;
  author: string;
  state: "open" | "closed";
  touched: string;
  updated_at: number;
  lines: string | null;
}

function toPull(r: PullRow): PullRecord {
  const row = `(repo ${r.repo_id}, #${r.number})`;
  return {
    ...(r.lines !== null && { lines: readJson<Record<string, number>>("pulls", row, "lines", r.lines, checkLines) }),
    repoId: r.repo_id,
    number: r.number,
    headSha: r.head_sha,
    baseRef: r.base_ref,
    author: r.author,
    state: r.state,
    touched: readJson<PullRecord["touched"]>("pulls", row, "touched", r.touched, checkTouched),
    updatedAt: new Date(r.updated_at),
  };
}
