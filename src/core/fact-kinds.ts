/**
 * The facts tierkeeper reasons about, one kind per event it handles (facts.ts reads them from
 * webhook payloads; the router sends each kind to the features that handle it).
 */
import type { CiResult, RepoRef } from "./model.js";

export interface PullFact {
  kind: "pull";
  repo: RepoRef;
  installationId: number;
  action: string;
  number: number;
  headSha: string;
  baseRef: string;
  author: string;
  state: "open" | "closed";
  /** When it was merged; null while not merged (a closed PR with none was closed unmerged). */
  mergedAt: Date | null;
  /** Who did what the event reports (closed it, for instance). */
  sender?: string;
  updatedAt: Date;
  /** Label names, for the major-change rule and its override. */
  labels: string[];
  /** The description, where an RFC link is looked for. */
  body: string;
}

/** A review requested from (or no longer requested of) a user or a team. */
export interface ReviewRequestFact {
  kind: "review-request";
  repo: RepoRef;
  installationId: number;
  action: "requested" | "removed";
  number: number;
  /** `login`, or `org/team-slug` for a team. */
  reviewer: string;
  requester: string;
  requesterIsBot: boolean;
  at: Date;
}

export interface CiFact {
  kind: "ci";
  repo: RepoRef;
  installationId: number;
  result: CiResult;
  /** Pull requests GitHub names in the payload (same-repository PRs only). */
  pulls: { number: number; headSha: string; baseRef: string }[];
  /** The result is on a merge queue commit (its branch names the PR); GitHub then names no PR. */
  queue?: QueueBranch;
}

/** What a merge queue branch `gh-readonly-queue/<base>/pr-<N>-<base sha>` says. */
export interface QueueBranch {
  base: string;
  pull: number;
  baseSha: string;
}

/** A merge group whose checks GitHub requests: the queue commit of a PR, merged onto the base. */
export interface MergeGroupFact {
  kind: "merge-group";
  repo: RepoRef;
  installationId: number;
  headSha: string;
  baseSha: string;
  /** The PR the queue commit was built for (from `head_ref`). */
  queue: QueueBranch;
}

export interface PushFact {
  kind: "push";
  repo: RepoRef;
  installationId: number;
  ref: string;
  /** The push changed the registry file. */
  touchesRegistry: boolean;
}

/** A human's (or bot's) comment or review: a possible owner response, or a `/tier` command. */
export interface ActivityFact {
  kind: "activity";
  repo: RepoRef;
  installationId: number;
  via: "comment" | "review";
  issueNumber: number;
  isPull: boolean;
  author: string;
  authorIsBot: boolean;
  /** The comment's id, for replies keyed by what they answer; absent for reviews. */
  commentId?: number;
  body: string;
  at: Date;
}

/** The app installed on repositories (a new installation, or repositories added to one). */
export interface InstalledFact {
  kind: "installed";
  installationId: number;
  /** The account the app is installed on. */
  account: string;
  repos: { id: number; owner: string; name: string; private: boolean }[];
}

/** The installation deleted, suspended or resumed, or repositories removed from it: work for them stops or resumes. */
export interface InstallationFact {
  kind: "installation";
  installationId: number;
  account: string;
  change: "deleted" | "suspended" | "unsuspended" | "repositories-removed";
  repos: InstalledFact["repos"];
}

export type Fact =
  | InstalledFact
  | InstallationFact
  | PullFact
  | ReviewRequestFact
  | ActivityFact
  | CiFact
  | MergeGroupFact
  | PushFact
  | { kind: "ignored"; reason: string }
  | { kind: "invalid"; reason: string };
