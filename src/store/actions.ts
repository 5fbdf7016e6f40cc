import { queryOne, type Db } from "./db.js";
import { actionRepository } from "./migrations.js";

/**
 * A visible action on GitHub, keyed by what it is about (e.g. `pr-comment:123#45`).
 * `desired` is recorded before anything is sent; `applied` after GitHub accepted it.
 */
export interface ActionRecord {
  key: string;
  kind: string;
  /** Where the action lands, e.g. `{ "repoId": 1, "owner": "o", "repo": "r", "issueNumber": 45 }`. */
  target: string;
  desired: string;
  applied: string | null;
  /** GitHub's id of the object the action created (comment id, issue number, ...). */
  githubId: string | null;
  /** Monotonic counter bumped at every new desired state. */
  version: number;
  appliedVersion: number;
  installationId: number | null;
  /** Recorded in shadow mode: shown by the CLI, never sent to GitHub. */
  shadow: boolean;
  updatedAt: Date;
}

/** Actions: intents first, then the executor applies them. */
export class Actions {
  constructor(private readonly db: Db) {}

  /**
   * Records the desired state of an action. A no-op (returns false) when it equals what is
   * already desired; otherwise bumps `version`.
   */
  /** `shadow` is required, so that no call site can forget the policy's mode (shadow: recorded, never sent). */
  async saveIntent(a: { key: string; kind: string; target: string; desired: string; installationId: number | null; now: Date; shadow: boolean }): Promise<boolean> {
    // The WHERE makes an unchanged intent a no-op: no version bump, zero rows changed.
    const { changes } = await this.db.run(
      `INSERT INTO actions (key, kind, target, desired, version, applied_version, installation_id, updated_at, shadow)
       VALUES ($1, $2, $3, $4, 1, 0, $5, $6, $7)
       ON CONFLICT (key) DO UPDATE SET kind = excluded.kind, target = excluded.target, desired = excluded.desired,
         version = actions.version + 1, installation_id = excluded.installation_id, updated_at = excluded.updated_at,
         shadow = excluded.shadow
       WHERE actions.desired <> excluded.desired OR actions.shadow <> excluded.shadow`,
      [a.key, a.kind, a.target, a.desired, a.installationId, a.now, a.shadow ? 1 : 0],
    );
    return changes === 1;
  }

  async get(key: string): Promise<ActionRecord | undefined> {
    const r = await queryOne<ActionRow>(this.db, `SELECT ${ACTION_COLUMNS} FROM actions WHERE key = $1`, [key]);
    return r && toAction(r);
  }

  /** Keys of the actions whose key starts with `prefix` (e.g. every breakage comment of a repository), in key order. */
  async keysWithPrefix(prefix: string): Promise<string[]> {
    // A range on the byte-ordered primary key (LIKE would need escaping and, on PostgreSQL, another index).
    // Every key with the prefix sorts below prefix + U+10FFFF, the largest code point.
    const rows = await this.db.query<{ key: string }>(`SELECT key FROM actions WHERE key >= $1 AND key < $2 ORDER BY key`, [prefix, prefix + "\u{10FFFF}"]);
    return rows.map((r) => r.key);
  }

  /** Actions whose desired version is ahead of the applied one, and that nobody holds or deferred. */
  async pending(limit: number, now = new Date()): Promise<ActionRecord[]> {
    // Leased (being applied elsewhere), deferred after a failure, or parked: not for this pass.
    // Round-robin by installation, as deliveries are claimed (see Deliveries.claim: the installations
    // with pending actions by a loose index scan, each one's oldest, then by turn), so that one
    // installation's flood of actions cannot hold up another's; actions without an installation
    // are one more group.
    const postgres = this.db.dialect === "postgres";
    const ready = (t: string) => `${t}.version > ${t}.applied_version AND (${t}.lease_until IS NULL OR ${t}.lease_until <= $2)
      AND NOT EXISTS (SELECT 1 FROM parked p WHERE p.installation_id = ${t}.installation_id AND (p.repo_id = 0 OR p.repo_key = ${actionRepository(this.db.dialect).replace(/\btarget\b/g, `${t}.target`)}))`;
    const oldest = (where: string, columns: string) => `SELECT ${columns} FROM actions x WHERE ${where} AND ${ready("x")} ORDER BY x.updated_at, x.key LIMIT $1`;
    const xColumns = ACTION_COLUMNS.split(", ")
      .map((c) => `x.${c}`)
      .join(", ");
    const rows = await this.db.query<ActionRow>(
      `WITH RECURSIVE inst(id) AS (
         SELECT MIN(installation_id) FROM actions WHERE version > applied_version
         UNION ALL
         SELECT (SELECT MIN(installation_id) FROM actions WHERE version > applied_version AND installation_id > inst.id) FROM inst WHERE inst.id IS NOT NULL
       ),
       live AS (SELECT id FROM inst WHERE id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM parked p WHERE p.installation_id = inst.id AND p.repo_id = 0)),
       candidates AS MATERIALIZED (
         ${postgres ? `SELECT c.* FROM live inst CROSS JOIN LATERAL (${oldest("x.installation_id = inst.id", xColumns)}) c` : `SELECT ${ACTION_COLUMNS} FROM live inst JOIN actions a ON a.key IN (${oldest("x.installation_id = inst.id", "x.key")})`}
         UNION ALL
         SELECT * FROM (${oldest("x.installation_id IS NULL", xColumns)}) unowned
       )
       SELECT ${ACTION_COLUMNS} FROM (
         SELECT ${ACTION_COLUMNS}, row_number() OVER (PARTITION BY installation_id ORDER BY updated_at, key) AS turn FROM candidates
       ) ranked
       ORDER BY turn, updated_at, key LIMIT $1`,
      [limit, now],
    );
    return rows.map(toAction);
  }

