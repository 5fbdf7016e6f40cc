import fc from "fast-check";
import { decideRfcCheck, DEFAULT_CHANGE_POLICY } from "../../src/core/change-rules.js";
import { MAX_COMMANDS, parseComment, renderReply } from "../../src/core/commands.js";
import type { Component, Policy } from "../../src/core/model.js";
import { onboardingBody } from "../../src/core/onboarding.js";
import { decideRegistryCheck } from "../../src/core/registry-check.js";
import { DEFAULT_POLICY, parseRegistry } from "../../src/core/registry.js";
import { renderBreakageComment } from "../../src/core/render/breakage-comment.js";
import { md } from "../../src/core/render/escape.js";
import { renderStatusPage, type StatusPageView } from "../../src/core/render/status-page.js";
import { renderAlarmIssue, renderDemotionIssue, renderReminder } from "../../src/core/render/tier2.js";
import { renderDisablePr, renderNote, renderRemovalIssue, renderTrackingIssue, type Tier3View } from "../../src/core/render/tier3.js";
import type { Tier2Request } from "../../src/core/responsiveness.js";
import { renderSuggestion } from "../../src/core/suggestions.js";
import type { Episode } from "../../src/core/timeline.js";
import { liveElements, liveViews, type LiveElements } from "../../src/sim/markdown.js";

/**
 * Issue 11, point 3: nothing from outside can make tierkeeper speak. Every template is rendered
 * with an arbitrary string in every field that comes from outside (check names, URLs, branch
 * names, reasons, logins it does not mean to mention, categories, folder names, the words of a
 * comment); the result may hold no live @-mention, reference, link, image, autolink, HTML or
 * entity beyond what the same template holds with harmless values (its own markers, `#12`
 * references and owner mentions). The checker (src/sim/markdown.ts) reads GFM as GitHub does
 * where it matters: code spans and blocks, escapes, table cells.
 */

const RUNS = 150;
const OWNERS = ["abrown", "bytecodealliance/wasi-nn", "wasmtime-lead"];

/** Strings rich in what Markdown and GitHub treat specially, plus any string at all. */
const hostile = fc.oneof(
  fc.string({
    unit: fc.constantFrom(
      "@",
      "`",
      "``",
      "[",
      "]",
      "(",
      ")",
      "<",
      ">",
      "!",
      "#",
      "\\",
      "|",
      "\n",
      "\n\n",
      "*",
      "_",
      "&",
      ";",
      ":",
      "/",
      "www.",
      "http",
      "s://",
      "x",
      "victim",
      "1",
      " ",
      "-",
      "~",
      "'",
      '"',
      "=",
      "img",
      "a",
      "\u2028",
    ),
    maxLength: 40,
  }),
  fc.constantFrom(
    "x`@victim`",
    "@victim",
    "[a](https://evil.example)",
    "![i](https://evil.example/i.png)",
    "<img src=x>",
    "<!-- x -->",
    "https://evil.example",
    "www.evil.example",
    "org/repo#1",
    "&#64;victim",
    "a\n\n@victim",
    "`` ` ``",
    "| @victim |",
    "\\@victim",
    "mail@evil.example",
  ),
  fc.string({ maxLength: 30 }),
  fc.webUrl().map((u) => `${u}) [x](y) @victim`),
);

function component(text: string): Component {
  return {
    id: "wasi-nn",
    name: text,
    category: text,
    tier: 3,
    owners: [
      { kind: "user", login: "abrown" },
      { kind: "team", org: "bytecodealliance", slug: "wasi-nn" },
    ],
    paths: [text, "crates/wasi-nn/**"],
    checks: [text],
    facts: { disable: "workflow", workflow: text },
  };
}

const AT = "2026-11-23T10:00:00.000Z";
const policy: Policy = { ...DEFAULT_POLICY, tier2: { ...DEFAULT_POLICY.tier2, maintainers: [{ kind: "user", login: "wasmtime-lead" }] } };

function episode(text: string, url: string): Episode {
  return {
    component: "wasi-nn",
    seq: 1,
    phase: "disabled",
    noticeAt: AT,
    dueAt: AT,
    disabledAt: AT,
    responses: [{ by: text, at: AT, via: "comment on #12" }],
    frozen: { by: text, reason: text, at: AT },
    blockers: [
      { pr: 12, check: text, url, sha: "abcdef0123", at: AT },
      { check: text, url, sha: "abcdef0123", at: AT },
    ],
    log: [{ at: AT, what: `frozen by @${text}: ${text}` }],
  };
}

function tier3View(text: string, url: string): Tier3View {
  return { episode: episode(text, url), component: component(text), defaultBranch: text, registryPath: text, trackingIssue: 3, disablePr: 4, removalIssue: 5, now: new Date(AT) };
}

function request(text: string): Tier2Request {
  return {
    component: "wasi-nn",
    thread: 12,
    isPull: true,
    requestee: "abrown",
    team: false,
    source: "review-request",
    requestedBy: text,
    requestedAt: AT,
    status: "open",
    breaches: [AT],
    dueAt: AT,
  };
}

