import type { CiResult, PullRecord, RepoRef } from "../core/model.js";
import type { AwayPeriod } from "../core/responsiveness.js";
import type { OwnerStatus } from "../core/registry-findings.js";
import type { DefaultBranchCheck } from "../core/evidence.js";
import type { Standing } from "../core/suggestions.js";

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

/** Where work stops: a whole installation (`repoId` 0), or one repository removed from it. */
export interface ParkedScope {
  installationId: number;
  repoId: number;
  /** `owner/name` of a parked repository; "" for a whole installation. */
  repoKey: string;
  reason: string;
  since: Date;
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

/** A Tier 2 request as stored: the core's request state, plus what the sweep and the figures index. */
export interface RequestRecord {
  /** `requestKey(...)`: repository, thread, component and maintainer. */
  key: string;
  repoId: number;
  repoKey: string;
  installationId: number;
  componentId: string;
  thread: number;
  status: "open" | "replied" | "cancelled";
  requestedAt: Date;
  /** JSON of the core's Tier2Request. */
  state: string;
  dueAt: Date | null;
  /** Optimistic concurrency, as for episodes. */
  version: number;
  updatedAt: Date;
}

/** A Tier 1 or Tier 2 component seen disabled in CI on the default branch. */
export interface DisablementRecord {
  repoId: number;
  componentId: string;
  repo: RepoRef;
  installationId: number;
  tier: number;
  since: Date;
  /** When its alarm is due; null once decided. */
  dueAt: Date | null;
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
  enqueueDelivery(d: { id: string; name: string; payload: string; receivedAt: Date; installationId?: number | null }): Promise<boolean>;
  /**
   * Claims up to `limit` deliveries that are pending or whose lease expired, and counts the attempt
   * in the same statement. Round-robin by installation (each installation's oldest first, then
   * each one's second, ...), so a flood from one installation cannot starve another. A delivery
   * claimed before without finishing comes alone, so that a poison delivery takes no other down
   * with it. Deliveries already claimed `maxClaims` times are left to `buryDeliveries`.
   */
  claimDeliveries(worker: string, limit: number, now: Date, leaseMs: number, maxClaims?: number): Promise<StoredDelivery[]>;
  /**
   * Gives up, for good and with `reason`, the deliveries claimed `maxClaims` times whose last claim
   * ended without finishing them (the process crashed or hung meanwhile). Returns them.
   */
  buryDeliveries(maxClaims: number, now: Date, reason: string): Promise<{ id: string; name: string; attempts: number }[]>;
  /** Deliveries given up for good (status failed), most recently received first. */
  deadDeliveries(limit: number): Promise<DeadDelivery[]>;
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

  // Installations and repositories where work stops (suspended, deleted, removed).
  /** Parks a whole installation (`repoId` 0) or one of its repositories; a second park keeps the first reason. */
  park(scope: ParkedScope): Promise<void>;
  /** Resumes an installation (`repoId` omitted: the installation's own entry) or one of its repositories. */
  unpark(installationId: number, repoId?: number): Promise<void>;
  parkedScopes(): Promise<ParkedScope[]>;

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

  // The merge queue.
  /** Remembers that a PR was tested at a queue commit; the first sighting of (commit, PR) stays. */
  recordQueueEntry(entry: QueueEntry): Promise<void>;
  /** The PR's most recently seen queue entry. */
  latestQueueEntry(repoId: number, pull: number): Promise<QueueEntry | undefined>;
  /** The PRs known to be tested at a queue commit. */
  queueEntriesAt(repoId: number, headSha: string): Promise<QueueEntry[]>;
  /** Whether a commit is the base of a queue entry into `branch`, and no queue commit itself (so a commit of that branch). */
  isQueueBase(repoId: number, sha: string, branch: string): Promise<boolean>;

  // Actions: intents first, then the executor applies them.
  /**
   * Records the desired state of an action. A no-op (returns false) when it equals what is
   * already desired; otherwise bumps `version`.
   */
  /** `shadow` is required, so that no call site can forget the policy's mode (shadow: recorded, never sent). */
  saveIntent(a: { key: string; kind: string; target: string; desired: string; installationId: number | null; now: Date; shadow: boolean }): Promise<boolean>;
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
  /**
   * After a sweep failed on the episode: its next look moves `delayMs(failures)` past `now`, where
   * `failures` counts the consecutive ones (a save resets it). Its state and version stay.
   */
  deferEpisode(repoId: number, componentId: string, now: Date, delayMs: (failures: number) => number): Promise<number>;
  /** Episodes due at `now`, soonest first, outside parked installations and repositories: the sweep reads nothing else. */
  dueEpisodes(now: Date, limit: number): Promise<EpisodeRecord[]>;
  episodesOfRepo(repoId: number): Promise<EpisodeRecord[]>;
  /** Episodes saved at or after `since`, newest first. */
  episodesChangedSince(since: Date, limit: number): Promise<EpisodeRecord[]>;
  /** For the CLI: episodes of one repository (`owner/name`) or of all, most recently changed first. */
  listEpisodes(repoKey: string | undefined, limit: number): Promise<EpisodeRecord[]>;
  /** For the CLI: what shadow mode recorded instead of sending, newest first. */
  shadowActions(limit: number): Promise<ActionRecord[]>;

