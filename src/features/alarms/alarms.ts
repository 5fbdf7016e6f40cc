import { add } from "date-fns/add";
import type { PushFact } from "../../core/facts.js";
import type { Component, Registry, RepoRef } from "../../core/model.js";
import { alarmIssueTitle, renderAlarmIssue } from "../../core/render/tier2.js";
import type { DisablementRecord } from "../../store/store.js";
import { rulesFor, type Deps } from "../deps.js";
import type { EventContext, Rules } from "../feature.js";
import { recordIntent, repoIssueIntent, type IssueDesired } from "../../intents/index.js";

/**
 * Alarms about Tier 1 and Tier 2 components turned off in CI. The spec: Tier 1 features "are
 * rarely, if ever, turned off or removed"; Tier 2 features "are not turned off or disabled for
 * very long". Each registry read after a push to the default branch records which are marked
 * `ci: disabled` and since when; the sweep opens one alarm issue when a Tier 1 component is
 * off at all, or a Tier 2 one longer than `tier2-disabled-limit`. Enabling it closes the issue.
 */

export const ALARM_LABELS = ["tierkeeper", "tier-alarm"];
export const alarmKey = (d: Pick<DisablementRecord, "repoId" | "componentId" | "since">) => `alarm:${d.repoId}:${d.componentId}:${d.since.getTime()}`;

type Target = { repo: RepoRef; installationId: number; registry: Registry };
type Off = Map<string, Component>;
type DisabledInputs = { rules: Rules; known: DisablementRecord[]; alarmed: Set<string> };

/** Tier 1 and Tier 2 components marked `ci: disabled` in a registry. */
const disabledIn = (registry: Registry): Off => new Map(registry.components.filter((c) => c.tier <= 2 && c.facts.ci === "disabled").map((c) => [c.id, c]));
/** A noted disablement that is over: enabled again, removed, or moved to another tier (a new tier starts a new one). */
const isOver = (known: DisablementRecord, off: Off) => off.get(known.componentId)?.tier !== known.tier;

/** The registry just read after a push, the disablements noted before, and which of those that are over raised an alarm. */
export async function loadDisabled(ctx: EventContext<PushFact>): Promise<DisabledInputs | undefined> {
  const { deps, fact } = ctx;
  const rules = await ctx.rules();
  if (!rules) return undefined; // an invalid registry is never half-applied: the alarms wait for a valid one
  const off = disabledIn(rules.registry);
  const known = await deps.store.disablements.ofRepo(fact.repo.id);
  const alarmed = new Set<string>();
  for (const d of known) if (isOver(d, off) && (await deps.store.actions.get(alarmKey(d)))) alarmed.add(alarmKey(d));
  return { rules, known, alarmed };
}

/** Disablements that are over are cleared (their alarm issue closed); components disabled now are noted, with when their alarm is due. */
export function decideDisabled({ rules, known, alarmed }: DisabledInputs, _fact: PushFact, now: Date) {
  const { registry, matcher } = rules;
  const off = disabledIn(registry);
  const over = known
    .filter((d) => isOver(d, off))
    .map((d) => {
      const component = matcher.component(d.componentId) ?? { id: d.componentId, category: "removed", tier: d.tier as 1 | 2, owners: [], paths: [], checks: [], facts: {} };
      return { known: d, component: { ...component, tier: d.tier as 1 | 2 }, closeAlarm: alarmed.has(alarmKey(d)) };
    });
  const disabled = [...off.values()].map((component) => ({ component, since: now, dueAt: component.tier === 1 ? now : add(now, registry.policy.tier2.disabledLimit) }));
  return { rules, over, disabled };
}

export async function recordDisabled(ctx: EventContext<PushFact>, { rules, over, disabled }: ReturnType<typeof decideDisabled>): Promise<void> {
  const { deps } = ctx;
  const { repo, installationId } = ctx.fact;
  const { registry } = rules;
  for (const { known, component, closeAlarm } of over) {
    await deps.store.disablements.clear(repo.id, known.componentId);
    if (closeAlarm) await saveAlarm(deps, { repo, installationId, registry }, component, known, true);
  }
  for (const { component, since, dueAt: due } of disabled) {
    const fresh = await deps.store.disablements.mark({ repoId: repo.id, componentId: component.id, repo, installationId, tier: component.tier, since, dueAt: due });
    if (fresh) deps.log.info({ component: component.id, tier: component.tier, alarmAt: due }, "tier 1/2 component disabled in CI");
  }
}

/** The sweep's part: alarms that came due. */
export async function sweepAlarms(deps: Deps, now: Date, limit: number, dryRun = false): Promise<string[]> {
  const keys: string[] = [];
  for (const d of await deps.store.disablements.due(now, limit)) {
    const rules = await rulesFor(deps, d.repo, d.installationId);
    const registry = rules?.registry;
    const component = rules?.matcher.component(d.componentId);
    if (!registry || component?.tier !== d.tier || component.facts.ci !== "disabled") continue; // the next registry read settles it
    keys.push(alarmKey(d));
    if (dryRun) continue;
    await saveAlarm(deps, { repo: d.repo, installationId: d.installationId, registry }, component, d, false);
    await deps.store.disablements.settle(d.repoId, d.componentId);
  }
  return keys;
}

async function saveAlarm(deps: Deps, { repo, installationId, registry }: Target, component: Component, d: DisablementRecord, enabledAgain: boolean) {
  const key = alarmKey(d);
  const desired: IssueDesired = {
    title: alarmIssueTitle(component),
    body: renderAlarmIssue(component, d.since, registry.policy, enabledAgain),
    labels: ALARM_LABELS,
    state: enabledAgain ? "closed" : "open",
  };
  await recordIntent(deps.store, registry.policy, repoIssueIntent(repo, key, desired, installationId), deps.now());
}
