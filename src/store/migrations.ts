import type { Db } from "./db.js";

/**
 * The schema, as an append-only list: never edit an applied migration, add a new one.
 * SQL common to SQLite and PostgreSQL: BIGINT epoch milliseconds, TEXT for JSON.
 */
export interface Migration {
  id: number;
  name: string;
  /** The SQL script; a function when a detail differs between the databases. */
  up: string | ((dialect: Db["dialect"]) => string);
}

/**
 * Byte-order comparison for keys searched by prefix (a range on the primary key). SQLite compares
 * bytes by default; PostgreSQL follows the database locale, where a prefix is not a range.
 */
const bytewise = (dialect: Db["dialect"]) => (dialect === "postgres" ? ' COLLATE "C"' : "");

export const migrations: Migration[] = [
  {
    id: 1,
    name: "initial",
    up: (dialect) => `
CREATE TABLE deliveries (
  id           TEXT PRIMARY KEY,           -- X-GitHub-Delivery: stable across redeliveries
  name         TEXT NOT NULL,
  payload      TEXT NOT NULL,
  received_at  BIGINT NOT NULL,
  status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
  attempts     INTEGER NOT NULL DEFAULT 0,
  retry_at     BIGINT NOT NULL DEFAULT 0,
  lease_holder TEXT,
  lease_until  BIGINT,
  last_error   TEXT
);
-- claimDeliveries (pending ones, already in claim order) and deliveryCounts (covering).
CREATE INDEX deliveries_status ON deliveries (status, received_at, id);

CREATE TABLE registry_cache (
  repo_id       BIGINT PRIMARY KEY,
  repo_key      TEXT NOT NULL,
  owner         TEXT NOT NULL,             -- lower-cased owner of repo_key: GitHub logins ignore case
  registry_json TEXT,
  errors_json   TEXT,
  fetched_at    BIGINT NOT NULL
);
CREATE INDEX registry_cache_owner ON registry_cache (owner);

CREATE TABLE pulls (
  repo_id    BIGINT NOT NULL,
  number     INTEGER NOT NULL,
  head_sha   TEXT NOT NULL,
  base_ref   TEXT NOT NULL,
  author     TEXT NOT NULL,
  state      TEXT NOT NULL CHECK (state IN ('open', 'closed')),
  touched    TEXT NOT NULL,                -- JSON: string[] or "all"
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (repo_id, number)
);
CREATE INDEX pulls_head ON pulls (repo_id, head_sha, number);

-- The newest result per (commit, name).
CREATE TABLE ci_results (
  repo_id      BIGINT NOT NULL,
  sha          TEXT NOT NULL,
  name         TEXT NOT NULL,
  source       TEXT NOT NULL,
  outcome      TEXT NOT NULL,
  completed_at BIGINT NOT NULL,
  branch       TEXT,
  url          TEXT,
  PRIMARY KEY (repo_id, sha, name)
);

-- The newest result per (branch, name), whatever the commit: one indexed read per branch.
CREATE TABLE branch_results (
  repo_id      BIGINT NOT NULL,
  branch       TEXT NOT NULL,
  name         TEXT NOT NULL,
  sha          TEXT NOT NULL,
  source       TEXT NOT NULL,
  outcome      TEXT NOT NULL,
  completed_at BIGINT NOT NULL,
  url          TEXT,
  PRIMARY KEY (repo_id, branch, name)
);

CREATE TABLE actions (
  key             TEXT${bytewise(dialect)} PRIMARY KEY,
  kind            TEXT NOT NULL,
  target          TEXT NOT NULL,
  desired         TEXT NOT NULL,
  applied         TEXT,
  github_id       TEXT,
  version         INTEGER NOT NULL,
  applied_version INTEGER NOT NULL DEFAULT 0,
  installation_id BIGINT,
  updated_at      BIGINT NOT NULL,
  lease_holder    TEXT,
  lease_until     BIGINT
);
-- pendingActions: only the few not yet applied are indexed.
CREATE INDEX actions_pending ON actions (updated_at, key) WHERE version > applied_version;
`,
  },
  {
    id: 2,
    name: "tier3 timelines, locks, shadow actions",
    up: `
-- One Tier 3 episode per (repository, component): the timeline's whole state as JSON.
CREATE TABLE episodes (
  repo_id         BIGINT NOT NULL,
  component_id    TEXT NOT NULL,
  repo_key        TEXT NOT NULL,
  installation_id BIGINT NOT NULL,
  state           TEXT NOT NULL,
  -- When the sweep must look at it next; NULL while nothing is scheduled (closed, frozen).
  due_at          BIGINT,
  version         INTEGER NOT NULL,
  updated_at      BIGINT NOT NULL,
  PRIMARY KEY (repo_id, component_id)
);
-- dueEpisodes reads only what is due.
CREATE INDEX episodes_due ON episodes (due_at) WHERE due_at IS NOT NULL;

-- Named leases (the sweep): one holder at a time across replicas.
CREATE TABLE locks (
  name        TEXT PRIMARY KEY,
  holder      TEXT NOT NULL,
  lease_until BIGINT NOT NULL
);

-- Shadow mode: the intent is recorded and shown, never sent to GitHub.
ALTER TABLE actions ADD COLUMN shadow INTEGER NOT NULL DEFAULT 0;
`,
  },
  {
    id: 3,
    name: "recently changed episodes",
    // The sweep renders recently changed timelines again, to link what their steps created.
    up: "CREATE INDEX episodes_updated ON episodes (updated_at);",
  },
  {
    id: 4,
    name: "tier 2 requests, away time, disabled components, changed lines",
    up: (dialect) => `
-- One request to one Tier 2 maintainer on one thread about one component: the core's state as JSON.
CREATE TABLE requests (
  key             TEXT${bytewise(dialect)} PRIMARY KEY,
  repo_id         BIGINT NOT NULL,
  repo_key        TEXT NOT NULL,
  installation_id BIGINT NOT NULL,
  component_id    TEXT NOT NULL,
  thread          INTEGER NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('open', 'replied', 'cancelled')),
  requested_at    BIGINT NOT NULL,
  state           TEXT NOT NULL,
  due_at          BIGINT,
  version         INTEGER NOT NULL,
  updated_at      BIGINT NOT NULL
);
-- The sweep reads only what is due; a reply looks only at the thread's open requests.
CREATE INDEX requests_due ON requests (due_at) WHERE due_at IS NOT NULL;
CREATE INDEX requests_open ON requests (repo_id, thread) WHERE status = 'open';
-- The figures read a repository's requests of the rolling window.
CREATE INDEX requests_repo ON requests (repo_id, requested_at);

-- /tier away: each maintainer's away periods in a repository, as JSON.
CREATE TABLE away (
  repo_id BIGINT NOT NULL,
  login   TEXT NOT NULL,                  -- lower-cased
  periods TEXT NOT NULL,
  PRIMARY KEY (repo_id, login)
);

-- Tier 1 and Tier 2 components seen disabled in CI on the default branch, since when.
CREATE TABLE disablements (
  repo_id         BIGINT NOT NULL,
  component_id    TEXT NOT NULL,
  repo            TEXT NOT NULL,          -- JSON of the repository as events describe it
  installation_id BIGINT NOT NULL,
  tier            INTEGER NOT NULL,
  since           BIGINT NOT NULL,
  -- When the alarm is due; NULL once it is decided.
  due_at          BIGINT,
  PRIMARY KEY (repo_id, component_id)
);
CREATE INDEX disablements_due ON disablements (due_at) WHERE due_at IS NOT NULL;

-- Lines changed per component (JSON), for the major-change rule.
ALTER TABLE pulls ADD COLUMN lines TEXT;
`,
  },
  {
    id: 5,
    name: "status page: actions by repository",
    // The status page lists a repository's latest actions; the repository is only in the target's JSON.
    up: (dialect) => `CREATE INDEX actions_repository ON actions (${actionRepository(dialect)}, updated_at);`,
  },
  {
    id: 6,
    name: "evidence for the tier requirements, tier standings",
    up: `
-- Each check name seen on the default branch: first and last seen there, last passed (completion times).
CREATE TABLE default_branch_checks (
  repo_id        BIGINT NOT NULL,
  name           TEXT NOT NULL,
  first_seen_at  BIGINT NOT NULL,
  last_seen_at   BIGINT NOT NULL,
  last_passed_at BIGINT,
  PRIMARY KEY (repo_id, name)
);

-- Pull-request CI time per check name and UTC day: the CI cost's rolling window.
CREATE TABLE pr_ci_time (
  repo_id BIGINT NOT NULL,
  day     BIGINT NOT NULL,               -- the day's first instant
  name    TEXT NOT NULL,
  ms      BIGINT NOT NULL,
  PRIMARY KEY (repo_id, day, name)
);
CREATE INDEX pr_ci_time_day ON pr_ci_time (day);

-- The completion time whose duration was counted: a redelivery, or the check run and the
-- workflow job of one Actions job, count once.
ALTER TABLE ci_results ADD COLUMN timed_at BIGINT;

-- Repositories with evidence: where they live, and when their tier standings were last judged.
CREATE TABLE evidence_repos (
  repo_id         BIGINT PRIMARY KEY,
  repo            TEXT NOT NULL,         -- JSON of the repository as events describe it
  installation_id BIGINT NOT NULL,
  judged_at       BIGINT
);

-- Since when each component meets the tier above (with evidence), and misses its own tier's requirements.
CREATE TABLE tier_standings (
  repo_id           BIGINT NOT NULL,
  component_id      TEXT NOT NULL,
  tier              INTEGER NOT NULL,
  meets_above_since BIGINT,
  misses_own_since  BIGINT,
  PRIMARY KEY (repo_id, component_id)
);
`,
  },
  {
    id: 7,
    name: "owners looked up on GitHub",
    // The owners the daily judgement looked up (collaborator, existing team): the clear-owner evidence.
    up: `
CREATE TABLE owner_lookups (
  repo_id    BIGINT NOT NULL,
  owner_key  TEXT NOT NULL,
  status     TEXT NOT NULL,
  checked_at BIGINT NOT NULL,
  PRIMARY KEY (repo_id, owner_key)
);
`,
  },
  {
    id: 8,
    name: "merge queue entries; results keyed apart from their names",
    // Rebuilt, not altered: SQLite cannot change a primary key in place.
    up: `
-- Every workflow's check suite is named after the app ("GitHub Actions"): keyed by name alone,
-- the suites of one commit overwrote each other. result_key is the name, or the suite's own key.
CREATE TABLE ci_results_keyed (
  repo_id      BIGINT NOT NULL,
  sha          TEXT NOT NULL,
  result_key   TEXT NOT NULL,
  name         TEXT NOT NULL,
  source       TEXT NOT NULL,
  outcome      TEXT NOT NULL,
  completed_at BIGINT NOT NULL,
  branch       TEXT,
  url          TEXT,
  timed_at     BIGINT,
  PRIMARY KEY (repo_id, sha, result_key)
);
INSERT INTO ci_results_keyed (repo_id, sha, result_key, name, source, outcome, completed_at, branch, url, timed_at)
  SELECT repo_id, sha, name, name, source, outcome, completed_at, branch, url, timed_at FROM ci_results;
DROP TABLE ci_results;
ALTER TABLE ci_results_keyed RENAME TO ci_results;

-- A pull request tested in the merge queue: the queue's commit, its base on the default
-- branch, and the PR's head when it was queued (a later push makes the entry stale).
CREATE TABLE queue_entries (
  repo_id       BIGINT NOT NULL,
  head_sha      TEXT NOT NULL,
  pull          INTEGER NOT NULL,
  base_ref      TEXT NOT NULL,
  base_sha      TEXT NOT NULL,
  pull_head_sha TEXT NOT NULL,
  seen_at       BIGINT NOT NULL,
  PRIMARY KEY (repo_id, head_sha, pull)
);
CREATE INDEX queue_entries_pull ON queue_entries (repo_id, pull, seen_at);
CREATE INDEX queue_entries_base ON queue_entries (repo_id, base_sha, base_ref);
`,
  },
  {
    id: 9,
    name: "fairness by installation, parked installations and repositories, sweep back-off",
    up: `
-- The worker claims deliveries round-robin by installation (0: none, or stored before this column).
ALTER TABLE deliveries ADD COLUMN installation_id BIGINT NOT NULL DEFAULT 0;
-- claimDeliveries: the installations with pending deliveries (a loose index scan), then each one's oldest.
CREATE INDEX deliveries_installation ON deliveries (status, installation_id, received_at, id);

-- Where work stops: a whole installation (repo_id 0: suspended or deleted) or one repository
-- removed from it. Their deliveries are dropped; their actions and sweep items wait here.
CREATE TABLE parked (
  installation_id BIGINT NOT NULL,
  repo_id         BIGINT NOT NULL,
  repo_key        TEXT NOT NULL,          -- lower-cased owner/name; '' for a whole installation
  reason          TEXT NOT NULL,
  since           BIGINT NOT NULL,
  PRIMARY KEY (installation_id, repo_id)
);

-- pendingActions: the installations with pending actions (a loose index scan), then each one's oldest.
CREATE INDEX actions_pending_installation ON actions (installation_id, updated_at, key) WHERE version > applied_version;

-- Consecutive sweep failures of a timeline: each one pushes its next look further away.
ALTER TABLE episodes ADD COLUMN sweep_failures INTEGER NOT NULL DEFAULT 0;
`,
  },
  {
    id: 10,
    name: "registry cache: the source and the parser version",
    up: `
-- What the config loader returned (JSON), so that a newer parser can read it again without GitHub;
-- NULL when the repository has no registry, or it was refused before parsing (too large).
ALTER TABLE registry_cache ADD COLUMN source_json TEXT;
-- REGISTRY_PARSER_VERSION of the parser that wrote registry_json and errors_json. 0: a row written
-- before this migration, without its source: stale, read again from GitHub at the next need.
ALTER TABLE registry_cache ADD COLUMN parser_version INTEGER NOT NULL DEFAULT 0;
`,
  },
  {
    id: 11,
    name: "registry cache: an id per written entry",
    up: `
-- A fresh random id at every write of an entry (a fetch, or a parse again), so that a reader that
-- holds the entry parsed already knows it from this column alone, without reading the registry's
-- JSON again at every delivery. '': a row written before this migration, read in full each time.
ALTER TABLE registry_cache ADD COLUMN entry_id TEXT NOT NULL DEFAULT '';
`,
  },
];

