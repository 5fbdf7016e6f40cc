import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import type { Logger } from "pino";
import { formatProblem } from "../core/registry.js";
import {
  renderMessage,
  renderStatusIndex,
  renderStatusPage,
  STATUS_PAGE_CSS,
  type ActionRow,
  type Link,
  type StatusPageView,
  type Tier2FigureRow,
  type TimelineRow,
} from "../core/render/status-page.js";
import { statusRows } from "../core/render/status-tables.js";
import type { Evidence } from "../core/requirements.js";
import { observedEvidence } from "../queries/evidence.js";
import { episodeKey } from "../core/timeline-intents.js";
import { type Episode } from "../core/timeline.js";
import type { Octokit } from "../github/octokit.js";
import type { ActionRecord, CachedRegistry, Store } from "../store/store.js";

/**
 * `GET /status` (the repositories) and `GET /status/{owner}/{repo}` (one repository's tier tables,
 * open Tier 3 timelines, Tier 2 reply figures and last actions), server-rendered from the store.
 *
 * Private repositories are never served anonymously. Whether a repository is private is what
 * GitHub answers now (RepositoryVisibility); a repository GitHub did not vouch for counts as
 * private. A private page needs the access token STATUS_PAGE_TOKEN, sent as `Authorization:
 * Bearer <token>`, or given once as `?token=<token>`, which is exchanged for an HttpOnly cookie
 * (a value derived from the token, not the token) and redirected away from. Anything not shown
 * answers the same 404 as a repository that does not exist.
 */

export interface StatusPageOptions {
  store: Store;
  log: Logger;
  /** GitHub as the App (JWT) and as an installation: to learn which repositories are public. */
  github: GitHubAccess;
  /** The access token for private repositories (STATUS_PAGE_TOKEN). Without one, private pages are never served. */
  accessToken?: string;
  /**
   * Tier 2 reply figures of a repository, by its GitHub id: the injection point of Tier 2
   * responsiveness. Absent, or answering undefined: the section says "no figures yet".
   */
  tier2Figures?: (repoId: number) => Promise<readonly Tier2FigureRow[] | undefined>;
  now?: () => Date;
  /** GitHub's web address, for links (github.com by default; GitHub Enterprise Server's when GHE_HOST is set). */
  githubUrl?: string;
}

export interface GitHubAccess {
  app(): Promise<Octokit>;
  installation(installationId: number): Promise<Octokit>;
}

/** How many actions the page lists, and how many repositories the index. */
const ACTION_LIMIT = 25;
const INDEX_LIMIT = 500;
const SESSION_COOKIE = "tierkeeper_status";
const SESSION_MAX_AGE_S = 30 * 24 * 3600;

