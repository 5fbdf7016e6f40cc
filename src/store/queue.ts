import { queryOne, type Db } from "./db.js";

/** A pull request tested in the merge queue. */
export interface QueueEntry {
  repoId: number;
  /** The queue's commit (the PR merged onto `baseSha`, with the PRs ahead of it). */
  headSha: string;
  pull: number;
  /** The branch the queue merges into (the default branch, or a release branch). */
  base: string;
  /** The commit of `base` the queue built on. */
  baseSha: string;
  /** The PR's head when it was queued: once the PR moves on, the entry says nothing about it. */
  pullHeadSha: string;
  seenAt: Date;
}

/** Pull requests tested in the merge queue. */
export class MergeQueue {
  constructor(private readonly db: Db) {}

  /** Remembers that a PR was tested at a queue commit; the first sighting of (commit, PR) stays. */
  async record(e: QueueEntry): Promise<void> {
    await this.db.run(
      `INSERT INTO queue_entries (repo_id, head_sha, pull, base_ref, base_sha, pull_head_sha, seen_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (repo_id, head_sha, pull) DO NOTHING`,
      [e.repoId, e.headSha, e.pull, e.base, e.baseSha, e.pullHeadSha, e.seenAt],
    );
  }

  /** The PR's most recently seen queue entry. */
  async latest(repoId: number, pull: number): Promise<QueueEntry | undefined> {
    const row = await queryOne<QueueRow>(this.db, `SELECT ${QUEUE_COLUMNS} FROM queue_entries WHERE repo_id = $1 AND pull = $2 ORDER BY seen_at DESC, head_sha DESC LIMIT 1`, [repoId, pull]);
    return row && toQueueEntry(row);
  }

  /** The PRs known to be tested at a queue commit. */
  async entriesAt(repoId: number, headSha: string): Promise<QueueEntry[]> {
    const rows = await this.db.query<QueueRow>(`SELECT ${QUEUE_COLUMNS} FROM queue_entries WHERE repo_id = $1 AND head_sha = $2 ORDER BY pull`, [repoId, headSha]);
    return rows.map(toQueueEntry);
  }

  /** Whether a commit is the base of a queue entry into `branch`, and no queue commit itself (so a commit of that branch). */
  async isBase(repoId: number, sha: string, branch: string): Promise<boolean> {
    // A queue builds on the previous entry's queue commit when PRs are ahead of it: that is no commit of the branch (yet).
    const sql = `SELECT 1 AS one FROM queue_entries WHERE repo_id = $1 AND base_sha = $2 AND base_ref = $3
      AND NOT EXISTS (SELECT 1 FROM queue_entries ahead WHERE ahead.repo_id = $1 AND ahead.head_sha = $2) LIMIT 1`;
    return (await queryOne(this.db, sql, [repoId, sha, branch])) !== undefined;
  }
}

const QUEUE_COLUMNS = "repo_id, head_sha, pull, base_ref, base_sha, pull_head_sha, seen_at";

interface QueueRow {
  repo_id: number | string;
  head_sha: string;
  pull: number;
  base_ref: string;
  base_sha: string;
  pull_head_sha: string;
  seen_at: number | string;
}

function toQueueEntry(r: QueueRow): QueueEntry {
  return { repoId: Number(r.repo_id), headSha: r.head_sha, pull: Number(r.pull), base: r.base_ref, baseSha: r.base_sha, pullHeadSha: r.pull_head_sha, seenAt: new Date(Number(r.seen_at)) };
}
