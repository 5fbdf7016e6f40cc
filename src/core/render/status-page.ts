/**
 * The status page of a repository, and the index of repositories: a view model in, one HTML
 * document out. Pure. Server-rendered for phones and for browsers without JavaScript: a viewport
 * meta, one small inline style sheet (no script), tables that scroll sideways inside their own
 * box so the page itself never does. Every text from the registry, GitHub or the store is escaped.
 */
import { html } from "./escape.js";
import type { Phase } from "../timeline.js";
import { nextTier } from "../requirements.js";
import { formatDate } from "./dates.js";
import { missingCell, type StatusRow } from "./status-tables.js";
import type { FigureRow } from "../reply-figures.js";
import { formatHours } from "./tier2.js";

/** One row of Tier 2 reply figures (core/reply-figures.ts). */
export type Tier2FigureRow = Pick<FigureRow, "component" | "maintainer" | "requests" | "replies" | "medianHours" | "p90Hours" | "breaches">;

/** An open Tier 3 timeline. Times are ISO-8601. */
export interface TimelineRow {
  component: string;
  phase: Exclude<Phase, "closed">;
  /** When the owners were notified. */
  noticeAt: string;
  /** What comes next, e.g. "disabled in CI", and when; `at` is null when nothing is scheduled. */
  next: { step: string; at: string | null };
  frozen?: { by: string; reason: string };
  blockers: number;
  lastResponse?: { by: string; at: string };
  trackingIssue?: Link;
}

/** A visible action tierkeeper decided, newest first. */
export interface ActionRow {
  at: string;
  /** What it is, e.g. `Issue "Tier 3 component … is blocking other work"`. */
  what: string;
  /** Where it is on GitHub. */
  link: Link;
  state: "done" | "pending" | "shadow";
}

export interface Link {
  text: string;
  url: string;
}

export interface StatusPageView {
  repo: { owner: string; name: string; url: string; private: boolean };
  /** When the page was made (ISO). */
  asOf: string;
  registry: { state: "valid"; rows: readonly StatusRow[] } | { state: "invalid"; problems: readonly string[] } | { state: "absent" };
  timelines: readonly TimelineRow[];
  /** Absent until Tier 2 responsiveness provides them: the section says "no figures yet". */
  tier2Figures?: readonly Tier2FigureRow[];
  actions: readonly ActionRow[];
}

export interface StatusIndexView {
  asOf: string;
  repositories: readonly { owner: string; name: string; private: boolean }[];
}

/** The style sheet, inline (its hash goes into the Content-Security-Policy). */
export const STATUS_PAGE_CSS = `
:root{color-scheme:light dark;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#fff;--head:#f6f8fa;--link:#0969da;--warn:#9a6700;--bad:#cf222e}
@media (prefers-color-scheme:dark){:root{--fg:#f0f6fc;--muted:#9198a1;--line:#3d444d;--bg:#0d1117;--head:#151b23;--link:#4493f8;--warn:#d29922;--bad:#f85149}}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg);overflow-wrap:break-word}
header,main,footer{max-width:72rem;margin:0 auto;padding:0 1rem}
header{padding-top:1rem}
h1{font-size:1.5rem;margin:.25rem 0}
h2{font-size:1.25rem;margin:2rem 0 .5rem;padding-bottom:.25rem;border-bottom:1px solid var(--line)}
h3{font-size:1rem;margin:1rem 0 .5rem}
a{color:var(--link)}
.muted,.crumbs{color:var(--muted);font-size:.875rem;margin:0}
.scroll{overflow-x:auto;margin:0 0 1rem;border:1px solid var(--line);border-radius:6px}
table{border-collapse:collapse;width:100%;font-size:.9375rem;overflow-wrap:normal}
th,td{text-align:left;vertical-align:top;padding:.4rem .6rem;border-bottom:1px solid var(--line)}
th{background:var(--head);font-weight:600}
sup{line-height:0}
tbody tr:last-child td{border-bottom:0}
.nowrap{white-space:nowrap}
.tag{display:inline-block;padding:0 .4rem;border:1px solid var(--line);border-radius:1rem;font-size:.8125rem;white-space:nowrap}
.tag.private,.tag.pending{color:var(--warn);border-color:currentColor}
.tag.missing{color:var(--bad);border-color:currentColor}
ol.notes{font-size:.875rem;color:var(--muted);padding-left:1.5rem}
ul.repos{padding-left:1.25rem}
footer{margin:2rem auto;color:var(--muted);font-size:.8125rem}
@media (min-width:30rem){th{white-space:nowrap}}
@media (max-width:30rem){header,main,footer{padding:0 .75rem}table{font-size:.875rem}th,td{padding:.35rem .4rem}}
`;