/** Every Markdown template, with `text` in every field from outside and `url` in every URL. */
const TEMPLATES: Record<string, (text: string, url: string) => string> = {
  "breakage comment": (text, url) =>
    renderBreakageComment({
      headSha: "abcdef0123",
      defaultBranch: text,
      entries: [1, 2, 3].map((tier) => ({
        verdict: {
          component: { ...component(text), tier: tier as 1 | 2 | 3 },
          verdict: tier === 2 ? "already-broken" : "broken-by-pr",
          failing: [{ repoId: 1, sha: "abcdef0123", name: text, source: "check_run", outcome: "fail", completedAt: new Date(AT), url }],
          base: tier === 3 ? "unknown" : "pass",
        },
        owners: [
          { handle: "abrown", mention: true },
          { handle: text, mention: false, note: "away" },
        ],
        deadline: new Date(AT),
        trackingIssueUrl: "#3",
      })),
      passing: ["cranelift"],
      filesCapped: true,
    } as never),
  "tracking issue": (text, url) => renderTrackingIssue(tier3View(text, url)),
  "tracking issue, frozen": (text, url) => renderTrackingIssue({ ...tier3View(text, url), episode: { ...episode(text, url), phase: "notified" } }),
  "disabling PR": (text, url) => renderDisablePr(tier3View(text, url)),
  "removal issue": (text, url) => renderRemovalIssue({ ...tier3View(text, url), episode: { ...episode(text, url), phase: "notified" } }),
  "step notes": (text, url) =>
    (["disabled", "removal", "closed"] as const)
      .map((s) => renderNote(s, { ...tier3View(text, url), episode: { ...episode(text, url), closedReason: "it was re-enabled in CI" } }))
      .join("\n\n"),
  "Tier 2 reminders": (text) => [1, 2].map((n) => renderReminder(request(text), { ...component(text), tier: 2 }, n, ["wasmtime-lead"], policy)).join("\n\n"),
  "demotion issue": (text) =>
    renderDemotionIssue(
      { ...component(text), tier: 2 },
      { component: "wasi-nn", maintainer: "*", requests: 3, replies: 1, open: 0, medianHours: 3, p90Hours: 4, breaches: 3 },
      [{ thread: 12, requestee: text, requestedAt: AT, breachedAt: AT }],
      policy,
      new Date(AT),
    ),
  "alarm issue": (text) => renderAlarmIssue({ ...component(text), tier: 1 }, new Date(AT), policy, false),
  "RFC check": (text, url) =>
    [false, true]
      .map((accepted) => {
        const change = { author: "contributor", touched: ["wasi-nn"], lines: {}, labels: ["major-change"], body: "" };
        const rules = { ...DEFAULT_CHANGE_POLICY, majorLabel: text, rfcOverrideLabel: text, rfcLink: text };
        const major = [{ component: { ...component(text), tier: 1 as const }, why: `labelled ${md.code(text)}` }];
        const check = decideRfcCheck(major, { ...change, labels: [text] }, [{ link: url, accepted, detail: "merged" }], rules, false, { ignored: [url, text], repositories: [text] })!;
        const lifted = decideRfcCheck(major, { ...change, labels: [] }, [], { ...rules, rfcOverrideLabel: "rfc-not-needed" }, false)!;
        return `${check.summary}\n\n${lifted.summary}`;
      })
      .join("\n\n"),
  "registry check": (text) => {
    const result = parseRegistry(
      `components:\n  ${JSON.stringify(text)}: { tier: 9, owners: [${JSON.stringify(text)}], category: ${JSON.stringify(text)} }\n  ${JSON.stringify(text)}x: ${JSON.stringify(text)}\n`,
      text,
    );
    const invalid = decideRegistryCheck(result, text);
    return [invalid.summary, decideRegistryCheck("deleted", text).summary].join("\n\n");
  },
  suggestion: (text) =>
    renderSuggestion(
      component(text),
      { componentId: "wasi-nn", direction: "demote", from: 2, to: 3, since: new Date(AT), requirements: [{ id: "x", label: text, status: "missing" }] },
      { checksPassedOnDefaultWithinDays: null },
      { components: [component(text)], policy },
      new Date(AT),
    ),
  onboarding: (text) => onboardingBody({ folders: [text, "crates"], checkNames: [text] }),
  "command replies": (text) => {
    const body = [`/tier ${text}`, `/tier freeze wasi-nn ${text}`, `/tier status ${text}`, `/tier away until ${text}`, `/tier ack ${text}`].join("\n");
    const { commands, ignored } = parseComment(body);
    return renderReply(
      body,
      commands.map((p) => ({ line: p.line, text: p.ok ? "done." : p.error })),
      ignored,
    );
  },
};

const BENIGN = { text: "x", url: "https://ci.example/run/1" };

