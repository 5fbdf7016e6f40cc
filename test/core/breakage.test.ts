import { attribute } from "../../src/core/attribution.js";
import { decideBreakageComment, type AppliedComment, type BreakageInput } from "../../src/core/breakage.js";
import { matcherFor } from "../../src/core/match.js";
import type { PullRecord } from "../../src/core/model.js";
import { registryFrom, result } from "../support/registries.js";

const registry = registryFrom(`
components:
  wasi-nn:
    category: WASI Proposal
    tier: 3
    owners: [abrown, bytecodealliance/wasi-nn]
    paths: ["crates/wasi-nn/**"]
    checks: ["test (wasi-nn*)"]
  aarch64-unknown-linux-gnu:
    category: Target
    tier: 2
    owners: [akirilov-arm, cfallin]
    paths: ["cranelift/codegen/src/isa/aarch64/**"]
    checks: ["Test Linux arm64 (*)"]
  x86_64-unknown-linux-gnu:
    category: Target
    tier: 1
    owners: [bytecodealliance/core]
    checks: ["Test Linux x86_64 (*)"]
`);
const matcher = matcherFor(registry);
const pull: PullRecord = { repoId: 1, number: 7, headSha: "abcdef1234567", baseRef: "main", author: "contributor", state: "open", touched: ["wasi-nn"], updatedAt: new Date() };
const now = new Date("2026-11-23T12:00:00Z");

function decide(over: Partial<BreakageInput>) {
  return decideBreakageComment({ registry, pull, defaultBranch: "main", verdicts: [], now, ...over });
}

describe("attribution", () => {
  test("a failure that passes on the default branch is broken by the PR; one failing there too is already broken", () => {
    const verdicts = attribute(
      matcher,
      [
        result({ name: "test (wasi-nn, ubuntu)", outcome: "fail" }),
        result({ name: "Test Linux arm64 (1/8)", outcome: "fail" }),
        result({ name: "Test Linux x86_64 (1/8)", outcome: "pass" }),
      ],
      [result({ name: "test (wasi-nn, ubuntu)", outcome: "pass", sha: "base" }), result({ name: "Test Linux arm64 (1/8)", outcome: "fail", sha: "base" })],
    );
    expect(verdicts.map((v) => [v.component.id, v.verdict, v.base])).toEqual([
      ["x86_64-unknown-linux-gnu", "passing", "unknown"],
      ["aarch64-unknown-linux-gnu", "already-broken", "fail"],
      ["wasi-nn", "broken-by-pr", "pass"],
    ]);
  });

  test("a component's failing checks are listed in code-unit order, the same on every Node and ICU (capitals first)", () => {
    const names = ["test (wasi-nn, windows)", "test (wasi-nn, Ubuntu)", "test (wasi-nn, éxotic)", "test (wasi-nn, ubuntu)", "test (wasi-nn, macos)"];
    const [wasiNn] = attribute(
      matcher,
      names.map((name) => result({ name, outcome: "fail" })),
      [],
    );
    // localeCompare gives éxotic, macos, ubuntu, Ubuntu, windows here (Node 20's ICU), and may differ on another.
    expect(wasiNn.failing.map((r) => r.name)).toEqual(["test (wasi-nn, Ubuntu)", "test (wasi-nn, macos)", "test (wasi-nn, ubuntu)", "test (wasi-nn, windows)", "test (wasi-nn, éxotic)"]);
  });

  test("checks that match no component and neutral results say nothing", () => {
    expect(attribute(matcher, [result({ name: "lint", outcome: "fail" }), result({ name: "Test Linux arm64 (1/8)", outcome: "neutral" })], [])).toEqual([]);
  });
});