const HEADERS = {
  "content-type": "text/html; charset=utf-8",
  // Pages differ by credentials, and a page that was public may not be later.
  "cache-control": "no-store",
  vary: "authorization, cookie",
  // No script at all; only the page's own style sheet.
  "content-security-policy": `default-src 'none'; style-src 'sha256-${createHash("sha256").update(STATUS_PAGE_CSS).digest("base64")}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

const NOT_FOUND = renderMessage("Not found", "There is no status page here, or it is not public.");

export function statusPageHandler(options: StatusPageOptions) {
  const { store, log } = options;
  const now = options.now ?? (() => new Date());
  const token = options.accessToken ?? "";
  const session = token && sessionValue(token);
  const githubUrl = options.githubUrl ?? "https://github.com";
  const visibility = new RepositoryVisibility(options.github, log);

  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? "/", "http://status.invalid");
    const route = routeOf(url.pathname);
    if (!route || (req.method !== "GET" && req.method !== "HEAD")) return false;
    const send = (status: number, html: string, extra: Record<string, string> = {}) => void res.writeHead(status, { ...HEADERS, ...extra }).end(html);

    if (url.searchParams.has("token")) {
      // The same answer for every path: a refused token says nothing about the repository.
      if (!token || !sameSecret(url.searchParams.get("token") ?? "", token)) {
        send(403, renderMessage("Access token not accepted", "The access token is not the one this server is configured with."));
      } else {
        send(303, "", { location: url.pathname, "set-cookie": sessionCookie(session, isHttps(req)) });
      }
      return true;
    }
    const bearer = bearerOf(req);
    const signedIn = bearer !== undefined ? sameSecret(bearer, token) : sameSecret(cookieOf(req, SESSION_COOKIE) ?? "", session);

    try {
      if (route.kind === "index") {
        const known = await store.registries.repositories(INDEX_LIMIT);
        const repositories = [];
        for (const r of known) {
          const isPrivate = await visibility.isPrivate(r.repoId);
          if (!isPrivate || signedIn) repositories.push({ ...splitKey(r.repoKey), private: isPrivate });
        }
        send(200, renderStatusIndex({ asOf: now().toISOString(), repositories }));
      } else {
        const entry = route.kind === "repository" ? await store.registries.byName(route.owner, route.name) : undefined;
        const isPrivate = entry ? await visibility.isPrivate(entry.repoId) : true;
        if (entry && (!isPrivate || signedIn)) send(200, renderStatusPage(await pageView(entry, isPrivate)));
        else send(404, NOT_FOUND);
      }
    } catch (error) {
      log.error({ err: error }, "status page failed");
      send(500, renderMessage("Status unavailable", "The status page cannot be made right now; try again later."));
    }
    return true;
  };

  async function pageView(entry: CachedRegistry, isPrivate: boolean): Promise<StatusPageView> {
    const { owner, name } = splitKey(entry.repoKey);
    const timelines: TimelineRow[] = [];
    for (const record of await store.episodes.ofRepo(entry.repoId)) {
      const episode = record.state;
      if (episode.phase === "closed") continue;
      const tracking = numericId((await store.actions.get(episodeKey(entry.repoId, episode, "tracking")))?.githubId);
      timelines.push(timelineRow(episode, tracking === undefined ? undefined : { text: `#${tracking}`, url: `${repoUrl(githubUrl, owner, name)}/issues/${tracking}` })!);
    }
    const actions = await store.actions.ofRepository(entry.repoKey, ACTION_LIMIT);
    // A comment on an issue tierkeeper opened names that issue by its action's key.
    const issues = new Map<string, number | undefined>();
    for (const a of actions) {
      const key = (JSON.parse(a.target) as AnyTarget).issueKey;
      if (key && !issues.has(key)) issues.set(key, numericId((actions.find((b) => b.key === key) ?? (await store.actions.get(key)))?.githubId));
    }
    return {
      repo: { owner, name, url: repoUrl(githubUrl, owner, name), private: isPrivate },
      asOf: now().toISOString(),
      registry: registryView(entry, entry.registry ? await observedEvidence(store, entry.repoId, entry.registry, now()) : undefined),
      timelines,
      tier2Figures: await options.tier2Figures?.(entry.repoId),
      actions: actions.map((a) => actionRow(a, githubUrl, (key) => issues.get(key))),
    };
  }
}

// ---- Access

type Route = { kind: "index" } | { kind: "repository"; owner: string; name: string } | { kind: "not-found" };

/** GitHub's rules for account and repository names: anything else cannot be a repository. */
const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const NAME = /^[A-Za-z0-9._-]{1,100}$/;

function routeOf(pathname: string): Route | undefined {
  if (pathname === "/status" || pathname === "/status/") return { kind: "index" };
  if (!pathname.startsWith("/status/")) return undefined;
  const parts = pathname.slice("/status/".length).replace(/\/$/, "").split("/");
  try {
    const [owner, name] = parts.map(decodeURIComponent);
    if (parts.length === 2 && OWNER.test(owner) && NAME.test(name) && name !== "." && name !== "..") return { kind: "repository", owner, name };
  } catch {
    /* a malformed escape: not a repository */
  }
  return { kind: "not-found" };
}

/** Compares secrets in constant time, whatever their lengths. */
function sameSecret(given: string, expected: string): boolean {
  if (!given || !expected) return false;
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** The cookie's value: derived from the token, so the cookie never holds it, and changing the token signs everyone out. */
function sessionValue(token: string): string {
  return createHmac("sha256", token).update("tierkeeper status page session").digest("base64url");
}

function sessionCookie(value: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${value}; Path=/status; Max-Age=${SESSION_MAX_AGE_S}; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
}

function bearerOf(req: IncomingMessage): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "")?.[1];
}

