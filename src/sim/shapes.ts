/**
 * Renders simulator state as GitHub's REST/webhook JSON. The same shapes feed
 * REST responses and webhook payloads, so a client sees consistent objects.
 */
import type { PrFile, SimCheckRun, SimComment, SimIssue, SimLabel, SimReaction, SimRepo, SimReview, SimState, SimStatus, SimUser } from "./state.js";
import { blobSha } from "./state.js";

export interface SimApp {
  id: number;
  slug: string;
  name: string;
  owner: string;
}

const iso = (d: Date | null | undefined) => (d ? new Date(Math.floor(d.getTime() / 1000) * 1000).toISOString().replace(".000Z", "Z") : null);
const nodeId = (kind: string, id: number) => Buffer.from(`0${kind.length}:${kind}${id}`).toString("base64");

export class Shapes {
  constructor(
    readonly state: SimState,
    /** e.g. http://127.0.0.1:PORT/api/v3 */
    readonly api: string,
    /** e.g. http://127.0.0.1:PORT */
    readonly html: string,
    readonly app: SimApp,
  ) {}

  iso = iso;

  user(login: string) {
    const u: SimUser = this.state.user(login);
    return {
      login: u.login,
      id: u.id,
      node_id: nodeId(u.type, u.id),
      avatar_url: `${this.html}/avatars/${u.login}`,
      gravatar_id: "",
      url: `${this.api}/users/${u.login}`,
      html_url: `${this.html}/${u.login}`,
      type: u.type,
      site_admin: false,
    };
  }

  appJson() {
    const now = iso(this.state.now());
    return {
      id: this.app.id,
      slug: this.app.slug,
      node_id: nodeId("Integration", this.app.id),
      client_id: `Iv1.sim${this.app.id}`,
      owner: this.user(this.app.owner),
      name: this.app.name,
      description: "",
      external_url: this.html,
      html_url: `${this.html}/apps/${this.app.slug}`,
      created_at: now,
      updated_at: now,
      permissions: { checks: "write", contents: "write", issues: "write", metadata: "read", pull_requests: "write", members: "read", merge_queues: "read" },
      events: ["check_run", "check_suite", "issue_comment", "pull_request", "status", "workflow_job", "push", "merge_group"],
      installations_count: this.state.installations.size,
    };
  }

  repo(r: SimRepo) {
    const url = `${this.api}/repos/${r.fullName}`;
    return {
      id: r.id,
      node_id: nodeId("Repository", r.id),
      name: r.name,
      full_name: r.fullName,
      private: r.private,
      owner: this.user(r.owner),
      html_url: `${this.html}/${r.fullName}`,
      description: null,
      fork: false,
      url,
      issues_url: `${url}/issues{/number}`,
      pulls_url: `${url}/pulls{/number}`,
      contents_url: `${url}/contents/{+path}`,
      clone_url: `${this.html}/${r.fullName}.git`,
      created_at: iso(r.createdAt),
      updated_at: iso(r.createdAt),
      pushed_at: iso(r.createdAt),
      default_branch: r.defaultBranch,
      visibility: r.private ? "private" : "public",
      archived: false,
      disabled: false,
      has_issues: true,
      open_issues_count: [...r.issues.values()].filter((i) => i.state === "open").length,
    };
  }

  label(r: SimRepo, l: SimLabel) {
    return {
      id: l.id,
      node_id: nodeId("Label", l.id),
      url: `${this.api}/repos/${r.fullName}/labels/${encodeURIComponent(l.name)}`,
      name: l.name,
      color: l.color,
      default: false,
      description: l.description,
    };
  }

  reactionSummary(url: string, list: SimReaction[]) {
    const count = (c: string) => list.filter((x) => x.content === c).length;
    return {
      url,
      total_count: list.length,
      "+1": count("+1"),
      "-1": count("-1"),
      laugh: count("laugh"),
      hooray: count("hooray"),
      confused: count("confused"),
      heart: count("heart"),
      rocket: count("rocket"),
      eyes: count("eyes"),
    };
  }

