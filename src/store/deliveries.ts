import { queryOne, type Db } from "./db.js";

export interface StoredDelivery {
  id: string;
  name: string;
  /** What was stored: the fact the webhook states (core/stored-fact.ts), or the payload itself (malformed, or stored by an earlier version). */
  payload: string;
  receivedAt: Date;
  /** Claims so far, this one included. */
  attempts: number;
  /** The installation it came from (null: none, or stored before it was recorded). */
  installationId: number | null;
}

/** A delivery given up for good: malformed, failing at every attempt, or claimed too often without finishing. */
export interface DeadDelivery {
  id: string;
  name: string;
  attempts: number;
  reason: string | null;
  receivedAt: Date;
  installationId: number | null;
}

/** Deliveries: acknowledged to GitHub only once stored, processed from here. */
export class Deliveries {
  /**
   * `intake`: where arriving deliveries are committed, durably (SQLite: a second connection with
   * synchronous=FULL). Everything else is derived from stored deliveries and safe to redo, so
   * its connection may sync less (SQLite: NORMAL, the WAL still orders it behind every delivery).
   */
  constructor(
    private readonly db: Db,
    private readonly intakeDb: Db = db,
  ) {}

  /**
   * Group commit: deliveries that arrive together are stored in one transaction, so that
   * sixteen webhooks in flight cost one commit and one sync to disk, not sixteen. One commit is
   * under way at a time: what arrives while it syncs waits for it and goes in the next, whole.
   * (Committed as they came, a busy minute made thousands of one-row commits, and a commit's
   * cost, mostly its index pages written again, hardly grows with its rows.) Each caller still
   * returns only once its delivery is committed. Returns false when a delivery with this id was
   * already stored (a redelivery).
   */
  enqueue(d: NewDelivery): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.intake.push({ delivery: d, resolve, reject });
      if (!this.committing) {
        this.committing = true;
        setImmediate(() => void this.commitIntake());
      }
    });
  }

  private intake: { delivery: NewDelivery; resolve(fresh: boolean): void; reject(e: unknown): void }[] = [];
  /** True from the first delivery waiting until the intake is empty: commitIntake is (about to be) running. */
  private committing = false;

  /** Commits what waits, then what arrived meanwhile, until nothing waits. */
  private async commitIntake(): Promise<void> {
    while (this.intake.length > 0) await this.flushIntake(this.intake.splice(0));
    this.committing = false;
  }

  private async flushIntake(batch: typeof this.intake): Promise<void> {
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

  /**
   * Claims up to `limit` deliveries that are pending or whose lease expired, and counts the attempt
   * in the same statement. Round-robin by installation (each installation's oldest first, then
   * each one's second, ...), so a flood from one installation cannot starve another. A delivery
   * claimed before without finishing comes alone, so that a poison delivery takes no other down
   * with it. Deliveries already claimed `maxClaims` times are left to `bury`. The batch stops short
   * of `maxBytes` of payloads (the first delivery comes whatever its size): twenty of GitHub's
   * 25 MB payloads claimed, and parsed, at once would take gigabytes.
   */
  async claim(worker: string, limit: number, now: Date, leaseMs: number, maxClaims = 2 ** 31 - 1, maxBytes = Number.MAX_SAFE_INTEGER): Promise<StoredDelivery[]> {
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
    // `sized`: the bytes of the payloads before each chosen one, read for the chosen few only.
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
         SELECT id, pos FROM ordered
         WHERE pos = 1 OR (attempts < 2 AND (SELECT attempts FROM ordered WHERE pos = 1) < 2)
         ORDER BY pos LIMIT $4
       ),
       sized AS MATERIALIZED (
         SELECT id FROM (
           SELECT chosen.id, SUM(octet_length(d.payload)) OVER (ORDER BY chosen.pos) - octet_length(d.payload) AS before
           FROM chosen JOIN deliveries d ON d.id = chosen.id
         ) running WHERE before < $6
       ),
       picked AS MATERIALIZED (
         ${postgres ? `SELECT d.id FROM sized JOIN deliveries d ON d.id = sized.id WHERE (${ready("d")}) IS TRUE FOR UPDATE OF d SKIP LOCKED` : "SELECT id FROM sized"}
       )
       UPDATE deliveries SET lease_holder = $1, lease_until = $2, attempts = attempts + 1
       WHERE id IN (SELECT id FROM picked)
       RETURNING id, name, payload, received_at, attempts, installation_id`,
      [worker, now.getTime() + leaseMs, now, limit, maxClaims, maxBytes],
    );
    // RETURNING has no order: the same round-robin again, over what was claimed.
    const claimed = rows
      .map((r) => ({
        id: r.id,
        name: r.name,
        payload: r.payload,
        receivedAt: new Date(Number(r.received_at)),
        attempts: Number(r.attempts),
        installationId: Number(r.installation_id) || null,
      }))
      .sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime() || (a.id < b.id ? -1 : 1));
    const turns = new Map<number | null, number>();
    const turn = new Map(claimed.map((d) => [d.id, turns.set(d.installationId ?? 0, (turns.get(d.installationId ?? 0) ?? 0) + 1).get(d.installationId ?? 0)!]));
    return claimed.sort((a, b) => turn.get(a.id)! - turn.get(b.id)! || a.receivedAt.getTime() - b.receivedAt.getTime() || (a.id < b.id ? -1 : 1));
  }

  /**
   * Gives up, for good and with `reason`, the deliveries claimed `maxClaims` times whose last claim
   * ended without finishing them (the process crashed or hung meanwhile). Returns them.
   */
  async bury(maxClaims: number, now: Date, reason: string): Promise<{ id: string; name: string; attempts: number }[]> {
    const rows = await this.db.query<{ id: string; name: string; attempts: number }>(
      `UPDATE deliveries SET status = 'failed', last_error = $3, lease_holder = NULL, lease_until = NULL
       WHERE status = 'pending' AND attempts >= $1 AND (lease_until IS NULL OR lease_until <= $2)
       RETURNING id, name, attempts`,
      [maxClaims, now, reason],
    );
    return rows.map((r) => ({ id: r.id, name: r.name, attempts: Number(r.attempts) }));
  }

  /** Deliveries given up for good (status failed), most recently received first. */
  async dead(limit: number): Promise<DeadDelivery[]> {
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

  /** Which of these delivery ids are stored (in any state). */
  async known(ids: string[]): Promise<Set<string>> {
    const known = new Set<string>();
    // Small batches of placeholders: portable, and the list is bounded by GitHub's 3-day window.
    for (let i = 0; i < ids.length; i += 100) {
      const chunk = ids.slice(i, i + 100);
      const rows = await this.db.query<{ id: string }>(`SELECT id FROM deliveries WHERE id IN (${chunk.map((_, j) => `$${j + 1}`).join(", ")})`, chunk);
      for (const r of rows) known.add(r.id);
    }
    return known;
  }

  /**
   * Marks processed deliveries done: one statement (a batch is a worker's 20; a round trip each was
   * a tenth of PostgreSQL's statements). Their payloads are emptied: never read again, they would
   * only fill the disk until retention, and the smaller row is cheaper to write than the old one.
   */
  async finishAll(ids: string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += FINISH_CHUNK) {
      const chunk = ids.slice(i, i + FINISH_CHUNK);
      await this.db.run(`UPDATE deliveries SET status = 'done', payload = '', lease_holder = NULL, lease_until = NULL WHERE id IN (${chunk.map((_, j) => `$${j + 1}`).join(", ")})`, chunk);
    }
  }

  /** Marks a claimed delivery done, its payload emptied (see finishAll), or failed for good, its payload kept to be looked into; with the reason. */
  async finish(id: string, outcome: "done" | "failed", error?: string): Promise<void> {
    await this.db.run(`UPDATE deliveries SET status = $2, last_error = $3, lease_holder = NULL, lease_until = NULL, payload = CASE WHEN $2 = 'done' THEN '' ELSE payload END WHERE id = $1`, [
      id,
      outcome,
      error ?? null,
    ]);
  }

  /** Releases a claimed delivery so that it is retried after `retryAt`. */
  async retry(id: string, retryAt: Date, error: string): Promise<void> {
    await this.db.run(
      `UPDATE deliveries SET retry_at = $2, last_error = $3, lease_holder = NULL, lease_until = NULL
       WHERE id = $1 AND status = 'pending'`,
      [id, retryAt, error],
    );
  }

  async counts(): Promise<{ pending: number; done: number; failed: number }> {
    const counts = { pending: 0, done: 0, failed: 0 };
    const rows = await this.db.query<{ status: keyof typeof counts; n: number }>(`SELECT status, COUNT(*) AS n FROM deliveries GROUP BY status`);
    for (const r of rows) counts[r.status] = Number(r.n);
    return counts;
  }

  /** When the oldest delivery still pending was received (for the queue-age metric); undefined when none is. */
  async oldestPending(): Promise<Date | undefined> {
    const row = await queryOne<{ t: number | null }>(this.db, `SELECT MIN(received_at) AS t FROM deliveries WHERE status = 'pending'`);
    return row?.t == null ? undefined : new Date(Number(row.t));
  }
  /**
   * Deletes the oldest finished deliveries of one status (done, or failed: dead) received before
   * `receivedBefore`, at most `limit` of them; returns how many. Pending ones are never touched
   * (see retention.ts).
   */
  async prune(status: "done" | "failed", receivedBefore: Date, limit: number): Promise<number> {
    // The oldest `limit` of one status, read off the deliveries_status index (status, received_at, id):
    // each chunk touches only the rows it deletes, however large the table.
    const { changes } = await this.db.run(
      `DELETE FROM deliveries WHERE id IN (
         SELECT id FROM deliveries WHERE status = $1 AND received_at < $2 ORDER BY received_at, id LIMIT $3
       ) AND status = $1`,
      [status, receivedBefore, limit],
    );
    return changes;
  }
}

/** Deliveries per INSERT statement (5 parameters each: well below either database's limit). */
const INSERT_CHUNK = 100;
/** Ids per statement that marks deliveries done. */
const FINISH_CHUNK = 500;

type NewDelivery = { id: string; name: string; payload: string; receivedAt: Date; installationId?: number | null };

interface DeliveryRow {
  id: string;
  name: string;
  payload: string;
  received_at: number;
  attempts: number;
  installation_id: number | null;
}