function cookieOf(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return value.join("=");
  }
  return undefined;
}

/** Behind a proxy that terminates TLS, the proxy says so. */
function isHttps(req: IncomingMessage): boolean {
  return (
    Boolean((req.socket as TLSSocket).encrypted) ||
    String(req.headers["x-forwarded-proto"] ?? "")
      .split(",")[0]
      .trim() === "https"
  );
}

/**
 * Which repositories are public, as GitHub answers: the repositories of every installation (one
 * request per installation and per 100 repositories), fetched when a page is asked for and kept
 * for ten minutes. A repository GitHub did not list, or a failure to ask, counts as private.
 */
export class RepositoryVisibility {
  private known: { until: number; privateById: Map<number, boolean> } | undefined;
  private loading: Promise<Map<number, boolean>> | undefined;

  constructor(
    private readonly github: GitHubAccess,
    private readonly log: Logger,
    private readonly ttlMs = 10 * 60_000,
    /** After a failure, everything is private until GitHub is asked again, this soon. */
    private readonly retryMs = 30_000,
  ) {}

  /** True when private, or when GitHub did not say (fail closed). */
  async isPrivate(repoId: number): Promise<boolean> {
    return (await this.current()).get(repoId) !== false;
  }

  private current(): Promise<Map<number, boolean>> {
    if (this.known && Date.now() < this.known.until) return Promise.resolve(this.known.privateById);
    this.loading ??= this.load()
      .then(({ privateById, complete }) => {
        this.known = { until: Date.now() + (complete ? this.ttlMs : this.retryMs), privateById };
        return privateById;
      })
      .finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async load(): Promise<{ privateById: Map<number, boolean>; complete: boolean }> {
    const privateById = new Map<number, boolean>();
    let installations: { id: number }[];
    try {
      const app = await this.github.app();
      installations = await app.paginate(app.rest.apps.listInstallations, { per_page: 100 });
    } catch (error) {
      this.log.warn({ err: error }, "status page: cannot list the installations; every repository counts as private");
      return { privateById, complete: false };
    }
    let complete = true;
    for (const installation of installations) {
      try {
        const octokit = await this.github.installation(installation.id);
        const repositories = await octokit.paginate(octokit.rest.apps.listReposAccessibleToInstallation, { per_page: 100 });
        for (const r of repositories) privateById.set(r.id, r.private);
      } catch (error) {
        // A suspended installation, say: its repositories stay private, the others are known.
        complete = false;
        this.log.warn({ err: error, installation: installation.id }, "status page: cannot list an installation's repositories; they count as private");
      }
    }
    return { privateById, complete };
  }
}

// ---- View model

/** The tables with the "missing requirements" column judged on the evidence tierkeeper observed. */
function registryView(entry: CachedRegistry, evidence: Record<string, Evidence> | undefined): StatusPageView["registry"] {
  const registry = entry.registry;
  if (registry) return { state: "valid", rows: statusRows(registry, { overrides: registry.policy.requirements, evidence }) };
  if (entry.errors.length) return { state: "invalid", problems: entry.errors.map(formatProblem) };
  return { state: "absent" };
}

/** An open episode as a row: its phase, and the next step with its date. Undefined when closed. */
export function timelineRow(e: Episode, trackingIssue?: Link): TimelineRow | undefined {
  const phase = e.phase;
  if (phase === "closed") return undefined;
  const last = e.responses.at(-1);
  return {
    component: e.component,
    phase,
    noticeAt: e.noticeAt,
    next:
      phase === "notified"
        ? { step: "Disabling in CI proposed", at: e.dueAt }
        : phase === "disabled"
          ? { step: "Removal proposed", at: e.dueAt }
          : phase === "disabling"
            ? { step: "Disabled once a maintainer merges the PR", at: null }
            : phase === "disable-declined"
              ? { step: "Nothing scheduled: the maintainers declined the disable", at: null }
              : { step: "Removal proposed; the maintainers decide", at: null },
    ...(e.frozen && { frozen: { by: e.frozen.by, reason: e.frozen.reason } }),
    blockers: e.blockers.length,
    ...(last && { lastResponse: { by: last.by, at: last.at } }),
    ...(trackingIssue && { trackingIssue }),
  };
}

interface AnyTarget {
  owner: string;
  repo: string;
  issueNumber?: number;
  issueKey?: string;
  pullNumber?: number;
  headSha?: string;
  workflow?: string | number;
}

interface AnyDesired {
  title?: string;
  body?: string;
  name?: string;
  enabled?: boolean;
  reviewers?: string[];
  teamReviewers?: string[];
}

/**
 * An action as a row, linked to what it made on GitHub (executor.ts lists the kinds and what
 * their githubId is). `issueOf` gives the number of the issue another action opened, by its key.
 */
export function actionRow(a: ActionRecord, githubUrl: string, issueOf: (key: string) => number | undefined): ActionRow {
  const target = JSON.parse(a.target) as AnyTarget;
  const desired = JSON.parse(a.desired) as AnyDesired;
  const repo = repoUrl(githubUrl, target.owner, target.repo);
  const id = numericId(a.githubId);
  const state = a.shadow ? "shadow" : a.version > a.appliedVersion ? "pending" : "done";
  const row = (what: string, link: Link = { text: `${target.owner}/${target.repo}`, url: repo }): ActionRow => ({ at: a.updatedAt.toISOString(), what, link, state });
  const onIssue = (n: number, anchor = "") => ({ text: `#${n}`, url: `${repo}/issues/${n}${anchor}` });
  switch (a.kind) {
    case "comment": {
      const n = target.issueNumber ?? (target.issueKey ? issueOf(target.issueKey) : undefined);
      const what = `Comment${n === undefined ? "" : ` on #${n}`}${desired.body ? `: ${gist(desired.body)}` : ""}`;
      return n === undefined ? row(what) : row(what, onIssue(n, id === undefined ? "" : `#issuecomment-${id}`));
    }
    case "issue":
      return row(`Issue "${desired.title ?? ""}"`, id === undefined ? undefined : onIssue(id));
    case "file-pr":
      return row(`Pull request "${desired.title ?? ""}"`, id === undefined ? undefined : { text: `#${id}`, url: `${repo}/pull/${id}` });
    case "check-run":
      return row(
        `Check run "${desired.name ?? ""}"`,
        id !== undefined
          ? { text: `run ${id}`, url: `${repo}/runs/${id}` }
          : target.headSha
            ? { text: target.headSha.slice(0, 7), url: `${repo}/commit/${encodeURIComponent(target.headSha)}` }
            : undefined,
      );
    case "workflow-disable":
      return row(`Workflow ${target.workflow} ${desired.enabled ? "enabled" : "disabled"}`, {
        text: String(target.workflow),
        url: `${repo}/actions/workflows/${encodeURIComponent(String(target.workflow))}`,
      });
    case "review-request": {
      const who = [...(desired.reviewers ?? []), ...(desired.teamReviewers ?? []).map((t) => `${target.owner}/${t}`)].map((h) => `@${h}`).join(", ");
      return row(`Review requested from ${who}`, { text: `#${target.pullNumber}`, url: `${repo}/pull/${target.pullNumber}` });
    }
    default:
      return row(a.kind);
  }
}

/** A comment's first line of text, without Markdown marks or the hidden marker, cut short. */
function gist(body: string): string {
  const line = body.split("\n").find((l) => l.trim() && !l.trim().startsWith("<!--")) ?? "";
  const plain = line
    .replace(/^\s*(?:[#>]+|[-*] )\s*/, "")
    .replace(/\*\*|`/g, "")
    .replace(/\s+/g, " ")
    .trim();
  return plain.length > 100 ? `${plain.slice(0, 99)}…` : plain;
}

function repoUrl(githubUrl: string, owner: string, name: string): string {
  return `${githubUrl}/${encodeURIComponent(owner)}/${encodeURIComponent(name)}`;
}

/** GitHub's id of what an action made, when it is a number (not "creating" or "shadow"). */
function numericId(githubId: string | null | undefined): number | undefined {
  return githubId && /^\d+$/.test(githubId) ? Number(githubId) : undefined;
}

function splitKey(repoKey: string): { owner: string; name: string } {
  const [owner, name] = repoKey.split("/");
  return { owner, name };
}
