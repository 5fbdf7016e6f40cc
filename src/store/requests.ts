import type { AwayPeriod, Tier2Request } from "../core/responsiveness.js";
import { queryOne, type Db } from "./db.js";
import { checkAwayPeriods, checkTier2Request, readJson, readOnUse } from "./json.js";
import { unparked } from "./parked.js";

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
  /** The core's Tier2Request (stored as JSON). */
  state: Tier2Request;
  dueAt: Date | null;
  /** Optimistic concurrency, as for episodes. */
  version: number;
  updatedAt: Date;
}

/** Tier 2 requests: one to one maintainer on one thread about one component. */
export class Requests {
  constructor(private readonly db: Db) {}

  async get(key: string): Promise<RequestRecord | undefined> {
    const r = await queryOne<RequestRow>(this.db, `SELECT ${REQUEST_COLUMNS} FROM requests WHERE key = $1`, [key]);
    return r && toRequest(r);
  }

  /** Compare-and-set, as `Episodes.save`: version 1 inserts, else it must follow the version read. */
  async save(q: RequestRecord): Promise<boolean> {
    const values = [q.key, q.repoId, q.repoKey, q.installationId, q.componentId, q.thread, q.status, q.requestedAt, JSON.stringify(q.state), q.dueAt, q.version, q.updatedAt];
    if (q.version === 1) {
      const { changes } = await this.db.run(`INSERT INTO requests (${REQUEST_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (key) DO NOTHING`, values);
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

  async due(now: Date, limit: number): Promise<RequestRecord[]> {
    const rows = await this.db.query<RequestRow>(`SELECT ${REQUEST_COLUMNS} FROM requests WHERE due_at IS NOT NULL AND due_at <= $1 AND ${unparked("requests")} ORDER BY due_at LIMIT $2`, [
      now,
      limit,
    ]);
    return rows.map(toRequest);
  }

  async openOnThread(repoId: number, thread: number): Promise<RequestRecord[]> {
    const rows = await this.db.query<RequestRow>(`SELECT ${REQUEST_COLUMNS} FROM requests WHERE repo_id = $1 AND thread = $2 AND status = 'open' ORDER BY key`, [repoId, thread]);
    return rows.map(toRequest);
  }

  async openOfRepo(repoId: number): Promise<RequestRecord[]> {
    const rows = await this.db.query<RequestRow>(`SELECT ${REQUEST_COLUMNS} FROM requests WHERE repo_id = $1 AND status = 'open' ORDER BY key`, [repoId]);
    return rows.map(toRequest);
  }

  /** Requests made since `since`, of one repository (by id or `owner/name`) or of all, oldest first. */
  async since(repo: { repoId: number } | { repoKey: string } | undefined, since: Date): Promise<RequestRecord[]> {
    const order = "ORDER BY requested_at, key";
    const rows = !repo
      ? await this.db.query<RequestRow>(`SELECT ${REQUEST_COLUMNS} FROM requests WHERE requested_at >= $1 ${order}`, [since])
      : "repoId" in repo
        ? await this.db.query<RequestRow>(`SELECT ${REQUEST_COLUMNS} FROM requests WHERE repo_id = $1 AND requested_at >= $2 ${order}`, [repo.repoId, since])
        : await this.db.query<RequestRow>(`SELECT ${REQUEST_COLUMNS} FROM requests WHERE repo_key = $1 AND requested_at >= $2 ${order}`, [repo.repoKey, since]);
    return rows.map(toRequest);
  }

  /** Repositories with requests made since `since`. */
  async repositories(since: Date): Promise<{ repoId: number; repoKey: string; installationId: number }[]> {
    const rows = await this.db.query<{ repo_id: number; repo_key: string; installation_id: number }>(
      `SELECT repo_id, MAX(repo_key) AS repo_key, MAX(installation_id) AS installation_id FROM requests WHERE requested_at >= $1 GROUP BY repo_id ORDER BY repo_id`,
      [since],
    );
    return rows.map((r) => ({ repoId: Number(r.repo_id), repoKey: r.repo_key, installationId: Number(r.installation_id) }));
  }
}

/** `/tier away`: each maintainer's away periods in a repository (logins compared lower-cased). */
export class Away {
  constructor(private readonly db: Db) {}

  /** A maintainer's away periods in a repository, and everyone's. */
  async get(repoId: number, login: string): Promise<AwayPeriod[]> {
    const r = await queryOne<{ periods: string }>(this.db, `SELECT periods FROM away WHERE repo_id = $1 AND login = $2`, [repoId, login.toLowerCase()]);
    return r ? readJson<AwayPeriod[]>("away", `(repo ${repoId}, login ${login.toLowerCase()})`, "periods", r.periods, checkAwayPeriods) : [];
  }

  async ofRepo(repoId: number): Promise<Map<string, AwayPeriod[]>> {
    const rows = await this.db.query<{ login: string; periods: string }>(`SELECT login, periods FROM away WHERE repo_id = $1`, [repoId]);
    return new Map(rows.map((r) => [r.login, readJson<AwayPeriod[]>("away", `(repo ${repoId}, login ${r.login})`, "periods", r.periods, checkAwayPeriods)]));
  }

  async put(repoId: number, login: string, periods: AwayPeriod[]): Promise<void> {
    await this.db.run(`INSERT INTO away (repo_id, login, periods) VALUES ($1, $2, $3) ON CONFLICT (repo_id, login) DO UPDATE SET periods = excluded.periods`, [
      repoId,
      login.toLowerCase(),
      JSON.stringify(periods),
    ]);
  }
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

/** The state is parsed on first use: one corrupt request fails alone, where it is stepped (see readOnUse). */
function toRequest(r: RequestRow): RequestRecord {
  const record: RequestRecord = {
    key: r.key,
    repoId: Number(r.repo_id),
    repoKey: r.repo_key,
    installationId: Number(r.installation_id),
    componentId: r.component_id,
    thread: Number(r.thread),
    status: r.status,
    requestedAt: new Date(Number(r.requested_at)),
    state: undefined as unknown as Tier2Request, // defined below, in its place
    dueAt: r.due_at === null ? null : new Date(Number(r.due_at)),
    version: Number(r.version),
    updatedAt: new Date(Number(r.updated_at)),
  };
  return readOnUse(record, "state", () => readJson<Tier2Request>("requests", `(key ${r.key})`, "state", r.state, checkTier2Request));
}
