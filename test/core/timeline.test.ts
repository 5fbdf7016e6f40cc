import fc from "fast-check";
import { add } from "date-fns";
import { DEFAULT_POLICY } from "../../src/core/registry.js";
import { advance, blockersOf, openEpisode, parseEpisode, type Blocker, type Episode } from "../../src/core/timeline.js";
import { timelineIntents, type Intent } from "../../src/core/timeline-intents.js";
import type { Component, RepoRef } from "../../src/core/model.js";

const policy = DEFAULT_POLICY;
const day = 24 * 3600 * 1000;
const t0 = new Date("2026-11-23T12:00:00.000Z");
const at = (days: number) => new Date(t0.getTime() + days * day);
const blocker = (over: Partial<Blocker> = {}): Blocker => ({ check: "Test wasi-nn (openvino, ubuntu-24.04)", sha: "abc1234", at: t0.toISOString(), ...over });
const start = () => openEpisode("wasi-nn", undefined, blocker({ pr: 7 }), t0, policy);
const due = (e: Episode, days: number, responses = [] as Episode["responses"]) => advance(e, { kind: "due", responses }, at(days), policy);
/** The disabling PR #13 merged on that day: the change is on the default branch. */
const merged = (e: Episode, days: number) => advance(e, { kind: "disable-landed", at: at(days).toISOString(), via: "#13 merged", viaRegistry: true }, at(days), policy);
const declined = (e: Episode, days: number) => advance(e, { kind: "disable-declined", at: at(days).toISOString(), by: "maintainer" }, at(days), policy);
const respond = (e: Episode, by: string, days: number) => advance(e, { kind: "response", response: { by, at: at(days).toISOString(), via: "comment on #1" } }, at(days), policy);

