import type { Matcher } from "./match.js";
import type { CiResult, Component, Outcome } from "./model.js";
import { compareText } from "./order.js";

/**
 * "Broken by this PR" versus "already broken on the default branch".
 * A component fails at a commit when any of its mapped checks' latest result there failed;
 * the store keeps only the newest result per (commit, name), so a passing re-run clears.
 */

export type Verdict = "broken-by-pr" | "already-broken" | "passing";

export interface ComponentVerdict {
  component: Component;
  verdict: Verdict;
  /** The failing results at the PR's head (empty when passing). */
  failing: CiResult[];
  /** What the default branch's latest results say about the component. */
  base: Outcome | "unknown";
}

/** Folds a set of results into one outcome per component (fail beats pass beats neutral). */
export function outcomesByComponent(matcher: Matcher, results: Iterable<CiResult>): Map<string, { outcome: Outcome; failing: CiResult[] }> {
  const byComponent = new Map<string, { outcome: Outcome; failing: CiResult[] }>();
  for (const result of results) {
    for (const component of matcher.componentsForCheck(result.name)) {
      const entry = byComponent.get(component.id) ?? { outcome: "neutral" as Outcome, failing: [] };
      if (result.outcome === "fail") {
        entry.outcome = "fail";
        entry.failing.push(result);
      } else if (result.outcome === "pass" && entry.outcome === "neutral") {
        entry.outcome = "pass";
      }
      byComponent.set(component.id, entry);
    }
  }
  return byComponent;
}

/**
 * Verdicts for every component with a pass or fail result at the PR's head.
 * Components with only neutral results (skipped, cancelled) say nothing and are left out.
 * A component with no pass or fail in `baseResults` is judged by `fallbackBase` (the merge
 * queue's base commit first, else the default branch's latest).
 */
export function attribute(matcher: Matcher, headResults: Iterable<CiResult>, baseResults: Iterable<CiResult>, fallbackBase: Iterable<CiResult> = []): ComponentVerdict[] {
  const head = outcomesByComponent(matcher, headResults);
  const base = outcomesByComponent(matcher, baseResults);
  const fallback = outcomesByComponent(matcher, fallbackBase);
  const known = (outcome: Outcome | undefined) => (outcome === "neutral" ? undefined : outcome);
  const verdicts: ComponentVerdict[] = [];
  for (const [id, { outcome, failing }] of head) {
    if (outcome === "neutral") continue;
    const baseOutcome = known(base.get(id)?.outcome) ?? known(fallback.get(id)?.outcome) ?? base.get(id)?.outcome ?? "unknown";
    const verdict: Verdict = outcome === "pass" ? "passing" : baseOutcome === "fail" ? "already-broken" : "broken-by-pr";
    verdicts.push({
      component: matcher.component(id)!,
      verdict,
      failing: failing.sort((a, b) => compareText(a.name, b.name)),
      base: baseOutcome,
    });
  }
  return verdicts.sort((a, b) => a.component.tier - b.component.tier || compareText(a.component.id, b.component.id));
}
