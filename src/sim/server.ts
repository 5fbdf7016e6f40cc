import { randomUUID } from "node:crypto";
/**
 * The GitHub simulator: an HTTP server speaking the REST slice tierkeeper uses
 * (checked against GitHub's OpenAPI description), in-memory state, and
 * test-driving helpers that mutate state directly and build the matching
 * webhook for `deliver`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { AppAuth } from "./auth.js";
import { FaultInjector, type FaultOptions } from "./faults.js";
import { loadOpenApi, splitApiPath, type OpenApiChecker } from "./openapi.js";
import { PayloadBuilder, type WebhookEvent } from "./payloads.js";
import { errorBody, handlers, HttpError, JWT_OPERATIONS, type Reply, type RouteContext } from "./routes.js";
import { Shapes, type SimApp } from "./shapes.js";
import { SimState, type PrFile, type SimComment, type SimIssue, type SimRepo } from "./state.js";
import { deliverWebhook, type DeliverOptions, type DeliveryResult } from "./webhooks.js";

export interface SimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Check every request against the OpenAPI description (default true). */
  validate?: boolean;
  /** Keep `requests` (default true; the benchmark may turn it off). */
  recordRequests?: boolean;
  app?: Partial<SimApp>;
  /** Clock for timestamps in state (auth always uses the wall clock). */
  now?: () => Date;
  /** Inject secondary rate limits and 5xx answers (see faults.ts); also settable later as `sim.faults`. */
  faults?: FaultOptions;
}

export interface RequestRecord {
  method: string;
  path: string;
  template?: string;
  operationId?: string;
  status: number;
  /** The answer was a file's raw content (`application/vnd.github.raw`), not JSON. */
  raw?: true;
}

export interface Violation {
  method: string;
  path: string;
  operationId?: string;
  error: string;
  body?: unknown;
}

const ZERO_SHA = "0000000000000000000000000000000000000000";

export class Simulator {
  readonly state: SimState;
  readonly auth: AppAuth;
  readonly app: SimApp;
  readonly requests: RequestRecord[] = [];
  readonly violations: Violation[] = [];
  readonly payloads: PayloadBuilder;
  readonly url: string;
  readonly apiUrl: string;
  /** Consulted for every routed, valid, authenticated request (see faults.ts). */
  faults?: FaultInjector;
  private readonly shapes: Shapes;
  private target?: { url: string; secret: string };

  /** Use startSimulator(). */
  constructor(
    private readonly server: Server,
    private readonly checker: OpenApiChecker,
    readonly options: Required<Pick<SimulatorOptions, "validate" | "recordRequests">> & SimulatorOptions,
  ) {
    const { port } = server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    this.apiUrl = `${this.url}/api/v3`;
    this.state = new SimState(options.now);
    this.app = { id: 4242, slug: "tierkeeper", name: "tierkeeper", owner: "tierkeeper-dev", ...options.app };
    this.auth = new AppAuth(this.app.id, () => new Date());
    this.shapes = new Shapes(this.state, this.apiUrl, this.url, this.app);
    this.payloads = new PayloadBuilder(this.shapes);
    if (options.faults) this.faults = new FaultInjector(options.faults);
    this.state.redeliver = (attempt) => void this.deliver(attempt.event, attempt.payload, { id: attempt.guid, redelivery: true });
  }

  get appId(): number {
    return this.app.id;
  }

  /** PEM (PKCS#1) for PRIVATE_KEY when starting the app under test. */
  get privateKeyPem(): string {
    return this.auth.privateKeyPem;
  }

