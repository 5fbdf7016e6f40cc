/**
 * REST handlers, keyed by GitHub's operationId (the OpenAPI router in
 * openapi.ts resolves method + path to an operationId and params).
 */
import type { Principal } from "./auth.js";
import type { AppAuth } from "./auth.js";
import type { Shapes } from "./shapes.js";
import { blobSha, type PrFile, type SimIssue, type SimRepo, type SimState, type SimStatus } from "./state.js";

export interface Reply {
  status: number;
  body?: unknown;
  /** Sent as-is (text/plain) instead of JSON. */
  raw?: string;
  headers?: Record<string, string>;
}

export interface RouteContext {
  state: SimState;
  shapes: Shapes;
  auth: AppAuth;
  principal: Principal;
  params: Record<string, string>;
  query: URLSearchParams;
  body: any;
  headers: Record<string, string | string[] | undefined>;
  /** `http://host/api/v3/...path` as requested, without query (for Link headers). */
  selfUrl: string;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

const notFound = () => new HttpError(404, "Not Found");
const DOCS = "https://docs.github.com/rest";

export function errorBody(e: HttpError) {
  return { message: e.message, documentation_url: DOCS, status: String(e.status), ...e.extra };
}

/** Operations authenticated with the app JWT rather than an installation token. */
export const JWT_OPERATIONS = new Set([
  "apps/get-authenticated",
  "apps/list-installations",
  "apps/get-installation",
  "apps/create-installation-access-token",
  "apps/get-repo-installation",
  "apps/get-org-installation",
  "apps/get-user-installation",
  "apps/list-webhook-deliveries",
  "apps/redeliver-webhook-delivery",
]);

// ---------------------------------------------------------------- helpers

function actor(ctx: RouteContext): string {
  const p = ctx.principal;
  return p.kind === "user" ? p.login : `${ctx.shapes.app.slug}[bot]`;
}

/** Repository visible to the caller; installation tokens see covered repos (and public ones read-only). */
function repoFor(ctx: RouteContext, write = false): SimRepo {
  const repo = ctx.state.repo(`${ctx.params.owner}/${ctx.params.repo}`);
  if (!repo) throw notFound();
  const p = ctx.principal;
  if (p.kind === "installation") {
    const inst = ctx.state.installations.get(p.installationId);
    if (!inst || !ctx.state.covers(inst, repo.fullName)) {
      if (repo.private) throw notFound();
      if (write) throw new HttpError(403, "Resource not accessible by integration");
    }
  }
  return repo;
}

function issueFor(ctx: RouteContext, repo: SimRepo, n = ctx.params.issue_number ?? ctx.params.pull_number): SimIssue {
  const issue = repo.issues.get(Number(n));
  if (!issue) throw notFound();
  return issue;
}

function pullFor(ctx: RouteContext, repo: SimRepo): SimIssue {
  const issue = issueFor(ctx, repo, ctx.params.pull_number);
  if (!issue.pull) throw notFound();
  return issue;
}

function commentFor(ctx: RouteContext, repo: SimRepo) {
  const c = repo.comments.get(Number(ctx.params.comment_id));
  if (!c) throw notFound();
  return c;
}

function validation(message: string, field?: string, code = "invalid"): HttpError {
  return new HttpError(422, "Validation Failed", { errors: [{ resource: "Issue", field, code, message }] });
}

/** Slices like GitHub (per_page <= 100, default 30) and sets a Link header octokit.paginate follows. */
export function paginate<T>(ctx: RouteContext, items: T[], render: (x: T) => unknown, cap = Infinity): Reply {
  const perPage = Math.min(100, Math.max(1, Number(ctx.query.get("per_page") ?? 30) || 30));
  const page = Math.max(1, Number(ctx.query.get("page") ?? 1) || 1);
  const all = items.length > cap ? items.slice(0, cap) : items;
  const last = Math.max(1, Math.ceil(all.length / perPage));
  const body = all.slice((page - 1) * perPage, page * perPage).map(render);
  const link = (p: number, rel: string) => {
    const q = new URLSearchParams(ctx.query);
    q.set("per_page", String(perPage));
    q.set("page", String(p));
    return `<${ctx.selfUrl}?${q}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(page - 1, "prev"));
  if (page < last) links.push(link(page + 1, "next"), link(last, "last"));
  if (page > 1) links.push(link(1, "first"));
  return { status: 200, body, headers: links.length ? { link: links.join(", ") } : {} };
}

const ok = (body: unknown, status = 200): Reply => ({ status, body });

function wantsRaw(ctx: RouteContext): boolean {
  const a = ctx.headers.accept;
  return (Array.isArray(a) ? a.join(",") : (a ?? "")).includes(".raw");
}

function diffFiles(base: Map<string, string>, head: Map<string, string>): PrFile[] {
  const out: PrFile[] = [];
  for (const [p, c] of head) {
    const before = base.get(p);
    if (before === undefined) out.push({ filename: p, status: "added" });
    else if (before !== c) out.push({ filename: p, status: "modified" });
  }
  for (const p of base.keys()) if (!head.has(p)) out.push({ filename: p, status: "removed" });
  return out;
}

// ---------------------------------------------------------------- handlers

type Handler = (ctx: RouteContext) => Reply;

export const handlers: Record<string, Handler> = {
  // --- apps
  "apps/get-authenticated": (ctx) => ok(ctx.shapes.appJson()),
  // Newest first, with cursor pagination as GitHub does it (the cursor here is an offset).
  "apps/list-webhook-deliveries": (ctx) => {
    const perPage = Math.min(100, Math.max(1, Number(ctx.query.get("per_page") ?? 30) || 30));
    const from = Number(ctx.query.get("cursor") ?? 0) || 0;
    const all = [...ctx.state.hookDeliveries].reverse();
    const page = all.slice(from, from + perPage).map((d) => ({
      id: d.id,
      guid: d.guid,
      delivered_at: d.deliveredAt.toISOString(),
      redelivery: d.redelivery,
      duration: d.durationMs / 1000,
      status: d.status,
      status_code: d.statusCode,
      event: d.event,
      action: d.action,
      installation_id: d.installationId,
      repository_id: d.repositoryId,
      throttled_at: null,
    }));
    const headers: Record<string, string> = {};
    if (from + perPage < all.length) headers.link = `<${ctx.selfUrl}?per_page=${perPage}&cursor=${from + perPage}>; rel="next"`;
    return { status: 200, body: page, headers };
  },
  "apps/redeliver-webhook-delivery": (ctx) => {
    const attempt = ctx.state.hookDeliveries.find((d) => d.id === Number(ctx.params.delivery_id));
    if (!attempt) throw notFound();
    // Like GitHub: accepted now, sent right after.
    setImmediate(() => ctx.state.redeliver?.(attempt));
    return { status: 202, body: {} };
  },
  "apps/list-installations": (ctx) => paginate(ctx, [...ctx.state.installations.keys()], (id) => ctx.shapes.installation(id)),
  "apps/get-installation": (ctx) => {
    if (!ctx.state.installations.has(Number(ctx.params.installation_id))) throw notFound();
    return ok(ctx.shapes.installation(Number(ctx.params.installation_id)));
  },
  "apps/create-installation-access-token": (ctx) => {
    const id = Number(ctx.params.installation_id);
    if (!ctx.state.installations.has(id)) throw notFound();
    const t = ctx.auth.issue({ kind: "installation", installationId: id });
    const inst = ctx.shapes.installation(id);
    return ok({ token: t.token, expires_at: ctx.shapes.iso(t.expiresAt), permissions: inst.permissions, repository_selection: inst.repository_selection }, 201);
  },
  "apps/get-repo-installation": (ctx) => {
    const inst = ctx.state.installationFor(`${ctx.params.owner}/${ctx.params.repo}`);
    if (!inst || !ctx.state.repo(`${ctx.params.owner}/${ctx.params.repo}`)) throw notFound();
    return ok(ctx.shapes.installation(inst.id));
  },
  "apps/get-org-installation": (ctx) => installationOfAccount(ctx, ctx.params.org),
  "apps/get-user-installation": (ctx) => installationOfAccount(ctx, ctx.params.username),
  "apps/list-repos-accessible-to-installation": (ctx) => {
    const p = ctx.principal;
    const inst = p.kind === "installation" ? ctx.state.installations.get(p.installationId) : undefined;
    if (!inst) throw new HttpError(403, "This endpoint requires an installation token");
    const repos = [...ctx.state.repos.values()].filter((r) => ctx.state.covers(inst, r.fullName));
    const reply = paginate(ctx, repos, (r) => ctx.shapes.repo(r));
    return { ...reply, body: { total_count: repos.length, repository_selection: inst.repos === "all" ? "all" : "selected", repositories: reply.body } };
  },

  // --- repos & contents
  "repos/get": (ctx) => ok(ctx.shapes.repo(repoFor(ctx))),
  "repos/get-content": (ctx) => {
    const repo = repoFor(ctx);
    const ref = ctx.query.get("ref") ?? repo.defaultBranch;
    const commit = ctx.state.resolveRef(repo, ref);
    if (!commit) throw new HttpError(404, `No commit found for the ref ${ref}`);
    const path = (ctx.params.path ?? "").replace(/^\/+|\/+$/g, "");
    const content = commit.files.get(path);
    if (content !== undefined) {
      if (wantsRaw(ctx)) return { status: 200, raw: content };
      return ok(ctx.shapes.contentFile(repo, path, content, ref));
    }
    // A directory: list its direct children (not a hot path).
    const prefix = path ? `${path}/` : "";
    const children = new Map<string, "file" | "dir">();
    for (const p of commit.files.keys()) {
      if (!p.startsWith(prefix)) continue;
      const rest = p.slice(prefix.length);
      const slash = rest.indexOf("/");
      children.set(slash < 0 ? rest : rest.slice(0, slash), slash < 0 ? "file" : "dir");
    }
    if (!children.size) throw notFound();
    return ok(
      [...children].map(([name, type]) => {
        const full = prefix + name;
        const sha = type === "file" ? blobSha(commit.files.get(full)!) : commit.sha;
        return {
          type,
          name,
          path: full,
          sha,
          size: type === "file" ? Buffer.byteLength(commit.files.get(full)!) : 0,
          url: `${ctx.shapes.api}/repos/${repo.fullName}/contents/${full}?ref=${ref}`,
        };
      }),
    );
  },
  "repos/create-or-update-file-contents": (ctx) => {
    const repo = repoFor(ctx, true);
    const b = ctx.body ?? {};
    const branch: string = b.branch ?? repo.defaultBranch;
    if (!repo.branches.has(branch)) throw new HttpError(404, `Branch ${branch} not found`);
    const path = ctx.params.path;
    const current = ctx.state.resolveRef(repo, branch)!.files.get(path);
    if (current !== undefined && !b.sha) throw new HttpError(422, `Invalid request.\n\n"sha" wasn't supplied.`);
    if (current !== undefined && b.sha !== blobSha(current)) throw new HttpError(409, `${path} does not match ${b.sha}`);
    const content = Buffer.from(String(b.content), "base64").toString("utf8");
    const commit = ctx.state.pushFiles(repo, branch, { [path]: content }, { message: b.message, author: actor(ctx) });
    return ok(
      {
        content: ctx.shapes.contentFile(repo, path, content, branch),
        commit: {
          sha: commit.sha,
          node_id: "",
          url: `${ctx.shapes.api}/repos/${repo.fullName}/git/commits/${commit.sha}`,
          html_url: `${ctx.shapes.html}/${repo.fullName}/commit/${commit.sha}`,
          message: commit.message,
          parents: commit.parents.map((sha) => ({ sha })),
        },
      },
      current === undefined ? 201 : 200,
    );
  },

  // --- git refs
  "git/get-ref": (ctx) => {
    const repo = repoFor(ctx);
    const ref = ctx.params.ref.replace(/^refs\//, "");
    const branch = ref.replace(/^heads\//, "");
    const sha = ref.startsWith("heads/") ? repo.branches.get(branch) : undefined;
    if (!sha) throw notFound();
    return ok(refJson(ctx, repo, branch, sha));
  },
  "git/create-ref": (ctx) => {
    const repo = repoFor(ctx, true);
    const { ref, sha } = ctx.body;
    if (!/^refs\/heads\/.+/.test(ref)) throw new HttpError(422, "Reference name must start with 'refs/heads/' in the simulator");
    const branch = ref.slice("refs/heads/".length);
    if (repo.branches.has(branch)) throw new HttpError(422, "Reference already exists");
    if (!repo.commits.has(sha)) throw new HttpError(422, "Object does not exist");
    repo.branches.set(branch, sha);
    return ok(refJson(ctx, repo, branch, sha), 201);
  },

  // --- pulls
  "pulls/get": (ctx) => {
    const repo = repoFor(ctx);
    return ok(ctx.shapes.pull(repo, pullFor(ctx, repo)));
  },
  "pulls/list-files": (ctx) => {
    const repo = repoFor(ctx);
    const pr = pullFor(ctx, repo);
    // GitHub lists at most 3,000 files for a pull request.
    return paginate(ctx, pr.pull!.files, (f) => ctx.shapes.prFile(repo, pr.pull!.headSha, f), 3000);
  },
  "pulls/list": (ctx) => {
    const repo = repoFor(ctx);
    const state = ctx.query.get("state") ?? "open";
    const head = ctx.query.get("head");
    const base = ctx.query.get("base");
    const prs = [...repo.issues.values()]
      .filter((i) => i.pull && (state === "all" || i.state === state))
      .filter((i) => !head || `${repo.owner}:${i.pull!.headRef}`.toLowerCase() === head.toLowerCase())
      .filter((i) => !base || i.pull!.baseRef === base)
      .reverse();
    return paginate(ctx, prs, (i) => ctx.shapes.pull(repo, i));
  },
  "pulls/update": (ctx) => {
    const repo = repoFor(ctx, true);
    const pr = pullFor(ctx, repo);
    const b = ctx.body ?? {};
    if (b.title !== undefined) pr.title = String(b.title);
    if (b.body !== undefined) ctx.state.editIssueBody(repo, pr, b.body);
    if (b.state && b.state !== pr.state) {
      if (pr.pull!.merged) throw validation("Cannot change the state of a merged pull request", "state");
      pr.state = b.state;
      pr.closedAt = b.state === "closed" ? ctx.state.now() : null;
    }
    if (b.base !== undefined) pr.pull!.baseRef = String(b.base);
    pr.updatedAt = ctx.state.now();
    return ok(ctx.shapes.pull(repo, pr));
  },
  "pulls/create": (ctx) => {
    const repo = repoFor(ctx, true);
    const b = ctx.body;
    const headRef = String(b.head).includes(":") ? String(b.head).split(":")[1] : String(b.head);
    const headSha = repo.branches.get(headRef);
    const baseSha = repo.branches.get(b.base);
    if (!headSha || !baseSha) throw validation(`${headSha ? "base" : "head"} invalid`, headSha ? "base" : "head");
    const files = diffFiles(repo.commits.get(baseSha)!.files, repo.commits.get(headSha)!.files);
    if (!files.length) throw validation(`No commits between ${b.base} and ${headRef}`);
    const issue = ctx.state.createIssue(repo, {
      title: b.title ?? headRef,
      body: b.body ?? null,
      user: actor(ctx),
      pull: { headSha, headRef, baseRef: b.base, baseSha, files, merged: false, draft: b.draft === true },
    });
    return ok(ctx.shapes.pull(repo, issue), 201);
  },

  // --- issues
  "issues/get": (ctx) => {
    const repo = repoFor(ctx);
    return ok(ctx.shapes.issue(repo, issueFor(ctx, repo)));
  },
  "issues/list-for-repo": (ctx) => {
    const repo = repoFor(ctx);
    const state = ctx.query.get("state") ?? "open";
    const labels = (ctx.query.get("labels") ?? "")
      .split(",")
      .map((l) => l.trim().toLowerCase())
      .filter(Boolean);
    const creator = ctx.query.get("creator")?.toLowerCase();
    const asc = ctx.query.get("direction") === "asc";
    let list = [...repo.issues.values()].filter(
      (i) => (state === "all" || i.state === state) && (!creator || i.user.toLowerCase() === creator) && labels.every((l) => i.labels.some((x) => x.toLowerCase() === l)),
    );
    if (!asc) list = list.reverse();
    return paginate(ctx, list, (i) => ctx.shapes.issue(repo, i));
  },
  "issues/create": (ctx) => {
    const repo = repoFor(ctx, true);
    const b = ctx.body;
    const labels = (b.labels ?? []).map((l: string | { name: string }) => (typeof l === "string" ? l : l.name));
    const issue = ctx.state.createIssue(repo, { title: String(b.title), body: b.body ?? null, user: actor(ctx), labels, assignees: b.assignees });
    return ok(ctx.shapes.issue(repo, issue), 201);
  },
  "issues/update": (ctx) => {
    const repo = repoFor(ctx, true);
    const issue = issueFor(ctx, repo);
    const b = ctx.body ?? {};
    if (b.title !== undefined) issue.title = String(b.title);
    if (b.body !== undefined) ctx.state.editIssueBody(repo, issue, b.body);
    if (b.state && b.state !== issue.state) {
      issue.state = b.state;
      issue.closedAt = b.state === "closed" ? ctx.state.now() : null;
      issue.stateReason = b.state === "closed" ? (b.state_reason ?? "completed") : "reopened";
    }
    if (Array.isArray(b.labels)) {
      issue.labels = [];
      for (const l of b.labels) ctx.state.addLabel(repo, issue, typeof l === "string" ? l : l.name);
    }
    if (Array.isArray(b.assignees)) issue.assignees = b.assignees;
    issue.updatedAt = ctx.state.now();
    return ok(ctx.shapes.issue(repo, issue));
  },
  "issues/list-comments": (ctx) => {
    const repo = repoFor(ctx);
    const issue = issueFor(ctx, repo);
    const since = ctx.query.get("since");
    let list = issue.commentIds.map((id) => repo.comments.get(id)!);
    if (since) list = list.filter((c) => c.updatedAt >= new Date(since));
    return paginate(ctx, list, (c) => ctx.shapes.comment(repo, c));
  },
  "issues/create-comment": (ctx) => {
    const repo = repoFor(ctx, true);
    const issue = issueFor(ctx, repo);
    const c = ctx.state.addComment(repo, issue, actor(ctx), String(ctx.body.body));
    const body = ctx.shapes.comment(repo, c);
    return { status: 201, body, headers: { location: body.url } };
  },
  "issues/get-comment": (ctx) => {
    const repo = repoFor(ctx);
    return ok(ctx.shapes.comment(repo, commentFor(ctx, repo)));
  },
  "issues/update-comment": (ctx) => {
    const repo = repoFor(ctx, true);
    const c = commentFor(ctx, repo);
    ctx.state.editComment(repo, c, String(ctx.body.body));
    return ok(ctx.shapes.comment(repo, c));
  },

  // --- labels
  "issues/create-label": (ctx) => {
    const repo = repoFor(ctx, true);
    const b = ctx.body;
    if (repo.labels.has(String(b.name).toLowerCase())) {
      throw new HttpError(422, "Validation Failed", { errors: [{ resource: "Label", code: "already_exists", field: "name" }] });
    }
    const l = ctx.state.ensureLabel(repo, b.name, (b.color ?? "ededed").replace(/^#/, ""), b.description ?? null);
    return ok(ctx.shapes.label(repo, l), 201);
  },
  "issues/add-labels": (ctx) => {
    const repo = repoFor(ctx, true);
    const issue = issueFor(ctx, repo);
    const raw = Array.isArray(ctx.body) ? ctx.body : (ctx.body?.labels ?? []);
    for (const l of raw) ctx.state.addLabel(repo, issue, typeof l === "string" ? l : l.name);
    issue.updatedAt = ctx.state.now();
    return ok(issue.labels.map((n) => ctx.shapes.label(repo, ctx.state.ensureLabel(repo, n))));
  },

  // --- workflows (state only: enabled or disabled, by id or file name)
  "actions/disable-workflow": (ctx) => setWorkflowState(ctx, "disabled_manually"),
  "actions/enable-workflow": (ctx) => setWorkflowState(ctx, "active"),

  // --- reactions
  "reactions/list-for-issue": (ctx) => {
    const repo = repoFor(ctx);
    return listReactions(ctx, issueFor(ctx, repo).reactions);
  },
  "reactions/list-for-issue-comment": (ctx) => {
    const repo = repoFor(ctx);
    return listReactions(ctx, commentFor(ctx, repo).reactions);
  },
  "reactions/create-for-issue-comment": (ctx) => {
    const repo = repoFor(ctx, true);
    const { reaction, created } = ctx.state.react(commentFor(ctx, repo).reactions, actor(ctx), ctx.body.content);
    return ok(ctx.shapes.reaction(reaction), created ? 201 : 200);
  },
  "reactions/create-for-issue": (ctx) => {
    const repo = repoFor(ctx, true);
    const { reaction, created } = ctx.state.react(issueFor(ctx, repo).reactions, actor(ctx), ctx.body.content);
    return ok(ctx.shapes.reaction(reaction), created ? 201 : 200);
  },

  // --- reviews and review requests
  "pulls/list-reviews": (ctx) => {
    const repo = repoFor(ctx);
    const pr = pullFor(ctx, repo);
    return paginate(ctx, pr.pull!.reviews ?? [], (v) => ctx.shapes.review(repo, pr, v));
  },
  "pulls/request-reviewers": (ctx) => {
    const repo = repoFor(ctx, true);
    const pr = pullFor(ctx, repo);
    const reviewers: string[] = ctx.body?.reviewers ?? [];
    const teams: string[] = ctx.body?.team_reviewers ?? [];
    // GitHub: reviewers must be collaborators, and never the pull request's author.
    for (const login of reviewers) {
      if (login.toLowerCase() === pr.user.toLowerCase()) throw validation("Review cannot be requested from pull request author.", "reviewers");
      if (!repo.collaborators.has(login.toLowerCase()))
        throw validation(
          "Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the " + repo.fullName + " repository.",
          "reviewers",
        );
    }
    for (const slug of teams)
      if (!ctx.state.teams.has(`${repo.owner}/${slug}`.toLowerCase())) throw validation("Could not resolve to a node with the global id of team " + slug, "team_reviewers");
    const pull = pr.pull!;
    pull.requestedReviewers = [...new Set([...(pull.requestedReviewers ?? []), ...reviewers])];
    pull.requestedTeams = [...new Set([...(pull.requestedTeams ?? []), ...teams])];
    pr.updatedAt = ctx.state.now();
    return ok(ctx.shapes.pull(repo, pr), 201);
  },

  // --- people
  "repos/get-collaborator-permission-level": (ctx) => {
    const repo = repoFor(ctx);
    const u = ctx.state.findUser(ctx.params.username);
    if (!u) throw notFound();
    const permission = repo.collaborators.get(u.login.toLowerCase()) ?? (repo.private ? "none" : "read");
    // `permission` is the legacy 4-value field; role_name carries maintain/triage.
    const legacy = permission === "maintain" ? "write" : permission === "triage" ? "read" : permission;
    return ok({ permission: legacy, role_name: permission, user: { ...ctx.shapes.user(u.login), permissions: permissionFlags(permission) } });
  },
  "teams/get-membership-for-user-in-org": (ctx) => {
    const team = ctx.state.teams.get(`${ctx.params.org}/${ctx.params.team_slug}`.toLowerCase());
    const role = team?.members.get(ctx.params.username.toLowerCase());
    if (!team || !role) throw notFound();
    return ok({ url: `${ctx.shapes.api}/teams/${team.id}/memberships/${ctx.params.username}`, role, state: "active" });
  },

  // --- checks
  "checks/create": (ctx) => {
    const repo = repoFor(ctx, true);
    const b = ctx.body;
    const now = ctx.state.now();
    const status = b.conclusion ? "completed" : (b.status ?? "queued");
    const run = {
      id: ctx.state.nextId(),
      name: b.name,
      headSha: b.head_sha,
      status,
      conclusion: b.conclusion ?? null,
      startedAt: b.started_at ? new Date(b.started_at) : now,
      completedAt: status === "completed" ? (b.completed_at ? new Date(b.completed_at) : now) : null,
      externalId: b.external_id ?? null,
      detailsUrl: b.details_url ?? null,
      output: b.output ?? {},
      appId: ctx.shapes.app.id,
    };
    repo.checkRuns.set(run.id, run);
    return ok(ctx.shapes.checkRun(repo, run), 201);
  },
  "checks/update": (ctx) => {
    const repo = repoFor(ctx, true);
    const run = repo.checkRuns.get(Number(ctx.params.check_run_id));
    if (!run) throw notFound();
    const b = ctx.body ?? {};
    if (b.name) run.name = b.name;
    if (b.status) run.status = b.status;
    if (b.conclusion) {
      run.conclusion = b.conclusion;
      run.status = "completed";
      run.completedAt = b.completed_at ? new Date(b.completed_at) : ctx.state.now();
    }
    // Like GitHub: title and summary are replaced, annotations are appended.
    if (b.output) run.output = { ...b.output, annotations: [...((run.output as { annotations?: unknown[] }).annotations ?? []), ...(b.output.annotations ?? [])] };
    if (b.details_url) run.detailsUrl = b.details_url;
    return ok(ctx.shapes.checkRun(repo, run));
  },
  "checks/list-for-ref": (ctx) => {
    const repo = repoFor(ctx);
    const name = ctx.query.get("check_name");
    const runs = [...repo.checkRuns.values()].filter((r) => r.headSha === ctx.params.ref && (!name || r.name === name));
    return ok({ total_count: runs.length, check_runs: runs.map((r) => ctx.shapes.checkRun(repo, r)) });
  },
  "repos/get-combined-status-for-ref": (ctx) => {
    const repo = repoFor(ctx);
    const sha = repo.branches.get(ctx.params.ref) ?? ctx.params.ref;
    // The latest status per context, newest first, as GitHub combines them.
    const latest = new Map<string, SimStatus>();
    for (const s of repo.statuses) if (s.sha === sha) latest.set(s.context, s);
    const statuses = [...latest.values()].reverse();
    const state = statuses.some((s) => s.state === "failure" || s.state === "error")
      ? "failure"
      : statuses.length === 0 || statuses.some((s) => s.state === "pending")
        ? "pending"
        : "success";
    return ok(ctx.shapes.combinedStatus(repo, sha, state, statuses));
  },
  "checks/get": (ctx) => {
    const repo = repoFor(ctx);
    const run = repo.checkRuns.get(Number(ctx.params.check_run_id));
    if (!run) throw notFound();
    return ok(ctx.shapes.checkRun(repo, run));
  },

  // --- registry checks: the tree at a commit, collaborators, teams (see the block at the end of this file)
  "git/get-tree": (ctx) => gitTree(ctx),
  "repos/check-collaborator": (ctx) => {
    const repo = repoFor(ctx);
    // Like GitHub: 204 for a collaborator, 404 for anybody else (or nobody).
    if (!repo.collaborators.has(ctx.params.username.toLowerCase())) throw notFound();
    return { status: 204 };
  },
  "teams/get-by-name": (ctx) => {
    const team = ctx.state.teams.get(`${ctx.params.org}/${ctx.params.team_slug}`.toLowerCase());
    if (!team) throw notFound();
    return ok(teamJson(ctx, team));
  },
};

/**
 * Workflow states by repository and file name, for tests to read. A workflow exists when its
 * file is in `.github/workflows/` on the default branch; it is "active" until disabled.
 */
export const workflowStates = new WeakMap<SimRepo, Map<string, "active" | "disabled_manually">>();

function setWorkflowState(ctx: RouteContext, state: "active" | "disabled_manually"): Reply {
  const repo = repoFor(ctx, true);
  const file = ctx.params.workflow_id.split("/").pop()!;
  if (!ctx.state.resolveRef(repo, repo.defaultBranch)?.files.has(`.github/workflows/${file}`)) throw notFound();
  const states = workflowStates.get(repo) ?? new Map();
  workflowStates.set(repo, states.set(file, state));
  return { status: 204 };
}

function installationOfAccount(ctx: RouteContext, account: string): Reply {
  const inst = [...ctx.state.installations.values()].find((i) => i.account.toLowerCase() === account.toLowerCase());
  if (!inst) throw notFound();
  return ok(ctx.shapes.installation(inst.id));
}

function refJson(ctx: RouteContext, repo: SimRepo, branch: string, sha: string) {
  const url = `${ctx.shapes.api}/repos/${repo.fullName}/git/refs/heads/${branch}`;
  return {
    ref: `refs/heads/${branch}`,
    node_id: Buffer.from(`Ref:${repo.id}:${branch}`).toString("base64"),
    url,
    object: { sha, type: "commit", url: `${ctx.shapes.api}/repos/${repo.fullName}/git/commits/${sha}` },
  };
}

function listReactions(ctx: RouteContext, list: { content: string }[]): Reply {
  const content = ctx.query.get("content");
  const filtered = content ? list.filter((r) => r.content === content) : list;
  return paginate(ctx, filtered as Parameters<Shapes["reaction"]>[0][], (r) => ctx.shapes.reaction(r));
}

function permissionFlags(p: string) {
  const order = ["none", "read", "triage", "write", "maintain", "admin"];
  const n = order.indexOf(p);
  return { admin: n >= 5, maintain: n >= 4, push: n >= 3, triage: n >= 2, pull: n >= 1 };
}

// ---------------------------------------------------------------- registry checks: trees and teams

/** GitHub lists at most this many entries in a recursive tree, then sets `truncated`. */
export const TREE_ENTRY_LIMIT = 100_000;
/** A smaller limit per repository, for tests of a truncated listing. */
export const treeEntryLimits = new WeakMap<SimRepo, number>();

/**
 * `GET /repos/{owner}/{repo}/git/trees/{tree_sha}`: the simulator keeps no tree objects, so
 * `tree_sha` is a commit sha or a branch name (GitHub accepts both). With `recursive` (any
 * value, as on GitHub) every file and directory, sorted by path; without, the top level.
 */
function gitTree(ctx: RouteContext): Reply {
  const repo = repoFor(ctx);
  const commit = ctx.state.resolveRef(repo, ctx.params.tree_sha);
  if (!commit) throw notFound();
  const recursive = ctx.query.has("recursive");
  const entries = new Map<string, { type: "blob" | "tree"; content?: string }>();
  for (const [path, content] of commit.files) {
    const parts = path.split("/");
    const depth = recursive ? parts.length : 1;
    for (let i = 1; i < depth; i++) entries.set(parts.slice(0, i).join("/"), { type: "tree" });
    entries.set(parts.slice(0, depth).join("/"), parts.length === depth ? { type: "blob", content } : { type: "tree" });
  }
  const limit = treeEntryLimits.get(repo) ?? TREE_ENTRY_LIMIT;
  const sorted = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const api = `${ctx.shapes.api}/repos/${repo.fullName}/git`;
  const tree = sorted.slice(0, limit).map(([path, e]) => {
    const sha = e.type === "blob" ? blobSha(e.content!) : blobSha(`tree ${commit.sha} ${path}`);
    return e.type === "blob"
      ? { path, mode: "100644", type: "blob", sha, size: Buffer.byteLength(e.content!), url: `${api}/blobs/${sha}` }
      : { path, mode: "040000", type: "tree", sha, url: `${api}/trees/${sha}` };
  });
  return ok({ sha: commit.sha, url: `${api}/trees/${commit.sha}`, tree, truncated: sorted.length > limit });
}

function teamJson(ctx: RouteContext, team: ReturnType<SimState["team"]>) {
  const url = `${ctx.shapes.api}/organizations/${team.org}/team/${team.id}`;
  const at = ctx.shapes.iso(ctx.state.now());
  return {
    id: team.id,
    node_id: Buffer.from(`Team:${team.id}`).toString("base64"),
    url,
    html_url: `${ctx.shapes.html}/orgs/${team.org}/teams/${team.slug}`,
    name: team.name,
    slug: team.slug,
    description: null,
    privacy: "closed",
    notification_setting: "notifications_enabled",
    permission: "pull",
    members_url: `${url}/members{/member}`,
    repositories_url: `${url}/repos`,
    parent: null,
    members_count: team.members.size,
    repos_count: 0,
    created_at: at,
    updated_at: at,
    organization: ctx.shapes.user(team.org),
  };
}
