import { startStage, type Stage } from "../../src/demo/stage.js";

/**
 * GitHub does not retry a failed delivery. tierkeeper lists the App's recent deliveries,
 * finds those that never reached it, and asks GitHub (here the simulator) to send them again.
 */
let stage: Stage;

/** Waits until the simulator has sent `count` redeliveries (it sends them right after accepting). */
async function redelivered(count: number) {
  for (let i = 0; i < 400 && stage.sim.state.hookDeliveries.filter((d) => d.redelivery).length < count; i++) {
    await new Promise((r) => setTimeout(r, 25));
  }
  await stage.settle();
}
beforeEach(async () => {
  stage = await startStage();
});
afterEach(async () => {
  expect(stage.sim.violations).toEqual([]);
  await stage.close();
});

test("a delivery that failed while tierkeeper was unreachable is redelivered once and processed", async () => {
  const { sim, repo } = stage;
  const pr = sim.openPullRequest({ repo, author: "contributor", files: ["crates/wasi-nn/src/x.rs"] });
  expect((await sim.send(pr)).status).toBe(200);
  // The app is unreachable for a moment: GitHub records the failure and moves on.
  sim.setWebhookTarget("http://127.0.0.1:9/api/github/webhooks", "stage-webhook-secret");
  const lost = await sim.send(sim.completeCheckRun({ repo, sha: pr.headSha, name: "Test wasi-nn (openvino, ubuntu-24.04)", conclusion: "failure" }));
  expect(lost.status).toBe(0);
  sim.setWebhookTarget(stage.webhookUrl, "stage-webhook-secret");
  await stage.settle();
  expect(sim.comments(repo, pr.number)).toEqual([]);

  const report = await stage.tierkeeper!.redeliver();
  expect(report).toMatchObject({ missed: 1, requested: [lost.id] });
  await redelivered(1);
  expect(sim.comments(repo, pr.number)).toHaveLength(1);
  const attempts = sim.state.hookDeliveries.filter((d) => d.guid === lost.id);
  expect(attempts.map((a) => [a.redelivery, a.statusCode])).toEqual([
    [false, 0],
    [true, 200],
  ]);

  // Nothing is missed any more: the next run asks for nothing.
  expect(await stage.tierkeeper!.redeliver()).toMatchObject({ missed: 0, requested: [] });
}, 60_000);

test("runs are bounded, and deliveries that were stored are never asked for again", async () => {
  const { sim, repo } = stage;
  sim.setWebhookTarget("http://127.0.0.1:9/api/github/webhooks", "stage-webhook-secret");
  for (let i = 0; i < 60; i++) await sim.send(sim.completeCheckRun({ repo, sha: "a".repeat(40), name: `job ${i}`, conclusion: "success" }));
  sim.setWebhookTarget(stage.webhookUrl, "stage-webhook-secret");
  const first = await stage.tierkeeper!.redeliver();
  expect(first).toMatchObject({ missed: 60 });
  expect(first!.requested).toHaveLength(50);
  await redelivered(50);
  const second = await stage.tierkeeper!.redeliver();
  expect(second!.requested).toHaveLength(10);
}, 60_000);
