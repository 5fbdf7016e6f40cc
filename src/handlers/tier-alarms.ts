import { add } from "date-fns";
import { matcherFor } from "../core/match.js";
import type { Component, Registry, RepoRef } from "../core/model.js";
import { alarmIssueTitle, renderAlarmIssue } from "../core/render/tier2.js";
import { hiddenMarker } from "../github/executor.js";
import type { DisablementRecord } from "../store/store.js";
import type { Deps } from "./deps.js";

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

export async function observeDisabled(deps: Deps, { repo, installationId, registry }: Target): Promise<void> {
  const now = deps.now();
  const off = new Map(registry.components.filter((c) => c.tier <= 2 && c.facts.ci === "disabled").map((c) => [c.id, c]));
  for (const known of await deps.store.disablements.ofRepo(repo.id)) {
    if (off.get(known.componentId)?.tier === known.tier) continue;
    // Enabled again, removed, or moved to another tier: this alarm is over (a new tier starts a new one).
    await deps.store.disablements.clear(repo.id, known.componentId);
    const component = matcherFor(registry).component(known.componentId) ?? { id: known.componentId, category: "removed", tier: known.tier as 1 | 2, owners: [], paths: [], checks: [], facts: {} };
    if (await deps.store.actions.get(alarmKey(known))) await saveAlarm(deps, { repo, installationId, registry }, { ...component, tier: known.tier as 1 | 2 }, known, true);
  }
  for (const component of off.values()) {
    const due = component.tier === 1 ? now : add(now, registry.policy.tier2.disabledLimit);
    const fresh = await deps.store.disablements.mark({ repoId: repo.id, componentId: component.id, repo, installationId, tier: component.tier, since: now, dueAt: due });
    if (fresh) deps.log.info({ component: component.id, tier: component.tier, alarmAt: due }, "tier 1/2 component disabled in CI");
  }
}

/** The sweep's part: alarms that came due. */
export async function sweepAlarms(deps: Deps, now: Date, limit: number, dryRun = false): Promise<string[]> {
  const keys: string[] = [];
  for (const d of await deps.store.disablements.due(now, limit)) {
    const registry = await deps.registries.get(d.repo, () => deps.github(d.installationId));
    const component = registry && matcherFor(registry).component(d.componentId);
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
  await deps.store.actions.saveIntent({
    key,
    kind: "issue",
    target: JSON.stringify({ owner: repo.owner, repo: repo.name, marker: hiddenMarker(key) }),
    desired: JSON.stringify({
      title: alarmIssueTitle(component),
      body: renderAlarmIssue(component, d.since, registry.policy, enabledAgain),
      labels: ALARM_LABELS,
      state: enabledAgain ? "closed" : "open",
    }),
    installationId,
    now: deps.now(),
    shadow: registry.policy.mode === "shadow",
  });
}