  /** Env vars that point Probot at this simulator (GHE mode → `${url}/api/v3`). */
  probotEnv(): Record<string, string> {
    const host = this.url.replace(/^http:\/\//, "");
    return { APP_ID: String(this.app.id), PRIVATE_KEY: this.privateKeyPem, GHE_HOST: host, GHE_PROTOCOL: "http", WEBHOOK_SECRET: this.target?.secret ?? "" };
  }

  /** A token acting as a human, for tests that drive the REST API as a user. */
  userToken(login: string): string {
    this.state.user(login);
    return this.auth.issue({ kind: "user", login }).token;
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.close((err) => (err ? reject(err) : resolve()));
      this.server.closeAllConnections();
    });
  }

  // ------------------------------------------------------------ webhooks

  setWebhookTarget(url: string, secret: string): void {
    this.target = { url, secret };
  }

  /** Sends a signed webhook and records the attempt, as GitHub's App API lists deliveries. */
  async deliver(name: string, payload: unknown, o: DeliverOptions & { redelivery?: boolean } = {}): Promise<DeliveryResult> {
    const url = o.url ?? this.target?.url;
    const secret = o.secret ?? this.target?.secret;
    if (!url || secret === undefined) throw new Error("simulator: call setWebhookTarget(url, secret) or pass url and secret");
    const id = o.id ?? randomUUID();
    let result: DeliveryResult;
    try {
      result = await deliverWebhook(name, payload, { url, secret, id });
    } catch {
      result = { id, status: 0, ms: 0, body: "" }; // nothing listening: GitHub records a failed connection
    }
    const p = payload as { action?: string; installation?: { id?: number }; repository?: { id?: number } } | null;
    this.state.hookDeliveries.push({
      id: this.state.hookDeliveries.length + 1,
      guid: id,
      event: name,
      action: p?.action ?? null,
      statusCode: result.status,
      status: result.status === 0 ? "failed to connect to host" : result.status < 300 ? "OK" : `Invalid HTTP Response: ${result.status}`,
      deliveredAt: this.state.now(),
      redelivery: o.redelivery ?? false,
      durationMs: result.ms,
      installationId: p?.installation?.id ?? null,
      repositoryId: p?.repository?.id ?? null,
      payload,
    });
    return result;
  }

  /** Convenience: `await sim.send(sim.completeCheckRun(...))`. */
  send(ev: WebhookEvent, o: DeliverOptions = {}): Promise<DeliveryResult> {
    return this.deliver(ev.name, ev.payload, o);
  }

  // ------------------------------------------------------------ test-driving helpers

  createRepo(o: { owner: string; name: string; defaultBranch?: string; files?: Record<string, string>; private?: boolean }): SimRepo {
    return this.state.createRepo(o);
  }

  /** Installs the app on an account ("org") or a single repository ("org/repo"); returns the installation id. */
  installApp(ownerOrRepo: string): number {
    return this.state.installApp(ownerOrRepo).id;
  }

  addCollaborator(repo: string, login: string, permission: "admin" | "maintain" | "write" | "triage" | "read"): void {
    this.state.user(login);
    this.state.mustRepo(repo).collaborators.set(login.toLowerCase(), permission);
  }

  addTeam(org: string, slug: string, members: string[], maintainers: string[] = []): void {
    const t = this.state.team(org, slug, members);
    for (const m of maintainers) {
      this.state.user(m);
      t.members.set(m.toLowerCase(), "maintainer");
    }
  }

  /**
   * Opens a PR from `head` (default `pr-N`) onto `base` (default branch).
   * `files` are the changed paths (strings mean "modified"); their content on
   * the head commit is `contents[path]` or a placeholder.
   */
  openPullRequest(o: {
    repo: string;
    author: string;
    files: (string | PrFile)[];
    title?: string;
    body?: string;
    head?: string;
    headSha?: string;
    base?: string;
    draft?: boolean;
    contents?: Record<string, string | null>;
  }): { pr: SimIssue; number: number; headSha: string } & WebhookEvent {
    const repo = this.state.mustRepo(o.repo);
    const base = o.base ?? repo.defaultBranch;
    const baseSha = repo.branches.get(base);
    if (!baseSha) throw new Error(`simulator: no branch ${base} in ${o.repo}`);
    const files: PrFile[] = o.files.map((f) => (typeof f === "string" ? { filename: f, status: "modified" } : f));
    const headRef = o.head ?? `pr-${repo.nextNumber}`;
    const changes: Record<string, string | null> = {};
    for (const f of files) changes[f.filename] = f.status === "removed" ? null : (o.contents?.[f.filename] ?? `changed by ${o.author}\n`);
    const commit = this.state.pushFiles(repo, headRef, changes, { from: base, author: o.author, message: o.title ?? "Change" });
    if (o.headSha) {
      // Re-key the commit under the caller's sha.
      repo.commits.delete(commit.sha);
      commit.sha = o.headSha;
      repo.commits.set(o.headSha, commit);
      repo.branches.set(headRef, o.headSha);
    }
    const pr = this.state.createIssue(repo, {
      title: o.title ?? `Change ${files[0]?.filename ?? ""}`.trim(),
      body: o.body ?? null,
      user: o.author,
      pull: { headSha: commit.sha, headRef, baseRef: base, baseSha, files, merged: false, draft: o.draft ?? false },
    });
    return { pr, number: pr.number, headSha: commit.sha, ...this.payloads.pullRequest("opened", repo, pr) };
  }

  /** Pushes to a branch; if it is an open PR's head, that PR moves to the new sha (use `synchronize()` for its webhook). */
  pushCommit(o: { repo: string; branch: string; files: Record<string, string | null>; author?: string; message?: string }): { sha: string } & WebhookEvent {
    const repo = this.state.mustRepo(o.repo);
    const before = repo.branches.get(o.branch) ?? ZERO_SHA;
    const beforeFiles = repo.commits.get(before)?.files;
    const c = this.state.pushFiles(repo, o.branch, o.files, { author: o.author, message: o.message });
    const changed = { added: [] as string[], removed: [] as string[], modified: [] as string[] };
    for (const [p, v] of Object.entries(o.files)) (v === null ? changed.removed : beforeFiles?.has(p) ? changed.modified : changed.added).push(p);
    for (const i of repo.issues.values()) {
      if (i.pull && i.state === "open" && i.pull.headRef === o.branch) {
        i.pull.headSha = c.sha;
        const known = new Set(i.pull.files.map((f) => f.filename));
        for (const [p, v] of Object.entries(o.files)) if (!known.has(p)) i.pull.files.push({ filename: p, status: v === null ? "removed" : "modified" });
      }
    }
    return { sha: c.sha, ...this.payloads.push({ repo, branch: o.branch, before, after: c.sha, message: c.message, author: o.author ?? repo.owner, changed }) };
  }

  /** pull_request.synchronize (after pushCommit to the head branch). */
  synchronize(repoName: string, number: number): WebhookEvent {
    const repo = this.state.mustRepo(repoName);
    const pr = this.mustPull(repo, number);
    return this.payloads.pullRequest("synchronize", repo, pr);
  }

  closePullRequest(repoName: string, number: number, o: { merged?: boolean; sender?: string } = {}): WebhookEvent {
    const repo = this.state.mustRepo(repoName);
    const pr = this.mustPull(repo, number);
    pr.state = "closed";
    pr.closedAt = this.state.now();
    pr.updatedAt = pr.closedAt; // as GitHub does
    pr.pull!.merged = o.merged ?? false;
    return this.payloads.pullRequest("closed", repo, pr, o.sender ?? pr.user);
  }

  /**
   * Adds an open PR to the merge queue: a commit of its files on the default branch's tip, on the
   * branch `gh-readonly-queue/<base>/pr-<N>-<base sha>`, and the `merge_group.checks_requested` event.
   */
  enqueuePullRequest(repoName: string, number: number): { headSha: string; branch: string; baseSha: string } & WebhookEvent {
    const repo = this.state.mustRepo(repoName);
    const pr = this.mustPull(repo, number);
    const baseSha = repo.branches.get(repo.defaultBranch)!;
    const branch = `gh-readonly-queue/${repo.defaultBranch}/pr-${number}-${baseSha}`;
    const changes = Object.fromEntries(
      pr.pull!.files.map((f) => [f.filename, f.status === "removed" ? null : (repo.commits.get(pr.pull!.headSha)?.files.get(f.filename) ?? `changed by ${pr.user}\n`)]),
    );
    const message = `Merge pull request #${number} from ${repo.owner}/${pr.pull!.headRef}\n\n${pr.title}`;
    const commit = this.state.pushFiles(repo, branch, changes, { from: repo.defaultBranch, author: pr.user, message });
    return {
      headSha: commit.sha,
      branch,
      baseSha,
      ...this.payloads.mergeGroup({ repo, action: "checks_requested", headSha: commit.sha, headRef: branch, baseSha, message, author: pr.user }),
    };
  }

  /** The queue drops a group (`dequeued` by default): its branch goes, and `merge_group.destroyed` is sent. */
  destroyMergeGroup(repoName: string, branch: string, reason: "merged" | "invalidated" | "dequeued" = "dequeued"): WebhookEvent {
    const repo = this.state.mustRepo(repoName);
    const headSha = repo.branches.get(branch);
    if (!headSha) throw new Error(`simulator: no merge queue branch ${branch} in ${repoName}`);
    repo.branches.delete(branch);
    const commit = repo.commits.get(headSha)!;
    const baseSha = commit.parents[0] ?? headSha;
    return this.payloads.mergeGroup({ repo, action: "destroyed", reason, headSha, headRef: branch, baseSha, message: commit.message, author: commit.author });
  }

  /**
   * A maintainer merges a pull request: the head's version of its files lands on the base branch
   * (a push), then the pull request closes merged. Deliver `push`, then `closed`, as GitHub sends them.
   */
  mergePullRequest(repoName: string, number: number, o: { sender?: string } = {}): { push: WebhookEvent; closed: WebhookEvent } {
    const repo = this.state.mustRepo(repoName);
    const pull = this.mustPull(repo, number).pull!;
    const head = repo.commits.get(pull.headSha)!.files;
    const files = Object.fromEntries(pull.files.map((f) => [f.filename, head.get(f.filename) ?? null]));
    const push = this.pushCommit({ repo: repoName, branch: pull.baseRef, files, author: o.sender, message: `Merge pull request #${number}` });
    return { push, closed: this.closePullRequest(repoName, number, { merged: true, sender: o.sender }) };
  }

  completeCheckRun(o: { repo: string; sha: string; name: string; conclusion: string; branch?: string | null; pullNumbers?: number[]; completedAt?: Date; appSlug?: string }): WebhookEvent {
    const repo = this.state.mustRepo(o.repo);
    const event = this.payloads.checkRun({ ...o, repo });
    // Listed by `checks/list-for-ref` too, as on GitHub (the audit reads CI results that way).
    const run = (event.payload as { check_run: { id: number; started_at: string } }).check_run;
    const completedAt = o.completedAt ?? this.state.now();
    repo.checkRuns.set(run.id, {
      id: run.id,
      name: o.name,
      headSha: o.sha,
      status: "completed",
      conclusion: o.conclusion,
      startedAt: new Date(run.started_at),
      completedAt,
      externalId: null,
      detailsUrl: null,
      output: {},
      appId: this.app.id,
    });
    return event;
  }

  completeCheckSuite(o: { repo: string; sha: string; conclusion: string; branch?: string | null; pullNumbers?: number[]; completedAt?: Date; appSlug?: string }): WebhookEvent {
    return this.payloads.checkSuite({ ...o, repo: this.state.mustRepo(o.repo) });
  }

  completeWorkflowJob(o: { repo: string; sha: string; name: string; conclusion: string; branch?: string | null; completedAt?: Date; workflowName?: string; runId?: number }): WebhookEvent {
    return this.payloads.workflowJob({ ...o, repo: this.state.mustRepo(o.repo) });
  }

  commitStatus(o: {
    repo: string;
    sha: string;
    context: string;
    state: "pending" | "success" | "failure" | "error";
    branches?: string[];
    updatedAt?: Date;
    description?: string;
    targetUrl?: string;
  }): WebhookEvent {
    const repo = this.state.mustRepo(o.repo);
    const event = this.payloads.status({ ...o, repo });
    const id = (event.payload as { id: number }).id;
    repo.statuses.push({
      id,
      sha: o.sha,
      context: o.context,
      state: o.state,
      updatedAt: o.updatedAt ?? this.state.now(),
      description: o.description ?? null,
      targetUrl: o.targetUrl ?? null,
    });
    return event;
  }

  /** A review requested from a user or a team (state + pull_request.review_requested, or review_request_removed). */
  requestReview(o: { repo: string; number: number; sender: string; reviewer?: string; team?: string; removed?: boolean }): WebhookEvent {
    const repo = this.state.mustRepo(o.repo);
    const pr = this.mustPull(repo, o.number);
    const pull = pr.pull!;
    const list = o.team ? (pull.requestedTeams ??= []) : (pull.requestedReviewers ??= []);
    const who = (o.team ?? o.reviewer)!;
    if (o.removed) list.splice(list.indexOf(who), 1);
    else if (!list.includes(who)) list.push(who);
    if (o.reviewer) this.state.user(o.reviewer);
    pr.updatedAt = this.state.now();
    const extra = o.team ? { requested_team: this.shapes.teamRef(repo.owner, o.team) } : { requested_reviewer: this.shapes.user(o.reviewer!) };
    return this.payloads.pullRequest(o.removed ? "review_request_removed" : "review_requested", repo, pr, o.sender, extra);
  }

  /** A submitted review (state + pull_request_review.submitted); it answers the reviewer's review request. */
  submitReview(o: { repo: string; number: number; user: string; body?: string; state?: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" }): WebhookEvent {
    const repo = this.state.mustRepo(o.repo);
    const pr = this.mustPull(repo, o.number);
    this.state.user(o.user);
    const review = { id: this.state.nextId(), user: o.user, body: o.body ?? "", state: o.state ?? "COMMENTED", commitId: pr.pull!.headSha, submittedAt: this.state.now() };
    (pr.pull!.reviews ??= []).push(review);
    pr.pull!.requestedReviewers = (pr.pull!.requestedReviewers ?? []).filter((r) => r.toLowerCase() !== o.user.toLowerCase());
    return this.payloads.pullRequestReview(repo, pr, review);
  }

  /** A label added to a pull request (state + pull_request.labeled). */
  labelPullRequest(o: { repo: string; number: number; label: string; sender: string }): WebhookEvent {
    const repo = this.state.mustRepo(o.repo);
    const pr = this.mustPull(repo, o.number);
    if (!pr.labels.includes(o.label)) pr.labels.push(o.label);
    pr.updatedAt = this.state.now();
    return this.payloads.pullRequest("labeled", repo, pr, o.sender, { label: this.shapes.label(repo, this.state.ensureLabel(repo, o.label)) });
  }

  /** The pull request's description edited (state + pull_request.edited). */
  editPullRequestBody(o: { repo: string; number: number; body: string; sender: string }): WebhookEvent {
    const repo = this.state.mustRepo(o.repo);
    const pr = this.mustPull(repo, o.number);
    const from = pr.body ?? "";
    this.state.editIssueBody(repo, pr, o.body);
    pr.updatedAt = this.state.now();
    return this.payloads.pullRequest("edited", repo, pr, o.sender, { changes: { body: { from } } });
  }

  /** A human's comment (state + issue_comment.created payload). */
  addComment(o: { repo: string; issueNumber: number; user: string; body: string }): { comment: SimComment } & WebhookEvent {
    const repo = this.state.mustRepo(o.repo);
    const issue = this.mustIssue(repo, o.issueNumber);
    const comment = this.state.addComment(repo, issue, o.user, o.body);
    return { comment, ...this.payloads.issueComment("created", repo, issue, comment) };
  }

  editComment(o: { repo: string; commentId: number; body: string; user?: string }): WebhookEvent {
    const repo = this.state.mustRepo(o.repo);
    const c = repo.comments.get(o.commentId);
    if (!c) throw new Error(`simulator: no comment ${o.commentId}`);
    this.state.editComment(repo, c, o.body);
    return this.payloads.issueComment("edited", repo, this.mustIssue(repo, c.issueNumber), c, o.user ?? c.user);
  }

  /** A human's reaction to a comment (or to the issue itself when commentId is absent). No webhook exists for reactions. */
  addReaction(o: { repo: string; user: string; content: string; commentId?: number; issueNumber?: number }): void {
    const repo = this.state.mustRepo(o.repo);
    const list = o.commentId !== undefined ? repo.comments.get(o.commentId)?.reactions : repo.issues.get(o.issueNumber ?? -1)?.reactions;
    if (!list) throw new Error("simulator: addReaction needs an existing commentId or issueNumber");
    this.state.react(list, o.user, o.content);
  }

  openIssue(o: { repo: string; user: string; title: string; body?: string; labels?: string[] }): { issue: SimIssue } & WebhookEvent {
    const repo = this.state.mustRepo(o.repo);
    const issue = this.state.createIssue(repo, o);
    return { issue, ...this.payloads.issues("opened", repo, issue) };
  }

  /** Comments on an issue/PR, oldest first (for assertions). */
  comments(repoName: string, issueNumber: number): SimComment[] {
    const repo = this.state.mustRepo(repoName);
    return this.mustIssue(repo, issueNumber).commentIds.map((id) => repo.comments.get(id)!);
  }

  private mustIssue(repo: SimRepo, n: number): SimIssue {
    const i = repo.issues.get(n);
    if (!i) throw new Error(`simulator: no issue #${n} in ${repo.fullName}`);
    return i;
  }

  private mustPull(repo: SimRepo, n: number): SimIssue {
    const i = this.mustIssue(repo, n);
    if (!i.pull) throw new Error(`simulator: #${n} is not a pull request`);
    return i;
  }

  // ------------------------------------------------------------ HTTP

  /** @internal */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? "GET";
    const rawUrl = req.url ?? "/";
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = chunks.length ? Buffer.concat(chunks).toString("utf8") : "";
    let body: unknown;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    const { path, query } = splitApiPath(rawUrl);
    const record: RequestRecord = { method, path, status: 0 };
    const reply = this.dispatch(method, rawUrl, path, query, body, req, record);
    record.status = reply.status;
    if (reply.raw !== undefined) record.raw = true;
    if (this.options.recordRequests) this.requests.push(record);

    const headers: Record<string, string> = { "x-github-media-type": "github.v3; format=json", "x-ratelimit-limit": "5000", "x-ratelimit-remaining": "4999", ...reply.headers };
    if (reply.raw !== undefined) {
      res.writeHead(reply.status, { ...headers, "content-type": "text/plain; charset=utf-8" });
      res.end(reply.raw);
    } else if (reply.status === 204 || reply.body === undefined) {
      res.writeHead(reply.status, headers);
      res.end();
    } else {
      res.writeHead(reply.status, { ...headers, "content-type": "application/json; charset=utf-8" });
      res.end(JSON.stringify(reply.body));
    }
  }

  private dispatch(method: string, rawUrl: string, path: string, query: URLSearchParams, body: unknown, req: IncomingMessage, record: RequestRecord): Reply {
    const fail = (e: HttpError): Reply => ({ status: e.status, body: errorBody(e) });
    const match = this.checker.match(method, rawUrl);
    if (!match) {
      this.violations.push({ method, path, error: `no such operation: ${method} ${path}`, body });
      return fail(new HttpError(404, "Not Found"));
    }
    record.template = match.template;
    record.operationId = match.operationId;
    if (this.options.validate) {
      const r = this.checker.check({ method, path: rawUrl, body });
      if (!r.ok) {
        this.violations.push({ method, path, operationId: match.operationId, error: r.error, body });
        return fail(new HttpError(422, "Invalid request.", { errors: [r.error] }));
      }
    }
    const auth = this.auth.authenticate(req.headers.authorization);
    if (!auth.ok) return fail(new HttpError(401, auth.message));
    const needsJwt = JWT_OPERATIONS.has(match.operationId);
    if (needsJwt !== (auth.principal.kind === "app")) {
      return fail(new HttpError(needsJwt ? 401 : 403, needsJwt ? "A JSON web token could not be decoded" : "Resource not accessible by integration"));
    }
    const handler = handlers[match.operationId];
    if (!handler) return fail(new HttpError(404, "Not Found"));
    const injected = this.faults?.before(method, path, match.operationId);
    if (injected) return injected;
    const ctx: RouteContext = {
      state: this.state,
      shapes: this.shapes,
      auth: this.auth,
      principal: auth.principal,
      params: match.params,
      query,
      body,
      headers: req.headers,
      selfUrl: `http://${req.headers.host}${rawUrl.split("?")[0]}`,
    };
    try {
      const reply = handler(ctx);
      return this.faults?.after(method, path, match.operationId, reply) ?? reply;
    } catch (e) {
      if (e instanceof HttpError) return fail(e);
      return { status: 500, body: { message: `simulator error: ${(e as Error).message}` } };
    }
  }
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const checker = await loadOpenApi();
  // The handler runs only once the server listens, after `sim` below exists.
  const server = createServer((req, res) => {
    sim.handle(req, res).catch((e) => {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: String(e) }));
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", resolve));
  const sim = new Simulator(server, checker, { ...opts, validate: opts.validate ?? true, recordRequests: opts.recordRequests ?? true });
  return sim;
}
