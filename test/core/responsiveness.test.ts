import { consultations, decideRfcCheck, majorChanges, rfcLinks, rfcRepositories, sortRfcLinks, type PullChange } from "../../src/core/change-rules.js";
import type { Component, Registry } from "../../src/core/model.js";
import { DEFAULT_POLICY } from "../../src/core/registry.js";
import { percentile, replyFigures } from "../../src/core/reply-figures.js";
import { renderFigures } from "../../src/core/render/tier2.js";
import { deadlineAfter, endAway, isAway, openRequest, recipientsFor, startAway, stepRequest, teamMentions, type Tier2Request } from "../../src/core/responsiveness.js";

const policy = DEFAULT_POLICY;
const T0 = new Date("2026-11-23T12:00:00Z");
const at = (days: number) => new Date(T0.getTime() + days * 86_400_000);
const iso = (days: number) => at(days).toISOString();

const component = (over: Partial<Component> = {}): Component => ({
  id: "s390x",
  category: "Target",
  tier: 2,
  owners: [
    { kind: "user", login: "uweigand" },
    { kind: "team", org: "bytecodealliance", slug: "cranelift-core" },
  ],
  paths: ["cranelift/codegen/src/isa/s390x/**"],
  checks: ["Test Linux s390x (*)"],
  facts: {},
  ...over,
});

const request = (over: Partial<Parameters<typeof openRequest>[0]> = {}, away: { from: string; until: string }[] = []) =>
  openRequest({ component: "s390x", thread: 7, isPull: true, requestee: "uweigand", source: "ping", requestedBy: "tierkeeper", ...over }, T0, policy, away);

