/**
 * `tierkeeper audit`: what tierkeeper would do on a repository now, from what GitHub shows (the
 * registry on the default branch, the CI results of its head commit, the open pull requests'
 * results and changed files). Pure: it runs the same rules as the app (attribution, the breaking-PR
 * comment, the Tier 3 timeline, Tier 2 requests, the requirements) on that snapshot, and renders.
 */
import { add } from "date-fns/add";
import { attribute, outcomesByComponent, type Verdict } from "./attribution.js";
import { decideBreakageComment } from "./breakage.js";
import { matcherFor } from "./match.js";
import type { CiResult, PullRecord, Registry, Tier } from "./model.js";
import { formatDate } from "./render/dates.js";
import { missingCell, statusRows } from "./render/status-tables.js";
import type { Evidence } from "./requirements.js";
import { openRequest, recipientsFor } from "./responsiveness.js";
import { blockersOf, openEpisode, type Blocker } from "./timeline.js";

export interface AuditPull {
  number: number;
  title: string;
  author: string;
  headSha: string;
  /** Components whose paths it changes; `all` when GitHub's file list was cut short. */
  touched: string[] | "all";
  results: CiResult[];
}

export interface AuditInput {
  repo: string;
  registry: Registry;
  defaultBranch: string;
  mainSha: string;
  mainResults: CiResult[];
  pulls: AuditPull[];
  /** The most open PRs read, and whether there were more. */
  pullLimit: number;
  morePulls: boolean;
  now: Date;
}

export interface AuditReport {
  repo: string;
  now: string;
  mode: "enforce" | "shadow";
  defaultBranch: string;
  mainSha: string;
  pullsRead: number;
  pullLimit: number;
  morePulls: boolean;
  /** Components whose checks fail on the default branch's head. */
  brokenOnMain: { component: string; tier: Tier; failing: string[] }[];
  /** Per PR, the components failing at its head, and whose fault. */
  pulls: { number: number; title: string; author: string; broken: { component: string; tier: Tier; verdict: Exclude<Verdict, "passing">; failing: string[] }[] }[];
  /** The owners the breaking-PR comments would @-mention. */
  pings: { pr: number; component: string; owner: string }[];
  /** Tier 3 components blocking other work: the timeline that would start, with its dates. */
  tier3: { component: string; onMain: boolean; blockedPulls: number[]; noticeAt: string; disableOn: string; removalFrom: string }[];
  /** The Tier 2 requests those pings would open, and when a reply is due. */
  tier2Requests: { pr: number; component: string; requestee: string; dueAt: string }[];
  /** Components missing requirements of the tier above (or with declared notes). */
  missing: { component: string; tier: Tier; toward: Tier; text: string }[];
}

/** The newest result per name (a re-run replaces the earlier result at the same commit, as the store does). */
export function latestByName(results: Iterable<CiResult>): CiResult[] {
  const latest = new Map<string, CiResult>();
  for (const r of results) {
    const seen = latest.get(r.name);
    if (!seen || seen.completedAt <= r.completedAt) latest.set(r.name, r);
  }
  return [...latest.values()];
}

export function audit(input: AuditInput): AuditReport {
  const { registry, now } = input;
  const policy = registry.policy;
  const matcher = matcherFor(registry);
  const main = latestByName(input.mainResults);
  const mainOutcomes = outcomesByComponent(matcher, main);

  const brokenOnMain = registry.components.flatMap((c) => {
    const o = mainOutcomes.get(c.id);
    return o?.outcome === "fail" ? [{ component: c.id, tier: c.tier, failing: o.failing.map((r) => r.name).sort() }] : [];
  });

  const pulls: AuditReport["pulls"] = [];
  const pings: AuditReport["pings"] = [];
  const tier2Requests: AuditReport["tier2Requests"] = [];
  const blockers = new Map<string, Blocker[]>();
  const addBlockers = (id: string, found: Blocker[]) => found.length && blockers.set(id, [...(blockers.get(id) ?? []), ...found]);

  for (const result of main) {
    for (const c of matcher.componentsForCheck(result.name)) {
      if (c.tier === 3 && c.facts.ci !== "disabled") addBlockers(c.id, blockersOf({ ...result, branch: input.defaultBranch }, c.id, input.defaultBranch, []));
    }
  }
  for (const pr of [...input.pulls].sort((a, b) => a.number - b.number)) {
    const head = latestByName(pr.results);
    const verdicts = attribute(matcher, head, main);
    const record: PullRecord = { repoId: 0, number: pr.number, headSha: pr.headSha, baseRef: input.defaultBranch, author: pr.author, state: "open", touched: pr.touched, updatedAt: now };
    const comment = policy.behaviours.prComment
      ? decideBreakageComment({ registry, pull: record, defaultBranch: input.defaultBranch, verdicts, route: (c) => recipientsFor(c, () => false), now })
      : null;
    for (const key of comment?.mentions ?? []) {
      const split = key.indexOf(":");
      const component = matcher.component(key.slice(0, split))!;
      const owner = key.slice(split + 1);
      pings.push({ pr: pr.number, component: component.id, owner });
      if (component.tier === 2) {
        const request = openRequest({ component: component.id, thread: pr.number, isPull: true, requestee: owner, source: "ping", requestedBy: "tierkeeper" }, now, policy, []);
        tier2Requests.push({ pr: pr.number, component: component.id, requestee: owner, dueAt: request.dueAt! });
      }
    }
    const broken = verdicts
      .filter((v): v is typeof v & { verdict: Exclude<Verdict, "passing"> } => v.verdict !== "passing" && v.component.facts.ci !== "disabled")
      .map((v) => ({ component: v.component.id, tier: v.component.tier, verdict: v.verdict, failing: v.failing.map((r) => r.name) }));
    pulls.push({ number: pr.number, title: pr.title, author: pr.author, broken });
    for (const result of head) {
      for (const c of matcher.componentsForCheck(result.name)) {
        if (c.tier === 3 && c.facts.ci !== "disabled")
          addBlockers(c.id, blockersOf({ ...result, branch: undefined }, c.id, input.defaultBranch, [{ number: pr.number, touched: pr.touched }]));
      }
    }
  }

  const tier3 = [...blockers].map(([id, found]) => {
    const episode = openEpisode(id, undefined, found[0], now, policy);
    const disableOn = new Date(episode.dueAt!);
    return {
      component: id,
      onMain: found.some((b) => b.pr === undefined),
      blockedPulls: [...new Set(found.flatMap((b) => (b.pr === undefined ? [] : [b.pr])))].sort((a, b) => a - b),
      noticeAt: episode.noticeAt,
      disableOn: disableOn.toISOString(),
      removalFrom: add(disableOn, policy.removalWindow).toISOString(),
    };
  });

  // Evidence the snapshot gives: a component whose checks all pass at the default branch's head passed today.
  const evidence: Record<string, Evidence> = {};
  for (const [id, o] of mainOutcomes) if (o.outcome === "pass") evidence[id] = { checksPassedOnDefaultWithinDays: 0 };
  const missing = statusRows(registry, { overrides: policy.requirements, evidence }).flatMap((r) =>
    r.toward !== null && (r.missing.length || r.notes?.length) ? [{ component: r.id, tier: r.tier, toward: r.toward, text: missingCell(r) }] : [],
  );

  return {
    repo: input.repo,
    now: now.toISOString(),
    mode: policy.mode,
    defaultBranch: input.defaultBranch,
    mainSha: input.mainSha,
    pullsRead: input.pulls.length,
    pullLimit: input.pullLimit,
    morePulls: input.morePulls,
    brokenOnMain,
    pulls: pulls.filter((p) => p.broken.length),
    pings,
    tier3,
    tier2Requests,
    missing,
  };
}

