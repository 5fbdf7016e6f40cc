/**
 * What a registry edit means for the repository it lands in, beyond syntax and schema: path globs
 * that match no file, check patterns CI never reported, owners GitHub does not know, components
 * that lose their owner, and tier changes. Pure: the head's parse result and what the shell
 * gathered in, line-anchored problems out. An input the shell could not get is left out, and so
 * are its findings: an unknown is never reported as a problem.
 */
import { compileCheckGlob, compilePathGlob, type Glob, type StepMeter } from "./glob.js";
import type { Component, Owner, Registry, RegistryProblem, Tier } from "./model.js";
import { formatPath, registryAnchor, type PathKey, type Position } from "./registry.js";
import { missingFor, type Evidence } from "./requirements.js";

/**
 * Automaton steps the findings may spend comparing globs with the files and check names (a few
 * tens of milliseconds): past it the remaining globs are not compared, and the summary says so.
 */
export const FINDINGS_STEP_BUDGET = 4_000_000;

/** At most this many distinct owners are looked up on GitHub per check. */
export const OWNER_LOOKUP_LIMIT = 50;

/** What GitHub said about an owner: a collaborator or an existing team is "ok". */
export type OwnerStatus = "ok" | "not-collaborator" | "no-such-team";

export interface OwnerLookups {
  /** By `ownerKey`; an owner absent here was not checked (or GitHub did not say). */
  statuses: ReadonlyMap<string, OwnerStatus>;
  /** Distinct owners left unchecked by the lookup limit. */
  unchecked: number;
}

export interface FindingsInput {
  file: string;
  /** The registry text at head, for the positions. */
  text: string;
  /** The registry at head, valid, with the parser's warnings. */
  head: { registry: Registry; warnings: readonly RegistryProblem[] };
  /** The rules in force (the default branch's registry); absent when there are none. */
  base?: Registry;
  /** The files at head (repository-relative paths), or why they are not known. Absent: not compared. */
  tree?: { paths: readonly string[] } | { unknown: string };
  /** Names of the CI results known on the default branch. Absent: not compared; empty: nothing known yet. */
  seenChecks?: readonly string[];
  owners?: OwnerLookups;
}

export interface RegistryFindings {
  /** The parser's warnings and the findings, in file order. */
  problems: RegistryProblem[];
  /** What was not checked, and why, in sentences for the check run's summary. */
  notes: string[];
  /** Automaton steps spent comparing globs: at most FINDINGS_STEP_BUDGET plus one comparison. */
  steps: number;
}

/** `abrown`, `bytecodealliance/wasi-nn`: lowercase, since GitHub compares logins and slugs that way. */
export const ownerKey = (o: Owner): string => (o.kind === "user" ? o.login : `${o.org}/${o.slug}`).toLowerCase();

const ownerName = (o: Owner): string => (o.kind === "user" ? o.login : `${o.org}/${o.slug}`);

/**
 * The distinct owners to look up, within the limit: the ones this edit adds first (they are what
 * a reviewer is judging), then the rest in registry order. `checkable` leaves out owners the
 * shell cannot ask about (e.g. teams of another organisation): they are neither looked up nor counted.
 */
export function ownersToLookUp(
  head: Registry,
  base: Registry | undefined,
  checkable: (o: Owner) => boolean = () => true,
  limit = OWNER_LOOKUP_LIMIT,
): { owners: Owner[]; unchecked: number } {
  const before = new Set(base?.components.flatMap((c) => c.owners.map(ownerKey)));
  const distinct = new Map<string, Owner>();
  for (const owner of head.components.flatMap((c) => c.owners)) {
    if (checkable(owner) && !distinct.has(ownerKey(owner))) distinct.set(ownerKey(owner), owner);
  }
  const all = [...distinct.values()];
  const ordered = [...all.filter((o) => !before.has(ownerKey(o))), ...all.filter((o) => before.has(ownerKey(o)))];
  return { owners: ordered.slice(0, limit), unchecked: Math.max(0, ordered.length - limit) };
}