describe("the breaking-PR comment", () => {
  const broken = () => attribute(matcher, [result({ name: "test (wasi-nn)", outcome: "fail", url: "https://ci/1" })], [result({ name: "test (wasi-nn)", outcome: "pass" })]);

  test("nothing is posted while nothing is broken", () => {
    expect(decide({ verdicts: attribute(matcher, [result({ name: "test (wasi-nn)", outcome: "pass" })], []) })).toBeNull();
  });

  test("a broken Tier 3 component pings its owners with the policy and the date", () => {
    const c = decide({ verdicts: broken() })!;
    expect(c.mentions).toEqual(["wasi-nn:abrown", "wasi-nn:bytecodealliance/wasi-nn"]);
    expect(c.body).toContain("@abrown, @bytecodealliance/wasi-nn");
    expect(c.body).toContain("broken by this pull request");
    expect(c.body).toContain("[`test (wasi-nn)`](https://ci/1)");
    expect(c.body).toContain("disabling it in CI will be proposed on 2026-11-30 (UTC)");
    expect(c.since).toEqual({ "wasi-nn": now.toISOString() });
  });

  test("the PR author is never pinged, even as an owner", () => {
    const c = decide({ verdicts: broken(), pull: { ...pull, author: "abrown" } })!;
    expect(c.mentions).toEqual(["wasi-nn:bytecodealliance/wasi-nn"]);
    expect(c.body).not.toContain("@abrown");
  });

  test("a mention already sent stays in place while the component stays listed", () => {
    const first = decide({ verdicts: broken() })!;
    const applied: AppliedComment = { body: first.body, mentions: first.mentions, spent: first.mentions };
    const later = decide({ verdicts: broken(), previous: first, applied, now: new Date("2026-11-25T00:00:00Z") })!;
    expect(later.body).toBe(first.body); // same text: no edit, no new notification, same deadline
  });

  test("after a pass, a new failure of the same component mentions nobody again", () => {
    const first = decide({ verdicts: broken() })!;
    const applied1: AppliedComment = { body: first.body, mentions: first.mentions, spent: first.mentions };
    const passing = attribute(matcher, [result({ name: "test (wasi-nn)", outcome: "pass" })], []);
    const green = decide({ verdicts: passing, previous: first, applied: applied1 })!;
    expect(green.mentions).toEqual([]);
    expect(green.body).toContain("All checks mapped to components pass at abcdef1");
    expect(green.body).not.toContain("@");
    const applied2: AppliedComment = { body: green.body, mentions: [], spent: applied1.spent };
    const again = decide({ verdicts: broken(), previous: green, applied: applied2 })!;
    expect(again.mentions).toEqual([]);
    expect(again.body).toContain("`abrown`, `bytecodealliance/wasi-nn`");
  });

  test("a component already broken on the default branch is reported without blaming the PR or pinging", () => {
    const verdicts = attribute(matcher, [result({ name: "Test Linux arm64 (1/8)", outcome: "fail" })], [result({ name: "Test Linux arm64 (1/8)", outcome: "fail" })]);
    const c = decide({ verdicts })!;
    expect(c.body).toContain("already broken on `main`, not by this pull request");
    expect(c.mentions).toEqual([]);
  });

  test("each tier carries its own duty", () => {
    const verdicts = attribute(matcher, [result({ name: "Test Linux arm64 (1/8)", outcome: "fail" }), result({ name: "Test Linux x86_64 (1/8)", outcome: "fail" })], []);
    const c = decide({ verdicts })!;
    expect(c.body).toContain("Tier 1 must not break: this pull request has to fix it before it merges.");
    expect(c.body).toContain("reply within a week (by 2026-11-30 (UTC))");
    expect(c.body).toContain("no result on `main` known yet");
    expect(c.body.indexOf("x86_64-unknown-linux-gnu")).toBeLessThan(c.body.indexOf("aarch64-unknown-linux-gnu"));
  });

  test("a PR over GitHub's 3,000-file list says so", () => {
    expect(decide({ verdicts: broken(), pull: { ...pull, touched: "all" } })!.body).toContain("more than 3,000 files");
  });
});