export function renderStatusPage(view: StatusPageView): string {
  const { repo } = view;
  const title = `${repo.owner}/${repo.name}`;
  const body = [
    `<header>`,
    `<p class="crumbs"><a href="/status">tierkeeper status</a></p>`,
    // A line may break after the slash: a long name stays on a phone's screen.
    `<h1>${link({ text: title, url: repo.url }, `${text(repo.owner)}/<wbr>${text(repo.name)}`)}${repo.private ? ` <span class="tag private">private</span>` : ""}</h1>`,
    `<p class="muted">As of ${time(view.asOf, "minutes UTC")}</p>`,
    `</header>`,
    `<main>`,
    tierSection(view.registry),
    timelineSection(view.timelines),
    tier2Section(view.tier2Figures),
    actionSection(view.actions),
    `</main>`,
  ];
  return document(`${title} · tier status`, body);
}

export function renderStatusIndex(view: StatusIndexView): string {
  const items = view.repositories.map(
    (r) =>
      `<li><a href="/status/${attr(encodeURIComponent(r.owner))}/${attr(encodeURIComponent(r.name))}">${text(`${r.owner}/${r.name}`)}</a>${r.private ? ` <span class="tag private">private</span>` : ""}</li>`,
  );
  return document("tier status", [
    `<header><h1>Tier status</h1><p class="muted">As of ${time(view.asOf, "minutes UTC")}</p></header>`,
    `<main>`,
    items.length ? `<ul class="repos">${items.join("")}</ul>` : `<p>No repository to show yet.</p>`,
    `</main>`,
  ]);
}

/** A short page for 404 and refusals: the same text whatever was asked, so it reveals nothing. */
export function renderMessage(title: string, message: string): string {
  return document(title, [`<header><h1>${text(title)}</h1></header>`, `<main><p>${text(message)}</p><p><a href="/status">All repositories</a></p></main>`]);
}

// ---- Sections

function tierSection(registry: StatusPageView["registry"]): string {
  const heading = `<h2 id="tiers">Current Tier Status</h2>`;
  if (registry.state === "absent") return `<section>${heading}<p>This repository has no <code>.github/tiers.yml</code> on its default branch.</p></section>`;
  if (registry.state === "invalid") {
    return `<section>${heading}<p>The registry on the default branch is invalid; tierkeeper takes no action here until it is fixed:</p><ul>${registry.problems.map((p) => `<li><code>${text(p)}</code></li>`).join("")}</ul></section>`;
  }
  const tables = ([1, 2, 3] as const).map((tier) => {
    const rows = registry.rows.filter((r) => r.tier === tier);
    const toward = nextTier(tier);
    const header = ["Category", "Description", ...(toward ? [`Missing Tier ${toward} Requirements`] : [])];
    const body = rows.map((r) => {
      const note = r.footnote ? ` <sup><a href="#note-${r.footnote.number}">[${r.footnote.number}]</a></sup>` : "";
      const cells = [text(r.category), `${text(r.description)}${note}`];
      if (toward) cells.push(r.missing.length || r.notes?.length ? text(missingCell(r)) : `<span class="muted">None</span>`);
      return cells;
    });
    const notes = rows.filter((r) => r.footnote).map((r) => `<li id="note-${r.footnote!.number}" value="${r.footnote!.number}">${text(r.footnote!.text)}</li>`);
    return [
      `<h3 id="tier-${tier}">Tier ${tier}</h3>`,
      rows.length ? table(`tier-${tier}-table`, header, body) : `<p class="muted">No Tier ${tier} component.</p>`,
      notes.length ? `<ol class="notes">${notes.join("")}</ol>` : "",
    ].join("");
  });
  return `<section>${heading}${tables.join("")}</section>`;
}

const PHASE_LABELS: Record<TimelineRow["phase"], string> = {
  notified: "Owners notified",
  disabling: "Disabling PR awaits merge",
  "disable-declined": "Disable declined by maintainers",
  disabled: "Disabled in CI",
  "removal-proposed": "Removal proposed",
};

