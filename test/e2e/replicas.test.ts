import { startStage, WEBHOOK_SECRET, type Stage } from "../../src/demo/stage.js";
import type { WebhookEvent } from "../../src/sim/index.js";
import { freshPostgres } from "../support/postgres.js";

/**
 * Several replicas (issue 6 §2): two real server processes (`node dist/server.js`) share one
 * PostgreSQL database and nothing else. The same deliveries go to both at once, different ones
 * to each, two sweeps run at once as two CLI processes, and every visible action on the
 * simulator happened exactly once.
 */
const DAY = 24 * 3600 * 1000;
let stage: Stage;
let drop: () => Promise<void> = async () => {};

beforeAll(async () => {
  const db = await freshPostgres();
  drop = db.drop;
  stage = await startStage({ spawn: true, replicas: 2, databaseUrl: db.url, env: { WORKER_POLL_MS: "100" } });
}, 60_000);
afterAll(async () => {
  await stage?.close();
  await drop();
});

/** Wasmtime's job running tests/all on Linux x86_64: threads, the component model and the x86_64 target. */
const ALL_SHARD = "Test Linux x86_64 (wasmtime-cli-all)";

test("two replicas on one PostgreSQL database: every comment, issue, pull request and notification happens once", async () => {
  const { sim, repo, replicas } = stage;
  expect(replicas).toHaveLength(2);
  const [a, b] = replicas;
  const to = (r: (typeof replicas)[number], event: WebhookEvent, id?: string) => sim.send(event, { url: r.webhookUrl, secret: WEBHOOK_SECRET, id });
  /** One delivery (one X-GitHub-Delivery id) sent to both replicas at once, as a redelivery racing the original. */
  const toBoth = async (event: WebhookEvent, id = crypto.randomUUID()) => {
    const [x, y] = await Promise.all([to(a, event, id), to(b, event, id)]);
    expect([x.status, y.status]).toEqual([200, 200]);
  };
  const t0 = Date.now();
  const at = (minutes: number) => new Date(t0 + minutes * 60_000);
  const mainSha = sim.state.mustRepo(repo).branches.get("main")!;

  // Tier 3 components failing on the default branch: a tracking issue each. Threads and the component
  // model have no job of their own: both fail through the tests/all shard.
  const wasiNnMain = sim.completeCheckRun({ repo, sha: mainSha, name: "Test wasi-nn (openvino, ubuntu-24.04)", conclusion: "failure", branch: "main", completedAt: at(0) });
  const threadsMain = sim.completeCheckRun({ repo, sha: mainSha, name: ALL_SHARD, conclusion: "failure", branch: "main", completedAt: at(0) });
  await Promise.all([
    toBoth(wasiNnMain), // the same delivery to both
    to(b, threadsMain), // one delivery to b ...
    to(a, threadsMain), // ... and another delivery of the same event (a new id) to a
    to(b, sim.completeWorkflowJob({ repo, sha: mainSha, name: "Test wasi-nn (openvino, ubuntu-24.04)", conclusion: "failure", branch: "main", completedAt: at(1) })),
  ]);

  // Pull requests breaking Tier 2 and Tier 3 components, their events spread over both replicas.
  const prs = [
    { files: ["cranelift/codegen/src/isa/s390x/inst.isle"], check: "Test Linux s390x (1/8)", owners: ["uweigand"], tier: 2 },
    { files: ["crates/wasmtime/src/runtime/vm/sys/windows/mmap.rs"], check: "Test MSVC x86_64 (1/8)", owners: ["bytecodealliance/wasmtime-core", "alexcrichton"], tier: 1 },
    { files: ["crates/wasmtime/src/runtime/component/func.rs"], check: ALL_SHARD, owners: [] as string[], tier: 3 }, // already broken on main: no pings
    { files: ["crates/fiber/src/windows.rs"], check: "Test MinGW x86_64 (2/8)", owners: [] as string[], tier: 2 }, // no owner: nobody to ping
    { files: ["crates/wasi-nn/src/backend.rs"], check: "Test wasi-nn (openvino, ubuntu-24.04)", owners: [] as string[], tier: 3 }, // already broken on main: no pings
  ].map((p) => ({ ...p, pr: sim.openPullRequest({ repo, author: "contributor", files: p.files }) }));
  // A PR that does not touch wasi-nn but is blocked by it: listed on the tracking issue, nobody pinged.
  const blocked = sim.openPullRequest({ repo, author: "contributor", files: ["crates/wasmtime/src/config.rs"] });

  await Promise.all([...prs.map((p, i) => to(i % 2 ? a : b, p.pr)), toBoth(blocked)]);
  await Promise.all(
    prs.flatMap((p, i) => {
      const fail = (minute: number) => sim.completeCheckRun({ repo, sha: p.pr.headSha, name: p.check, conclusion: "failure", completedAt: at(10 + minute) });
      const job = (second: number) => sim.completeWorkflowJob({ repo, sha: p.pr.headSha, name: p.check, conclusion: "failure", completedAt: new Date(t0 + 11 * 60_000 + i * 1000 + second) });
      return [
        toBoth(fail(0)), // the same delivery to both replicas at once
        toBoth(fail(0)), // and a second delivery of it
        to(a, job(1)), // different deliveries to each
        to(b, job(2)),
        to(i % 2 ? b : a, job(3)),
      ];
    }),
  );
  await Promise.all([
    to(a, sim.completeCheckRun({ repo, sha: blocked.headSha, name: "Test wasi-nn (openvino, ubuntu-24.04)", conclusion: "failure", completedAt: at(12) })),
    to(b, sim.completeWorkflowJob({ repo, sha: blocked.headSha, name: "Test wasi-nn (openvino, ubuntu-24.04)", conclusion: "failure", completedAt: at(12) })),
  ]);
  await stage.settle(60_000);

  const issues = () => [...sim.state.mustRepo(repo).issues.values()];
  const tracking = () => issues().filter((i) => !i.pull && i.title.startsWith("Tier 3 component"));
  const disabling = () => issues().filter((i) => i.pull && i.title.startsWith("Disable Tier 3 component"));
  const notified = (n: number) =>
    sim.state.notifications
      .filter((x) => x.issueNumber === n)
      .map((x) => x.to)
      .sort();

  expect(
    tracking()
      .map((i) => i.title)
      .sort(),
  ).toEqual(["Tier 3 component `component-model` is blocking other work", "Tier 3 component `threads` is blocking other work", "Tier 3 component `wasi-nn` is blocking other work"]);
  const wasiNn = tracking().find((i) => i.title.includes("wasi-nn"))!;
  const threads = tracking().find((i) => i.title.includes("threads"))!;
  expect(notified(wasiNn.number)).toEqual(["abrown", "bytecodealliance/wasi-nn"]);
  expect(notified(threads.number)).toEqual(["abrown"]);
  const componentModel = tracking().find((i) => i.title.includes("component-model"))!;
  expect(notified(componentModel.number)).toEqual(["alexcrichton", "bytecodealliance/wasmtime-core"]);
  expect(wasiNn.body).toContain(`#${blocked.number}`);

  for (const p of prs) {
    const comments = sim.comments(repo, p.pr.number);
    expect(comments).toHaveLength(1);
    expect(comments[0].user).toBe("tierkeeper[bot]");
    expect(notified(p.pr.number)).toEqual(p.owners.map((o) => o.toLowerCase()).sort());
  }
  expect(sim.comments(repo, blocked.number)).toHaveLength(1);
  expect(sim.comments(repo, blocked.number)[0].body).toContain(`Tracking issue: #${wasiNn.number}`);
  expect(notified(blocked.number)).toEqual([]);

  // Two sweeps at once, eight days later, as two CLI processes with the servers' environment.
  const later = new Date(t0 + 8 * DAY);
  const sweeps = await Promise.all([stage.sweep(later), stage.sweep(later)]);
  expect(sweeps.map((s) => s.code)).toEqual([0, 0]);
  const outputs = sweeps.map((s) => s.output).join("\n");
  // At most one of them stepped; the other found the lock taken, or nothing due.
  expect(outputs.match(/notified -> disabling/g)).toHaveLength(3);
  await stage.settle(60_000);
  // And once more, from both, while the servers sweep too: nothing more happens.
  // (An hour apart, not more: whichever takes the lock must still see the step as recent and
  // relink the note to the pull request the servers created meanwhile; see features/tier3-timeline/sweep.ts, relink.)
  const again = await Promise.all([stage.sweep(later), stage.sweep(new Date(later.getTime() + 3600_000))]);
  expect(again.map((s) => s.code)).toEqual([0, 0]);
  expect(again.map((s) => s.output).join("\n")).not.toMatch(/->/);
  await stage.settle(60_000);

  expect(
    disabling()
      .map((p) => p.title)
      .sort(),
  ).toEqual(["Disable Tier 3 component component-model in CI", "Disable Tier 3 component threads in CI", "Disable Tier 3 component wasi-nn in CI"]);
  for (const pr of disabling()) {
    const [owners, trackingIssue] = pr.title.includes("wasi-nn")
      ? [["abrown", "bytecodealliance/wasi-nn"], wasiNn]
      : pr.title.includes("threads")
        ? [["abrown"], threads]
        : [["alexcrichton", "bytecodealliance/wasmtime-core"], componentModel];
    expect(notified(pr.number)).toEqual(owners);
    expect(sim.comments(repo, trackingIssue.number).filter((c) => c.body.includes(`#${pr.number} disables`))).toHaveLength(1);
  }
  expect(tracking()).toHaveLength(3);

  // The sweeps held each silent Tier 2 owner to the week: one reminder each, however many sweeps ran.
  for (const p of prs) {
    const reminders = sim.comments(repo, p.pr.number).filter((c) => c.body.includes("reminder from tierkeeper"));
    expect(reminders.map((c) => c.body.split(":")[0])).toEqual(p.tier === 2 ? p.owners.map((o) => `@${o}`) : []);
  }
  // Across everything else: nobody was ever notified twice about the same thread.
  const reminderIds = new Set(
    prs.flatMap((p) =>
      sim
        .comments(repo, p.pr.number)
        .filter((c) => c.body.includes("reminder from tierkeeper"))
        .map((c) => c.id),
    ),
  );
  const pairs = sim.state.notifications.filter((n) => !reminderIds.has(n.commentId ?? -1)).map((n) => `${n.issueNumber} ${n.to}`);
  expect(pairs.length).toBe(new Set(pairs).size);
  // No write was refused as a duplicate and no request was malformed.
  expect(sim.violations).toEqual([]);
  expect(sim.requests.filter((r) => r.status >= 500)).toEqual([]);
  // Every delivery to either replica was acknowledged.
  const delivered = new Set(sim.state.hookDeliveries.map((d) => d.statusCode));
  expect([...delivered]).toEqual([200]);
}, 120_000);
