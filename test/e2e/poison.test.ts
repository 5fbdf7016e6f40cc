import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { runCli, startStage, type Stage } from "../../src/demo/stage.js";

/**
 * A poison delivery against the real server (`node dist/server.js`): its processing hangs the
 * process, which is killed and restarted (as an orchestrator does when /healthz or a watchdog gives
 * up on it). Before issue 11 it was claimed again after every restart, forever, and everything
 * behind it waited. Now each claim counts: after 5 it is dead (listed, counted on /metrics, never
 * claimed again) and the deliveries behind it are processed.
 */
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await wait(50);
  }
}

/** GitHub, through a proxy that never answers the requests `holds` matches (and counts them). */
function holdingProxy(holds: (path: string) => boolean) {
  const state = { target: "", held: 0, hanging: [] as ServerResponse[] };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (holds(req.url ?? "")) {
      state.held++;
      state.hanging.push(res);
      return;
    }
    const upstream = new URL(req.url ?? "/", state.target);
    const forward = request(upstream, { method: req.method, headers: { ...req.headers, host: upstream.host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on("error", () => res.destroy());
    req.pipe(forward);
  });
  return { state, server, listening: new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port))) };
}

let stage: Stage | undefined;
let proxy: ReturnType<typeof holdingProxy> | undefined;

afterAll(async () => {
  await stage?.close();
  proxy?.state.hanging.forEach((r) => r.destroy());
  proxy?.server.closeAllConnections();
  await new Promise((r) => proxy?.server.close(r));
});

test("a delivery that hangs the process at every claim is dead after 5 claims; the deliveries behind it are processed", async () => {
  let poisonNumber = -1;
  proxy = holdingProxy((path) => path.includes(`/pulls/${poisonNumber}/files`));
  const port = await proxy.listening;
  // A budget longer than the test: the hang lasts until the process is killed, as a frozen event loop would.
  stage = await startStage({ spawn: true, env: { GHE_HOST: `127.0.0.1:${port}`, DELIVERY_BUDGET_MS: "600000", DELIVERY_MAX_CLAIMS: "5" } });
  proxy.state.target = stage.sim.url;
  const { sim, repo } = stage;

  const poison = sim.openPullRequest({ repo, author: "contributor", files: ["crates/wasi-nn/src/backend.rs"] });
  poisonNumber = poison.number;
  expect((await sim.send(poison, { id: "poison" })).status).toBe(200);
  await until("the server hangs on the poison delivery", () => proxy!.state.held === 1);

  // Behind it: an innocent pull request and its failing CI, stored while the server hangs.
  const innocent = sim.openPullRequest({ repo, author: "contributor", files: ["crates/wasi-nn/src/lib.rs"] });
  expect((await sim.send(innocent)).status).toBe(200);
  expect((await sim.send(sim.completeCheckRun({ repo, sha: innocent.headSha, name: "Test wasi-nn (openvino, ubuntu-24.04)", conclusion: "failure" }))).status).toBe(200);

  // Killed and restarted: each time the poison delivery is claimed again and hangs the server again.
  for (let claim = 2; claim <= 5; claim++) {
    await stage.restart();
    await until(`claim ${claim} of the poison delivery`, () => proxy!.state.held === claim);
  }
  await stage.restart();
  await stage.settle();

  // Given up, never claimed again, and the innocent deliveries were processed.
  expect(proxy.state.held).toBe(5);
  const comments = [...sim.state.mustRepo(repo).comments.values()].filter((c) => c.issueNumber === innocent.number);
  expect(comments).toHaveLength(1);
  expect(comments[0].body).toContain("wasi-nn");

  const listing = await runCli(stage.env, ["deliveries", "--dead"]);
  expect(listing.code).toBe(0);
  expect(listing.output).toContain("deliveries: 0 pending, 2 done, 1 dead");
  expect(listing.output).toMatch(/^poison {2}pull_request {2}attempts 5 {2}received \S+ {2}gave up after 5 claims without finishing: processing it crashed or hung the process$/m);

  const metrics = await (await fetch(`${stage.appUrl}/metrics`)).text();
  expect(metrics).toContain('tierkeeper_deliveries_dead_total{event="pull_request",cause="unfinished"} 1');
  expect(metrics).toMatch(/^tierkeeper_deliveries_dead 1$/m);
  expect(stage.sim.violations).toEqual([]);
}, 120_000);
