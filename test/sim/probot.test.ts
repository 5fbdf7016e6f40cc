import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createProbot, createNodeMiddleware, type Probot } from "probot";
import { startSimulator, type Simulator } from "../../src/sim/index.js";

/** A real Probot app, configured only through env as in production, talks to the simulator. */
describe("Probot against the simulator", () => {
  let sim: Simulator;
  let server: Server;

  beforeAll(async () => {
    sim = await startSimulator();
    sim.createRepo({ owner: "acme", name: "wasmtime", files: { "src/lib.rs": "" } });
    sim.createRepo({ owner: "acme", name: ".github", files: { ".github/tiers.yml": 'owners: ["@acme/wasi"]\n' } });
    sim.installApp("acme");
    const secret = "probot-secret";
    const probot: Probot = createProbot({ env: { ...sim.probotEnv(), WEBHOOK_SECRET: secret, LOG_LEVEL: "fatal" } });
    const middleware = await createNodeMiddleware(
      (app) => {
        app.on("pull_request.opened", async (context) => {
          // Falls back to acme/.github because acme/wasmtime has no .github/tiers.yml.
          const config = await context.config<{ owners: string[] }>("tiers.yml");
          const files = await context.octokit.paginate(context.octokit.rest.pulls.listFiles, context.pullRequest({ per_page: 100 }));
          await context.octokit.rest.issues.createComment(context.issue({ body: `${files.length} files; cc ${config?.owners.join(" ")}` }));
        });
      },
      { probot, webhooksPath: "/api/github/webhooks" },
    );
    server = createServer((req, res) => void middleware(req, res, () => res.writeHead(404).end()));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    sim.setWebhookTarget(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`, secret);
  });
  afterAll(async () => {
    await sim.close();
    await new Promise((r) => server.close(r));
  });

  test("pull_request.opened → config fallback, paginated files, comment, team notified", async () => {
    const pr = sim.openPullRequest({ repo: "acme/wasmtime", author: "dev", files: ["a.rs", "b.rs", "c.rs"] });
    const r = await sim.send(pr);
    expect(r.status).toBe(200);
    expect(sim.comments("acme/wasmtime", pr.number).map((c) => [c.user, c.body])).toEqual([["tierkeeper[bot]", "3 files; cc @acme/wasi"]]);
    expect(sim.state.notifications.map((n) => n.to)).toEqual(["acme/wasi"]);
    expect(sim.violations).toEqual([]);
    expect(sim.requests.map((q) => `${q.operationId} ${q.status}`)).toEqual(
      expect.arrayContaining(["repos/get-content 404", "repos/get-content 200", "pulls/list-files 200", "issues/create-comment 201"]),
    );
  });
});
