import type { CiResult, PullRecord, RepoRef, Tier } from "../core/model.js";
import { queryOne, type Db } from "./db.js";
import { actionRepository, migrate } from "./migrations.js";
import type { AwayPeriod } from "../core/responsiveness.js";
import type { OwnerStatus } from "../core/registry-findings.js";
import type { ActionRecord, DeadDelivery, DisablementRecord, EpisodeRecord, EvidenceRepo, ParkedScope, QueueEntry, RegistryCacheEntry, RequestRecord, Store, StoredDelivery } from "./store.js";
import type { DefaultBranchCheck } from "../core/evidence.js";
import type { Standing } from "../core/suggestions.js";

/** The store over either database: one SQL text; the dialect switches are in claims (row locking, a LATERAL join). */
export class SqlStore implements Store {
  /**
   * `intake`: where arriving deliveries are committed, durably (SQLite: a second connection with
   * synchronous=FULL). Everything else is derived from stored deliveries and safe to redo, so
   * its connection may sync less (SQLite: NORMAL, the WAL still orders it behind every delivery).
   */
  constructor(
    readonly db: Db,
    readonly intakeDb: Db = db,
  ) {}

  migrate(): Promise<void> {
    return migrate(this.db);
  }

  async close(): Promise<void> {
    if (this.intakeDb !== this.db) await this.intakeDb.close();
    return this.db.close();
  }

  async ping(): Promise<void> {
    await this.db.query("SELECT 1 AS ok");
  }

  async recoverAfterRestart(): Promise<void> {
    // A SQLite file has one process: every lease in it belongs to a process that died.
    // On PostgreSQL other replicas may hold live leases; dead ones simply expire.
    if (this.db.dialect !== "sqlite") return;
    await this.db.run("UPDATE deliveries SET lease_holder = NULL, lease_until = NULL WHERE status = 'pending'", []);
    await this.db.run("UPDATE actions SET lease_holder = NULL, lease_until = NULL", []);
  }

  // ---- Deliveries

