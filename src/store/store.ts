import type { CiResult, PullRecord } from "../core/model.js";

/**
 * Everything tierkeeper remembers, behind one small interface.
 * Two implementations share one SQL text (see sql-store.ts): SQLite for one instance,
 * PostgreSQL for several replicas. Times are stored as epoch milliseconds.
 */

export interface StoredDelivery {
  id: string;
  name: string;
  payload: string;
  receivedAt: Date;
  attempts: number;
}

/** A cached registry lookup: the raw text (or absence) at a default-branch version. */
export interface RegistryCacheEntry {
  repoId: number;
  /** `owner/name`, for invalidation by owner (an organisation's `.github` repository). */
  repoKey: string;
  /** JSON of the parsed registry, or null when the repository has none. */
  registryJson: string | null;
  /** JSON of the parse errors when the registry is invalid, else null. */
  errorsJson: string | null;
  fetchedAt: Date;
}

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

/** A Tier 3 timeline as stored: the core's episode state, plus what the sweep indexes. */
export interface EpisodeRecord {
  repoId: number;
  componentId: string;
  repoKey: string;
  installationId: number;
  /** JSON of the core's Episode. */
  state: string;
  dueAt: Date | null;
  /** Optimistic concurrency: a save succeeds only against the version it read. */
  version: number;
  updatedAt: Date;
}

export interface Store {
  /** Creates or upgrades the schema. Safe to run concurrently from several processes. */
  migrate(): Promise<void>;
  close(): Promise<void>;
  /** Cheap round-trip to the database, for health checks. */
  ping(): Promise<void>;
  /** At start-up: frees the leases a crashed predecessor left, where that is safe (one-process SQLite). */
  recoverAfterRestart(): Promise<void>;

  // Deliveries: acknowledged only once stored, processed from here.
  /** Returns false when a delivery with this id was already stored (a redelivery). */
  enqueueDelivery(d: { id: string; name: string; payload: string; receivedAt: Date }): Promise<boolean>;
  /** Claims up to `limit` deliveries that are pending or whose lease expired, oldest first. */
  claimDeliveries(worker: string, limit: number, now: Date, leaseMs: number): Promise<StoredDelivery[]>;
  /** Marks processed deliveries done, in one transaction. */
  finishDeliveries(ids: string[]): Promise<void>;
  /** Marks a claimed delivery done (or failed for good, with the reason). */
  finishDelivery(id: string, outcome: "done" | "failed", error?: string): Promise<void>;
  /** Releases a claimed delivery so that it is retried after `retryAt`. */
  retryDelivery(id: string, retryAt: Date, error: string): Promise<void>;
  deliveryCounts(): Promise<{ pending: number; done: number; failed: number }>;
  /** When the oldest delivery still pending was received (for the queue-age metric); undefined when none is. */
  oldestPendingDelivery(): Promise<Date | undefined>;
  /** Which of these delivery ids are stored (in any state). */
  knownDeliveries(ids: string[]): Promise<Set<string>>;

  // Registry cache, shared by replicas.
  getRegistry(repoId: number): Promise<RegistryCacheEntry | undefined>;
  putRegistry(entry: RegistryCacheEntry): Promise<void>;
  /** Forgets one repository's entry, or all entries of an owner when `repoId` is omitted. */
  invalidateRegistry(by: { repoId: number } | { owner: string }): Promise<void>;

  // Pull requests.
  upsertPull(p: PullRecord): Promise<void>;
  getPull(repoId: number, number: number): Promise<PullRecord | undefined>;
  openPullsByHead(repoId: number, sha: string): Promise<PullRecord[]>;

  // CI results: the newest by completion time wins, whatever the arrival order.
  /** Returns true when the result is newer than what was known for (repo, sha, name). */
  recordResult(r: CiResult): Promise<boolean>;
  resultsForSha(repoId: number, sha: string): Promise<CiResult[]>;
  /** The latest result of every name on a branch. */
  latestResultsOnBranch(repoId: number, branch: string): Promise<CiResult[]>;

  // Actions: intents first, then the executor applies them.
  /**
   * Records the desired state of an action. A no-op (returns false) when it equals what is
   * already desired; otherwise bumps `version`.
   */
  saveIntent(a: { key: string; kind: string; target: string; desired: string; installationId: number | null; now: Date; shadow?: boolean }): Promise<boolean>;
  getAction(key: string): Promise<ActionRecord | undefined>;
  /** Keys of the actions whose key starts with `prefix` (e.g. every breakage comment of a repository), in key order. */
  actionKeysWithPrefix(prefix: string): Promise<string[]>;
  /** Actions whose desired version is ahead of the applied one, and that nobody holds or deferred. */
  pendingActions(limit: number, now?: Date): Promise<ActionRecord[]>;
  /** After a failure: leave the action alone until `until`, so that it cannot block the others. */
  deferAction(key: string, until: Date): Promise<void>;
  /**
   * Takes an exclusive lease on an action so that one executor (of any replica) applies it.
   * Returns false when someone else holds an unexpired lease.
   */
  leaseAction(key: string, holder: string, now: Date, leaseMs: number): Promise<boolean>;
  /** Records what GitHub accepted for `version`, and releases the lease. */
  markApplied(key: string, version: number, applied: string, githubId: string | null): Promise<void>;
  releaseAction(key: string, holder: string): Promise<void>;
  /** Remembers the GitHub object of an action before it is fully applied (crash safety). */
  setGithubId(key: string, githubId: string): Promise<void>;

  // Tier 3 timelines.
  getEpisode(repoId: number, componentId: string): Promise<EpisodeRecord | undefined>;
  /**
   * Saves an episode if nobody changed it since it was read at `record.version - 1`
   * (0: it must not exist yet). Returns false when someone else won: re-read and decide again.
   */
  saveEpisode(record: EpisodeRecord): Promise<boolean>;
  /** Episodes due at `now`, soonest first: the sweep reads nothing else. */
  dueEpisodes(now: Date, limit: number): Promise<EpisodeRecord[]>;
  episodesOfRepo(repoId: number): Promise<EpisodeRecord[]>;
  /** Episodes saved at or after `since`, newest first. */
  episodesChangedSince(since: Date, limit: number): Promise<EpisodeRecord[]>;
  /** For the CLI: episodes of one repository (`owner/name`) or of all, most recently changed first. */
  listEpisodes(repoKey: string | undefined, limit: number): Promise<EpisodeRecord[]>;
  /** For the CLI: what shadow mode recorded instead of sending, newest first. */
  shadowActions(limit: number): Promise<ActionRecord[]>;

  // Named leases across replicas.
  tryLock(name: string, holder: string, now: Date, leaseMs: number): Promise<boolean>;
  unlock(name: string, holder: string): Promise<void>;
}
