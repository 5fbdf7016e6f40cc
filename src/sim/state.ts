/**
 * In-memory model of the slice of GitHub tierkeeper touches. Plain data plus
 * the few mutations that carry GitHub semantics (number spaces, mention
 * notifications, commits). Lookups are by Map so hot paths stay O(1).
 */
import { createHash } from "node:crypto";
import { extractMentions } from "./mentions.js";

export type Permission = "admin" | "maintain" | "write" | "triage" | "read" | "none";

export interface SimUser {
  login: string;
  id: number;
  type: "User" | "Bot" | "Organization";
}

export interface SimTeam {
  id: number;
  org: string;
  slug: string;
  name: string;
  /** login (lowercase) -> role */
  members: Map<string, "member" | "maintainer">;
}

export interface SimInstallation {
  id: number;
  account: string;
  /** Lowercased full names, or "all" for every repository of the account. */
  repos: Set<string> | "all";
  createdAt: Date;
}

export interface SimCommit {
  sha: string;
  parents: string[];
  message: string;
  author: string;
  at: Date;
  /** Full tree snapshot: path -> content. Shared structurally is not needed at our sizes. */
  files: Map<string, string>;
}

export interface SimReaction {
  id: number;
  user: string;
  content: string;
  createdAt: Date;
}

export interface SimComment {
  id: number;
  issueNumber: number;
  body: string;
  user: string;
  createdAt: Date;
  updatedAt: Date;
  /** Previous bodies, oldest first (the current body is `body`). */
  history: { body: string; at: Date }[];
  reactions: SimReaction[];
}

export interface PrFile {
  filename: string;
  status: "added" | "removed" | "modified" | "renamed" | "copied" | "changed" | "unchanged";
  previous_filename?: string;
  additions?: number;
  deletions?: number;
}

export interface SimPull {
  headSha: string;
  headRef: string;
  baseRef: string;
  baseSha: string;
  files: PrFile[];
  merged: boolean;
  draft: boolean;
  /** Reviews submitted, oldest first. */
  reviews?: SimReview[];
  /** Logins and team slugs whose review is requested. */
  requestedReviewers?: string[];
  requestedTeams?: string[];
}

export interface SimReview {
  id: number;
  user: string;
  body: string;
  state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED";
  commitId: string;
  submittedAt: Date;
}

export interface SimIssue {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  stateReason: string | null;
  user: string;
  labels: string[];
  assignees: string[];
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
  commentIds: number[];
  reactions: SimReaction[];
  pull?: SimPull;
}

export interface SimLabel {
  id: number;
  name: string;
  color: string;
  description: string | null;
}

export interface SimCheckRun {
  id: number;
  name: string;
  headSha: string;
  status: string;
  conclusion: string | null;
  startedAt: Date | null;
  completedAt: Date | null;
  externalId: string | null;
  detailsUrl: string | null;
  output: { title?: string | null; summary?: string | null; text?: string | null };
  appId: number;
}

export interface SimRepo {
  id: number;
  owner: string;
  name: string;
  fullName: string;
  private: boolean;
  defaultBranch: string;
  createdAt: Date;
  /** branch -> head sha */
  branches: Map<string, string>;
  commits: Map<string, SimCommit>;
  issues: Map<number, SimIssue>;
  nextNumber: number;
  comments: Map<number, SimComment>;
  /** lowercase name -> label */
  labels: Map<string, SimLabel>;
  /** lowercase login -> permission */
  collaborators: Map<string, Permission>;
  checkRuns: Map<number, SimCheckRun>;
  /** Commit statuses, oldest first (what `commitStatus` sent). */
  statuses: SimStatus[];
}

export interface SimStatus {
  id: number;
  sha: string;
  context: string;
  state: "pending" | "success" | "failure" | "error";
  updatedAt: Date;
  description: string | null;
  targetUrl: string | null;
}

export interface SimHookDelivery {
  id: number;
  /** The X-GitHub-Delivery header: the same for a delivery and its redeliveries. */
  guid: string;
  event: string;
  action: string | null;
  statusCode: number;
  status: string;
  deliveredAt: Date;
  redelivery: boolean;
  durationMs: number;
  installationId: number | null;
  repositoryId: number | null;
  payload: unknown;
}

export interface SimNotification {
  /** A login or `org/team`, lowercased. */
  to: string;
  repo: string;
  issueNumber: number;
  /** Absent when the mention is in the issue/PR body itself. */
  commentId?: number;
  at: Date;
}

export function blobSha(content: string): string {
  const buf = Buffer.from(content, "utf8");
  return createHash("sha1").update(`blob ${buf.length}\0`).update(buf).digest("hex");
}

