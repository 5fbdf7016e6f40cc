/**
 * Observed evidence for the tier requirements (requirements.ts's `Evidence`), computed from what
 * tierkeeper keeps of the events it sees. Pure: the registry, what the store kept and the clock
 * in, evidence per component out.
 *
 * - CI testing and fuzzing: when the component's `checks` (or `fuzzing`) names last passed on the
 *   default branch. Every name of the component that still runs there must have passed: the
 *   value is the days from the stalest of them last passing to the branch's latest CI result
 *   (a branch without commits, and so without CI, keeps its standing). "Never" (null) is only
 *   said once tierkeeper has watched the branch's CI for the whole `passed-within-days` span;
 *   before that it does not know (undefined), so a fresh installation shows nothing missing.
 * - CI cost: the share of pull-request CI time (check runs and workflow jobs, started to
 *   completed, over CI_COST_WINDOW_DAYS) spent in the component's checks and fuzzing jobs.
 * - Responsive maintainers: the median reply time of the Tier 2 reply figures.
 * - Reachable owners: from the owners the daily judgement looked up on GitHub (collaborators,
 *   existing teams); reachable when one of a component's owners is confirmed.
 */
import { DEFAULT_POLICY } from "./registry.js";
import { ownersReachable, type OwnerLookups } from "./registry-findings.js";
import { compileCheckGlob, type Glob } from "./glob.js";
import type { CiResult, Component, Registry } from "./model.js";
import { replyFigures } from "./reply-figures.js";
import { DEFAULT_LIMITS, type Evidence } from "./requirements.js";
import type { Tier2Request } from "./responsiveness.js";

const DAY_MS = 86_400_000;

/** The rolling window of the CI cost, in days (today included). */
export const CI_COST_WINDOW_DAYS = 30;

/** What is kept of a check name on the default branch. */
export interface DefaultBranchCheck {
  name: string;
  /** The completion times of the first and the latest result of it seen there. */
  firstSeenAt: Date;
  lastSeenAt: Date;
  /** When it last passed there; null: never, as far as tierkeeper saw. */
  lastPassedAt: Date | null;
}

export interface ObservedCi {
  defaultBranch: readonly DefaultBranchCheck[];
  /** Milliseconds of pull-request CI time per check name within the window. */
  pullRequestMs: ReadonlyMap<string, number>;
}

/** Evidence for every component of the registry, by component id. */
export function evidenceFor(registry: Registry, observed: ObservedCi, requests: readonly Tier2Request[], now: Date, owners?: OwnerLookups): Record<string, Evidence> {
  const limitDays = registry.policy.requirements?.passedWithinDays ?? DEFAULT_LIMITS.passedWithinDays;
  // Measured back from the default branch's latest CI result, not from now: a quiet branch (no
  // commits, so no CI) says nothing new about its components, and must not turn their tests "missing".
  const latestRun = new Date(Math.max(...observed.defaultBranch.map((c) => c.lastSeenAt.getTime()), 0));
  const firstSeen = Math.min(...observed.defaultBranch.map((c) => c.firstSeenAt.getTime()));
  // "Never" needs the branch's CI watched for the whole window, up to its latest result.
  const watchedLongEnough = latestRun.getTime() - firstSeen >= limitDays * DAY_MS;
  const passed = (patterns: readonly Glob[]) =>
    daysSincePassed(
      observed.defaultBranch.filter((c) => matchesAny(patterns, c.name)),
      watchedLongEnough,
      limitDays,
      latestRun,
    );

  let totalMs = 0;
  for (const ms of observed.pullRequestMs.values()) totalMs += ms;
  const medians = new Map(
    replyFigures(requests, now, registry.policy.tier2?.figuresWindowDays ?? DEFAULT_POLICY.tier2.figuresWindowDays).byComponent.map((row) => [row.component, row.medianHours]),
  );

  const out: Record<string, Evidence> = {};
  for (const c of registry.components) {
    const { checks, fuzzing } = patternsOf(c);
    const evidence: Evidence = {};
    if (checks.length > 0) setDefined(evidence, "checksPassedOnDefaultWithinDays", passed(checks));
    if (fuzzing.length > 0) setDefined(evidence, "fuzzingPassedWithinDays", passed(fuzzing));
    if (totalMs > 0) {
      let own = 0;
      for (const [name, ms] of observed.pullRequestMs) if (matchesAny(checks, name) || matchesAny(fuzzing, name)) own += ms;
      evidence.ciShare = own / totalMs;
    }
    const median = medians.get(c.id);
    if (median !== undefined && median !== null) evidence.tier2ReplyMedianHours = median;
    setDefined(evidence, "ownersReachable", ownersReachable(c, owners));
    out[c.id] = evidence;
  }
  return out;
}

/**
 * Days since every current check of the component last passed; null: one never did (or none
 * ran) within a span long enough to know; undefined: not known yet.
 */
/** Days from the stalest last pass of the component's current checks to `asOf` (the branch's latest CI result). */
function daysSincePassed(checks: readonly DefaultBranchCheck[], watchedLongEnough: boolean, limitDays: number, asOf: Date): number | null | undefined {
  const never = watchedLongEnough ? null : undefined;
  if (checks.length === 0) return never;
  // A name that stopped running while the others went on (a renamed or removed job) says nothing about today.
  const newest = Math.max(...checks.map((c) => c.lastSeenAt.getTime()));
  const current = checks.filter((c) => newest - c.lastSeenAt.getTime() <= limitDays * DAY_MS);
  if (current.some((c) => c.lastPassedAt === null)) return never;
  const stalest = Math.min(...current.map((c) => c.lastPassedAt!.getTime()));
  return Math.max(0, asOf.getTime() - stalest) / DAY_MS;
}

/** The pull-request CI time a result cost, in its completion day's bucket; undefined when it is not PR time or has no duration. */
export function pullRequestCiTime(result: CiResult, defaultBranch: string): { day: Date; ms: number } | undefined {
  if (result.branch === defaultBranch || !result.startedAt) return undefined;
  const ms = result.completedAt.getTime() - result.startedAt.getTime();
  if (!(ms > 0)) return undefined;
  return { day: startOfUtcDay(result.completedAt), ms };
}

/** The first day bucket of the CI cost window that ends today. */
export function ciCostWindowStart(now: Date): Date {
  return new Date(startOfUtcDay(now).getTime() - (CI_COST_WINDOW_DAYS - 1) * DAY_MS);
}

export function startOfUtcDay(at: Date): Date {
  return new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS);
}

/** Whether a CI name is one of a component's fuzzing jobs (such jobs need not be in its `checks`). */
export function isFuzzingCheck(registry: Registry, name: string): boolean {
  return registry.components.some((c) => matchesAny(patternsOf(c).fuzzing, name));
}

// Compiled once per parsed component: registries are immutable once parsed.
const compiled = new WeakMap<Component, { checks: Glob[]; fuzzing: Glob[] }>();

function patternsOf(c: Component): { checks: Glob[]; fuzzing: Glob[] } {
  let patterns = compiled.get(c);
  if (!patterns) {
    patterns = { checks: c.checks.map(compileCheckGlob), fuzzing: (c.fuzzing ?? []).map(compileCheckGlob) };
    compiled.set(c, patterns);
  }
  return patterns;
}

function matchesAny(patterns: readonly Glob[], name: string): boolean {
  return patterns.some((glob) => glob.test(name));
}

function setDefined<K extends keyof Evidence>(evidence: Evidence, key: K, value: Evidence[K] | undefined): void {
  if (value !== undefined) evidence[key] = value;
}
