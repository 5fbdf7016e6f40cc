import { missingText } from "../../src/core/requirements.js";
import { renderMessage, renderStatusIndex, renderStatusPage, type StatusPageView, type Tier2FigureRow } from "../../src/core/render/status-page.js";
import { statusRows } from "../../src/core/render/status-tables.js";
import type { Episode } from "../../src/core/timeline.js";
import type { ActionRecord } from "../../src/store/store.js";
import { actionRow, RepositoryVisibility, timelineRow, type GitHubAccess } from "../../src/web/status-page.js";
import { registryFrom, wasmtimeRegistry } from "../support/registries.js";

/**
 * The status page's rendering (src/core/render/status-page.ts: view model in, HTML out) and the
 * pure parts of its view model (src/web/status-page.ts). The served page, access and a real
 * browser are in test/e2e/status-page.test.ts.
 */

const base: StatusPageView = {
  repo: { owner: "bytecodealliance", name: "wasmtime", url: "https://github.com/bytecodealliance/wasmtime", private: false },
  asOf: "2026-11-23T10:00:00.000Z",
  registry: { state: "valid", rows: statusRows(wasmtimeRegistry()) },
  timelines: [],
  actions: [],
};

/** The cells of a table of the page, as text (tags dropped, entities decoded). */
function cells(html: string, tableId: string): string[][] {
  const table = new RegExp(`<table id="${tableId}">([\\s\\S]*?)</table>`).exec(html)?.[1];
  if (table === undefined) throw new Error(`no table ${tableId}`);
  const body = table.slice(table.indexOf("<tbody>"));
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) => [...row[1].matchAll(/<td>([\s\S]*?)<\/td>/g)].map((cell) => textOf(cell[1])));
}