// ---------------------------------------------------------------------------------------------
// Rendering

const day = (iso: string) => formatDate(new Date(iso));
/** Untrusted text on one line, without Markdown that could ping or link: titles come from anyone. */
const plain = (s: string) =>
  s
    .replace(/[\r\n]+/g, " ")
    .replace(/@/g, "@\u200b")
    .slice(0, 120);

export function renderAudit(report: AuditReport, format: "text" | "markdown"): string {
  const md = format === "markdown";
  const h = (title: string) => (md ? `## ${title}` : `${title}:`);
  const item = (s: string) => (md ? `- ${s}` : `  - ${s}`);
  const code = (s: string) => (md ? `\`${s.replace(/`/g, "'")}\`` : s);
  const out: string[] = [];
  out.push(md ? `# tierkeeper audit of ${report.repo}` : `tierkeeper audit of ${report.repo}`);
  out.push(
    "",
    `As of ${report.now}: the registry on ${code(report.defaultBranch)}, CI results of its head ${report.mainSha.slice(0, 7)}, and ${report.pullsRead} open pull request${report.pullsRead === 1 ? "" : "s"}${report.morePulls ? ` (only the ${report.pullLimit} most recently updated were read)` : ""}. Nothing was written to GitHub.${report.mode === "shadow" ? " The registry is in shadow mode: tierkeeper would record these and post nothing." : ""}`,
    "",
  );
  const section = (title: string, lines: string[], none: string) => out.push(h(title), ...(lines.length ? lines : [item(none)]), "");
  section(
    "Broken on the default branch",
    report.brokenOnMain.map((b) => item(`${code(b.component)} (Tier ${b.tier}): ${b.failing.map(code).join(", ")}`)),
    "nothing",
  );
  section(
    "Broken by pull requests",
    report.pulls.flatMap((p) =>
      p.broken.map((b) =>
        item(
          `#${p.number} ${plain(p.title)} (by ${code(p.author)}): ${code(b.component)} (Tier ${b.tier}) ${b.verdict === "broken-by-pr" ? "broken by this PR" : "already broken on the default branch"}: ${b.failing.map(code).join(", ")}`,
        ),
      ),
    ),
    "no open pull request breaks a component",
  );
  section(
    "Who would be pinged",
    report.pings.map((p) => item(`#${p.pr}: ${code(p.owner)} for ${code(p.component)}`)),
    "nobody",
  );
  section(
    "Tier 3 timelines that would start",
    report.tier3.map((t) =>
      item(
        `${code(t.component)} blocks ${[...(t.onMain ? ["the default branch"] : []), ...t.blockedPulls.map((n) => `#${n}`)].join(", ")}: owners notified ${day(t.noticeAt)}, disabled in CI on ${day(t.disableOn)} unless an owner responds, removal may be proposed from ${day(t.removalFrom)}`,
      ),
    ),
    "none",
  );
  section(
    "Tier 2 requests",
    report.tier2Requests.map((r) => item(`#${r.pr}: ${code(r.requestee)} for ${code(r.component)}, reply due by ${day(r.dueAt)}`)),
    "none",
  );
  section(
    "Missing requirements",
    report.missing.map((m) => item(`${code(m.component)} (Tier ${m.tier}) misses for Tier ${m.toward}: ${m.text}`)),
    "none",
  );
  return `${out.join("\n").trimEnd()}\n`;
}