  reaction(x: SimReaction) {
    return { id: x.id, node_id: nodeId("Reaction", x.id), user: this.user(x.user), content: x.content, created_at: iso(x.createdAt) };
  }

  issue(r: SimRepo, i: SimIssue) {
    const url = `${this.api}/repos/${r.fullName}/issues/${i.number}`;
    return {
      id: i.id,
      node_id: nodeId(i.pull ? "PullRequest" : "Issue", i.id),
      url,
      repository_url: `${this.api}/repos/${r.fullName}`,
      labels_url: `${url}/labels{/name}`,
      comments_url: `${url}/comments`,
      events_url: `${url}/events`,
      html_url: `${this.html}/${r.fullName}/${i.pull ? "pull" : "issues"}/${i.number}`,
      number: i.number,
      state: i.state,
      state_reason: i.stateReason,
      title: i.title,
      body: i.body,
      user: this.user(i.user),
      labels: i.labels.map((n) => this.label(r, this.state.ensureLabel(r, n))),
      assignee: i.assignees[0] ? this.user(i.assignees[0]) : null,
      assignees: i.assignees.map((a) => this.user(a)),
      milestone: null,
      locked: false,
      active_lock_reason: null,
      comments: i.commentIds.length,
      closed_at: iso(i.closedAt),
      created_at: iso(i.createdAt),
      updated_at: iso(i.updatedAt),
      author_association: this.association(r, i.user),
      reactions: this.reactionSummary(`${url}/reactions`, i.reactions),
      ...(i.pull
        ? {
            pull_request: {
              url: `${this.api}/repos/${r.fullName}/pulls/${i.number}`,
              html_url: `${this.html}/${r.fullName}/pull/${i.number}`,
              diff_url: `${this.html}/${r.fullName}/pull/${i.number}.diff`,
              patch_url: `${this.html}/${r.fullName}/pull/${i.number}.patch`,
              merged_at: null,
            },
          }
        : {}),
    };
  }

  association(r: SimRepo, login: string): string {
    if (login.toLowerCase() === r.owner.toLowerCase()) return "OWNER";
    const p = r.collaborators.get(login.toLowerCase());
    if (p && p !== "none") return "COLLABORATOR";
    return "NONE";
  }

  comment(r: SimRepo, c: SimComment) {
    const url = `${this.api}/repos/${r.fullName}/issues/comments/${c.id}`;
    const issue = r.issues.get(c.issueNumber);
    return {
      id: c.id,
      node_id: nodeId("IssueComment", c.id),
      url,
      html_url: `${this.html}/${r.fullName}/${issue?.pull ? "pull" : "issues"}/${c.issueNumber}#issuecomment-${c.id}`,
      issue_url: `${this.api}/repos/${r.fullName}/issues/${c.issueNumber}`,
      body: c.body,
      user: this.user(c.user),
      created_at: iso(c.createdAt),
      updated_at: iso(c.updatedAt),
      author_association: this.association(r, c.user),
      performed_via_github_app: c.user === `${this.app.slug}[bot]` ? this.appJson() : null,
      reactions: this.reactionSummary(`${url}/reactions`, c.reactions),
    };
  }

  /** A team as pull requests and review-request payloads name it. */
  teamRef(org: string, slug: string) {
    const team = this.state.teams.get(`${org}/${slug}`.toLowerCase());
    const id = team?.id ?? 0;
    return {
      id,
      node_id: nodeId("Team", id),
      url: `${this.api}/orgs/${org}/teams/${slug}`,
      html_url: `${this.html}/orgs/${org}/teams/${slug}`,
      name: team?.name ?? slug,
      slug,
      description: null,
      privacy: "closed",
      notification_setting: "notifications_enabled",
      permission: "pull",
      members_url: `${this.api}/organizations/${id}/team/${id}/members{/member}`,
      repositories_url: `${this.api}/organizations/${id}/team/${id}/repos`,
      parent: null,
    };
  }