const textOf = (html: string) =>
  html
    .replace(/<[^>]*>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");

describe("renderStatusPage", () => {
  test("the three Current Tier Status tables hold statusRows' rows, the Missing column included", () => {
    const html = renderStatusPage(base);
    const rows = statusRows(wasmtimeRegistry());
    for (const tier of [1, 2, 3] as const) {
      const expected = rows
        .filter((r) => r.tier === tier)
        .map((r) => [r.category, r.footnote ? `${r.description} [${r.footnote.number}]` : r.description, ...(tier === 1 ? [] : [r.missing.length ? missingText(r.missing) : "None"])]);
      expect(cells(html, `tier-${tier}-table`)).toEqual(expected);
    }
    expect(cells(html, "tier-2-table")).toContainEqual(["Target", "aarch64-unknown-linux-gnu", "Continuous fuzzing"]);
    expect(cells(html, "tier-3-table")).toContainEqual(["WASI Proposal", "wasi-crypto", "CI testing, clear owner"]);
    expect(html).toContain('<th scope="col">Missing Tier 2 Requirements</th>');
    // The footnotes of the spec's tables, under their table.
    expect(html).toMatch(/<li id="note-1" value="1">This is intended to encompass features that Cranelift supports/);
  });

  test("made for phones and for browsers without JavaScript", () => {
    const html = renderStatusPage(base);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\son[a-z]+=/i);
    // Every table scrolls inside its own box, so the page itself never scrolls sideways.
    const tables = html.match(/<table /g)!.length;
    expect(html.match(/<div class="scroll"><table /g)).toHaveLength(tables);
    expect(html).toMatch(/\.scroll\{overflow-x:auto/);
  });

  test("every text is escaped: nothing from the registry, GitHub or the store becomes markup", () => {
    const evil = `<script>alert("x")</script><img src=x onerror=alert(1)>'"&`;
    const registry = registryFrom(`
components:
  evil:
    name: '${evil.replace(/'/g, "''")}'
    description: '${evil.replace(/'/g, "''")}'
    category: '${evil.replace(/'/g, "''")}'
    tier: 3
    owners: [someone]
`);
    const html = renderStatusPage({
      ...base,
      repo: { ...base.repo, owner: evil, name: evil },
      registry: { state: "valid", rows: statusRows(registry) },
      timelines: [
        {
          component: evil,
          phase: "notified",
          noticeAt: "2026-11-23T10:00:00Z",
          next: { step: evil, at: "2026-11-30T10:00:00Z" },
          frozen: { by: evil, reason: evil },
          blockers: 1,
          lastResponse: { by: evil, at: "2026-11-24T10:00:00Z" },
          trackingIssue: { text: evil, url: `https://github.com/o/r/issues/1?q="><script>` },
        },
      ],
      tier2Figures: [{ component: evil, maintainer: evil, requests: 1, replies: 0, medianHours: null, p90Hours: null, breaches: 1 }],
      actions: [{ at: "2026-11-23T10:00:00Z", what: evil, link: { text: evil, url: "javascript:alert(1)" }, state: "done" }],
    });
    expect(html).not.toMatch(/<script|<img|javascript:/i);
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&#39;&quot;&amp;");
    expect(html).toContain('href="https://github.com/o/r/issues/1?q=&quot;&gt;&lt;script&gt;"');
    expect(cells(html, "tier-3-table")[0]).toEqual([evil, `${evil} [1]`, expect.any(String)]);
    expect(cells(html, "actions-table")[0].slice(1)).toEqual([evil, evil]); // the unsafe link is shown as text

    const invalid = renderStatusPage({ ...base, registry: { state: "invalid", problems: [evil] } });
    expect(invalid).not.toMatch(/<script|<img/);
    const index = renderStatusIndex({ asOf: base.asOf, repositories: [{ owner: evil, name: evil, private: true }] });
    expect(index).not.toMatch(/<script|<img/);
    expect(index).toContain(`href="/status/${encodeURIComponent(evil).replace(/'/g, "&#39;")}/`);
    expect(renderMessage(evil, evil)).not.toMatch(/<script|<img/);
  });

  test("Tier 2 reply figures: 'no figures yet' until Tier 2 responsiveness provides rows", () => {
    expect(renderStatusPage(base)).toMatch(/<h2 id="tier2">Tier 2 reply figures<\/h2><p>No figures yet\.<\/p>/);
    expect(renderStatusPage({ ...base, tier2Figures: [] })).toContain("No figures yet.");
    const figures: Tier2FigureRow[] = [
      { component: "aarch64", maintainer: "alice", requests: 4, replies: 3, medianHours: 20, p90Hours: 100, breaches: 1 },
      { component: "s390x", maintainer: "bytecodealliance/s390x", requests: 2, replies: 2, medianHours: 1.25, p90Hours: null, breaches: 0 },
    ];
    const html = renderStatusPage({ ...base, tier2Figures: figures });
    expect(html).not.toContain("No figures yet");
    expect(cells(html, "tier2-table")).toEqual([
      ["aarch64", "alice", "4", "3", "20 h", "4.2 d", "1"],
      ["s390x", "bytecodealliance/s390x", "2", "2", "1.3 h", "–", "0"],
    ]);
  });

  test("open timelines with their phase and next step; the last actions with their state", () => {
    const html = renderStatusPage({
      ...base,
      repo: { ...base.repo, private: true },
      timelines: [
        {
          component: "wasi-nn",
          phase: "notified",
          noticeAt: "2026-11-23T10:00:00Z",
          next: { step: "Disabling in CI proposed", at: "2026-11-30T10:00:00Z" },
          blockers: 2,
          trackingIssue: { text: "#5", url: "https://github.com/o/r/issues/5" },
        },
        {
          component: "threads",
          phase: "removal-proposed",
          noticeAt: "2026-10-01T10:00:00Z",
          next: { step: "Removal proposed; the maintainers decide", at: null },
          blockers: 1,
          lastResponse: { by: "abrown", at: "2026-10-02T10:00:00Z" },
        },
      ],
      actions: [
        { at: "2026-11-23T10:05:00Z", what: "Comment on #3", link: { text: "#3", url: "https://github.com/o/r/issues/3" }, state: "pending" },
        { at: "2026-11-23T10:04:00Z", what: 'Issue "x"', link: { text: "#5", url: "https://github.com/o/r/issues/5" }, state: "shadow" },
      ],
    });
    expect(html).toContain('<span class="tag private">private</span>');
    expect(cells(html, "timelines-table")).toEqual([
      ["wasi-nn", "Owners notified", "2026-11-23 (UTC)", "Disabling in CI proposed on 2026-11-30 (UTC) unless an owner responds", "2", "none", "#5"],
      ["threads", "Removal proposed", "2026-10-01 (UTC)", "Removal proposed; the maintainers decide", "1", "@abrown, 2026-10-02 (UTC)", "not yet"],
    ]);
    expect(cells(html, "actions-table")).toEqual([
      ["2026-11-23 10:05", "Comment on #3 pending", "#3"],
      ["2026-11-23 10:04", 'Issue "x" shadow: not sent', "#5"],
    ]);
    expect(html).toContain('<a href="https://github.com/o/r/issues/5">#5</a>');
    expect(html).toContain('<th scope="col">When (UTC)</th>');
    expect(html).toContain('<h1><a href="https://github.com/bytecodealliance/wasmtime">bytecodealliance/<wbr>wasmtime</a> <span class="tag private">private</span></h1>');
  });

  test("a repository without a registry, or with an invalid one, says so", () => {
    expect(renderStatusPage({ ...base, registry: { state: "absent" } })).toContain("has no <code>.github/tiers.yml</code>");
    const invalid = renderStatusPage({ ...base, registry: { state: "invalid", problems: [".github/tiers.yml:3:5: components.x.tier: expected 1, 2 or 3, got 4"] } });
    expect(invalid).toContain("<code>.github/tiers.yml:3:5: components.x.tier: expected 1, 2 or 3, got 4</code>");
    expect(invalid).not.toContain("<table");
  });
});

describe("the view model", () => {
  const episode = (over: Partial<Episode>): Episode => ({
    component: "wasi-nn",
    seq: 1,
    phase: "notified",
    noticeAt: "2026-11-23T10:00:00.000Z",
    dueAt: "2026-11-30T10:00:00.000Z",
    responses: [],
    blockers: [{ check: "Test wasi-nn (openvino, ubuntu-24.04)", sha: "abc", at: "2026-11-23T09:00:00.000Z" }],
    log: [],
    ...over,
  });

  test("timelineRow: the next step of each phase, frozen, and nothing for a closed timeline", () => {
    expect(timelineRow(episode({}))).toEqual({
      component: "wasi-nn",
      phase: "notified",
      noticeAt: "2026-11-23T10:00:00.000Z",
      next: { step: "Disabling in CI proposed", at: "2026-11-30T10:00:00.000Z" },
      blockers: 1,
    });
    expect(timelineRow(episode({ phase: "disabling", dueAt: "2026-12-01T10:00:00.000Z" }))!.next).toEqual({ step: "Disabled once a maintainer merges the PR", at: null });
    expect(timelineRow(episode({ phase: "disable-declined", dueAt: null }))!.next).toEqual({ step: "Nothing scheduled: the maintainers declined the disable", at: null });
    expect(timelineRow(episode({ phase: "disabled", dueAt: "2026-12-30T10:00:00.000Z" }))!.next).toEqual({ step: "Removal proposed", at: "2026-12-30T10:00:00.000Z" });
    expect(timelineRow(episode({ phase: "removal-proposed", dueAt: null }))!.next.at).toBeNull();
    const frozen = timelineRow(
      episode({ dueAt: null, frozen: { by: "maint", reason: "release", at: "2026-11-24T00:00:00Z" }, responses: [{ by: "abrown", at: "2026-11-24T01:00:00Z", via: "/tier ack" }] }),
      { text: "#5", url: "u" },
    )!;
    expect(frozen).toMatchObject({ frozen: { by: "maint", reason: "release" }, lastResponse: { by: "abrown", at: "2026-11-24T01:00:00Z" }, trackingIssue: { text: "#5", url: "u" } });
    expect(timelineRow(episode({ phase: "closed", dueAt: null }))).toBeUndefined();
  });

  const action = (over: Partial<ActionRecord> & Pick<ActionRecord, "kind" | "target" | "desired">): ActionRecord => ({
    key: "k",
    applied: null,
    githubId: null,
    version: 1,
    appliedVersion: 1,
    installationId: 1,
    shadow: false,
    updatedAt: new Date("2026-11-23T10:00:00Z"),
    ...over,
  });
  const gh = "https://github.com";
  const target = (more: object) => JSON.stringify({ owner: "Org", repo: "Repo", ...more });
  const row = (over: Parameters<typeof action>[0], issueOf: (key: string) => number | undefined = () => undefined) => actionRow(action(over), gh, issueOf);

  test("actionRow links each kind to what it made on GitHub", () => {
    expect(
      row({
        kind: "comment",
        target: target({ issueNumber: 45, marker: "m" }),
        desired: JSON.stringify({ body: "<!-- m -->\n**`wasi-nn`** (Tier 3) fails: a long line" }),
        githubId: "1056",
      }),
    ).toEqual({
      at: "2026-11-23T10:00:00.000Z",
      what: "Comment on #45: wasi-nn (Tier 3) fails: a long line",
      link: { text: "#45", url: "https://github.com/Org/Repo/issues/45#issuecomment-1056" },
      state: "done",
    });
    const heading = JSON.stringify({ body: "<!-- m -->\n\n## `wasi_nn`: see #7 **now**\nmore" });
    expect(row({ kind: "comment", target: target({ issueNumber: 45 }), desired: heading }).what).toBe("Comment on #45: wasi_nn: see #7 now");
    expect(row({ kind: "comment", target: target({ issueNumber: 45 }), desired: JSON.stringify({ body: "x".repeat(150) }) }).what).toBe(`Comment on #45: ${"x".repeat(99)}…`);
    // A note on the tracking issue names the issue by its action's key.
    expect(row({ kind: "comment", target: target({ issueKey: "tier3:1:x:1:tracking", marker: "m" }), desired: "{}" }, (k) => (k === "tier3:1:x:1:tracking" ? 5 : undefined)).link).toEqual({
      text: "#5",
      url: "https://github.com/Org/Repo/issues/5",
    });
    expect(row({ kind: "issue", target: target({ marker: "m" }), desired: JSON.stringify({ title: "Tier 3 component `x` is blocking other work" }), githubId: "5" })).toMatchObject({
      what: 'Issue "Tier 3 component `x` is blocking other work"',
      link: { text: "#5", url: "https://github.com/Org/Repo/issues/5" },
    });
    expect(row({ kind: "file-pr", target: target({ marker: "m" }), desired: JSON.stringify({ title: "Disable x" }), githubId: "7" }).link).toEqual({
      text: "#7",
      url: "https://github.com/Org/Repo/pull/7",
    });
    expect(row({ kind: "check-run", target: target({ headSha: "0123456789abcdef" }), desired: JSON.stringify({ name: "tierkeeper/registry" }), githubId: "99" })).toMatchObject({
      what: 'Check run "tierkeeper/registry"',
      link: { url: "https://github.com/Org/Repo/runs/99" },
    });
    expect(row({ kind: "check-run", target: target({ headSha: "0123456789abcdef" }), desired: "{}", githubId: "creating" }).link).toEqual({
      text: "0123456",
      url: "https://github.com/Org/Repo/commit/0123456789abcdef",
    });
    expect(row({ kind: "workflow-disable", target: target({ workflow: "wasi-nn.yml" }), desired: JSON.stringify({ enabled: false }) })).toMatchObject({
      what: "Workflow wasi-nn.yml disabled",
      link: { url: "https://github.com/Org/Repo/actions/workflows/wasi-nn.yml" },
    });
    expect(row({ kind: "review-request", target: target({ pullNumber: 12 }), desired: JSON.stringify({ reviewers: ["alice"], teamReviewers: ["core"] }) })).toMatchObject({
      what: "Review requested from @alice, @Org/core",
      link: { url: "https://github.com/Org/Repo/pull/12" },
    });
  });

  test("actionRow: pending and shadow actions, and objects not made (yet) link to the repository", () => {
    const pending = row({ kind: "issue", target: target({ marker: "m" }), desired: JSON.stringify({ title: "t" }), githubId: "creating", version: 2, appliedVersion: 1 });
    expect(pending).toMatchObject({ state: "pending", link: { text: "Org/Repo", url: "https://github.com/Org/Repo" } });
    expect(row({ kind: "issue", target: target({ marker: "m" }), desired: JSON.stringify({ title: "t" }), githubId: "shadow", shadow: true })).toMatchObject({
      state: "shadow",
      link: { url: "https://github.com/Org/Repo" },
    });
    expect(row({ kind: "something-new", target: target({}), desired: "{}" })).toMatchObject({ what: "something-new", link: { url: "https://github.com/Org/Repo" } });
  });
});

describe("RepositoryVisibility: what GitHub says, private when it does not say", () => {
  const silent = { warn: () => undefined } as never;
  /** A GitHub with installations (by id) holding repositories (id → private); `failing` installations answer an error. */
  function github(installations: Record<number, Record<number, boolean>>, failing: { app?: boolean; installations?: number[] } = {}) {
    const calls = { app: 0, installation: 0 };
    const listInstallations = Symbol("listInstallations");
    const access: GitHubAccess = {
      app: async () => {
        calls.app++;
        if (failing.app) throw new Error("503");
        return { rest: { apps: { listInstallations } }, paginate: async () => Object.keys(installations).map((id) => ({ id: Number(id) })) } as never;
      },
      installation: async (id) => {
        calls.installation++;
        return {
          rest: { apps: { listReposAccessibleToInstallation: {} } },
          paginate: async () => {
            if (failing.installations?.includes(id)) throw new Error("403 suspended");
            return Object.entries(installations[id]).map(([repoId, isPrivate]) => ({ id: Number(repoId), private: isPrivate }));
          },
        } as never;
      },
    };
    return { access, calls };
  }

  test("public, private, and unknown repositories", async () => {
    const { access, calls } = github({ 1: { 10: false, 11: true }, 2: { 20: false } });
    const visibility = new RepositoryVisibility(access, silent);
    expect(await visibility.isPrivate(10)).toBe(false);
    expect(await visibility.isPrivate(11)).toBe(true);
    expect(await visibility.isPrivate(20)).toBe(false);
    expect(await visibility.isPrivate(99)).toBe(true); // no installation lists it
    expect(calls).toEqual({ app: 1, installation: 2 }); // asked once, kept
  });

  test("GitHub failing: every repository of what could not be listed is private, and GitHub is asked again later", async () => {
    const down = new RepositoryVisibility(github({ 1: { 10: false } }, { app: true }).access, silent);
    expect(await down.isPrivate(10)).toBe(true);

    const { access, calls } = github({ 1: { 10: false }, 2: { 20: false } }, { installations: [2] });
    const partial = new RepositoryVisibility(access, silent, 60_000, 0);
    expect(await partial.isPrivate(10)).toBe(false);
    expect(await partial.isPrivate(20)).toBe(true);
    await partial.isPrivate(10);
    expect(calls.app).toBeGreaterThan(1); // an incomplete answer is kept only for the short retry delay
  });

  test("concurrent pages share one request, and the answer expires", async () => {
    const { access, calls } = github({ 1: { 10: false } });
    const visibility = new RepositoryVisibility(access, silent, 0);
    await Promise.all([visibility.isPrivate(10), visibility.isPrivate(10), visibility.isPrivate(10)]);
    expect(calls.app).toBe(1);
    await visibility.isPrivate(10);
    expect(calls.app).toBe(2);
  });
});