describe("the Tier 3 timeline", () => {
  test("notify, propose the disable after a week of silence, count it disabled from the merge, propose removal a month later", () => {
    const e = start();
    expect(e).toMatchObject({ phase: "notified", seq: 1, dueAt: at(7).toISOString() });
    expect(due(e, 6).phase).toBe("notified"); // not yet due: nothing happens
    const disabling = due(e, 7);
    // Asked for, not done: no disabledAt, and the sweep only checks again the next day whether it took effect.
    expect(disabling).toMatchObject({ phase: "disabling", disableProposedAt: at(7).toISOString(), dueAt: at(8).toISOString() });
    expect(disabling.disabledAt).toBeUndefined();
    // Unmerged for a month and more: still pending, never a removal proposal.
    const waited = due(due(disabling, 8), 45);
    expect(waited).toMatchObject({ phase: "disabling", dueAt: at(46).toISOString() });
    expect(waited.log).toEqual(disabling.log); // rechecks add nothing to the history
    const disabled = merged(waited, 45);
    expect(disabled).toMatchObject({ phase: "disabled", disabledAt: at(45).toISOString(), disabledVia: "#13 merged", seenDisabled: true, dueAt: at(76).toISOString() });
    expect(due(disabled, 75).phase).toBe("disabled"); // a month after the proposal is not a month after the merge
    const proposed = due(disabled, 76);
    expect(proposed).toMatchObject({ phase: "removal-proposed", removalProposedAt: at(76).toISOString(), dueAt: null });
    expect(due(proposed, 400)).toEqual(proposed); // nothing further: people decide
  });

  test("the disable lands once, whichever report comes first: the merged PR or the registry on the default branch", () => {
    const disabling = due(start(), 7);
    const byPush = advance(disabling, { kind: "registry", present: true, ciDisabled: true }, at(9), policy);
    expect(byPush).toMatchObject({ phase: "disabled", disabledAt: at(9).toISOString(), disabledVia: "the registry on the default branch marks it `ci: disabled`" });
    expect(merged(byPush, 9.5)).toEqual(byPush); // the PR's closed event after the push changes nothing
    const byPr = merged(disabling, 9);
    expect(advance(byPr, { kind: "registry", present: true, ciDisabled: true }, at(9.5), policy)).toEqual(byPr);
    // Re-enabled on the default branch after a merge seen only as a closed PR: the timeline closes.
    expect(advance(byPr, { kind: "registry", present: true, ciDisabled: false }, at(12), policy)).toMatchObject({ phase: "closed", closedReason: "it was re-enabled in CI" });
    // A workflow disabled through the Actions API counts from when GitHub accepted it, and no registry edit re-enables it.
    const workflow = advance(disabling, { kind: "disable-landed", at: at(7).toISOString(), via: "workflow disabled", viaRegistry: false }, at(7), policy);
    expect(workflow).toMatchObject({ phase: "disabled", disabledAt: at(7).toISOString() });
    expect(advance(workflow, { kind: "registry", present: true, ciDisabled: false }, at(8), policy).phase).toBe("disabled");
  });

  test("a disabling PR closed unmerged: the maintainers' choice is recorded, nothing is escalated, and the timeline waits", () => {
    const disabling = due(start(), 7);
    const waiting = declined(disabling, 9);
    expect(waiting).toMatchObject({ phase: "disable-declined", dueAt: null, disableDeclined: { at: at(9).toISOString(), by: "maintainer" } });
    expect(waiting.log.at(-1)!.what).toBe("disabling pull request closed without merging by @maintainer: the maintainers chose not to disable it");
    expect(due(waiting, 400)).toEqual(waiting); // no removal, no further step, ever, on its own
    // It still blocks work: new blockers are listed. An owner's response is recorded, and schedules nothing.
    const blocked = advance(waiting, { kind: "blocking", blocker: blocker({ pr: 21 }) }, at(10), policy);
    expect(blocked.blockers.map((b) => b.pr)).toEqual([21, 7]);
    const answered = respond(blocked, "abrown", 11);
    expect(answered).toMatchObject({ phase: "disable-declined", dueAt: null });
    expect(answered.responses.map((r) => r.by)).toEqual(["abrown"]);
    // The ways out: the component recovers, the default branch disables it after all, or a maintainer restarts the clock.
    expect(advance(waiting, { kind: "passing" }, at(12), policy)).toMatchObject({ phase: "closed", closedReason: "its checks pass on the default branch again" });
    expect(advance(waiting, { kind: "registry", present: true, ciDisabled: true }, at(12), policy)).toMatchObject({ phase: "disabled", disabledAt: at(12).toISOString() });
    const restarted = advance(waiting, { kind: "unfreeze", by: "maintainer" }, at(12), policy);
    expect(restarted).toMatchObject({ phase: "notified", dueAt: at(19).toISOString() });
    expect(restarted.disableProposedAt).toBeUndefined();
    expect(due(restarted, 19)).toMatchObject({ phase: "disabling", disableProposedAt: at(19).toISOString() });
    // Declining is only about a pending disable: a PR closed after the component was disabled another way changes nothing.
    const disabled = merged(disabling, 8);
    expect(declined(disabled, 9)).toEqual(disabled);
  });

  test("while the disable awaits merge, a response is recorded but moves nothing; passing again closes (and the PR with it)", () => {
    const disabling = due(start(), 7);
    const answered = respond(disabling, "abrown", 7.5);
    expect(answered).toMatchObject({ phase: "disabling", dueAt: at(8).toISOString() });
    expect(answered.responses).toHaveLength(1);
    expect(advance(disabling, { kind: "passing" }, at(9), policy)).toMatchObject({ phase: "closed" });
    // Frozen while pending: no rechecks; unfrozen: checked again a day later.
    const frozen = advance(disabling, { kind: "freeze", by: "maintainer", reason: "release" }, at(7.5), policy);
    expect(frozen.dueAt).toBeNull();
    expect(merged(frozen, 8)).toMatchObject({ phase: "disabled", dueAt: null }); // the removal clock stays stopped
    expect(advance(frozen, { kind: "unfreeze", by: "maintainer" }, at(9), policy).dueAt).toBe(at(10).toISOString());
  });

  test("an episode stored by the previous version, disabled when its PR was opened, loads as a pending disable", () => {
    const legacy = { ...start(), phase: "disabled", disabledAt: at(7).toISOString(), dueAt: "2026-12-30T12:00:00.000Z" };
    const read = parseEpisode(JSON.stringify(legacy));
    expect(read).toMatchObject({ phase: "disabling", disableProposedAt: at(7).toISOString() });
    expect(read.disabledAt).toBeUndefined();
    // At its old due date the sweep checks GitHub: merged on day 20, the removal window runs from then.
    expect(merged(due(read, 30), 20)).toMatchObject({ phase: "disabled", disabledAt: at(20).toISOString(), dueAt: "2027-01-13T12:00:00.000Z" });
    // One whose registry was seen disabled on the default branch, and one already proposed, load as they were.
    const seen = { ...legacy, seenDisabled: true };
    expect(parseEpisode(JSON.stringify(seen))).toEqual(seen);
    const proposed = { ...legacy, phase: "removal-proposed", removalProposedAt: at(37).toISOString(), dueAt: null };
    expect(parseEpisode(JSON.stringify(proposed))).toEqual(proposed);
    // Today's episodes load unchanged.
    const today = merged(due(start(), 7), 8);
    expect(parseEpisode(JSON.stringify(today))).toEqual(today);
  });

  test("a response postpones the next step by the response window, from the response", () => {
    const e = respond(start(), "abrown", 5);
    expect(e.dueAt).toBe(at(12).toISOString());
    expect(due(e, 7).phase).toBe("notified");
    expect(due(e, 12).phase).toBe("disabling");
  });

  test("a response found only on GitHub at the due time postpones instead of escalating", () => {
    const e = due(start(), 7, [{ by: "abrown", at: at(6).toISOString(), via: "reaction on #1" }]);
    expect(e.phase).toBe("notified");
    expect(e.dueAt).toBe(at(13).toISOString());
    // The same response seen again is not new: the step is taken at the new date.
    expect(due(e, 13, [{ by: "abrown", at: at(6).toISOString(), via: "reaction on #1" }]).phase).toBe("disabling");
  });

  test("a response in the notice's own second counts: GitHub stamps to the second", () => {
    const notice = openEpisode("wasi-nn", undefined, blocker(), new Date("2026-11-23T12:00:00.680Z"), policy);
    const e = advance(notice, { kind: "response", response: { by: "abrown", at: "2026-11-23T12:00:00.000Z", via: "comment on #1" } }, at(1), policy);
    expect(e.responses).toHaveLength(1);
  });

  test("activity before the notice does not count", () => {
    const e = due(start(), 7, [{ by: "abrown", at: at(-1).toISOString(), via: "comment on #1" }]);
    expect(e.phase).toBe("disabling");
  });

  test("after disabling, a response restarts the removal window; after the proposal it withdraws it", () => {
    const disabled = merged(due(start(), 7), 7);
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
    expect(advance(e, { kind: "registry", present: true, ciDisabled: false }, at(8), policy).phase).toBe("disabling"); // not merged yet
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
    const disabled = advance(merged(due(e, 7), 7), { kind: "blocking", blocker: blocker({ pr: 9 }) }, at(8), policy);
    expect(disabled.blockers.map((b) => b.pr)).toEqual([8, 7]);
  });

  test("a closed episode stays closed, and the next one is numbered anew", () => {
    const closed = advance(start(), { kind: "passing" }, at(1), policy);
    expect(advance(closed, { kind: "blocking", blocker: blocker() }, at(2), policy)).toBe(closed);
    expect(openEpisode("wasi-nn", closed, blocker(), at(2), policy).seq).toBe(2);
  });
});