  /** After a failure: leave the action alone until `until`, so that it cannot block the others. */
  /**
   * Whether any action waits to be applied or is being applied now (leased): the deferred ones
   * (after a failure, until their retry time) and those of parked installations do not count. Health checks and tests use it to
   * know when everything decided has been carried out.
   */
  async unsettled(now = new Date()): Promise<boolean> {
    if ((await this.pending(1, now)).length > 0) return true;
    const leased = await this.db.query<{ one: number }>("SELECT 1 AS one FROM actions WHERE version > applied_version AND lease_holder <> 'deferred' AND lease_until > $1 LIMIT 1", [now]);
    return leased.length > 0;
  }

  async defer(key: string, until: Date): Promise<void> {
    await this.db.run("UPDATE actions SET lease_holder = 'deferred', lease_until = $2 WHERE key = $1", [key, until]);
  }

  /**
   * Takes an exclusive lease on an action so that one executor (of any replica) applies it.
   * Returns false when someone else holds an unexpired lease.
   */
  async lease(key: string, holder: string, now: Date, leaseMs: number): Promise<boolean> {
    // One conditional UPDATE: the database's row lock decides between concurrent leasers.
    const { changes } = await this.db.run(
      `UPDATE actions SET lease_holder = $2, lease_until = $3
       WHERE key = $1 AND (lease_holder IS NULL OR lease_holder = $2 OR lease_until <= $4)`,
      [key, holder, now.getTime() + leaseMs, now],
    );
    return changes === 1;
  }

  /** Records what GitHub accepted for `version`, and releases the lease. */
  async markApplied(key: string, version: number, applied: string, githubId: string | null): Promise<void> {
    // A late report of an older version neither moves applied_version back nor replaces `applied`;
    // a null githubId keeps the one already known.
    await this.db.run(
      `UPDATE actions SET
         applied = CASE WHEN $2 >= applied_version THEN $3 ELSE applied END,
         applied_version = CASE WHEN $2 >= applied_version THEN $2 ELSE applied_version END,
         github_id = COALESCE($4, github_id),
         lease_holder = NULL, lease_until = NULL
       WHERE key = $1`,
      [key, version, applied, githubId],
    );
  }

  async release(key: string, holder: string): Promise<void> {
    await this.db.run(`UPDATE actions SET lease_holder = NULL, lease_until = NULL WHERE key = $1 AND lease_holder = $2`, [key, holder]);
  }

  /** Remembers the GitHub object of an action before it is fully applied (crash safety). */
  async setGithubId(key: string, githubId: string): Promise<void> {
    await this.db.run(`UPDATE actions SET github_id = $2 WHERE key = $1`, [key, githubId]);
  }

  /** For the CLI: what shadow mode recorded instead of sending, newest first. */
  async shadow(limit: number): Promise<ActionRecord[]> {
    const rows = await this.db.query<ActionRow>(`SELECT ${ACTION_COLUMNS} FROM actions WHERE shadow = 1 ORDER BY updated_at DESC LIMIT $1`, [limit]);
    return rows.map(toAction);
  }

  /** The actions whose target is in the repository `owner/name` (any case), most recently decided first. */
  async ofRepository(repoKey: string, limit: number): Promise<ActionRecord[]> {
    // The expression of the actions_repository index (migration 5), verbatim, so that the index serves it.
    const rows = await this.db.query<ActionRow>(`SELECT ${ACTION_COLUMNS} FROM actions WHERE ${actionRepository(this.db.dialect)} = $1 ORDER BY updated_at DESC, key LIMIT $2`, [
      repoKey.toLowerCase(),
      limit,
    ]);
    return rows.map(toAction);
  }
}

const ACTION_COLUMNS = "key, kind, target, desired, applied, github_id, version, applied_version, installation_id, updated_at, shadow";

interface ActionRow {
  key: string;
  kind: string;
  target: string;
  desired: string;
  applied: string | null;
  github_id: string | null;
  version: number;
  applied_version: number;
  installation_id: number | null;
  updated_at: number;
  shadow: number;
}

function toAction(r: ActionRow): ActionRecord {
  return {
    key: r.key,
    kind: r.kind,
    target: r.target,
    desired: r.desired,
    applied: r.applied,
    githubId: r.github_id,
    version: r.version,
    appliedVersion: r.applied_version,
    installationId: r.installation_id,
    shadow: Number(r.shadow) === 1,
    updatedAt: new Date(r.updated_at),
  };
}
