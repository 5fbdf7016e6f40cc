import type { ChangePolicy } from "./change-rules.js";
import type { RequirementOverrides } from "./requirements.js";

/**
 * The vocabulary shared by the functional core and the shell around it.
 * Plain data only: no behaviour, no I/O.
 */

export type Tier = 1 | 2 | 3;

/** A GitHub user (`abrown`) or a team (`bytecodealliance/wasi-nn`). */
export type Owner = { kind: "user"; login: string } | { kind: "team"; org: string; slug: string };

/** A calendar duration as date-fns understands it (`add(date, duration)`). */
export interface PolicyDuration {
  hours?: number;
  days?: number;
  weeks?: number;
  months?: number;
}

export interface Policy {
  /** How long owners have to respond before the next step (the spec: "a week"). */
  responseWindow: PolicyDuration;
  /** How long a disabled Tier 3 component waits before removal is proposed (the spec: "a month"). */
  removalWindow: PolicyDuration;
  /** `shadow`: decide and record everything, write nothing to GitHub. */
  mode: "enforce" | "shadow";
  /** How the tier requirements are renamed, dropped or added, if the repository says so. */
  requirements?: RequirementOverrides;
  /** Tier 2 responsiveness, and the alarms about Tier 1 and Tier 2 components turned off. */
  tier2: Tier2Policy;
  /** What makes a change major, and how a major Tier 1 change shows its RFC. */
  changes: ChangePolicy;
  /** How long a component must meet the tier above (or miss its own) before an issue suggests the change; off: never. */
  suggestions: PolicyDuration | "off";
  /** The repository's tier document (`docs/stability-tiers.md`) whose tables must match the registry. */
  document?: string;
  /** Which behaviours are on. */
  behaviours: {
    /** The breaking-PR comment that pings owners. */
    prComment: boolean;
  };
}

export interface Tier2Policy {
  /** The repository's maintainers: mentioned on a request's second breach and in alarms. */
  maintainers: Owner[];
  /** Breaches within the figures window after which demotion to Tier 3 is proposed. */
  demotionBreaches: number;
  /** The rolling window of the reply figures, in days. */
  figuresWindowDays: number;
  /** How long a Tier 2 component may stay disabled in CI before the alarm. */
  disabledLimit: PolicyDuration;
  /** A report issue with the figures on the first of each month. */
  report: "off" | "monthly";
}

/** The scalar facts a component may declare for the tier requirements (`implementation: partial`, ...). */
export const DECLARED_FACTS = ["implementation", "proposal", "maintainer", "ci", "ci-coverage", "quality"] as const;

/**
 * `fuzzing:` values that name where a component is fuzzed when no CI job does it (Wasmtime's
 * continuous fuzzing runs on OSS-Fuzz); `outside-ci` for any other such service.
 */
export const FUZZING_SERVICES = ["oss-fuzz", "outside-ci"] as const;
export type FuzzingService = (typeof FUZZING_SERVICES)[number];

export interface Component {
  /** Key in the registry: used in messages, labels, commands and issue titles. */
  id: string;
  name?: string;
  description?: string;
  /** Free text: Target, WASI Proposal, WebAssembly Proposal, misc, ... */
  category: string;
  tier: Tier;
  owners: Owner[];
  /** Globs over repository paths. */
  paths: string[];
  /** Globs over check-run, workflow-job, check-suite app and commit-status names. */
  checks: string[];
  /** Globs over check names of the fuzzing jobs covering this component; absent when not declared. */
  fuzzing?: string[];
  /** Fuzzed continuously outside CI (`fuzzing: oss-fuzz`): no CI job to match, nothing CI can observe. */
  fuzzedOutsideCi?: FuzzingService;
  /** Who is asked instead while every owner is away (`/tier away`). */
  backup?: Owner[];
  /** Who is mentioned when a request to its owners is breached a second time (else the policy's maintainers). */
  escalation?: Owner[];
  /** Free-form facts declared in the registry (e.g. `implementation: partial`). */
  facts: Record<string, string>;
  /** The registry's `missing`: notes for the Missing column that no requirement expresses, printed as given. */
  missingNotes?: string[];
}

export interface Registry {
  components: Component[];
  policy: Policy;
}

/** A problem found in a registry, anchored where the user edits. */
export interface RegistryProblem {
  file: string;
  line: number;
  column: number;
  message: string;
  severity: "error" | "warning";
}

export type RegistryParseResult = { ok: true; registry: Registry; warnings: RegistryProblem[] } | { ok: false; errors: RegistryProblem[] };

/** A repository as the core sees it. `key` is `owner/name`. */
export interface RepoRef {
  owner: string;
  name: string;
  /** GitHub's numeric id: stable across renames. */
  id: number;
  defaultBranch: string;
  private: boolean;
}

export type Outcome = "pass" | "fail" | "neutral";

/** One completed CI result: a check run, check suite, workflow job or commit status. */
export interface CiResult {
  repoId: number;
  sha: string;
  /** The name the registry's `checks` globs are matched against. */
  name: string;
  /**
   * Tells apart results of one name at one commit that are not re-runs of each other: every
   * workflow's check suite is named after the app ("GitHub Actions"), so a suite is keyed by its id.
   * Absent: the name is the key.
   */
  key?: string;
  source: "check_run" | "check_suite" | "workflow_job" | "status";
  outcome: Outcome;
  /** When GitHub says it finished: results are ordered by this, never by arrival. */
  completedAt: Date;
  /** When it started (check runs and workflow jobs): its duration is what it cost in CI time. */
  startedAt?: Date;
  /** The branch the commit was built on, when known. */
  branch?: string;
  url?: string;
}

/** What the store knows about a pull request. */
export interface PullRecord {
  repoId: number;
  number: number;
  headSha: string;
  baseRef: string;
  author: string;
  state: "open" | "closed";
  /** Components whose paths the PR touches; `all` when the file list was capped. */
  touched: string[] | "all";
  /** Lines added plus deleted per touched component, when known. */
  lines?: Record<string, number>;
  updatedAt: Date;
}