describe("honest timelines, for any order of events", () => {
  const event = fc.oneof(
    fc.constant({ kind: "due" as const }),
    fc.constant({ kind: "merged" as const }),
    fc.constant({ kind: "declined" as const }),
    fc.constant({ kind: "passing" as const }),
    fc.constant({ kind: "registry-disabled" as const }),
    fc.constant({ kind: "response" as const }),
    fc.constant({ kind: "freeze" as const }),
    fc.constant({ kind: "unfreeze" as const }),
  );
  const steps = fc.array(fc.record({ event, hours: fc.integer({ min: 1, max: 24 * 20 }) }), { maxLength: 40 });

  test("removal is proposed only a full removal window after the disable took effect, never while it awaits merge or was declined", () => {
    fc.assert(
      fc.property(steps, (script) => {
        let e = start();
        let time = t0.getTime();
        for (const { event: ev, hours } of script) {
          time += hours * 3600_000;
          const now = new Date(time);
          const at = now.toISOString();
          const before = e;
          switch (ev.kind) {
            case "due":
              e = advance(e, { kind: "due", responses: [] }, now, policy);
              break;
            case "merged":
              // Only a pending disable's PR can be merged or closed: no PR exists otherwise.
              if (e.phase === "disabling") e = advance(e, { kind: "disable-landed", at, via: "#13 merged", viaRegistry: true }, now, policy);
              break;
            case "declined":
              if (e.phase === "disabling") e = advance(e, { kind: "disable-declined", at, by: "maintainer" }, now, policy);
              break;
            case "passing":
              e = advance(e, { kind: "passing" }, now, policy);
              break;
            case "registry-disabled":
              e = advance(e, { kind: "registry", present: true, ciDisabled: true }, now, policy);
              break;
            case "response":
              e = advance(e, { kind: "response", response: { by: "abrown", at, via: "comment on #1" } }, now, policy);
              break;
            case "freeze":
              e = advance(e, { kind: "freeze", by: "maintainer", reason: "release" }, now, policy);
              break;
            case "unfreeze":
              e = advance(e, { kind: "unfreeze", by: "maintainer" }, now, policy);
              break;
          }
          if (e.phase === "removal-proposed" && before.phase !== "removal-proposed") {
            expect(before.phase).toBe("disabled");
            expect(e.disabledAt).toBeDefined();
            expect(e.removalProposedAt! >= add(new Date(e.disabledAt!), policy.removalWindow).toISOString()).toBe(true);
          }
          // Nothing counts as disabled before the disable landed; a pending or declined one has no removal clock.
          if (e.phase === "disabling" || e.phase === "disable-declined" || e.phase === "notified") expect(e.disabledAt).toBeUndefined();
          if (e.phase === "disable-declined") expect(e.dueAt).toBeNull();
          if (before.phase === "disable-declined" && e.phase !== "disable-declined") expect(["closed", "disabled", "notified"]).toContain(e.phase);
          // A stored episode reads back as itself.
          expect(parseEpisode(JSON.stringify(e))).toEqual(e);
        }
      }),
      { numRuns: 300 },
    );
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
  /** One field of an intent's desired state, whatever its kind (the JSON the executor receives). */
  const field = (i: Intent, name: string) => (i.desired as unknown as Record<string, unknown>)[name];
  const repo: RepoRef = { owner: "bytecodealliance", name: "wasmtime", id: 1, defaultBranch: "main", private: false };
  const component: Component = {
    id: "wasi-nn",
    category: "WASI Proposal",
    tier: 3,
    paths: ["crates/wasi-nn/**"],
    checks: ["Test wasi-nn (*)"],
    facts: {},
    owners: [
      { kind: "user", login: "abrown" },
      { kind: "team", org: "bytecodealliance", slug: "wasi-nn" },
    ],
  };
  const ctx = { repo, defaultBranch: "main", registryPath: ".github/tiers.yml", now: t0 };

  test("a new episode is one tracking issue mentioning the owners, with the date", () => {
    const intents = timelineIntents(start(), component, ctx);
    expect(intents.map((i) => i.kind)).toEqual(["issue"]);
    const body = String(field(intents[0], "body"));
    expect(body).toContain("@abrown, @bytecodealliance/wasi-nn");
    expect(body).toContain("disabling it in CI will be proposed on 2026-11-30 (UTC) unless an owner responds");
    expect(body).toContain("#7");
    expect(intents[0].desired).toMatchObject({ state: "open", labels: ["tierkeeper", "tier-3"] });
  });

  test("a component with `disable: workflow` is disabled through the Actions API instead of a PR", () => {
    const own = { ...component, facts: { disable: "workflow", workflow: "wasi-nn.yml" } };
    const asked = timelineIntents(due(start(), 7), own, { ...ctx, now: at(7) });
    expect(asked.map((i) => i.kind)).toEqual(["issue", "workflow-disable"]);
    expect(asked[1]).toMatchObject({ target: { workflow: "wasi-nn.yml" }, desired: { enabled: false } });
    expect(String(field(asked[0], "body"))).toContain("its workflow `wasi-nn.yml` is being disabled through the Actions API");
    // Once GitHub accepted it: disabled from then, with the note.
    const accepted = advance(due(start(), 7), { kind: "disable-landed", at: at(7).toISOString(), via: "workflow disabled", viaRegistry: false }, at(7), policy);
    const intents = timelineIntents(accepted, own, { ...ctx, now: at(7) });
    expect(intents.map((i) => i.kind)).toEqual(["issue", "workflow-disable", "comment"]);
    expect(String(field(intents[0], "body"))).toContain("its workflow `wasi-nn.yml` was disabled on 2026-11-30");
  });

  test("disabling adds the registry PR and a note; the proposal adds the removal issue with evidence", () => {
    const disabled = due(start(), 7);
    const intents = timelineIntents(disabled, component, { ...ctx, trackingIssue: 12, now: at(7) });
    expect(intents.map((i) => i.kind)).toEqual(["issue", "file-pr", "comment"]);
    expect(intents[1].desired).toMatchObject({ edit: { op: "set-ci", component: "wasi-nn", value: "disabled" } });
    expect(String(field(intents[1], "body"))).toContain("@abrown");
    expect(String(field(intents[0], "body"))).toContain("a pull request (opened on 2026-11-30 (UTC)) disables it in CI and **awaits a maintainer's merge**");
    expect(String(field(intents[2], "body"))).toContain("once a maintainer merges it. Until then nothing is disabled");
    const landed = merged(disabled, 10);
    const afterMerge = timelineIntents(landed, component, { ...ctx, trackingIssue: 12, disablePr: 13, now: at(10) });
    expect(afterMerge.map((i) => i.key.split(":").at(-1))).toEqual(["tracking", "disable", "note-disabled", "note-landed"]);
    expect(String(field(afterMerge[3], "body"))).toBe(
      "`wasi-nn` is disabled in CI since 2026-12-03 (UTC) (#13 merged). Removal will be proposed after the removal window unless an owner responds (dates in the issue above).\n",
    );
    expect(String(field(afterMerge[0], "body"))).toContain("disabled in CI on 2026-12-03 (UTC) (#13); removal will be proposed on 2027-01-03 (UTC)");
    // The edit the PR carries is unchanged by the merge: the executor pushes nothing more to it.
    expect(field(afterMerge[1], "edit")).toEqual(field(intents[1], "edit"));
    const proposed = due(landed, 41);
    const all = timelineIntents(proposed, component, { ...ctx, trackingIssue: 12, disablePr: 13, now: at(41) });
    const removal = all.find((i) => i.key.endsWith(":removal"))!;
    expect(String(field(removal, "body"))).toContain("disabled in CI for 31 days"); // from the merge, not from the PR
    expect(String(field(removal, "body"))).toContain("- Disabled in CI on 2026-12-03 (UTC): #13 merged.");
    expect(String(field(removal, "body"))).toContain("`crates/wasi-nn/**`");
    expect(String(field(removal, "body"))).toContain("tierkeeper never deletes code");
    // Rendering again later gives the same text: nothing to edit.
    expect(timelineIntents(proposed, component, { ...ctx, trackingIssue: 12, disablePr: 13, now: at(50) })).toEqual(all);
  });

  test("a declined disable is noted without mentioning anyone; a timeline that ends before the merge closes its PR", () => {
    const waiting = declined(due(start(), 7), 9);
    const intents = timelineIntents(waiting, component, { ...ctx, trackingIssue: 12, disablePr: 13, now: at(9) });
    expect(intents.map((i) => i.key.split(":").at(-1))).toEqual(["tracking", "disable", "note-disabled", "note-declined"]);
    const note = String(field(intents[3], "body"));
    expect(note).toBe(
      "#13 was closed without merging by @\u200bmaintainer: the maintainers chose not to disable `wasi-nn`. Nobody is escalated and no removal is scheduled (see the issue above).\n",
    );
    expect(field(intents[3], "mentions")).toBeUndefined();
    const body = String(field(intents[0], "body"));
    expect(body).toContain("the maintainers closed #13 without merging on 2026-12-02 (UTC)");
    expect(body).toContain("`/tier unfreeze wasi-nn`");
    expect(field(intents[1], "state")).toBe("closed"); // as the maintainers left it
    const recovered = advance(due(start(), 7), { kind: "passing" }, at(8), policy);
    const closing = timelineIntents(recovered, component, { ...ctx, trackingIssue: 12, disablePr: 13, now: at(8) });
    expect(
      field(
        closing.find((i) => i.key.endsWith(":disable"))!,
        "state",
      ),
    ).toBe("closed");
    expect(
      field(
        closing.find((i) => i.key.endsWith(":tracking"))!,
        "state",
      ),
    ).toBe("closed");
  });
});
