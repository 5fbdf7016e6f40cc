import type { Db } from "./db.js";
import { migrate } from "./migrations.js";
import type { Store } from "./store.js";
import { Actions } from "./actions.js";
import { Deliveries } from "./deliveries.js";
import { Disablements } from "./disablements.js";
import { Episodes } from "./episodes.js";
import { Evidence } from "./evidence.js";
import { Locks } from "./locks.js";
import { ParkedScopes } from "./parked.js";
import { Pulls } from "./pulls.js";
import { MergeQueue } from "./queue.js";
import { RegistryCache } from "./registry-cache.js";
import { Away, Requests } from "./requests.js";
import { Results } from "./results.js";

/**
 * The store over either database: one SQL text; the dialect switches are in claims (row locking, a
 * LATERAL join). Each kind of record has its module; this object holds them and the lifecycle.
 */
export class SqlStore implements Store {
  readonly deliveries: Deliveries;
  readonly parked: ParkedScopes;
  readonly registries: RegistryCache;
  readonly pulls: Pulls;
  readonly results: Results;
  readonly queue: MergeQueue;
  readonly actions: Actions;
  readonly episodes: Episodes;
  readonly requests: Requests;
  readonly away: Away;
  readonly disablements: Disablements;
  readonly locks: Locks;
  readonly evidence: Evidence;

  /**
   * `intake`: where arriving deliveries are committed, durably (SQLite: a second connection with
   * synchronous=FULL). Everything else is derived from stored deliveries and safe to redo, so
   * its connection may sync less (SQLite: NORMAL, the WAL still orders it behind every delivery).
   */
  constructor(
    readonly db: Db,
    readonly intakeDb: Db = db,
  ) {
    this.deliveries = new Deliveries(db, intakeDb);
    this.parked = new ParkedScopes(db);
    this.registries = new RegistryCache(db);
    this.pulls = new Pulls(db);
    this.results = new Results(db);
    this.queue = new MergeQueue(db);
    this.actions = new Actions(db);
    this.episodes = new Episodes(db);
    this.requests = new Requests(db);
    this.away = new Away(db);
    this.disablements = new Disablements(db);
    this.locks = new Locks(db);
    this.evidence = new Evidence(db);
  }

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
}