  // Tier 2 requests, away time and disabled components.
  getRequest(key: string): Promise<RequestRecord | undefined>;
  /** Compare-and-set, as `saveEpisode`: version 1 inserts, else it must follow the version read. */
  saveRequest(record: RequestRecord): Promise<boolean>;
  dueRequests(now: Date, limit: number): Promise<RequestRecord[]>;
  openRequestsOnThread(repoId: number, thread: number): Promise<RequestRecord[]>;
  openRequestsOfRepo(repoId: number): Promise<RequestRecord[]>;
  /** Requests made since `since`, of one repository (by id or `owner/name`) or of all, oldest first. */
  requestsSince(repo: { repoId: number } | { repoKey: string } | undefined, since: Date): Promise<RequestRecord[]>;
  /** Repositories with requests made since `since`. */
  repositoriesWithRequests(since: Date): Promise<{ repoId: number; repoKey: string; installationId: number }[]>;
  /** A maintainer's away periods in a repository, and everyone's. */
  getAway(repoId: number, login: string): Promise<AwayPeriod[]>;
  awayOfRepo(repoId: number): Promise<Map<string, AwayPeriod[]>>;
  putAway(repoId: number, login: string, periods: AwayPeriod[]): Promise<void>;
  /** Records a component seen disabled; returns false when it already was (its `since` stays). */
  markDisabled(record: DisablementRecord): Promise<boolean>;
  /** Forgets a component that is enabled again; returns what was recorded. */
  clearDisabled(repoId: number, componentId: string): Promise<DisablementRecord | undefined>;
  disablementsOfRepo(repoId: number): Promise<DisablementRecord[]>;
  dueDisablements(now: Date, limit: number): Promise<DisablementRecord[]>;
  /** The alarm is decided: nothing more is due. */
  settleDisablement(repoId: number, componentId: string): Promise<void>;

  // Named leases across replicas.
  tryLock(name: string, holder: string, now: Date, leaseMs: number): Promise<boolean>;
  unlock(name: string, holder: string): Promise<void>;

  // Status page
  /** The cached registry of the repository `owner/name`, whatever the case of the letters (GitHub's names ignore it). */
  registryByName(owner: string, name: string): Promise<RegistryCacheEntry | undefined>;
  /** Repositories whose registry is cached (valid or not), by name, at most `limit`. */
  repositoriesWithRegistry(limit: number): Promise<{ repoId: number; repoKey: string }[]>;
  /** The actions whose target is in the repository `owner/name` (any case), most recently decided first. */
  actionsOfRepository(repoKey: string, limit: number): Promise<ActionRecord[]>;

  // Evidence
  /** A recorded result on the default branch: its name's first and last time seen there, and last pass. */
  noteDefaultBranchResult(where: EvidenceRepo, result: CiResult): Promise<void>;
  /**
   * Adds a recorded result's pull-request CI time (`ms`) to its name's bucket of `day`, once per
   * (commit, name, completion time): a redelivery, or the check run and the workflow job of one
   * Actions job, count once. Returns whether it counted.
   */
  addPullRequestCiTime(where: EvidenceRepo, result: CiResult, day: Date, ms: number): Promise<boolean>;
  defaultBranchChecks(repoId: number): Promise<DefaultBranchCheck[]>;
  /** Pull-request CI time in milliseconds per check name, over the day buckets from `since`. */
  pullRequestCiTime(repoId: number, since: Date): Promise<Map<string, number>>;
  /** Drops the day buckets before `before`: the window only moves forward. */
  forgetCiTimeBefore(before: Date): Promise<void>;
  /** Takes up to `limit` repositories with evidence not judged since `since`, marking them judged at `now`. */
  claimRepositoriesToJudge(since: Date, now: Date, limit: number): Promise<EvidenceRepo[]>;
  standingsOfRepo(repoId: number): Promise<Standing[]>;
  /** Replaces the repository's standings. */
  saveStandings(repoId: number, standings: readonly Standing[]): Promise<void>;
  /** Replaces what GitHub said of the repository's owners (by `ownerKey`). */
  saveOwnerLookups(repoId: number, statuses: ReadonlyMap<string, OwnerStatus>, at: Date): Promise<void>;
  ownerLookups(repoId: number): Promise<Map<string, OwnerStatus>>;

  // Retention (see retention.ts)
  /**
   * Deletes the oldest finished deliveries of one status (done, or failed: dead) received before
   * `receivedBefore`, at most `limit` of them; returns how many. Pending ones are never touched.
   */
  pruneDeliveries(status: "done" | "failed", receivedBefore: Date, limit: number): Promise<number>;
}

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

/** A repository whose evidence is kept, and the installation to act through. */
export interface EvidenceRepo {
  repo: RepoRef;
  installationId: number;
}
