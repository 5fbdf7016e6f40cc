import fc from "fast-check";
import type { WebhookEvent } from "../../src/sim/index.js";
import { startSimApp, type SimApp } from "../support/sim-app.js";

/**
 * Fuzz: GitHub's published payloads (the simulator builds its events from
 * @octokit/webhooks-examples), mutated at random paths, through the real app: Probot, the store,
 * the worker, every feature, the executor, against the simulator that checks each request
 * against GitHub's REST description. Nothing may crash the app or make it send a request the
 * real API would reject; and after the storm the app still does its job.
 */

let app: SimApp;
afterEach(async () => {
  await app?.close();
});

/** A value an attacker (or a broken proxy) could put anywhere in a payload. */
const hostileValue = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.boolean(),
  fc.integer(),
  fc.constantFrom(-1, 0, 2 ** 53, Number.NaN, 1e308),
  fc.string({ maxLength: 40 }),
  fc.constantFrom("", "/tier freeze wasi-nn @victim", "gh-readonly-queue/main/pr-x-zz", "refs/heads/main", "../../etc", "a".repeat(5000), "2026-13-45T99:99:99Z"),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);

/** Every path to a value in the payload (objects and arrays), so a mutation can hit any of them. */
function paths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (value === null || typeof value !== "object" || out.length > 2000) return out;
  for (const [key, child] of Object.entries(value)) {
    const path = [...prefix, Array.isArray(value) ? Number(key) : key];
    out.push(path);
    paths(child, path, out);
  }
  return out;
}

function mutate(payload: Record<string, unknown>, picks: { at: number; value: unknown; remove: boolean }[]): Record<string, unknown> {
  const copy = structuredClone(payload);
  const all = paths(copy);
  for (const pick of picks) {
    const path = all[pick.at % all.length];
    let parent: any = copy;
    for (const key of path.slice(0, -1)) parent = parent?.[key];
    if (parent === null || typeof parent !== "object") continue;
    const last = path[path.length - 1];
    if (pick.remove) delete parent[last];
    else parent[last] = pick.value;
  }
  return copy;
}

test("mutated published payloads never crash the app nor make it send a request GitHub would reject; it still pings owners afterwards", async () => {
  app = await startSimApp();
  const { sim, repo } = app;
  const main = sim.state.mustRepo(repo).branches.get("main")!;
  const pr = sim.openPullRequest({ repo, author: "contributor", files: ["crates/wasi-nn/src/lib.rs"], title: "Fuzzed" });
  await app.send(pr);
  // One of each kind tierkeeper reads, built from the published examples by the simulator.
  const bases: WebhookEvent[] = [
    pr,
    sim.completeCheckRun({ repo, sha: pr.headSha, name: "Test wasi-nn (openvino, ubuntu-24.04)", conclusion: "failure", completedAt: app.clock.now() }),
    sim.completeCheckSuite({ repo, sha: main, conclusion: "failure", branch: "main", completedAt: app.clock.now() }),
    sim.completeWorkflowJob({ repo, sha: main, name: "Test Linux s390x (1/8)", conclusion: "failure", branch: "main", completedAt: app.clock.now() }),
    sim.commitStatus({ repo, sha: pr.headSha, context: "Test Linux arm64 (1/8)", state: "failure", updatedAt: app.clock.now() }),
    sim.pushCommit({ repo, branch: "main", files: { "README.md": "fuzz\n" } }),
    sim.addComment({ repo, issueNumber: pr.number, user: "abrown", body: "/tier ack wasi-nn" }),
    sim.submitReview({ repo, number: pr.number, user: "abrown", body: "ok" }),
    sim.requestReview({ repo, number: pr.number, sender: "contributor", reviewer: "akirilov-arm" }),
    sim.enqueuePullRequest(repo, pr.number),
  ].filter((e): e is WebhookEvent => Boolean(e?.payload));

  let sent = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.nat({ max: bases.length - 1 }),
      fc.array(fc.record({ at: fc.nat(), value: hostileValue, remove: fc.boolean() }), { minLength: 1, maxLength: 4 }),
      async (which, picks) => {
        const base = bases[which];
        await app.send({ name: base.name, payload: mutate(base.payload as Record<string, unknown>, picks) });
        sent++;
      },
    ),
    { numRuns: 120, seed: 20261201 },
  );
  expect(sent).toBe(120);
  expect(sim.violations).toEqual([]);

  // Still working: a fresh PR breaking a Tier 2 target gets its one comment, pinging the owners.
  const after = sim.openPullRequest({ repo, author: "newcomer", files: ["cranelift/codegen/src/isa/aarch64/lower.isle"], title: "After the storm" });
  await app.send(after);
  await app.send(sim.completeCheckRun({ repo, sha: after.headSha, name: "Test Linux arm64 (1/8)", conclusion: "failure", completedAt: app.clock.now() }));
  const comments = sim.comments(repo, after.number);
  expect(comments).toHaveLength(1);
  expect(comments[0].body).toContain("@akirilov-arm");
  expect(sim.violations).toEqual([]);
}, 120_000);