describe("a request's deadlines and breaches", () => {
  test("due a week after the request; a reply before then closes it, one before the request does not count", () => {
    const r = request();
    expect(r).toMatchObject({ status: "open", team: false, dueAt: iso(7), breaches: [] });
    expect(stepRequest(r, { kind: "reply", reply: { by: "uweigand", at: iso(-1), via: "comment on #7" } }, at(1), policy)).toBe(r);
    const replied = stepRequest(r, { kind: "reply", reply: { by: "uweigand", at: iso(2), via: "comment on #7" } }, at(2), policy);
    expect(replied).toMatchObject({ status: "replied", dueAt: null, reply: { at: iso(2) } });
    // Closed requests stay closed.
    expect(stepRequest(replied, { kind: "due", replies: [], away: [] }, at(30), policy)).toBe(replied);
  });

  test("GitHub stamps to the second: a reply in the request's second counts, one in the second before does not", () => {
    const r = openRequest(
      { component: "s390x", thread: 7, isPull: true, requestee: "uweigand", source: "ping", requestedBy: "tierkeeper" },
      new Date("2026-11-23T12:00:00.680Z"),
      policy,
      [],
    );
    const reply = (at: string) => stepRequest(r, { kind: "reply", reply: { by: "uweigand", at, via: "comment on #7" } }, at2(), policy).status;
    const at2 = () => new Date("2026-11-23T12:00:01Z");
    expect(reply("2026-11-23T12:00:00.000Z")).toBe("replied");
    expect(reply("2026-11-23T11:59:59.000Z")).toBe("open");
  });

  test("not yet due: nothing happens; at the deadline: breach 1 and a new deadline; a week later: breach 2 and nothing more", () => {
    const r = request();
    expect(stepRequest(r, { kind: "due", replies: [], away: [] }, at(6.9), policy)).toBe(r);
    const first = stepRequest(r, { kind: "due", replies: [], away: [] }, at(7), policy);
    expect(first).toMatchObject({ status: "open", breaches: [iso(7)], dueAt: iso(14) });
    const second = stepRequest(first, { kind: "due", replies: [], away: [] }, at(14.5), policy);
    expect(second).toMatchObject({ status: "open", breaches: [iso(7), iso(14.5)], dueAt: null });
    // A late reply still closes it, for the figures.
    expect(stepRequest(second, { kind: "reply", reply: { by: "uweigand", at: iso(20), via: "comment on #7" } }, at(20), policy).status).toBe("replied");
  });

  test("a reply found only when the sweep reads GitHub (a reaction) closes the request instead of a breach", () => {
    const reaction = { by: "uweigand", at: iso(3), via: "reaction on #7" };
    expect(stepRequest(request(), { kind: "due", replies: [reaction], away: [] }, at(7), policy)).toMatchObject({ status: "replied", reply: reaction, breaches: [] });
  });

  test("away time stops the clock: the deadline moves by the part of the away time inside the window", () => {
    // Away from day 2 to day 5: three days of the week do not count.
    const away = [{ from: iso(2), until: iso(5) }];
    expect(deadlineAfter(iso(0), policy, away)).toBe(iso(10));
    // A request made while away starts counting when the away time ends.
    expect(deadlineAfter(iso(3), policy, away)).toBe(iso(12));
    // Away time after the deadline, or before the request, changes nothing.
    expect(
      deadlineAfter(iso(0), policy, [
        { from: iso(8), until: iso(20) },
        { from: iso(-5), until: iso(-1) },
      ]),
    ).toBe(iso(7));
    // Two periods add up.
    expect(
      deadlineAfter(iso(0), policy, [
        { from: iso(1), until: iso(2) },
        { from: iso(4), until: iso(6) },
      ]),
    ).toBe(iso(10));
    // The sweep at the old deadline postpones without a breach.
    const r = request();
    expect(stepRequest(r, { kind: "due", replies: [], away }, at(7), policy)).toMatchObject({ breaches: [], dueAt: iso(10) });
  });

  test("/tier away and /tier back", () => {
    const periods = startAway([], "2026-11-30", T0);
    expect(periods).toEqual([{ from: T0.toISOString(), until: "2026-11-30T23:59:59.999Z" }]);
    expect(isAway(periods, at(3))).toBe(true);
    expect(isAway(periods, at(8))).toBe(false);
    const back = endAway(periods, at(2));
    expect(back).toEqual([{ from: T0.toISOString(), until: iso(2) }]);
    expect(isAway(back, at(3))).toBe(false);
    // A date already over changes nothing; a new period replaces what it overlaps.
    expect(startAway(back, "2026-11-01", at(3))).toEqual(back);
    expect(startAway(periods, "2026-12-10", at(1))).toEqual([
      { from: T0.toISOString(), until: iso(1) },
      { from: iso(1), until: "2026-12-10T23:59:59.999Z" },
    ]);
  });

  test("deferring (no rules in force) only ever moves the next look later", () => {
    const r = request();
    expect(stepRequest(r, { kind: "defer", until: iso(8) }, at(7), policy).dueAt).toBe(iso(8));
    expect(stepRequest(r, { kind: "defer", until: iso(3) }, at(2), policy)).toBe(r);
  });

  test("cancelling stops what comes next, keeping the breaches recorded", () => {
    const first = stepRequest(request(), { kind: "due", replies: [], away: [] }, at(7), policy);
    expect(stepRequest(first, { kind: "cancel", reason: "closed" }, at(8), policy)).toMatchObject({ status: "cancelled", breaches: [iso(7)], dueAt: null });
  });
});

describe("who is asked", () => {
  const away = (who: string[]) => (login: string) => who.includes(login);

  test("owners who are away are routed around; teams are always asked", () => {
    expect(recipientsFor(component(), away([]))).toEqual({ handles: ["uweigand", "bytecodealliance/cranelift-core"], routedAround: [] });
    expect(recipientsFor(component(), away(["uweigand"]))).toEqual({ handles: ["bytecodealliance/cranelift-core"], routedAround: ["uweigand"] });
  });

  test("when every owner is away, the backup list; when nobody is left, the owners anyway", () => {
    const solo = component({ owners: [{ kind: "user", login: "uweigand" }], backup: [{ kind: "user", login: "cfallin" }] });
    expect(recipientsFor(solo, away(["uweigand"]))).toEqual({ handles: ["cfallin"], routedAround: ["uweigand"] });
    expect(recipientsFor(solo, away(["uweigand", "cfallin"]))).toEqual({ handles: ["uweigand"], routedAround: [] });
    expect(recipientsFor(component({ owners: [{ kind: "user", login: "uweigand" }] }), away(["uweigand"]))).toEqual({ handles: ["uweigand"], routedAround: [] });
  });

  test("team mentions outside code and quotes", () => {
    const body = "cc @bytecodealliance/Cranelift-Core and @alice\n> @org/quoted\n```\n@org/code\n```\n`@org/inline` mail@org/x";
    expect(teamMentions(body)).toEqual(["bytecodealliance/cranelift-core"]);
  });
});