export class SimState {
  readonly users = new Map<string, SimUser>();
  readonly teams = new Map<string, SimTeam>();
  readonly installations = new Map<number, SimInstallation>();
  readonly repos = new Map<string, SimRepo>();
  readonly notifications: SimNotification[] = [];
  /** Every webhook delivery attempt, as the App API's `GET /app/hook/deliveries` lists them. */
  readonly hookDeliveries: SimHookDelivery[] = [];
  /** Set by the simulator: sends an attempt again (`POST /app/hook/deliveries/{id}/attempts`). */
  redeliver?: (attempt: SimHookDelivery) => void;
  private seq = 1000;
  private shaSeq = 0;

  /** Overridable clock so tests can move through response windows. */
  constructor(public now: () => Date = () => new Date()) {}

  nextId(): number {
    return ++this.seq;
  }

  newSha(): string {
    return createHash("sha1").update(`sim-commit-${++this.shaSeq}-${Math.random()}`).digest("hex");
  }

  user(login: string, type: SimUser["type"] = login.endsWith("[bot]") ? "Bot" : "User"): SimUser {
    const key = login.toLowerCase();
    let u = this.users.get(key);
    if (!u) this.users.set(key, (u = { login, id: this.nextId(), type }));
    return u;
  }

  findUser(login: string): SimUser | undefined {
    return this.users.get(login.toLowerCase());
  }

  team(org: string, slug: string, members: string[] = [], name = slug): SimTeam {
    const key = `${org}/${slug}`.toLowerCase();
    let t = this.teams.get(key);
    if (!t) this.teams.set(key, (t = { id: this.nextId(), org, slug, name, members: new Map() }));
    for (const m of members) {
      this.user(m);
      t.members.set(m.toLowerCase(), "member");
    }
    return t;
  }

  repo(fullName: string): SimRepo | undefined {
    return this.repos.get(fullName.toLowerCase());
  }

  mustRepo(fullName: string): SimRepo {
    const r = this.repo(fullName);
    if (!r) throw new Error(`simulator: no repository ${fullName}`);
    return r;
  }

  createRepo(o: { owner: string; name: string; defaultBranch?: string; files?: Record<string, string>; private?: boolean }): SimRepo {
    const owner = this.user(o.owner).login;
    const fullName = `${owner}/${o.name}`;
    if (this.repo(fullName)) throw new Error(`simulator: repository ${fullName} exists`);
    const repo: SimRepo = {
      id: this.nextId(),
      owner,
      name: o.name,
      fullName,
      private: o.private ?? false,
      defaultBranch: o.defaultBranch ?? "main",
      createdAt: this.now(),
      branches: new Map(),
      commits: new Map(),
      issues: new Map(),
      nextNumber: 1,
      comments: new Map(),
      labels: new Map(),
      collaborators: new Map([[owner.toLowerCase(), "admin"]]),
      checkRuns: new Map(),
      statuses: [],
    };
    this.repos.set(fullName.toLowerCase(), repo);
    const c = this.commit(repo, { parents: [], files: new Map(Object.entries(o.files ?? {})), message: "Initial commit", author: owner });
    repo.branches.set(repo.defaultBranch, c.sha);
    return repo;
  }

  commit(repo: SimRepo, c: { parents: string[]; files: Map<string, string>; message: string; author: string; sha?: string }): SimCommit {
    const commit: SimCommit = { sha: c.sha ?? this.newSha(), parents: c.parents, message: c.message, author: c.author, at: this.now(), files: c.files };
    repo.commits.set(commit.sha, commit);
    return commit;
  }