  review(r: SimRepo, i: SimIssue, v: SimReview) {
    const html = `${this.html}/${r.fullName}/pull/${i.number}#pullrequestreview-${v.id}`;
    return {
      id: v.id,
      node_id: nodeId("PullRequestReview", v.id),
      user: this.user(v.user),
      body: v.body,
      state: v.state,
      html_url: html,
      pull_request_url: `${this.api}/repos/${r.fullName}/pulls/${i.number}`,
      _links: { html: { href: html }, pull_request: { href: `${this.api}/repos/${r.fullName}/pulls/${i.number}` } },
      submitted_at: iso(v.submittedAt),
      commit_id: v.commitId,
      author_association: this.association(r, v.user),
    };
  }

  branchRef(r: SimRepo, ref: string, sha: string) {
    return { label: `${r.owner}:${ref}`, ref, sha, user: this.user(r.owner), repo: this.repo(r) };
  }

  pull(r: SimRepo, i: SimIssue) {
    const p = i.pull!;
    const url = `${this.api}/repos/${r.fullName}/pulls/${i.number}`;
    const base = this.issue(r, i);
    const adds = p.files.reduce((n, f) => n + (f.additions ?? 1), 0);
    const dels = p.files.reduce((n, f) => n + (f.deletions ?? 0), 0);
    return {
      url,
      id: i.id,
      node_id: base.node_id,
      html_url: base.html_url,
      diff_url: `${base.html_url}.diff`,
      patch_url: `${base.html_url}.patch`,
      issue_url: base.url,
      commits_url: `${url}/commits`,
      review_comments_url: `${url}/comments`,
      comments_url: base.comments_url,
      statuses_url: `${this.api}/repos/${r.fullName}/statuses/${p.headSha}`,
      number: i.number,
      state: i.state,
      locked: false,
      title: i.title,
      user: base.user,
      body: i.body,
      labels: base.labels,
      milestone: null,
      active_lock_reason: null,
      created_at: base.created_at,
      updated_at: base.updated_at,
      closed_at: base.closed_at,
      merged_at: p.merged ? base.closed_at : null,
      merge_commit_sha: null,
      assignee: base.assignee,
      assignees: base.assignees,
      requested_reviewers: (p.requestedReviewers ?? []).map((login) => this.user(login)),
      requested_teams: (p.requestedTeams ?? []).map((slug) => this.teamRef(r.owner, slug)),
      head: this.branchRef(r, p.headRef, p.headSha),
      base: this.branchRef(r, p.baseRef, p.baseSha),
      author_association: base.author_association,
      auto_merge: null,
      draft: p.draft,
      merged: p.merged,
      mergeable: null,
      rebaseable: null,
      mergeable_state: "unknown",
      merged_by: null,
      comments: i.commentIds.length,
      review_comments: 0,
      maintainer_can_modify: false,
      commits: 1,
      additions: adds,
      deletions: dels,
      changed_files: p.files.length,
    };
  }

  prFile(r: SimRepo, sha: string, f: PrFile) {
    const content = this.state.resolveRef(r, sha)?.files.get(f.filename) ?? "";
    const additions = f.additions ?? (f.status === "removed" ? 0 : 1);
    const deletions = f.deletions ?? (f.status === "added" ? 0 : f.status === "removed" ? 1 : 0);
    return {
      sha: blobSha(content),
      filename: f.filename,
      status: f.status,
      additions,
      deletions,
      changes: additions + deletions,
      blob_url: `${this.html}/${r.fullName}/blob/${sha}/${f.filename}`,
      raw_url: `${this.html}/${r.fullName}/raw/${sha}/${f.filename}`,
      contents_url: `${this.api}/repos/${r.fullName}/contents/${f.filename}?ref=${sha}`,
      patch: "@@ -0,0 +1 @@",
      ...(f.previous_filename ? { previous_filename: f.previous_filename } : {}),
    };
  }

