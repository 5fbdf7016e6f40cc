import type { Fact } from "../core/facts.js";
import type { Matcher } from "../core/match.js";
import type { PullRecord, Registry } from "../core/model.js";
import type { Episode } from "../core/timeline.js";
import type { Octokit } from "../github/octokit.js";
import type { Deps } from "./deps.js";

/**
 * A feature as a unit: the facts it handles, then for each such fact a `load` step (reads what
 * it needs, once), a pure `decide` step (calls into core: a function of what was loaded, the
 * fact and `now`) and an `act` step (records intents, saves state). The router (app/router.ts)
 * runs the features of features/index.ts in list order, each in isolation; the sweep
 * (app/sweep.ts) runs their `sweep` steps. `load` or `decide` returning undefined: nothing to do.
 */

export type FactKind = Fact["kind"];
export type FactOf<K extends FactKind> = Extract<Fact, { kind: K }>;

/** The registry in force for the fact's repository and its compiled matcher. */
export interface Rules {
  registry: Registry;
  matcher: Matcher;
}

/** A pull request event as the pulls feature observed it (features/pulls). */
export interface PullObservation {
  /** The PR as it is recorded (its files listed again when its head moved). */
  pull: PullRecord;
  editsRegistry: boolean;
  editsDocument: boolean;
}

/** A CI result as the ci-results feature recorded it (features/ci-results). */
export interface CiObservation {
  /** The fact as judged: a mapped result on the merge queue's base counts as a default-branch result. */
  fact: FactOf<"ci">;
  /** The open PRs at the result's commit (named by GitHub, recorded, or tested in the merge queue). */
  pulls: PullRecord[];
}

/** What the first stage (the `observe` steps) found, for the features that follow. */
export interface Observations {
  pull?: PullObservation;
  ci?: CiObservation;
}

/** One event as the features see it. */
export interface EventContext<F extends Fact = Fact> {
  /** Its log names the delivery, event and repository. */
  deps: Deps;
  fact: F;
  /** The event's instant, read once. */
  now: Date;
  /** The fact's installation's Octokit (creating one makes no request). */
  github: () => Promise<Octokit>;
  /** The registry in force, read at most once per event and only when a feature asks (most comments need none). */
  rules(): Promise<Rules | undefined>;
  observed: Observations;
  /** The features of this event that failed so far. */
  failed: ReadonlySet<string>;
}

export interface Feature<F extends Fact = Fact, L = unknown, D = unknown> {
  readonly name: string;
  readonly facts: readonly F["kind"][];
  /**
   * The first stage: run for the fact before any feature's `load`, outside isolation (a failure
   * retries the delivery at once). It records what the event says (the PR, the CI result) into
   * `ctx.observed`; "stop" ends the event (a late event, a result that concerns no component).
   */
  observe?(ctx: EventContext<F>): Promise<"continue" | "stop">;
  load?: (ctx: EventContext<F>) => Promise<L | undefined>;
  decide?: (loaded: L, fact: F, now: Date) => D | undefined;
  act?: (ctx: EventContext<F>, decision: D) => Promise<void>;
  sweep?: SweepStep;
}

/** A feature with its types erased, for the one list. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each feature's own types are checked where it is defined (`feature()`); the list only runs them
export type AnyFeature = Feature<any, any, any>;

/** Infers the fact type from `facts`, so that each step sees its own facts. */
export function defineFeature<K extends FactKind, L, D>(feature: Feature<FactOf<K>, L, D> & { facts: readonly K[] }): AnyFeature {
  return feature;
}

// ---------------------------------------------------------------------------------------------
// The sweep

export interface SweepOptions {
  now: Date;
  holder: string;
  limit?: number;
  /** Decide and report, but save nothing and send nothing. */
  dryRun?: boolean;
}

export interface SweepStepReport {
  repo: string;
  component: string;
  from: Episode["phase"];
  to: Episode["phase"];
  dueAt: string | null;
  note?: string;
}

export interface Tier2Step {
  repo: string;
  component: string;
  thread: number;
  requestee: string;
  what: string;
}

export interface SweepReport {
  locked: boolean;
  due: number;
  steps: SweepStepReport[];
  /** Tier 2 requests whose deadline came (see features/tier2-responsiveness/deadlines.ts). */
  tier2: Tier2Step[];
  /** Alarms about Tier 1/2 components disabled in CI (see features/alarms). */
  alarms: string[];
  intents: string[];
  /** Items and steps that failed (each backs off; the rest of the sweep went on), e.g. `timeline o/r wasi-nn: ...`. */
  failed: string[];
}

export interface SweepContext {
  deps: Deps;
  now: Date;
  limit: number;
  dryRun: boolean;
  report: SweepReport;
  /** Work for once the executor carried out this run's intents (never in a dry run). */
  afterDrain: (() => Promise<void>)[];
}

/** A feature's time-based step; `name` names it in the report's `failed` lines. */
export interface SweepStep {
  readonly name: string;
  run(ctx: SweepContext): Promise<void>;
}