export function registryFindings(input: FindingsInput): RegistryFindings {
  const { registry } = input.head;
  const anchor = registryAnchor(input.text);
  const notes: string[] = [];
  const findings: RegistryProblem[] = [];
  // Places where a finding says more than the parser's warning there ("loses its last owner" vs "has no owner").
  const superseding = new Set<string>();
  const add = (path: PathKey[], message: string, severity: RegistryProblem["severity"] = "warning"): RegistryProblem => {
    const finding: RegistryProblem = { file: input.file, ...anchor(path), message: `${formatPath(path)}: ${message}`, severity };
    findings.push(finding);
    return finding;
  };

  if (input.tree && "unknown" in input.tree) notes.push(`Path globs were not compared with the repository's files: ${input.tree.unknown}.`);
  const files = input.tree && "paths" in input.tree ? input.tree.paths : undefined;
  const seen = input.seenChecks?.length ? input.seenChecks : undefined;
  if (input.seenChecks && !seen) notes.push("Check patterns were not compared with CI: no result on the default branch is known yet.");
  if (input.owners?.unchecked) {
    notes.push(`${input.owners.unchecked} more owner${input.owners.unchecked === 1 ? " was" : "s were"} not checked (at most ${OWNER_LOOKUP_LIMIT} lookups per check).`);
  }
  const baseById = new Map(input.base?.components.map((c) => [c.id, c]));
  const meter: StepMeter = { steps: 0 };
  let unjudged = 0;
  /** Whether the glob matches one of the inputs; undefined once the step budget is spent. */
  const matchesOne = (glob: Glob, inputs: readonly string[]): boolean | undefined => {
    for (const value of inputs) {
      if (meter.steps > FINDINGS_STEP_BUDGET) return undefined;
      if (glob.test(value, meter)) return true;
    }
    return false;
  };

  for (const c of registry.components) {
    const at = (...rest: PathKey[]): PathKey[] => ["components", c.id, ...rest];
    if (files) {
      c.paths.forEach((glob, i) => {
        const matched = matchesOne(compilePathGlob(glob), files);
        if (matched === undefined) unjudged++;
        else if (!matched) add(at("paths", i), `${JSON.stringify(glob)} matches no file in the repository`);
      });
    }
    // A component disabled in CI is expected not to report: its patterns say nothing about typos.
    if (seen && c.facts.ci !== "disabled") {
      for (const key of ["checks", "fuzzing"] as const) {
        (c[key] ?? []).forEach((glob, i) => {
          const matched = matchesOne(compileCheckGlob(glob), seen);
          if (matched === undefined) unjudged++;
          else if (!matched) add(at(key, i), `${JSON.stringify(glob)} matches no check seen on the default branch`);
        });
      }
    }
    c.owners.forEach((owner, i) => {
      const status = input.owners?.statuses.get(ownerKey(owner));
      if (status === "not-collaborator") add(at("owners", i), `${ownerName(owner)} is not a collaborator on this repository (or has no GitHub account)`);
      if (status === "no-such-team") add(at("owners", i), `team ${ownerName(owner)} does not exist: nobody would be notified`, "error");
    });

    const before = baseById.get(c.id);
    if (!before) continue;
    if (before.owners.length > 0 && c.owners.length === 0) {
      superseding.add(place(add(at("owners"), `${c.id} loses its last owner; the policy requires a clearly identified owner`)));
    }
    if (c.tier < before.tier) {
      const evidence: Evidence = { ownersReachable: ownersReachable(c, input.owners) };
      const missing = missingFor(c, c.tier, evidence, registry.policy.requirements ?? {});
      if (missing.length) add(at("tier"), `promotion from Tier ${before.tier} to Tier ${c.tier} is missing: ${missing.join(", ")}`, "error");
    } else if (c.tier > before.tier) {
      add(at("tier"), `demotion from Tier ${before.tier} to Tier ${c.tier} drops ${droppedDuties(before.tier, c.tier)}`);
    }
  }

  if (unjudged)
    notes.push(
      `${unjudged} glob${unjudged === 1 ? " was" : "s were"} not compared with the files or check names: the comparison stops after ${FINDINGS_STEP_BUDGET.toLocaleString("en")} matching steps.`,
    );

  const problems = [...input.head.warnings.filter((w) => !superseding.has(place(w))), ...findings];
  problems.sort((a, b) => a.line - b.line || a.column - b.column);
  return { problems, notes, steps: meter.steps };
}

const place = (p: Position) => `${p.line}:${p.column}`;

/** Reachable when one owner is confirmed; unreachable when every owner was checked and none is. */
export function ownersReachable(c: Component, lookups: OwnerLookups | undefined): boolean | undefined {
  const statuses = c.owners.map((o) => lookups?.statuses.get(ownerKey(o)));
  if (statuses.includes("ok")) return true;
  return statuses.length > 0 && !statuses.includes(undefined) ? false : undefined;
}

/** What a tier promises that the tiers below it do not (the spec's "Tier Details"). */
const TIER_DUTIES: Record<1 | 2, string> = {
  1: "Tier 1's duties (it must never break: a pull request that breaks it has to fix it; it is rarely, if ever, turned off)",
  2: "Tier 2's duties (its maintainers reply to requests within a week; it is not turned off for long)",
};

function droppedDuties(from: Tier, to: Tier): string {
  const dropped = ([1, 2] as const).filter((tier) => tier >= from && tier < to).map((tier) => TIER_DUTIES[tier]);
  const consequence = to === 3 ? "; as Tier 3 it may be disabled in CI after a week without an owner's response when it blocks other work" : "";
  return `${dropped.join(" and ")}${consequence}`;
}