/**
 * Status page: `owner/repo` of an action's target (JSON), lower-cased. Migration 5 indexes this
 * expression and Actions.ofRepository (actions.ts) queries it: both must spell it the same.
 */
export function actionRepository(dialect: Db["dialect"]): string {
  return dialect === "postgres"
    ? "lower((target::jsonb ->> 'owner') || '/' || (target::jsonb ->> 'repo'))"
    : "lower(json_extract(target, '$.owner') || '/' || json_extract(target, '$.repo'))";
}

/** Any constant: the key of the PostgreSQL advisory lock that serializes migrating processes. */
const MIGRATION_LOCK = 7_164_353_291;

/**
 * Applies the missing migrations, each in its own transaction. Concurrent processes queue on a
 * lock (an advisory lock on PostgreSQL, the write lock of BEGIN IMMEDIATE on SQLite), then
 * see what the first one applied.
 */
export async function migrate(db: Db, list: readonly Migration[] = migrations): Promise<void> {
  const lock = async (tx: Db) => {
    if (tx.dialect === "postgres") await tx.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
  };
  // Created under the lock too: concurrent CREATE TABLE IF NOT EXISTS can fail on PostgreSQL.
  await db.transaction(async (tx) => {
    await lock(tx);
    await tx.exec("CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
  });
  for (const m of [...list].sort((a, b) => a.id - b.id)) {
    await db.transaction(async (tx) => {
      await lock(tx);
      const done = await tx.query("SELECT id FROM schema_migrations WHERE id = $1", [m.id]);
      if (done.length > 0) return;
      await tx.exec(typeof m.up === "string" ? m.up : m.up(tx.dialect));
      await tx.run("INSERT INTO schema_migrations (id, name, applied_at) VALUES ($1, $2, $3)", [m.id, m.name, Date.now()]);
    });
  }
}