/** What `actual` holds beyond `baseline`, kind by kind (as multisets). */
function beyond(actual: LiveElements, baseline: LiveElements): Partial<LiveElements> {
  const extra: Partial<LiveElements> = {};
  for (const kind of Object.keys(actual) as (keyof LiveElements)[]) {
    const left = [...baseline[kind]];
    const more = actual[kind].filter((e) => {
      // A link or autolink of the same kind is the template's own, whatever URL it carries.
      const same = kind === "links" || kind === "autolinks" ? left.findIndex(() => true) : left.indexOf(e);
      if (same < 0) return true;
      left.splice(same, 1);
      return false;
    });
    if (more.length) extra[kind] = more;
  }
  return extra;
}

describe("no template lets outside text speak", () => {
  test.each(Object.keys(TEMPLATES))("%s", (name) => {
    const render = TEMPLATES[name];
    const baseline = liveElements(render(BENIGN.text, BENIGN.url));
    fc.assert(
      fc.property(hostile, fc.oneof(hostile, fc.webUrl()), (text, url) => {
        const out = render(text, url);
        const live = liveElements(out);
        expect(live.mentions.filter((m) => !OWNERS.includes(m))).toEqual([]);
        expect(beyond(live, baseline)).toEqual({});
        // Links go only to web addresses.
        for (const href of liveViews(out).markup.matchAll(/\]\(([^)\s]*)\)/g)) expect(href[1]).toMatch(/^https?:\/\//);
      }),
      { numRuns: RUNS },
    );
  });

  test("the checker finds what it must (else the property above proves nothing)", () => {
    const live = liveElements("@alice `@code` \\@bob [a](b) ![i](j) <img x> &#64; https://x.y www.z.org a@b.co org/r#1 GH-2\n\n| `a|b` @carol |\n|---|\n| c |");
    expect(live.mentions).toEqual(["alice", "bob", "carol"]);
    expect(live.links).toHaveLength(2);
    expect(live.html).toEqual(["<img"]);
    expect(live.entities).toEqual(["&#64;"]);
    expect(live.autolinks).toHaveLength(3);
    expect(live.references).toEqual(["org/r#1", "GH-2"]);
    // The attack of the issue, rendered the way main did.
    expect(liveElements("@someone unknown command `/tier x`@victim``").mentions).toEqual(["someone", "victim"]);
  });
});

describe("the status page escapes every value from outside", () => {
  test("no tag, attribute or link comes from the values", () => {
    fc.assert(
      fc.property(hostile, fc.oneof(hostile, fc.webUrl()), (text, url) => {
        const view = (t: string, u: string): StatusPageView => ({
          repo: { owner: t, name: t, url: u, private: false },
          asOf: AT,
          registry: {
            state: "valid",
            rows: [
              { tier: 1, id: t, category: t, description: t, toward: null, missing: [], requirements: [], footnote: { number: 1, text: t } },
              { tier: 2, id: t, category: t, description: t, toward: 1, missing: [t], requirements: [] },
            ],
          },
          timelines: [
            {
              component: t,
              phase: "notified",
              noticeAt: AT,
              next: { step: t, at: null },
              frozen: { by: t, reason: t },
              blockers: 1,
              lastResponse: { by: t, at: AT },
              trackingIssue: { text: t, url: u },
            },
          ],
          tier2Figures: [{ component: t, maintainer: t, requests: 1, replies: 1, medianHours: 1, p90Hours: 1, breaches: 1 }],
          actions: [{ at: AT, what: t, link: { text: t, url: u }, state: "done" }],
        });
        const tags = (html: string) => [...html.matchAll(/<([a-z0-9]+)/gi)].map((m) => m[1]);
        const hrefs = (html: string) => [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
        const out = renderStatusPage(view(text, url));
        const own = tags(renderStatusPage(view("x", "https://example.org/")));
        expect(
          tags(out).filter((t) => {
            const i = own.indexOf(t);
            if (i >= 0) own.splice(i, 1);
            return i < 0;
          }),
        ).toEqual([]);
        for (const href of hrefs(out)) expect(href).toMatch(/^(https?:\/\/|\/(?!\/)|#)/);
      }),
      { numRuns: RUNS },
    );
  });
});

test("fuzz: command comments never make the parser throw, nor act on more than ten commands", () => {
  const line = fc.oneof(
    fc.string({ maxLength: 60 }),
    fc.string({ maxLength: 40 }).map((s) => `/tier ${s}`),
    fc.constantFrom("/tier ack", "/tier freeze wasi-nn x", "```", "~~~", "> /tier ack", "  /TIER status a", "/tier away until 2026-02-30", "/tier\tback"),
  );
  fc.assert(
    fc.property(fc.array(line, { maxLength: 600 }), fc.constantFrom("\n", "\r\n", "\r"), (lines, eol) => {
      const body = lines.join(eol);
      const { commands, ignored } = parseComment(body);
      expect(commands.length).toBeLessThanOrEqual(MAX_COMMANDS);
      expect(ignored).toBeGreaterThanOrEqual(0);
      if (ignored > 0) expect(commands).toHaveLength(MAX_COMMANDS);
      const reply = renderReply(
        body,
        commands.map((p) => ({ line: p.line, text: p.ok ? "done." : p.error })),
        ignored,
      );
      expect(reply.length).toBeLessThan(65_536 - 200);
    }),
    { numRuns: 300 },
  );
});