  /** Resolves a branch name, `heads/x`, `refs/heads/x` or a commit sha. */
  resolveRef(repo: SimRepo, ref?: string | null): SimCommit | undefined {
    const r = (ref ?? repo.defaultBranch).replace(/^refs\//, "").replace(/^heads\//, "");
    const sha = repo.branches.get(r) ?? r;
    return repo.commits.get(sha);
  }

  /** Commits file changes (null deletes) on a branch, creating the branch from `from` if needed. */
  pushFiles(repo: SimRepo, branch: string, changes: Record<string, string | null>, o: { message?: string; author?: string; from?: string } = {}): SimCommit {
    const parentSha = repo.branches.get(branch) ?? this.resolveRef(repo, o.from ?? repo.defaultBranch)?.sha;
    const parent = parentSha ? repo.commits.get(parentSha) : undefined;
    const files = new Map(parent?.files ?? []);
    for (const [p, content] of Object.entries(changes)) {
      if (content === null) files.delete(p);
      else files.set(p, content);
    }
    const c = this.commit(repo, { parents: parent ? [parent.sha] : [], files, message: o.message ?? "Update files", author: o.author ?? repo.owner });
    repo.branches.set(branch, c.sha);
    return c;
  }

  installApp(ownerOrRepo: string): SimInstallation {
    const [account, repoName] = ownerOrRepo.split("/");
    const existing = [...this.installations.values()].find((i) => i.account.toLowerCase() === account.toLowerCase());
    if (existing) {
      if (repoName && existing.repos !== "all") existing.repos.add(ownerOrRepo.toLowerCase());
      if (!repoName) existing.repos = "all";
      return existing;
    }
    const inst: SimInstallation = {
      id: this.nextId(),
      account: this.user(account, "Organization").login,
      repos: repoName ? new Set([ownerOrRepo.toLowerCase()]) : "all",
      createdAt: this.now(),
    };
    this.installations.set(inst.id, inst);
    return inst;
  }

  installationFor(fullName: string): SimInstallation | undefined {
    const owner = fullName.split("/")[0].toLowerCase();
    for (const i of this.installations.values()) {
      if (i.account.toLowerCase() !== owner) continue;
      if (i.repos === "all" || i.repos.has(fullName.toLowerCase())) return i;
    }
    return undefined;
  }

  covers(inst: SimInstallation, fullName: string): boolean {
    return inst.account.toLowerCase() === fullName.split("/")[0].toLowerCase() && (inst.repos === "all" || inst.repos.has(fullName.toLowerCase()));
  }

  createIssue(repo: SimRepo, o: { title: string; body?: string | null; user: string; labels?: string[]; assignees?: string[]; pull?: SimPull }): SimIssue {
    const now = this.now();
    const issue: SimIssue = {
      id: this.nextId(),
      number: repo.nextNumber++,
      title: o.title,
      body: o.body ?? null,
      state: "open",
      stateReason: null,
      user: this.user(o.user).login,
      labels: [],
      assignees: o.assignees ?? [],
      createdAt: now,
      updatedAt: now,
      closedAt: null,
      commentIds: [],
      reactions: [],
      pull: o.pull,
    };
    for (const l of o.labels ?? []) this.addLabel(repo, issue, l);
    repo.issues.set(issue.number, issue);
    this.notify(repo, issue.number, undefined, extractMentions(issue.body));
    return issue;
  }

  editIssueBody(repo: SimRepo, issue: SimIssue, body: string | null): void {
    const before = new Set(extractMentions(issue.body));
    issue.body = body;
    issue.updatedAt = this.now();
    this.notify(
      repo,
      issue.number,
      undefined,
      extractMentions(body).filter((m) => !before.has(m)),
    );
  }

  ensureLabel(repo: SimRepo, name: string, color = "ededed", description: string | null = null): SimLabel {
    let l = repo.labels.get(name.toLowerCase());
    if (!l) repo.labels.set(name.toLowerCase(), (l = { id: this.nextId(), name, color, description }));
    return l;
  }

  addLabel(repo: SimRepo, issue: SimIssue, name: string): void {
    const l = this.ensureLabel(repo, name);
    if (!issue.labels.some((x) => x.toLowerCase() === l.name.toLowerCase())) issue.labels.push(l.name);
  }

  addComment(repo: SimRepo, issue: SimIssue, user: string, body: string): SimComment {
    const now = this.now();
    const c: SimComment = { id: this.nextId(), issueNumber: issue.number, body, user: this.user(user).login, createdAt: now, updatedAt: now, history: [], reactions: [] };
    repo.comments.set(c.id, c);
    issue.commentIds.push(c.id);
    issue.updatedAt = now;
    this.notify(repo, issue.number, c.id, extractMentions(body));
    return c;
  }

  editComment(repo: SimRepo, c: SimComment, body: string): void {
    const before = new Set(extractMentions(c.body));
    c.history.push({ body: c.body, at: c.updatedAt });
    c.body = body;
    c.updatedAt = this.now();
    // Like GitHub, an edit notifies only mentions the previous version did not have.
    this.notify(
      repo,
      c.issueNumber,
      c.id,
      extractMentions(body).filter((m) => !before.has(m)),
    );
  }

  react(list: SimReaction[], user: string, content: string): { reaction: SimReaction; created: boolean } {
    const login = this.user(user).login;
    const found = list.find((r) => r.user === login && r.content === content);
    if (found) return { reaction: found, created: false };
    const reaction = { id: this.nextId(), user: login, content, createdAt: this.now() };
    list.push(reaction);
    return { reaction, created: true };
  }

  private notify(repo: SimRepo, issueNumber: number, commentId: number | undefined, mentions: string[]): void {
    const at = this.now();
    for (const to of mentions) this.notifications.push({ to, repo: repo.fullName, issueNumber, commentId, at });
  }
}