describe("the merge queue in the breaking-PR comment", () => {
  const queueSha = "9999999aaaaaaa";
  const queueRun = (head: ReturnType<typeof result>[], base: ReturnType<typeof result>[], fallback: ReturnType<typeof result>[] = [], branch = "main") => ({
    headSha: queueSha,
    base: branch,
    baseSha: "1111111bbbbbbb",
    verdicts: attribute(matcher, head, base, fallback),
  });

  test("the queue's base is judged first, the default branch's latest only for what the base does not say", () => {
    const verdicts = attribute(
      matcher,
      [result({ name: "Test Linux arm64 (1/8)", outcome: "fail" }), result({ name: "Test Linux x86_64 (1/8)", outcome: "fail" })],
      [result({ name: "Test Linux arm64 (1/8)", outcome: "fail", sha: "base" }), result({ name: "Test Linux x86_64 (1/8)", outcome: "neutral", sha: "base" })],
      [result({ name: "Test Linux arm64 (1/8)", outcome: "pass", sha: "tip" }), result({ name: "Test Linux x86_64 (1/8)", outcome: "fail", sha: "tip" })],
    );
    expect(verdicts.map((v) => [v.component.id, v.verdict, v.base])).toEqual([
      ["x86_64-unknown-linux-gnu", "already-broken", "fail"],
      ["aarch64-unknown-linux-gnu", "already-broken", "fail"],
    ]);
  });

  test("a component failing only in the queue is reported there, with its run, and its owners pinged by its tier", () => {
    const head = attribute(matcher, [result({ name: "Test Linux x86_64 (1/8)", outcome: "pass" })], []);
    const queue = queueRun(
      [result({ name: "Test Linux arm64 (1/8)", outcome: "fail", url: "https://ci/queue/1" }), result({ name: "Test Linux x86_64 (1/8)", outcome: "pass" })],
      [result({ name: "Test Linux arm64 (1/8)", outcome: "pass" })],
    );
    const comment = decide({ verdicts: head, queue })!;
    expect(comment.body).toContain("Results for abcdef1 and in the merge queue at 9999999:");
    expect(comment.body).toContain("**`aarch64-unknown-linux-gnu` · Tier 2 · Target** — broken by this pull request in the merge queue (passes on `main`)");
    expect(comment.body).toContain("- Failing: [`Test Linux arm64 (1/8)`](https://ci/queue/1)");
    expect(comment.body).toContain("the merge queue's commit `9999999`, this pull request merged onto `main` at `1111111`");
    expect(comment.mentions).toEqual(["aarch64-unknown-linux-gnu:akirilov-arm", "aarch64-unknown-linux-gnu:cfallin"]);
    expect(comment.body).toContain("Passing: `x86_64-unknown-linux-gnu`.");
  });

  test("what fails at the PR's head speaks first; a queue into a release branch is judged against that branch", () => {
    const head = attribute(matcher, [result({ name: "Test Linux arm64 (1/8)", outcome: "fail", url: "https://ci/head" })], [result({ name: "Test Linux arm64 (1/8)", outcome: "pass" })]);
    const queue = queueRun(
      [result({ name: "Test Linux arm64 (1/8)", outcome: "fail", url: "https://ci/queue" }), result({ name: "Test Linux x86_64 (1/8)", outcome: "fail" })],
      [result({ name: "Test Linux x86_64 (1/8)", outcome: "fail" })],
      [],
      "release-42.0",
    );
    const body = decide({ verdicts: head, queue })!.body;
    expect(body).toContain("**`aarch64-unknown-linux-gnu` · Tier 2 · Target** — broken by this pull request (passes on `main`)");
    expect(body).toContain("[`Test Linux arm64 (1/8)`](https://ci/head)");
    expect(body).not.toContain("https://ci/queue");
    expect(body).toContain("**`x86_64-unknown-linux-gnu` · Tier 1 · Target** — fails in the merge queue, already broken on `release-42.0`, not by this pull request");
  });
});
