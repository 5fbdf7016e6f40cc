import { DEFAULT_POLICY } from "../../src/core/registry.js";
import { advance, blockersOf, openEpisode, type Blocker, type Episode } from "../../src/core/timeline.js";
import { timelineIntents } from "../../src/core/timeline-intents.js";
import type { Component, RepoRef } from "../../src/core/model.js";

const policy = DEFAULT_POLICY;
const day = 24 * 3600 * 1000;
const t0 = new Date("2026-11-23T12:00:00.000Z");
const at = (days: number) => new Date(t0.getTime() + days * day);
const blocker = (over: Partial<Blocker> = {}): Blocker => ({ check: "Test wasi-nn (openvino, ubuntu-24.04)", sha: "abc1234", at: t0.toISOString(), ...over });
const start = () => openEpisode("wasi-nn", undefined, blocker({ pr: 7 }), t0, policy);
const due = (e: Episode, days: number, responses = [] as Episode["responses"]) => advance(e, { kind: "due", responses }, at(days), policy);
const respond = (e: Episode, by: string, days: number) => advance(e, { kind: "response", response: { by, at: at(days).toISOString(), via: "comment on #1" } }, at(days), policy);

describe("the Tier 3 timeline", () => {
  test("notify, disable after a week of silence, propose removal after a further month", () => {
    const e = start();
    expect(e).toMatchObject({ phase: "notified", seq: 1, dueAt: at(7).toISOString() });
    expect(due(e, 6).phase).toBe("notified"); // not yet due: nothing happens
    const disabled = due(e, 7);
    expect(disabled).toMatchObject({ phase: "disabled", disabledAt: at(7).toISOString(), dueAt: "2026-12-30T12:00:00.000Z" });
    const proposed = due(disabled, 37);
    expect(proposed).toMatchObject({ phase: "removal-proposed", dueAt: null });
    expect(due(proposed, 400)).toEqual(proposed); // nothing further: people decide
  });

  test("a response postpones the next step by the response window, from the response", () => {
    const e = respond(start(), "abrown", 5);
    expect(e.dueAt).toBe(at(12).toISOString());
    expect(due(e, 7).phase).toBe("notified");
    expect(due(e, 12).phase).toBe("disabled");
  });

  test("a response found only on GitHub at the due time postpones instead of escalating", () => {
    const e = due(start(), 7, [{ by: "abrown", at: at(6).toISOString(), via: "reaction on #1" }]);
    expect(e.phase).toBe("notified");
    expect(e.dueAt).toBe(at(13).toISOString());
    // The same response seen again is not new: the step is taken at the new date.
    expect(due(e, 13, [{ by: "abrown", at: at(6).toISOString(), via: "reaction on #1" }]).phase).toBe("disabled");
  });

  test("a response in the notice's own second counts: GitHub stamps to the second", () => {
    const notice = openEpisode("wasi-nn", undefined, blocker(), new Date("2026-11-23T12:00:00.680Z"), policy);
    const e = advance(notice, { kind: "response", response: { by: "abrown", at: "2026-11-23T12:00:00.000Z", via: "comment on #1" } }, at(1), policy);
    expect(e.responses).toHaveLength(1);
  });

  test("activity before the notice does not count", () => {
    const e = due(start(), 7, [{ by: "abrown", at: at(-1).toISOString(), via: "comment on #1" }]);
    expect(e.phase).toBe("disabled");
  });

  test("after disabling, a response restarts the removal window; after the proposal it withdraws it", () => {
    const disabled = due(start(), 7);
    const answered = respond(disabled, "abrown", 20);
    expect(answered.dueAt).toBe(new Date("2027-01-13T12:00:00.000Z").toISOString());
    const proposed = due(disabled, 37);
    const withdrawn = respond(proposed, "abrown", 40);
    expect(withdrawn.phase).toBe("disabled");
    expect(withdrawn.log.at(-1)!.what).toBe("removal proposal withdrawn after the response");
  });

  test("a freeze stops the clock; unfreezing restarts the current window in full", () => {
    const frozen = advance(start(), { kind: "freeze", by: "maintainer", reason: "release week" }, at(3), policy);
    expect(frozen.dueAt).toBeNull();
    expect(due(frozen, 30).phase).toBe("notified");
    const thawed = advance(frozen, { kind: "unfreeze", by: "maintainer" }, at(30), policy);
    expect(thawed.dueAt).toBe(at(37).toISOString());
  });

  test("passing again before anything was disabled closes; re-enabling after a disable closes", () => {
    expect(advance(start(), { kind: "passing" }, at(2), policy)).toMatchObject({ phase: "closed", closedReason: "its checks pass on the default branch again" });
    let e = due(start(), 7);
    e = advance(e, { kind: "registry", present: true, ciDisabled: true }, at(8), policy);
    expect(e.phase).toBe("disabled");
    e = advance(e, { kind: "registry", present: true, ciDisabled: false }, at(9), policy);
    expect(e).toMatchObject({ phase: "closed", closedReason: "it was re-enabled in CI" });
    expect(advance(start(), { kind: "registry", present: false, ciDisabled: false }, at(1), policy).phase).toBe("closed");
  });

  test("new blockers are added once each; disabled components collect none", () => {
    let e = start();
    e = advance(e, { kind: "blocking", blocker: blocker({ pr: 8 }) }, at(1), policy);
    e = advance(e, { kind: "blocking", blocker: blocker({ pr: 8, at: at(1).toISOString() }) }, at(1), policy);
    expect(e.blockers.map((b) => b.pr)).toEqual([8, 7]);
    const disabled = advance(due(e, 7), { kind: "blocking", blocker: blocker({ pr: 9 }) }, at(8), policy);
    expect(disabled.blockers.map((b) => b.pr)).toEqual([8, 7]);
  });

  test("a closed episode stays closed, and the next one is numbered anew", () => {
    const closed = advance(start(), { kind: "passing" }, at(1), policy);
    expect(advance(closed, { kind: "blocking", blocker: blocker() }, at(2), policy)).toBe(closed);
    expect(openEpisode("wasi-nn", closed, blocker(), at(2), policy).seq).toBe(2);
  });
});

