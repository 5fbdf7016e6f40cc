import type { Tier2Request } from "./responsiveness.js";
import { compareText } from "./order.js";

/**
 * Tier 2 reply figures over a rolling window: per component and per maintainer, how many
 * requests, how many replied, the median and 90th-percentile reply time, and the breaches.
 * Pure: requests and the clock in, rows out. A request counts in the window it was made in;
 * a reply or breach counts only if it happened by `asOf`, so a report "as of" a past date is
 * the same whenever it is computed.
 */

export interface FigureRow {
  /** The component, or "*" in a maintainer's total over components. */
  component: string;
  /** The maintainer (`login` or `org/team`), or "*" in a component's total. */
  maintainer: string;
  requests: number;
  replies: number;
  /** Still open at `asOf`, without a reply. */
  open: number;
  medianHours: number | null;
  p90Hours: number | null;
  breaches: number;
}

export interface Figures {
  asOf: string;
  windowDays: number;
  byComponent: FigureRow[];
  byMaintainer: FigureRow[];
  /** Each maintainer's figures for each component they were asked about (the status page's table). */
  byComponentAndMaintainer: FigureRow[];
}

export function replyFigures(requests: readonly Tier2Request[], asOf: Date, windowDays: number): Figures {
  const since = new Date(asOf.getTime() - windowDays * 86_400_000).toISOString();
  const until = asOf.toISOString();
  const inWindow = requests.filter((r) => r.requestedAt >= since && r.requestedAt <= until && r.status !== "cancelled");
  const group = (keyOf: (r: Tier2Request) => [string, string]) => {
    const groups = new Map<string, { component: string; maintainer: string; items: Tier2Request[] }>();
    for (const r of inWindow) {
      const [component, maintainer] = keyOf(r);
      const key = `${component}\u0000${maintainer}`;
      const g = groups.get(key) ?? groups.set(key, { component, maintainer, items: [] }).get(key)!;
      g.items.push(r);
    }
    return [...groups.values()].map((g) => row(g.component, g.maintainer, g.items, until)).sort((a, b) => compareText(a.component, b.component) || compareText(a.maintainer, b.maintainer));
  };
  return {
    asOf: until,
    windowDays,
    byComponent: group((r) => [r.component, "*"]),
    byMaintainer: group((r) => ["*", r.requestee.toLowerCase()]),
    byComponentAndMaintainer: group((r) => [r.component, r.requestee.toLowerCase()]),
  };
}

/** Breaches of one component within the window ending at `asOf` (the demotion rule counts these). */
export function breachesOf(requests: readonly Tier2Request[], component: string, asOf: Date, windowDays: number): number {
  return (
    replyFigures(
      requests.filter((r) => r.component === component),
      asOf,
      windowDays,
    ).byComponent[0]?.breaches ?? 0
  );
}

function row(component: string, maintainer: string, items: Tier2Request[], until: string): FigureRow {
  const hours = items
    .filter((r) => r.reply && r.reply.at <= until)
    .map((r) => (new Date(r.reply!.at).getTime() - new Date(r.requestedAt).getTime()) / 3_600_000)
    .sort((a, b) => a - b);
  return {
    component,
    maintainer,
    requests: items.length,
    replies: hours.length,
    open: items.length - hours.length,
    medianHours: percentile(hours, 0.5),
    p90Hours: percentile(hours, 0.9),
    breaches: items.reduce((n, r) => n + r.breaches.filter((b) => b <= until).length, 0),
  };
}

/** Nearest-rank percentile of sorted values; null for none. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}