describe("reply figures", () => {
  const made = (over: Partial<Tier2Request>, requestedAt = 0): Tier2Request => ({ ...request(), requestedAt: iso(requestedAt), ...over });

  test("per component and per maintainer: requests, replies, median and 90th percentile, open, breaches", () => {
    const requests = [
      made({ status: "replied", reply: { by: "uweigand", at: new Date(T0.getTime() + 2 * 3_600_000).toISOString(), via: "c" } }),
      made({ status: "replied", reply: { by: "uweigand", at: iso(2), via: "c" } }),
      made({ breaches: [iso(7), iso(14)], dueAt: null }),
      made({ requestee: "bytecodealliance/cranelift-core", team: true, component: "aarch64", status: "replied", reply: { by: "x", at: iso(1), via: "c" } }),
      made({ status: "cancelled" }),
      made({}, -200), // outside the window
    ];
    const figures = replyFigures(requests, at(20), 90);
    expect(figures.byComponent).toEqual([
      { component: "aarch64", maintainer: "*", requests: 1, replies: 1, open: 0, medianHours: 24, p90Hours: 24, breaches: 0 },
      { component: "s390x", maintainer: "*", requests: 3, replies: 2, open: 1, medianHours: 2, p90Hours: 48, breaches: 2 },
    ]);
    expect(figures.byMaintainer.map((r) => [r.maintainer, r.requests, r.breaches])).toEqual([
      ["bytecodealliance/cranelift-core", 1, 0],
      ["uweigand", 3, 2],
    ]);
    // As of day 10, the second breach (day 14) has not happened yet.
    expect(replyFigures(requests, at(10), 90).byComponent[1].breaches).toBe(1);
    expect(renderFigures(figures, "text")).toContain("s390x      3         2        1     2 h           2 d              2");
    expect(renderFigures(figures, "markdown")).toContain("| s390x | 3 | 2 | 1 | 2 h | 2 d | 2 |");
    expect(JSON.parse(renderFigures(figures, "json")).byComponent).toHaveLength(2);
    expect(renderFigures(replyFigures([], at(0), 90), "text")).toContain("No requests to Tier 2 maintainers in this window.");
  });

  test("nearest-rank percentile", () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBe(9);
  });
});

