import type { CheckRunDesired } from "../core/registry-check.js";
import type { CiValue } from "../core/registry-edit.js";

/**
 * The action kinds the app records and the executor carries out: for each, where it lands
 * (target) and what GitHub should show (desired). Pure types and constructors, so that the
 * core's deciders can build intents too.
 */

/** The hidden HTML comment that finds an object again: `<!-- tierkeeper:KEY -->`. */
export const hiddenMarker = (key: string) => `<!-- tierkeeper:${key} -->`;

export interface CommentTarget {
  owner: string;
  repo: string;
  /** The issue or pull request; or, instead, `issueKey`. */
  issueNumber?: number;
  /** The key of an "issue" action: the comment waits until that issue exists. */
  issueKey?: string;
  /** Hidden HTML comment that identifies the app's comment among the thread's comments. */
  marker: string;
}

export interface CommentDesired {
  body: string;
  mentions?: string[];
}

export interface IssueTarget {
  owner: string;
  repo: string;
  /** Hidden HTML comment, added to the body when the desired body lacks it. */
  marker: string;
}

export interface IssueDesired {
  title: string;
  body: string;
  /** Added when missing (created first if the repository lacks them); never removed. */
  labels: string[];
  state: "open" | "closed";
}

export interface FilePrTarget {
  owner: string;
  repo: string;
  marker: string;
  baseBranch: string;
  /** Deterministic, so a branch created before a crash is found again. */
  branch: string;
  /** The registry file, e.g. `.github/tiers.yml`. */
  path: string;
  /** Optional key of the tracking "issue" action, named in the commit message (waits for it). */
  issueKey?: string;
}

/** What a file pull request changes: a component's `ci` in the registry, or a new registry (onboarding). */
export type RegistryEdit = { op: "set-ci"; component: string; value: CiValue; note?: string } | { op: "create"; content: string; message: string };

export interface FilePrDesired {
  title: string;
  body: string;
  edit: RegistryEdit;
  state: "open" | "closed";
}

/** A check run is found again by its name on the commit. */
export interface CheckRunTarget {
  owner: string;
  repo: string;
  headSha: string;
}

export type { CheckRunDesired };

export interface WorkflowTarget {
  owner: string;
  repo: string;
  /** The workflow's file name (`wasi-nn.yml`) or numeric id. */
  workflow: string | number;
}

export interface WorkflowDesired {
  enabled: boolean;
}

export interface ReviewRequestTarget {
  owner: string;
  repo: string;
  pullNumber: number;
}

export interface ReviewRequestDesired {
  reviewers: string[];
  /** Team slugs of the repository's organisation. */
  teamReviewers: string[];
}

/** Each kind's target and desired state. */
export interface ActionShapes {
  /** One comment on an issue or pull request. */
  comment: { target: CommentTarget; desired: CommentDesired };
  /** An issue the app opens, edits, labels and closes. */
  issue: { target: IssueTarget; desired: IssueDesired };
  /** A branch, a commit editing the registry, a pull request. */
  "file-pr": { target: FilePrTarget; desired: FilePrDesired };
  /** A completed check run on a commit, with its annotations. */
  "check-run": { target: CheckRunTarget; desired: CheckRunDesired };
  /** A GitHub Actions workflow turned off or on. */
  "workflow-disable": { target: WorkflowTarget; desired: WorkflowDesired };
  /** Reviewers asked on a pull request, each once. */
  "review-request": { target: ReviewRequestTarget; desired: ReviewRequestDesired };
}

export type ActionKind = keyof ActionShapes;

/** What should be on GitHub, as decided: one object (or state) per key, in one installation. */
export type Intent<K extends ActionKind = ActionKind> = {
  [P in K]: { kind: P; key: string; target: ActionShapes[P]["target"]; desired: ActionShapes[P]["desired"]; installationId: number | null };
}[K];

/** An intent before it is placed in an installation (what a pure decider knows). */
export type PlannedIntent<K extends ActionKind = ActionKind> = {
  [P in K]: Omit<Intent<P>, "installationId">;
}[K];

/** Places planned intents in an installation. */
export const inInstallation = (installationId: number | null, planned: PlannedIntent[]): Intent[] => planned.map((p) => ({ ...p, installationId }));

type Fields<K extends ActionKind> = Omit<Intent<K>, "kind">;

export const commentIntent = (i: Fields<"comment">): Intent<"comment"> => ({ kind: "comment", ...i });
export const issueIntent = (i: Fields<"issue">): Intent<"issue"> => ({ kind: "issue", ...i });
/** An issue tierkeeper opens in `repo`, found again by the hidden marker of its key. */
export const repoIssueIntent = (repo: { owner: string; name: string }, key: string, desired: IssueDesired, installationId: number | null): Intent<"issue"> =>
  issueIntent({ key, target: { owner: repo.owner, repo: repo.name, marker: hiddenMarker(key) }, desired, installationId });
export const filePrIntent = (i: Fields<"file-pr">): Intent<"file-pr"> => ({ kind: "file-pr", ...i });
export const checkRunIntent = (i: Fields<"check-run">): Intent<"check-run"> => ({ kind: "check-run", ...i });
export const workflowIntent = (i: Fields<"workflow-disable">): Intent<"workflow-disable"> => ({ kind: "workflow-disable", ...i });
export const reviewRequestIntent = (i: Fields<"review-request">): Intent<"review-request"> => ({ kind: "review-request", ...i });