  /**
   * Group commit: deliveries that arrive together are stored in one transaction, so that
   * sixteen webhooks in flight cost one sync to disk, not sixteen. Each caller still returns
   * only once its delivery is committed.
   */
  enqueueDelivery(d: NewDelivery): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.intake.push({ delivery: d, resolve, reject });
      if (this.intake.length === 1) setImmediate(() => void this.flushIntake());
    });
  }

  private intake: { delivery: NewDelivery; resolve(fresh: boolean): void; reject(e: unknown): void }[] = [];

  private async flushIntake(): Promise<void> {
    const batch = this.intake.splice(0);
    try {
      // One multi-row statement, a transaction by itself (PostgreSQL: one round trip, not one per
      // delivery plus BEGIN and COMMIT); a batch larger than a statement's share goes in one transaction.
      const insert = async (db: Db, chunk: NewDelivery[]) =>
        db.query<{ id: string }>(
          `INSERT INTO deliveries (id, name, payload, received_at, installation_id)
           VALUES ${chunk.map((_, j) => `($${5 * j + 1}, $${5 * j + 2}, $${5 * j + 3}, $${5 * j + 4}, $${5 * j + 5})`).join(", ")}
           ON CONFLICT (id) DO NOTHING RETURNING id`,
          chunk.flatMap((d) => [d.id, d.name, d.payload, d.receivedAt, d.installationId ?? 0]),
        );
      const deliveries = batch.map((b) => b.delivery);
      const rows =
        deliveries.length <= INSERT_CHUNK
          ? await insert(this.intakeDb, deliveries)
          : await this.intakeDb.transaction(async (tx) => {
              const all: { id: string }[] = [];
              for (let i = 0; i < deliveries.length; i += INSERT_CHUNK) all.push(...(await insert(tx, deliveries.slice(i, i + INSERT_CHUNK))));
              return all;
            });
      const inserted = new Set(rows.map((r) => r.id));
      // The same id twice in one batch: the first is the fresh one.
      const fresh = batch.map((b) => inserted.delete(b.delivery.id));
      batch.forEach((b, i) => b.resolve(fresh[i]));
    } catch (error) {
      for (const b of batch) b.reject(error);
    }
  }

  async claimDeliveries(worker: string, limit: number, now: Date, leaseMs: number, maxClaims = 2 ** 31 - 1): Promise<StoredDelivery[]> {
    // PostgreSQL: concurrent claimers skip each other's rows instead of waiting or sharing them
    // (the ready conditions are checked again on the locked rows: a twin may have claimed them
    // meanwhile; as an expression no index serves, so that the few picked rows drive the join).
    // SQLite: a single statement runs under the database's write lock, so it is atomic already.
    // `inst`: the installations with ready deliveries, one index seek each (a loose index scan);
    // `candidates`: each one's oldest ready deliveries, at most `limit`; `turn`: a delivery's rank
    // within its installation, so that the claim takes every installation's oldest before anyone's
    // second. A full scan of the pending deliveries would cost a backlog's size at every claim.
    // A delivery claimed twice already without finishing comes alone when its turn is first (and is
    // skipped otherwise): a poison delivery counts at most two claims against the innocent ones of its batches.
    const postgres = this.db.dialect === "postgres";
    const ready = (t: string) => `${t}.status = 'pending' AND ${t}.retry_at <= $3 AND (${t}.lease_until IS NULL OR ${t}.lease_until <= $3) AND ${t}.attempts < $5`;
    // Per installation: PostgreSQL plans this as a LATERAL join; SQLite, which has none, as a correlated IN.
    const oldest = `SELECT ${postgres ? "x.id, x.attempts, x.received_at, x.installation_id" : "x.id"} FROM deliveries x
      WHERE x.installation_id = inst.id AND ${ready("x")} ORDER BY x.received_at, x.id LIMIT $4`;
    const rows = await this.db.query<DeliveryRow>(
      `WITH RECURSIVE inst(id) AS (
         SELECT MIN(installation_id) FROM deliveries WHERE status = 'pending'
         UNION ALL
         SELECT (SELECT MIN(installation_id) FROM deliveries WHERE status = 'pending' AND installation_id > inst.id) FROM inst WHERE inst.id IS NOT NULL
       ),
       candidates AS MATERIALIZED (
         ${postgres ? `SELECT c.* FROM inst CROSS JOIN LATERAL (${oldest}) c` : `SELECT d.id, d.attempts, d.received_at, d.installation_id FROM inst JOIN deliveries d ON d.id IN (${oldest})`}
       ),
       ordered AS MATERIALIZED (
         SELECT id, attempts, row_number() OVER (ORDER BY turn, received_at, id) AS pos FROM (
           SELECT id, attempts, received_at, row_number() OVER (PARTITION BY installation_id ORDER BY received_at, id) AS turn FROM candidates
         ) ranked
       ),
       chosen AS MATERIALIZED (
         SELECT id FROM ordered
         WHERE pos = 1 OR (attempts < 2 AND (SELECT attempts FROM ordered WHERE pos = 1) < 2)
         ORDER BY pos LIMIT $4
       ),
       picked AS MATERIALIZED (
         ${postgres ? `SELECT d.id FROM chosen JOIN deliveries d ON d.id = chosen.id WHERE (${ready("d")}) IS TRUE FOR UPDATE OF d SKIP LOCKED` : "SELECT id FROM chosen"}
       )
       UPDATE deliveries SET lease_holder = $1, lease_until = $2, attempts = attempts + 1
       WHERE id IN (SELECT id FROM picked)
       RETURNING id, name, payload, received_at, attempts, installation_id`,
      [worker, now.getTime() + leaseMs, now, limit, maxClaims],
    );
    // RETURNING has no order: the same round-robin again, over what was claimed.
    const claimed = rows
      .map((r) => ({ id: r.id, name: r.name, payload: r.payload, receivedAt: new Date(Number(r.received_at)), attempts: Number(r.attempts), installationId: Number(r.installation_id) || null }))
      .sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime() || (a.id < b.id ? -1 : 1));
    const turns = new Map<number | null, number>();
    const turn = new Map(claimed.map((d) => [d.id, turns.set(d.installationId ?? 0, (turns.get(d.installationId ?? 0) ?? 0) + 1).get(d.installationId ?? 0)!]));
    return claimed.sort((a, b) => turn.get(a.id)! - turn.get(b.id)! || a.receivedAt.getTime() - b.receivedAt.getTime() || (a.id < b.id ? -1 : 1));
  }

  async buryDeliveries(maxClaims: number, now: Date, reason: string): Promise<{ id: string; name: string; attempts: number }[]> {
    const rows = await this.db.query<{ id: string; name: string; attempts: number }>(
      `UPDATE deliveries SET status = 'failed', last_error = $3, lease_holder = NULL, lease_until = NULL
       WHERE status = 'pending' AND attempts >= $1 AND (lease_until IS NULL OR lease_until <= $2)
       RETURNING id, name, attempts`,
      [maxClaims, now, reason],
    );
    return rows.map((r) => ({ id: r.id, name: r.name, attempts: Number(r.attempts) }));
  }

  async deadDeliveries(limit: number): Promise<DeadDelivery[]> {
    const rows = await this.db.query<{ id: string; name: string; attempts: number; last_error: string | null; received_at: number; installation_id: number | null }>(
      `SELECT id, name, attempts, last_error, received_at, installation_id FROM deliveries WHERE status = 'failed' ORDER BY received_at DESC, id LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      attempts: Number(r.attempts),
      reason: r.last_error,
      receivedAt: new Date(Number(r.received_at)),
      installationId: Number(r.installation_id) || null,
    }));
  }

  async knownDeliveries(ids: string[]): Promise<Set<string>> {
    const known = new Set<string>();
    // Small batches of placeholders: portable, and the list is bounded by GitHub's 3-day window.
    for (let i = 0; i < ids.length; i += 100) {
      const chunk = ids.slice(i, i + 100);
      const rows = await this.db.query<{ id: string }>(`SELECT id FROM deliveries WHERE id IN (${chunk.map((_, j) => `$${j + 1}`).join(", ")})`, chunk);
      for (const r of rows) known.add(r.id);
    }
    return known;
  }

  async finishDeliveries(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.transaction(async (tx) => {
      for (const id of ids) await tx.run(`UPDATE deliveries SET status = 'done', lease_holder = NULL, lease_until = NULL WHERE id = $1`, [id]);
    });
  }

  async finishDelivery(id: string, outcome: "done" | "failed", error?: string): Promise<void> {
    await this.db.run(
      `UPDATE deliveries SET status = $2, last_error = $3, lease_holder = NULL, lease_until = NULL WHERE id = $1`,
      [id, outcome, error ?? null],
    );
  }

  async retryDelivery(id: string, retryAt: Date, error: string): Promise<void> {
    await this.db.run(
      `UPDATE deliveries SET retry_at = $2, last_error = $3, lease_holder = NULL, lease_until = NULL
       WHERE id = $1 AND status = 'pending'`,
      [id, retryAt, error],
    );
  }

  async deliveryCounts(): Promise<{ pending: number; done: number; failed: number }> {
    const counts = { pending: 0, done: 0, failed: 0 };
    const rows = await this.db.query<{ status: keyof typeof counts; n: number }>(
      `SELECT status, COUNT(*) AS n FROM deliveries GROUP BY status`,
    );
    for (const r of rows) counts[r.status] = Number(r.n);
    return counts;
  }

  async oldestPendingDelivery(): Promise<Date | undefined> {
    const row = await queryOne<{ t: number | null }>(this.db, `SELECT MIN(received_at) AS t FROM deliveries WHERE status = 'pending'`);
    return row?.t == null ? undefined : new Date(Number(row.t));
  }

  // ---- Parked installations and repositories

  async park(p: ParkedScope): Promise<void> {
    await this.db.run(
      `INSERT INTO parked (installation_id, repo_id, repo_key, reason, since) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (installation_id, repo_id) DO NOTHING`,
      [p.installationId, p.repoId, p.repoKey.toLowerCase(), p.reason, p.since],
    );
  }

  async unpark(installationId: number, repoId = 0): Promise<void> {
    await this.db.run(`DELETE FROM parked WHERE installation_id = $1 AND repo_id = $2`, [installationId, repoId]);
  }

  async parkedScopes(): Promise<ParkedScope[]> {
    const rows = await this.db.query<{ installation_id: number; repo_id: number; repo_key: string; reason: string; since: number }>(
      `SELECT installation_id, repo_id, repo_key, reason, since FROM parked ORDER BY installation_id, repo_id`,
    );
    return rows.map((r) => ({ installationId: Number(r.installation_id), repoId: Number(r.repo_id), repoKey: r.repo_key, reason: r.reason, since: new Date(Number(r.since)) }));
  }

  // ---- Registry cache

  async getRegistry(repoId: number): Promise<RegistryCacheEntry | undefined> {
    const r = await queryOne<RegistryRow>(
      this.db,
      `SELECT repo_id, repo_key, registry_json, errors_json, fetched_at FROM registry_cache WHERE repo_id = $1`,
      [repoId],
    );
    return (
      r && {
        repoId: r.repo_id,
        repoKey: r.repo_key,
        registryJson: r.registry_json,
        errorsJson: r.errors_json,
        fetchedAt: new Date(r.fetched_at),
      }
    );
  }

  async putRegistry(e: RegistryCacheEntry): Promise<void> {
    await this.db.run(
      `INSERT INTO registry_cache (repo_id, repo_key, owner, registry_json, errors_json, fetched_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (repo_id) DO UPDATE SET repo_key = excluded.repo_key, owner = excluded.owner,
         registry_json = excluded.registry_json, errors_json = excluded.errors_json, fetched_at = excluded.fetched_at`,
      [e.repoId, e.repoKey, ownerOf(e.repoKey), e.registryJson, e.errorsJson, e.fetchedAt],
    );
  }

  async invalidateRegistry(by: { repoId: number } | { owner: string }): Promise<void> {
    if ("repoId" in by) await this.db.run(`DELETE FROM registry_cache WHERE repo_id = $1`, [by.repoId]);
    else await this.db.run(`DELETE FROM registry_cache WHERE owner = $1`, [by.owner.toLowerCase()]);
  }

  // ---- Pull requests

  async upsertPull(p: PullRecord): Promise<void> {
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

  async getPull(repoId: number, number: number): Promise<PullRecord | undefined> {
    const r = await queryOne<PullRow>(this.db, `SELECT ${PULL_COLUMNS} FROM pulls WHERE repo_id = $1 AND number = $2`, [
      repoId,
      number,
    ]);
    return r && toPull(r);
  }

  async openPullsByHead(repoId: number, sha: string): Promise<PullRecord[]> {
    const rows = await this.db.query<PullRow>(
      `SELECT ${PULL_COLUMNS} FROM pulls WHERE repo_id = $1 AND head_sha = $2 AND state = 'open' ORDER BY number`,
      [repoId, sha],
    );
    return rows.map(toPull);
  }

  // ---- CI results

  async recordResult(r: CiResult): Promise<boolean> {
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

  async resultsForSha(repoId: number, sha: string): Promise<CiResult[]> {
    const rows = await this.db.query<ResultRow>(
      `SELECT repo_id, sha, result_key, name, source, outcome, completed_at, branch, url FROM ci_results
       WHERE repo_id = $1 AND sha = $2 ORDER BY name, result_key`,
      [repoId, sha],
    );
    return rows.map(toResult);
  }

  async latestResultsOnBranch(repoId: number, branch: string): Promise<CiResult[]> {
    const rows = await this.db.query<ResultRow>(
      `SELECT repo_id, sha, name, source, outcome, completed_at, branch, url FROM branch_results
       WHERE repo_id = $1 AND branch = $2 ORDER BY name`,
      [repoId, branch],
    );
    return rows.map(toResult);
  }

  // ---- The merge queue

  async recordQueueEntry(e: QueueEntry): Promise<void> {
    await this.db.run(
      `INSERT INTO queue_entries (repo_id, head_sha, pull, base_ref, base_sha, pull_head_sha, seen_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (repo_id, head_sha, pull) DO NOTHING`,
      [e.repoId, e.headSha, e.pull, e.base, e.baseSha, e.pullHeadSha, e.seenAt],
    );
  }

  async latestQueueEntry(repoId: number, pull: number): Promise<QueueEntry | undefined> {
    const row = await queryOne<QueueRow>(
      this.db,
      `SELECT ${QUEUE_COLUMNS} FROM queue_entries WHERE repo_id = $1 AND pull = $2 ORDER BY seen_at DESC, head_sha DESC LIMIT 1`,
      [repoId, pull],
    );
    return row && toQueueEntry(row);
  }

  async queueEntriesAt(repoId: number, headSha: string): Promise<QueueEntry[]> {
    const rows = await this.db.query<QueueRow>(`SELECT ${QUEUE_COLUMNS} FROM queue_entries WHERE repo_id = $1 AND head_sha = $2 ORDER BY pull`, [repoId, headSha]);
    return rows.map(toQueueEntry);
  }

  async isQueueBase(repoId: number, sha: string, branch: string): Promise<boolean> {
    // A queue builds on the previous entry's queue commit when PRs are ahead of it: that is no commit of the branch (yet).
    const sql = `SELECT 1 AS one FROM queue_entries WHERE repo_id = $1 AND base_sha = $2 AND base_ref = $3
      AND NOT EXISTS (SELECT 1 FROM queue_entries ahead WHERE ahead.repo_id = $1 AND ahead.head_sha = $2) LIMIT 1`;
    return (await queryOne(this.db, sql, [repoId, sha, branch])) !== undefined;
  }

  // ---- Actions

  async saveIntent(a: {
    key: string;
    kind: string;
    target: string;
    desired: string;
    installationId: number | null;
    now: Date;
    shadow: boolean;
  }): Promise<boolean> {
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

  async getAction(key: string): Promise<ActionRecord | undefined> {
    const r = await queryOne<ActionRow>(this.db, `SELECT ${ACTION_COLUMNS} FROM actions WHERE key = $1`, [key]);
    return r && toAction(r);
  }

  async actionKeysWithPrefix(prefix: string): Promise<string[]> {
    // A range on the byte-ordered primary key (LIKE would need escaping and, on PostgreSQL, another index).
    // Every key with the prefix sorts below prefix + U+10FFFF, the largest code point.
    const rows = await this.db.query<{ key: string }>(
      `SELECT key FROM actions WHERE key >= $1 AND key < $2 ORDER BY key`,
      [prefix, prefix + "\u{10FFFF}"],
    );
    return rows.map((r) => r.key);
  }

  async pendingActions(limit: number, now = new Date()): Promise<ActionRecord[]> {
    // Leased (being applied elsewhere), deferred after a failure, or parked: not for this pass.
    // Round-robin by installation, as deliveries are claimed (see claimDeliveries: the installations
    // with pending actions by a loose index scan, each one's oldest, then by turn), so that one
    // installation's flood of actions cannot hold up another's; actions without an installation
    // are one more group.
    const postgres = this.db.dialect === "postgres";
    const ready = (t: string) => `${t}.version > ${t}.applied_version AND (${t}.lease_until IS NULL OR ${t}.lease_until <= $2)
      AND NOT EXISTS (SELECT 1 FROM parked p WHERE p.installation_id = ${t}.installation_id AND (p.repo_id = 0 OR p.repo_key = ${actionRepository(this.db.dialect).replace(/\btarget\b/g, `${t}.target`)}))`;
    const oldest = (where: string, columns: string) => `SELECT ${columns} FROM actions x WHERE ${where} AND ${ready("x")} ORDER BY x.updated_at, x.key LIMIT $1`;
    const xColumns = ACTION_COLUMNS.split(", ").map((c) => `x.${c}`).join(", ");
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

  async deferAction(key: string, until: Date): Promise<void> {
    await this.db.run("UPDATE actions SET lease_holder = 'deferred', lease_until = $2 WHERE key = $1", [key, until]);
  }

  async leaseAction(key: string, holder: string, now: Date, leaseMs: number): Promise<boolean> {
    // One conditional UPDATE: the database's row lock decides between concurrent leasers.
    const { changes } = await this.db.run(
      `UPDATE actions SET lease_holder = $2, lease_until = $3
       WHERE key = $1 AND (lease_holder IS NULL OR lease_holder = $2 OR lease_until <= $4)`,
      [key, holder, now.getTime() + leaseMs, now],
    );
    return changes === 1;
  }

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

  async releaseAction(key: string, holder: string): Promise<void> {
    await this.db.run(`UPDATE actions SET lease_holder = NULL, lease_until = NULL WHERE key = $1 AND lease_holder = $2`, [
      key,
      holder,
    ]);
  }

  async setGithubId(key: string, githubId: string): Promise<void> {
    await this.db.run(`UPDATE actions SET github_id = $2 WHERE key = $1`, [key, githubId]);
  }

  // ---- Tier 3 episodes

  async getEpisode(repoId: number, componentId: string): Promise<EpisodeRecord | undefined> {
    const r = await queryOne<EpisodeRow>(this.db, `SELECT ${EPISODE_COLUMNS} FROM episodes WHERE repo_id = $1 AND component_id = $2`, [repoId, componentId]);
    return r && toEpisode(r);
  }

  async saveEpisode(e: EpisodeRecord): Promise<boolean> {
    const values = [e.repoId, e.componentId, e.repoKey, e.installationId, e.state, e.dueAt, e.version, e.updatedAt];
    if (e.version === 1) {
      const { changes } = await this.db.run(
        `INSERT INTO episodes (${EPISODE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (repo_id, component_id) DO NOTHING`,
        values,
      );
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

  async deferEpisode(repoId: number, componentId: string, now: Date, delayMs: (failures: number) => number): Promise<number> {
    const row = await queryOne<{ sweep_failures: number }>(
      this.db,
      `UPDATE episodes SET sweep_failures = sweep_failures + 1 WHERE repo_id = $1 AND component_id = $2 RETURNING sweep_failures`,
      [repoId, componentId],
    );
    const failures = Number(row?.sweep_failures ?? 1);
    await this.db.run(`UPDATE episodes SET due_at = $3 WHERE repo_id = $1 AND component_id = $2`, [repoId, componentId, now.getTime() + delayMs(failures)]);
    return failures;
  }

  async dueEpisodes(now: Date, limit: number): Promise<EpisodeRecord[]> {
    const rows = await this.db.query<EpisodeRow>(
      `SELECT ${EPISODE_COLUMNS} FROM episodes WHERE due_at IS NOT NULL AND due_at <= $1 AND ${unparked("episodes")} ORDER BY due_at LIMIT $2`,
      [now, limit],
    );
    return rows.map(toEpisode);
  }

  async episodesOfRepo(repoId: number): Promise<EpisodeRecord[]> {
    const rows = await this.db.query<EpisodeRow>(`SELECT ${EPISODE_COLUMNS} FROM episodes WHERE repo_id = $1 ORDER BY component_id`, [repoId]);
    return rows.map(toEpisode);
  }

  async episodesChangedSince(since: Date, limit: number): Promise<EpisodeRecord[]> {
    const rows = await this.db.query<EpisodeRow>(`SELECT ${EPISODE_COLUMNS} FROM episodes WHERE updated_at >= $1 ORDER BY updated_at DESC LIMIT $2`, [since, limit]);
    return rows.map(toEpisode);
  }

  async listEpisodes(repoKey: string | undefined, limit: number): Promise<EpisodeRecord[]> {
    const rows = repoKey
      ? await this.db.query<EpisodeRow>(`SELECT ${EPISODE_COLUMNS} FROM episodes WHERE repo_key = $1 ORDER BY updated_at DESC LIMIT $2`, [repoKey, limit])
      : await this.db.query<EpisodeRow>(`SELECT ${EPISODE_COLUMNS} FROM episodes ORDER BY updated_at DESC LIMIT $1`, [limit]);
    return rows.map(toEpisode);
  }

  async shadowActions(limit: number): Promise<ActionRecord[]> {
    const rows = await this.db.query<ActionRow>(`SELECT ${ACTION_COLUMNS} FROM actions WHERE shadow = 1 ORDER BY updated_at DESC LIMIT $1`, [limit]);
    return rows.map(toAction);
  }

  // ---- Named leases

  // ---- Tier 2 requests, away time, disabled components

  async getRequest(key: string): Promise<RequestRecord | undefined> {
    const r = await queryOne<RequestRow>(this.db, `SELECT ${REQUEST_COLUMNS} FROM requests WHERE key = $1`, [key]);
    return r && toRequest(r);
  }

  async saveRequest(q: RequestRecord): Promise<boolean> {
    const values = [q.key, q.repoId, q.repoKey, q.installationId, q.componentId, q.thread, q.status, q.requestedAt, q.state, q.dueAt, q.version, q.updatedAt];
    if (q.version === 1) {
      const { changes } = await this.db.run(
        `INSERT INTO requests (${REQUEST_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (key) DO NOTHING`,
        values,
      );
      return changes === 1;
    }
    const { changes } = await this.db.run(
      `UPDATE requests SET repo_id = $2, repo_key = $3, installation_id = $4, component_id = $5, thread = $6, status = $7,
         requested_at = $8, state = $9, due_at = $10, version = $11, updated_at = $12
       WHERE key = $1 AND version = $11 - 1`,
      values,
    );
    return changes === 1;
  }

  async dueRequests(now: Date, limit: number): Promise<RequestRecord[]> {
    const rows = await this.db.query<RequestRow>(`SELECT ${REQUEST_COLUMNS} FROM requests WHERE due_at IS NOT NULL AND due_at <= $1 AND ${unparked("requests")} ORDER BY due_at LIMIT $2`, [now, limit]);
    return rows.map(toRequest);
  }

  async openRequestsOnThread(repoId: number, thread: number): Promise<RequestRecord[]> {
    const rows = await this.db.query<RequestRow>(
      `SELECT ${REQUEST_COLUMNS} FROM requests WHERE repo_id = $1 AND thread = $2 AND status = 'open' ORDER BY key`,
      [repoId, thread],
    );
    return rows.map(toRequest);
  }

  async openRequestsOfRepo(repoId: number): Promise<RequestRecord[]> {
    const rows = await this.db.query<RequestRow>(`SELECT ${REQUEST_COLUMNS} FROM requests WHERE repo_id = $1 AND status = 'open' ORDER BY key`, [repoId]);
    return rows.map(toRequest);
  }

  async requestsSince(repo: { repoId: number } | { repoKey: string } | undefined, since: Date): Promise<RequestRecord[]> {
    const order = "ORDER BY requested_at, key";
    const rows = !repo
      ? await this.db.query<RequestRow>(`SELECT ${REQUEST_COLUMNS} FROM requests WHERE requested_at >= $1 ${order}`, [since])
      : "repoId" in repo
        ? await this.db.query<RequestRow>(`SELECT ${REQUEST_COLUMNS} FROM requests WHERE repo_id = $1 AND requested_at >= $2 ${order}`, [repo.repoId, since])
        : await this.db.query<RequestRow>(`SELECT ${REQUEST_COLUMNS} FROM requests WHERE repo_key = $1 AND requested_at >= $2 ${order}`, [repo.repoKey, since]);
    return rows.map(toRequest);
  }

  async repositoriesWithRequests(since: Date): Promise<{ repoId: number; repoKey: string; installationId: number }[]> {
    const rows = await this.db.query<{ repo_id: number; repo_key: string; installation_id: number }>(
      `SELECT repo_id, MAX(repo_key) AS repo_key, MAX(installation_id) AS installation_id FROM requests WHERE requested_at >= $1 GROUP BY repo_id ORDER BY repo_id`,
      [since],
    );
    return rows.map((r) => ({ repoId: Number(r.repo_id), repoKey: r.repo_key, installationId: Number(r.installation_id) }));
  }

  async getAway(repoId: number, login: string): Promise<AwayPeriod[]> {
    const r = await queryOne<{ periods: string }>(this.db, `SELECT periods FROM away WHERE repo_id = $1 AND login = $2`, [repoId, login.toLowerCase()]);
    return r ? (JSON.parse(r.periods) as AwayPeriod[]) : [];
  }

  async awayOfRepo(repoId: number): Promise<Map<string, AwayPeriod[]>> {
    const rows = await this.db.query<{ login: string; periods: string }>(`SELECT login, periods FROM away WHERE repo_id = $1`, [repoId]);
    return new Map(rows.map((r) => [r.login, JSON.parse(r.periods) as AwayPeriod[]]));
  }

  async putAway(repoId: number, login: string, periods: AwayPeriod[]): Promise<void> {
    await this.db.run(
      `INSERT INTO away (repo_id, login, periods) VALUES ($1, $2, $3) ON CONFLICT (repo_id, login) DO UPDATE SET periods = excluded.periods`,
      [repoId, login.toLowerCase(), JSON.stringify(periods)],
    );
  }

  async markDisabled(d: DisablementRecord): Promise<boolean> {
    const { changes } = await this.db.run(
      `INSERT INTO disablements (${DISABLEMENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (repo_id, component_id) DO NOTHING`,
      [d.repoId, d.componentId, JSON.stringify(d.repo), d.installationId, d.tier, d.since, d.dueAt],
    );
    return changes === 1;
  }

  async clearDisabled(repoId: number, componentId: string): Promise<DisablementRecord | undefined> {
    const r = await queryOne<DisablementRow>(this.db, `SELECT ${DISABLEMENT_COLUMNS} FROM disablements WHERE repo_id = $1 AND component_id = $2`, [repoId, componentId]);
    if (!r) return undefined;
    await this.db.run(`DELETE FROM disablements WHERE repo_id = $1 AND component_id = $2`, [repoId, componentId]);
    return toDisablement(r);
  }

  async disablementsOfRepo(repoId: number): Promise<DisablementRecord[]> {
    const rows = await this.db.query<DisablementRow>(`SELECT ${DISABLEMENT_COLUMNS} FROM disablements WHERE repo_id = $1 ORDER BY component_id`, [repoId]);
    return rows.map(toDisablement);
  }

  async dueDisablements(now: Date, limit: number): Promise<DisablementRecord[]> {
    const rows = await this.db.query<DisablementRow>(
      `SELECT ${DISABLEMENT_COLUMNS} FROM disablements WHERE due_at IS NOT NULL AND due_at <= $1 AND ${unparked("disablements")} ORDER BY due_at LIMIT $2`,
      [now, limit],
    );
    return rows.map(toDisablement);
  }

  async settleDisablement(repoId: number, componentId: string): Promise<void> {
    await this.db.run(`UPDATE disablements SET due_at = NULL WHERE repo_id = $1 AND component_id = $2`, [repoId, componentId]);
  }

  async tryLock(name: string, holder: string, now: Date, leaseMs: number): Promise<boolean> {
    const { changes } = await this.db.run(
      `INSERT INTO locks (name, holder, lease_until) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, lease_until = excluded.lease_until
       WHERE locks.holder = excluded.holder OR locks.lease_until <= $4`,
      [name, holder, now.getTime() + leaseMs, now],
    );
    return changes === 1;
  }

  async unlock(name: string, holder: string): Promise<void> {
    await this.db.run("DELETE FROM locks WHERE name = $1 AND holder = $2", [name, holder]);
  }

  // ---- Status page

  async registryByName(owner: string, name: string): Promise<RegistryCacheEntry | undefined> {
    // `owner` is stored lower-cased and indexed: the name is compared among that owner's few rows.
    const row = await queryOne<{ repo_id: number }>(this.db, `SELECT repo_id FROM registry_cache WHERE owner = $1 AND lower(repo_key) = $2`, [
      owner.toLowerCase(),
      `${owner}/${name}`.toLowerCase(),
    ]);
    return row && this.getRegistry(Number(row.repo_id));
  }

  async repositoriesWithRegistry(limit: number): Promise<{ repoId: number; repoKey: string }[]> {
    const rows = await this.db.query<{ repo_id: number; repo_key: string }>(
      `SELECT repo_id, repo_key FROM registry_cache WHERE registry_json IS NOT NULL OR errors_json IS NOT NULL ORDER BY repo_key, repo_id LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({ repoId: Number(r.repo_id), repoKey: r.repo_key }));
  }

  async actionsOfRepository(repoKey: string, limit: number): Promise<ActionRecord[]> {
    // The expression of the actions_repository index (migration 5), verbatim, so that the index serves it.
    const rows = await this.db.query<ActionRow>(
      `SELECT ${ACTION_COLUMNS} FROM actions WHERE ${actionRepository(this.db.dialect)} = $1 ORDER BY updated_at DESC, key LIMIT $2`,
      [repoKey.toLowerCase(), limit],
    );
    return rows.map(toAction);
  }

  // ---- Evidence

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

  async pullRequestCiTime(repoId: number, since: Date): Promise<Map<string, number>> {
    const rows = await this.db.query<{ name: string; ms: number | string }>(
      `SELECT name, SUM(ms) AS ms FROM pr_ci_time WHERE repo_id = $1 AND day >= $2 GROUP BY name ORDER BY name`,
      [repoId, since],
    );
    return new Map(rows.map((r) => [r.name, Number(r.ms)]));
  }

  async forgetCiTimeBefore(before: Date): Promise<void> {
    await this.db.run(`DELETE FROM pr_ci_time WHERE day < $1`, [before]);
  }

  async claimRepositoriesToJudge(since: Date, now: Date, limit: number): Promise<EvidenceRepo[]> {
    // The outer condition is checked again under the row lock: two claimers never both get a repository.
    const rows = await this.db.query<{ repo: string; installation_id: number }>(
      `UPDATE evidence_repos SET judged_at = $2
       WHERE (judged_at IS NULL OR judged_at < $1)
         AND repo_id IN (SELECT repo_id FROM evidence_repos WHERE (judged_at IS NULL OR judged_at < $1) AND ${unparked("evidence_repos")} ORDER BY repo_id LIMIT $3)
       RETURNING repo, installation_id`,
      [since, now, limit],
    );
    return rows.map((r) => ({ repo: JSON.parse(r.repo) as RepoRef, installationId: Number(r.installation_id) })).sort((a, b) => a.repo.id - b.repo.id);
  }

  async standingsOfRepo(repoId: number): Promise<Standing[]> {
    const rows = await this.db.query<{ component_id: string; tier: number; meets_above_since: number | null; misses_own_since: number | null }>(
      `SELECT component_id, tier, meets_above_since, misses_own_since FROM tier_standings WHERE repo_id = $1 ORDER BY component_id`,
      [repoId],
    );
    const at = (ms: number | null) => (ms === null ? null : new Date(Number(ms)));
    return rows.map((r) => ({ componentId: r.component_id, tier: Number(r.tier) as Tier, meetsAboveSince: at(r.meets_above_since), missesOwnSince: at(r.misses_own_since) }));
  }

  async saveStandings(repoId: number, standings: readonly Standing[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.run(`DELETE FROM tier_standings WHERE repo_id = $1`, [repoId]);
      for (const s of standings) {
        await tx.run(
          `INSERT INTO tier_standings (repo_id, component_id, tier, meets_above_since, misses_own_since) VALUES ($1, $2, $3, $4, $5)`,
          [repoId, s.componentId, s.tier, s.meetsAboveSince, s.missesOwnSince],
        );
      }
    });
  }

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

/** The rows of `table` (with installation_id and repo_id) outside parked installations and repositories. */
function unparked(table: string): string {
  return `NOT EXISTS (SELECT 1 FROM parked p WHERE p.installation_id = ${table}.installation_id AND p.repo_id IN (0, ${table}.repo_id))`;
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

// ---- Rows ↔ records

/** Deliveries per INSERT statement (5 parameters each: well below either database's limit). */
const INSERT_CHUNK = 100;

type NewDelivery = { id: string; name: string; payload: string; receivedAt: Date; installationId?: number | null };

interface DeliveryRow {
  id: string;
  name: string;
  payload: string;
  received_at: number;
  attempts: number;
  installation_id: number | null;
}

interface RegistryRow {
  repo_id: number;
  repo_key: string;
  registry_json: string | null;
  errors_json: string | null;
  fetched_at: number;
}

function ownerOf(repoKey: string): string {
  return repoKey.split("/")[0].toLowerCase();
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
  return {
    ...(r.lines !== null && { lines: JSON.parse(r.lines) as Record<string, number> }),
    repoId: r.repo_id,
    number: r.number,
    headSha: r.head_sha,
    baseRef: r.base_ref,
    author: r.author,
    state: r.state,
    touched: JSON.parse(r.touched) as PullRecord["touched"],
    updatedAt: new Date(r.updated_at),
  };
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

/** The worst outcome at a commit among the results of `r`'s name (fail, then pass, then neutral), and when the last of them completed. */
async function worstOfName(tx: Db, r: CiResult): Promise<Pick<CiResult, "outcome" | "completedAt" | "url">> {
  const rows = await tx.query<ResultRow>(
    `SELECT repo_id, sha, result_key, name, source, outcome, completed_at, branch, url FROM ci_results WHERE repo_id = $1 AND sha = $2 AND name = $3`,
    [r.repoId, r.sha, r.name],
  );
  const results = rows.map(toResult);
  const worst = results.find((x) => x.outcome === "fail") ?? results.find((x) => x.outcome === "pass") ?? r;
  const completedAt = new Date(Math.max(...results.map((x) => x.completedAt.getTime())));
  return { outcome: worst.outcome, completedAt, url: worst.url };
}

const ACTION_COLUMNS =
  "key, kind, target, desired, applied, github_id, version, applied_version, installation_id, updated_at, shadow";

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

function toEpisode(r: EpisodeRow): EpisodeRecord {
  return {
    repoId: Number(r.repo_id),
    componentId: r.component_id,
    repoKey: r.repo_key,
    installationId: Number(r.installation_id),
    state: r.state,
    dueAt: r.due_at === null ? null : new Date(Number(r.due_at)),
    version: r.version,
    updatedAt: new Date(Number(r.updated_at)),
  };
}

const REQUEST_COLUMNS = "key, repo_id, repo_key, installation_id, component_id, thread, status, requested_at, state, due_at, version, updated_at";

interface RequestRow {
  key: string;
  repo_id: number;
  repo_key: string;
  installation_id: number;
  component_id: string;
  thread: number;
  status: RequestRecord["status"];
  requested_at: number;
  state: string;
  due_at: number | null;
  version: number;
  updated_at: number;
}

function toRequest(r: RequestRow): RequestRecord {
  return {
    key: r.key,
    repoId: Number(r.repo_id),
    repoKey: r.repo_key,
    installationId: Number(r.installation_id),
    componentId: r.component_id,
    thread: Number(r.thread),
    status: r.status,
    requestedAt: new Date(Number(r.requested_at)),
    state: r.state,
    dueAt: r.due_at === null ? null : new Date(Number(r.due_at)),
    version: Number(r.version),
    updatedAt: new Date(Number(r.updated_at)),
  };
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
    repo: JSON.parse(r.repo) as RepoRef,
    installationId: Number(r.installation_id),
    tier: Number(r.tier),
    since: new Date(Number(r.since)),
    dueAt: r.due_at === null ? null : new Date(Number(r.due_at)),
  };
}