describe("change rules", () => {
  const x64 = component({ id: "x86_64", tier: 1, owners: [{ kind: "team", org: "bytecodealliance", slug: "cranelift-core" }] });
  const s390x = component();
  const registry: Registry = { components: [x64, s390x], policy: { ...policy, changes: { ...policy.changes, majorLines: 100 } } };
  const change = (over: Partial<PullChange> = {}): PullChange => ({ author: "contributor", touched: ["x86_64", "s390x"], lines: { x86_64: 150, s390x: 20 }, labels: [], body: "", ...over });
  const rules = registry.policy.changes;

  test("major by size within the component's paths, or by label for every component touched", () => {
    expect(majorChanges(registry, change(), rules).map((m) => [m.component.id, m.why])).toEqual([["x86_64", "changes 150 lines in its paths (major from 100)"]]);
    expect(majorChanges(registry, change({ labels: ["Major-Change"] }), rules).map((m) => m.component.id)).toEqual(["x86_64", "s390x"]);
    expect(majorChanges(registry, change({ lines: { x86_64: 99 } }), rules)).toEqual([]);
    expect(majorChanges(registry, change({ touched: "all" }), rules)).toHaveLength(2);
    // Label only (the default): size never makes a change major.
    expect(majorChanges(registry, change(), policy.changes)).toEqual([]);
  });

  test("the RFC check: failing without an accepted RFC, passing with one or with the override label", () => {
    const major = majorChanges(registry, change(), rules);
    const failing = decideRfcCheck(major, change(), [], rules, false)!;
    expect(failing).toMatchObject({ name: "tierkeeper/rfc", conclusion: "failure", title: "A major change to Tier 1 needs an accepted RFC" });
    expect(failing.summary).toContain("`x86_64` (Target): changes 150 lines in its paths");
    expect(failing.summary).toContain("It links no RFC.");
    const link = "https://github.com/bytecodealliance/rfcs/pull/12";
    const open = decideRfcCheck(major, change(), [{ link, accepted: false, detail: "open, not merged yet" }], rules, false)!;
    expect(open.conclusion).toBe("failure");
    expect(open.summary).toContain(`- <${link}>: open, not merged yet`);
    expect(decideRfcCheck(major, change(), [{ link, accepted: true, detail: "merged" }], rules, false)).toMatchObject({ conclusion: "success", title: `Accepted RFC linked: ${link}` });
    expect(decideRfcCheck(major, change({ labels: ["rfc-not-needed"] }), [], rules, false)).toMatchObject({ conclusion: "success", title: "RFC requirement lifted by a maintainer" });
    // No major Tier 1 change: no check, unless one was shown at this head (then it turns green).
    expect(decideRfcCheck([], change(), [], rules, false)).toBeNull();
    expect(decideRfcCheck([], change(), [], rules, true)).toMatchObject({ conclusion: "success" });
  });

  test("RFC links from the description; an invalid pattern finds none instead of throwing", () => {
    const body = "See https://github.com/bytecodealliance/rfcs/pull/12 and https://github.com/rust-lang/rfcs/issues/3 (and https://github.com/bytecodealliance/rfcs/pull/12 again)";
    expect(rfcLinks(body, rules)).toEqual(["https://github.com/bytecodealliance/rfcs/pull/12", "https://github.com/rust-lang/rfcs/issues/3"]);
    expect(rfcLinks(body, { ...rules, rfcLink: "(" })).toEqual([]);
  });

  test("only RFCs in the policy's repositories count (default: the owner's own rfcs); other RFC-like links are named as ignored", () => {
    const body = "See https://github.com/bytecodealliance/rfcs/pull/12, https://github.com/contributor/rfcs/pull/1 and https://github.com/bytecodealliance/specs/issues/4";
    expect(rfcRepositories(rules, "bytecodealliance")).toEqual(["bytecodealliance/rfcs"]);
    expect(sortRfcLinks(body, rules, rfcRepositories(rules, "bytecodealliance"))).toEqual({
      links: ["https://github.com/bytecodealliance/rfcs/pull/12"],
      ignored: ["https://github.com/contributor/rfcs/pull/1"],
    });
    // A repository the policy names counts whatever the link pattern says; owners compare without case.
    const named = { ...rules, rfcRepositories: ["ByteCodeAlliance/specs"] };
    expect(sortRfcLinks(body, named, rfcRepositories(named, "bytecodealliance"))).toEqual({
      links: ["https://github.com/bytecodealliance/specs/issues/4"],
      ignored: ["https://github.com/bytecodealliance/rfcs/pull/12", "https://github.com/contributor/rfcs/pull/1"],
    });
    const major = majorChanges(registry, change(), rules);
    const check = decideRfcCheck(major, change(), [], rules, false, { ignored: ["https://github.com/contributor/rfcs/pull/1"], repositories: ["bytecodealliance/rfcs"] })!;
    expect(check.conclusion).toBe("failure");
    expect(check.summary).toContain("It links no RFC.\n\nIgnored, as not in the policy's RFC repositories (`bytecodealliance/rfcs`):\n- <https://github.com/contributor/rfcs/pull/1>");
  });

  test("Tier 2 owners to consult, never the author", () => {
    const major = majorChanges(registry, change({ labels: ["major-change"], author: "uweigand" }), rules);
    expect(consultations(major, "uweigand").map((c) => [c.component.id, c.handles])).toEqual([["s390x", ["bytecodealliance/cranelift-core"]]]);
  });
});