function timelineSection(timelines: readonly TimelineRow[]): string {
  const heading = `<h2 id="timelines">Tier 3 timelines</h2>`;
  if (timelines.length === 0) return `<section>${heading}<p>No open timeline: no Tier 3 component is blocking other work.</p></section>`;
  const rows = timelines.map((t) => [
    `<code>${text(t.component)}</code>`,
    text(PHASE_LABELS[t.phase]),
    time(t.noticeAt),
    t.frozen ? `Frozen by @${text(t.frozen.by)}: ${text(t.frozen.reason)}` : t.next.at ? `${text(t.next.step)} on ${time(t.next.at)} unless an owner responds` : text(t.next.step),
    String(t.blockers),
    t.lastResponse ? `@${text(t.lastResponse.by)}, ${time(t.lastResponse.at)}` : `<span class="muted">none</span>`,
    t.trackingIssue ? link(t.trackingIssue) : `<span class="muted">not yet</span>`,
  ]);
  const header = ["Component", "Phase", "Notified", "Next step", "Blocked runs", "Last owner response", "Tracking issue"];
  return `<section>${heading}${table("timelines-table", header, rows)}</section>`;
}

function tier2Section(figures: readonly Tier2FigureRow[] | undefined): string {
  const heading = `<h2 id="tier2">Tier 2 reply figures</h2>`;
  if (!figures || figures.length === 0) return `<section>${heading}<p>No figures yet.</p></section>`;
  const rows = figures.map((f) => [
    `<code>${text(f.component)}</code>`,
    text(f.maintainer),
    num(f.requests),
    num(f.replies),
    num(formatHours(f.medianHours)),
    num(formatHours(f.p90Hours)),
    f.breaches > 0 ? `<span class="tag missing">${f.breaches}</span>` : num(0),
  ]);
  const header = ["Component", "Maintainer", "Requests", "Replies", "Median reply", "90th percentile", "Breaches"];
  return `<section>${heading}${table("tier2-table", header, rows)}</section>`;
}

const STATE_TAGS: Record<ActionRow["state"], string> = {
  done: "",
  pending: ` <span class="tag pending">pending</span>`,
  shadow: ` <span class="tag">shadow: not sent</span>`,
};

function actionSection(actions: readonly ActionRow[]): string {
  const heading = `<h2 id="actions">Last actions</h2>`;
  if (actions.length === 0) return `<section>${heading}<p>tierkeeper has taken no action in this repository yet.</p></section>`;
  const rows = actions.map((a) => [time(a.at, "minutes"), `${text(a.what)}${STATE_TAGS[a.state]}`, link(a.link)]);
  return `<section>${heading}${table("actions-table", ["When (UTC)", "Action", "On GitHub"], rows)}</section>`;
}

// ---- HTML

function document(title: string, body: readonly string[]): string {
  return [
    `<!doctype html>`,
    `<html lang="en">`,
    `<head>`,
    `<meta charset="utf-8">`,
    `<meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<meta name="referrer" content="no-referrer">`,
    `<title>${text(title)} · tierkeeper</title>`,
    `<style>${STATUS_PAGE_CSS}</style>`,
    `</head>`,
    `<body>`,
    ...body,
    `<footer>Computed by tierkeeper from the registry on the default branch and what it has seen on GitHub.</footer>`,
    `</body>`,
    `</html>`,
    ``,
  ].join("\n");
}

/** A table in its own horizontally scrolling box; cells are HTML already escaped by the caller. */
function table(id: string, header: readonly string[], rows: readonly (readonly string[])[]): string {
  const head = `<thead><tr>${header.map((h) => `<th scope="col">${text(h)}</th>`).join("")}</tr></thead>`;
  const body = `<tbody>${rows.map((cells) => `<tr>${cells.map((c) => `<td>${c}</td>`).join("")}</tr>`).join("")}</tbody>`;
  return `<div class="scroll"><table id="${attr(id)}">${head}${body}</table></div>`;
}

/** `html`: the link's content, escaped already (its text by default). */
function link(l: Link, html = text(l.text)): string {
  const url = safeUrl(l.url);
  return url ? `<a href="${attr(url)}">${html}</a>` : html;
}

function num(value: number | string): string {
  return `<span class="nowrap">${text(String(value))}</span>`;
}

/** A date, or a date and time in UTC ("minutes": the UTC is said in the column's header), that machines can read too. */
function time(iso: string, precision: "day" | "minutes" | "minutes UTC" = "day"): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return text(iso);
  const minutes = date.toISOString().slice(0, 16).replace("T", " ");
  const shown = precision === "day" ? formatDate(date) : precision === "minutes" ? minutes : `${minutes} UTC`;
  return `<time class="nowrap" datetime="${attr(date.toISOString())}">${text(shown)}</time>`;
}

/** Escaping and web links only: see escape.ts. */
const { text, attr, href: safeUrl } = html;
