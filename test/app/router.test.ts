import { randomUUID } from "node:crypto";
import { pino } from "pino";
import { route } from "../../src/app/router.js";
import { DeliveryWorker } from "../../src/app/worker.js";
import { factFromEvent } from "../../src/core/facts.js";
import type { Deps } from "../../src/features/deps.js";
import { defineFeature, type Rules } from "../../src/features/feature.js";
import { startSimApp, type SimApp } from "../support/sim-app.js";

/**
 * The router (issue 13): one fact to the features of features/index.ts, the registry read once
 * per event, each feature in isolation.
 */
let app: SimApp;

afterEach(async () => {
  expect(app.sim.violations).toEqual([]);
  await app.close();
});

/** Counts the registry reads made through the app's registry source. */
function countRegistryReads(deps: Deps): { count: number } {
  const counter = { count: 0 };
  const get = deps.registries.get.bind(deps.registries);
  deps.registries.get = (...args) => (counter.count++, get(...args));
  return counter;
}

/** A tracking issue for wasi-nn (a Tier 3 component owned by abrown), opened by a failure on main. */
async function trackingIssue(a: SimApp) {
  const repo = a.sim.state.mustRepo(a.repo);
  await a.send(
    a.sim.completeCheckRun({
      repo: a.repo,
      sha: repo.branches.get("main")!,
      name: "Test wasi-nn (openvino, ubuntu-24.04)",
      conclusion: "failure",
      branch: "main",
      completedAt: a.clock.now(),
    }),
  );
  return { repo, tracking: [...repo.issues.values()].find((i) => !i.pull && i.title.startsWith("Tier 3 component"))! };
}

test("an owner's comment with a command and a team mention: three features use the registry, read once", async () => {
  app = await startSimApp();
  const { repo, tracking } = await trackingIssue(app);
  const reads = countRegistryReads(app.tierkeeper.deps!);

  app.clock.advance(3600 * 1000);
  await app.send(app.sim.addComment({ repo: app.repo, issueNumber: tracking.number, user: "abrown", body: "Looking into it, @bytecodealliance/cranelift-core FYI.\n/tier status wasi-nn" }));

  expect(reads.count).toBe(1);
  // ... and each of the three did its part with it.
  const episode = (await app.store.episodes.get(repo.id, "wasi-nn"))!.state;
  expect(episode.responses.map((r) => r.by)).toEqual(["abrown"]); // owner-responses
  expect((await app.store.requests.openOnThread(repo.id, tracking.number)).map((r) => r.componentId)).toEqual(["aarch64-unknown-linux-gnu"]); // team-mentions
  const comments = repo.issues.get(tracking.number)!.commentIds.map((id) => repo.comments.get(id)!.body);
  expect(comments.join("\n")).toContain("`wasi-nn`: Tier 3"); // commands' reply
});

test("features that ask for the registry share one read; a fact no feature handles reads nothing", async () => {
  app = await startSimApp();
  const deps = { ...app.tierkeeper.deps!, log: pino({ level: "silent" }) };
  const reads = countRegistryReads(deps);
  const seen: (Rules | undefined)[] = [];
  const asking = (name: string) => defineFeature({ name, facts: ["activity"], load: async (ctx) => (seen.push(await ctx.rules()), undefined) });
  const { issue } = app.sim.openIssue({ repo: app.repo, user: "contributor", title: "A question" });
  const comment = app.sim.addComment({ repo: app.repo, issueNumber: issue.number, user: "contributor", body: "hello" });

  await route(deps, factFromEvent(comment.name, comment.payload), [asking("a"), asking("b"), asking("c")]);
  expect(reads.count).toBe(1);
  expect(seen).toHaveLength(3);
  expect(seen[0]?.registry.components.length).toBeGreaterThan(0);
  expect(new Set(seen).size).toBe(1); // the same registry and matcher, not three copies

  await route(deps, factFromEvent(comment.name, comment.payload), [defineFeature({ name: "pushes", facts: ["push"], load: async (ctx) => ctx.rules() })]);
  expect(reads.count).toBe(1);
});

test("one feature failing: the features after it still act, the delivery is retried, and the retry runs them all again", async () => {
  app = await startSimApp();
  let broken = true;
  const acted: string[] = [];
  const feature = (name: string, fails = false) =>
    defineFeature({
      name,
      facts: ["activity"],
      load: async (ctx) => ctx.fact.body,
      decide: (body) => `${name} saw ${body}`,
      act: async (_ctx, decision) => {
        if (fails && broken) throw new Error("boom");
        acted.push(decision);
      },
    });
  const worker = new DeliveryWorker({ ...app.tierkeeper.deps!, log: pino({ level: "silent" }) }, { holder: "w", features: [feature("first"), feature("failing", true), feature("last")] });
  const { issue } = app.sim.openIssue({ repo: app.repo, user: "contributor", title: "A question" });
  const comment = app.sim.addComment({ repo: app.repo, issueNumber: issue.number, user: "contributor", body: "hi" });
  const id = randomUUID();
  await app.store.deliveries.enqueue({ id, name: comment.name, payload: JSON.stringify(comment.payload), receivedAt: app.clock.now(), installationId: 1 });

  await worker.drain();
  expect(acted).toEqual(["first saw hi", "last saw hi"]);
  const [row] = await app.store.db.query<{ status: string; attempts: number; last_error: string }>("SELECT status, attempts, last_error FROM deliveries WHERE id = $1", [id]);
  expect(row).toEqual({ status: "pending", attempts: 1, last_error: "failing: boom" });

  broken = false;
  app.clock.advance(60_000); // past the first retry's backoff (2 s)
  await worker.drain();
  expect(acted).toEqual(["first saw hi", "last saw hi", "first saw hi", "failing saw hi", "last saw hi"]);
  expect((await app.store.db.query<{ status: string }>("SELECT status FROM deliveries WHERE id = $1", [id]))[0].status).toBe("done");
});
