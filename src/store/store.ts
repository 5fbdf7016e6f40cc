import type { Actions } from "./actions.js";
import type { Deliveries } from "./deliveries.js";
import type { Disablements } from "./disablements.js";
import type { Episodes } from "./episodes.js";
import type { Evidence } from "./evidence.js";
import type { Locks } from "./locks.js";
import type { ParkedScopes } from "./parked.js";
import type { Pulls } from "./pulls.js";
import type { MergeQueue } from "./queue.js";
import type { RegistryCache } from "./registry-cache.js";
import type { Away, Requests } from "./requests.js";
import type { Results } from "./results.js";

/**
 * Everything tierkeeper remembers, one module per kind of record (`store.deliveries.enqueue`,
 * `store.episodes.due`, ...). Each kind returns domain types: its JSON columns are parsed and
 * checked where they are read (json.ts), so callers never cast a stored string.
 * One implementation over one SQL text (see sql-store.ts): SQLite for one instance, PostgreSQL
 * for several replicas. Times are stored as epoch milliseconds.
 */
export interface Store {
  /** Creates or upgrades the schema. Safe to run concurrently from several processes. */
  migrate(): Promise<void>;
  close(): Promise<void>;
  /** Cheap round-trip to the database, for health checks. */
  ping(): Promise<void>;
  /** At start-up: frees the leases a crashed predecessor left, where that is safe (one-process SQLite). */
  recoverAfterRestart(): Promise<void>;

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
}

export type { ActionRecord } from "./actions.js";
export type { DeadDelivery, StoredDelivery } from "./deliveries.js";
export type { DisablementRecord } from "./disablements.js";
export type { EpisodeRecord } from "./episodes.js";
export type { EvidenceRepo } from "./evidence.js";
export type { ParkedScope } from "./parked.js";
export type { QueueEntry } from "./queue.js";
export type { CachedRegistry, RegistryToCache } from "./registry-cache.js";
export type { RequestRecord } from "./requests.js";
export { StoredDataError } from "./json.js";