describe("what blocks other work", () => {
  const run = (over: object = {}) => ({ outcome: "fail", name: "Test wasi-nn (openvino, ubuntu-24.04)", sha: "abc", completedAt: t0, ...over });
  const pulls = [
    { number: 1, touched: ["wasi-nn"] },
    { number: 2, touched: ["threads"] },
    { number: 3, touched: "all" as const },
  ];
  test("a failure on the default branch, and on PRs that do not touch the component", () => {
    expect(blockersOf(run({ branch: "main" }), "wasi-nn", "main", []).map((b) => b.pr)).toEqual([undefined]);
    // PR 1 changes wasi-nn itself; PR 3 is too large to tell: neither counts as blocked.
    expect(blockersOf(run(), "wasi-nn", "main", pulls).map((b) => b.pr)).toEqual([2]);
    expect(blockersOf(run({ outcome: "pass", branch: "main" }), "wasi-nn", "main", pulls)).toEqual([]);
  });
});

describe("what GitHub shows for an episode", () => {
  const repo: RepoRef = { owner: "bytecodealliance", name: "wasmtime", id: 1, defaultBranch: "main", private: false };
  const component: Component = {
    id: "wasi-nn", category: "WASI Proposal", tier: 3, paths: ["crates/wasi-nn/**"], checks: ["Test wasi-nn (*)"], facts: {},
    owners: [{ kind: "user", login: "abrown" }, { kind: "team", org: "bytecodealliance", slug: "wasi-nn" }],
  };
  const ctx = { repo, defaultBranch: "main", registryPath: ".github/tiers.yml", now: t0 };

  test("a new episode is one tracking issue mentioning the owners, with the date", () => {
    const intents = timelineIntents(start(), component, ctx);
    expect(intents.map((i) => i.kind)).toEqual(["issue"]);
    const body = String(intents[0].desired.body);
    expect(body).toContain("@abrown, @bytecodealliance/wasi-nn");
    expect(body).toContain("disabled in CI on 2026-11-30 (UTC) unless an owner responds");
    expect(body).toContain("#7");
    expect(intents[0].desired).toMatchObject({ state: "open", labels: ["tierkeeper", "tier-3"] });
  });

  test("a component with `disable: workflow` is disabled through the Actions API instead of a PR", () => {
    const own = { ...component, facts: { disable: "workflow", workflow: "wasi-nn.yml" } };
    const intents = timelineIntents(due(start(), 7), own, { ...ctx, now: at(7) });
    expect(intents.map((i) => i.kind)).toEqual(["issue", "workflow-disable", "comment"]);
    expect(intents[1]).toMatchObject({ target: { workflow: "wasi-nn.yml" }, desired: { enabled: false } });
    expect(String(intents[0].desired.body)).toContain("its workflow `wasi-nn.yml` was disabled");
  });

  test("disabling adds the registry PR and a note; the proposal adds the removal issue with evidence", () => {
    const disabled = due(start(), 7);
    const intents = timelineIntents(disabled, component, { ...ctx, trackingIssue: 12, now: at(7) });
    expect(intents.map((i) => i.kind)).toEqual(["issue", "file-pr", "comment"]);
    expect(intents[1].desired).toMatchObject({ edit: { op: "set-ci", component: "wasi-nn", value: "disabled" } });
    expect(String(intents[1].desired.body)).toContain("@abrown");
    const proposed = due(disabled, 37);
    const all = timelineIntents(proposed, component, { ...ctx, trackingIssue: 12, disablePr: 13, now: at(37) });
    const removal = all.find((i) => i.key.endsWith(":removal"))!;
    expect(String(removal.desired.body)).toContain("disabled in CI for 30 days");
    expect(String(removal.desired.body)).toContain("`crates/wasi-nn/**`");
    expect(String(removal.desired.body)).toContain("tierkeeper never deletes code");
    // Rendering again later gives the same text: nothing to edit.
    expect(timelineIntents(proposed, component, { ...ctx, trackingIssue: 12, disablePr: 13, now: at(50) })).toEqual(all);
  });
});
