import { Octokit } from "@octokit/core";
import { startSimulator } from "../../src/sim/index.js";

/** Keeps an eye on the simulator's per-request cost (the benchmark and e2e suites lean on it). */
test.each([true, false])("200 comment round-trips, validate=%s", async (validate) => {
  const sim = await startSimulator({ validate });
  sim.createRepo({ owner: "acme", name: "r" });
  const { number } = sim.openIssue({ repo: "acme/r", user: "u", title: "t" }).issue;
  const octokit = new Octokit({ baseUrl: sim.apiUrl, auth: sim.userToken("human") });
  const t0 = performance.now();
  for (let i = 0; i < 200; i++) {
    await octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", { owner: "acme", repo: "r", issue_number: number, body: `c${i}` });
  }
  const ms = performance.now() - t0;

  console.log(`validate=${validate}: ${(ms / 200).toFixed(2)} ms/request`);
  expect(sim.comments("acme/r", number)).toHaveLength(200);
  expect(sim.violations).toEqual([]);
  await sim.close();
});