  contentFile(r: SimRepo, path: string, content: string, ref: string) {
    const sha = blobSha(content);
    const url = `${this.api}/repos/${r.fullName}/contents/${path}?ref=${ref}`;
    // As GitHub: past 1 MB the JSON answer states the size but carries no content.
    const inJson = Buffer.byteLength(content) <= 1024 * 1024;
    return {
      type: "file",
      encoding: inJson ? "base64" : "none",
      size: Buffer.byteLength(content),
      name: path.split("/").pop()!,
      path,
      content: inJson ? Buffer.from(content).toString("base64") : "",
      sha,
      url,
      git_url: `${this.api}/repos/${r.fullName}/git/blobs/${sha}`,
      html_url: `${this.html}/${r.fullName}/blob/${ref}/${path}`,
      download_url: `${this.html}/${r.fullName}/raw/${ref}/${path}`,
      _links: { self: url, git: `${this.api}/repos/${r.fullName}/git/blobs/${sha}`, html: `${this.html}/${r.fullName}/blob/${ref}/${path}` },
    };
  }

  combinedStatus(r: SimRepo, sha: string, state: string, statuses: SimStatus[]) {
    return {
      state,
      sha,
      total_count: statuses.length,
      statuses: statuses.map((s) => ({
        id: s.id,
        node_id: nodeId("StatusContext", s.id),
        url: `${this.api}/repos/${r.fullName}/statuses/${sha}`,
        avatar_url: null,
        state: s.state,
        description: s.description,
        target_url: s.targetUrl,
        context: s.context,
        created_at: iso(s.updatedAt),
        updated_at: iso(s.updatedAt),
      })),
      repository: this.repo(r),
      commit_url: `${this.api}/repos/${r.fullName}/commits/${sha}`,
      url: `${this.api}/repos/${r.fullName}/commits/${sha}/status`,
    };
  }

  checkRun(r: SimRepo, c: SimCheckRun) {
    const url = `${this.api}/repos/${r.fullName}/check-runs/${c.id}`;
    return {
      id: c.id,
      node_id: nodeId("CheckRun", c.id),
      head_sha: c.headSha,
      external_id: c.externalId ?? "",
      url,
      html_url: `${this.html}/${r.fullName}/runs/${c.id}`,
      details_url: c.detailsUrl ?? `${this.html}/${r.fullName}/runs/${c.id}`,
      status: c.status,
      conclusion: c.conclusion,
      started_at: iso(c.startedAt),
      completed_at: iso(c.completedAt),
      output: { title: c.output.title ?? null, summary: c.output.summary ?? null, text: c.output.text ?? null, annotations_count: 0, annotations_url: `${url}/annotations` },
      name: c.name,
      check_suite: { id: c.id + 1 },
      app: this.appJson(),
      pull_requests: [],
    };
  }

  installation(id: number) {
    const i = this.state.installations.get(id)!;
    const account = this.user(i.account);
    return {
      id: i.id,
      account,
      repository_selection: i.repos === "all" ? "all" : "selected",
      access_tokens_url: `${this.api}/app/installations/${i.id}/access_tokens`,
      repositories_url: `${this.api}/installation/repositories`,
      html_url: `${this.html}/settings/installations/${i.id}`,
      app_id: this.app.id,
      app_slug: this.app.slug,
      target_id: account.id,
      target_type: account.type === "User" ? "User" : "Organization",
      permissions: this.appJson().permissions,
      events: this.appJson().events,
      created_at: iso(i.createdAt),
      updated_at: iso(i.createdAt),
      single_file_name: null,
      suspended_at: null,
      suspended_by: null,
    };
  }
}
