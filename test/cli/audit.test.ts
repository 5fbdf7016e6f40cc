import { readFile } from "node:fs/promises";
import { auditCommand, PULL_LIMIT, readOnlyClient } from "../../src/cli/audit.js";
import type { Io } from "../../src/cli/io.js";
import type { AuditReport } from "../../src/core/audit.js";
import { startSimulator, type Simulator } from "../../src/sim/index.js";
import { Clock } from "../support/app.js";

/** `tierkeeper audit` against the simulator, with a personal token, as a maintainer would run it. */
const REGISTRY = `policy:
  response-window: 1 week
  removal-window: 1 month
components:
  wasi-nn:
    category: WASI Proposal
    tier: 3
    owners: [abrown, bytecodealliance/wasi-nn]
    paths: ["crates/wasi-nn/**"]
    checks: ["Test wasi-nn"]
    implementation: partial
  pulley:
    category: Execution Backend
    tier: 2
    owners: [fitzgen]
    paths: ["pulley/**"]
    checks: ["Test pulley"]
    missing: ["More time fuzzing/baking"]
  threads:
    category: WebAssembly Proposal
    tier: 1
    owners: [alexcrichton]
    paths: ["crates/threads/**"]
    checks: ["Test threads", "ci/lint"]
`;
const REPO = "bytecodealliance/wasmtime";
const NOW = "2026-11-23T12:00:00Z";

let sim: Simulator;
let clock: Clock;
afterEach(async () => {
  expect(sim.violations).toEqual([]);
  await sim.close();
});

async function start(files: Record<string, string> = { ".github/tiers.yml": REGISTRY }) {
  clock = new Clock(new Date(NOW));
  sim = await startSimulator({ now: clock.now });
  sim.createRepo({ owner: "bytecodealliance", name: "wasmtime", files });
  return sim.state.mustRepo(REPO).branches.get("main")!;
}

async function run(argv: string[], env: NodeJS.ProcessEnv) {
  const out = { stdout: "", stderr: "" };
  const io: Io = { stdout: (s) => void (out.stdout += s), stderr: (s) => void (out.stderr += s), cwd: process.cwd(), readFile: (p) => readFile(p, "utf8") };
  const code = await auditCommand(argv, io, env);
  return { code, ...out };
}

const personal = () => ({ GITHUB_TOKEN: sim.userToken("maintainer"), GITHUB_API_URL: sim.apiUrl });

/** The default branch: threads passing, wasi-nn failing; PR 1 breaks threads (a status), PR 2 is blocked by wasi-nn, PR 3 breaks pulley. */
async function busyDay() {
  const main = await start();
  sim.completeCheckRun({ repo: REPO, sha: main, name: "Test threads", conclusion: "success", branch: "main" });
  sim.commitStatus({ repo: REPO, sha: main, context: "ci/lint", state: "success" });
  sim.completeCheckRun({ repo: REPO, sha: main, name: "Test wasi-nn", conclusion: "failure", branch: "main" });
  sim.completeCheckRun({ repo: REPO, sha: main, name: "Test pulley", conclusion: "success", branch: "main" });
  const one = sim.openPullRequest({ repo: REPO, author: "contributor", files: ["crates/threads/src/lib.rs"], title: "Faster threads @alexcrichton" });
  sim.commitStatus({ repo: REPO, sha: one.headSha, context: "ci/lint", state: "error" });
  sim.completeCheckRun({ repo: REPO, sha: one.headSha, name: "Test threads", conclusion: "success" });
  const two = sim.openPullRequest({ repo: REPO, author: "newcomer", files: ["docs/README.md"] });
  sim.completeCheckRun({ repo: REPO, sha: two.headSha, name: "Test wasi-nn", conclusion: "failure" });
  const three = sim.openPullRequest({ repo: REPO, author: "contributor", files: ["pulley/src/lib.rs"] });
  // A failing run re-run to a pass, then a real failure: the newest result per name counts.
  sim.completeCheckRun({ repo: REPO, sha: three.headSha, name: "Test threads", conclusion: "failure", completedAt: new Date("2026-11-23T10:00:00Z") });
  sim.completeCheckRun({ repo: REPO, sha: three.headSha, name: "Test threads", conclusion: "success", completedAt: new Date("2026-11-23T11:00:00Z") });
  sim.completeCheckRun({ repo: REPO, sha: three.headSha, name: "Test pulley", conclusion: "failure" });
  return { one, two, three };
}

test("json: what tierkeeper would do now, from GET requests alone, with a personal token", async () => {
  const { one, two, three } = await busyDay();
  const result = await run(["--repo", REPO, "--format", "json", "--now", NOW], personal());
  expect(result).toMatchObject({ code: 0, stderr: "" });
  const report = JSON.parse(result.stdout) as AuditReport;
  expect(report).toMatchObject({ repo: REPO, defaultBranch: "main", mode: "enforce", pullsRead: 3, pullLimit: PULL_LIMIT, morePulls: false });
  expect(report.brokenOnMain).toEqual([{ component: "wasi-nn", tier: 3, failing: ["Test wasi-nn"] }]);
  expect(report.pulls).toEqual([
    { number: one.number, title: "Faster threads @alexcrichton", author: "contributor", broken: [{ component: "threads", tier: 1, verdict: "broken-by-pr", failing: ["ci/lint"] }] },
    { number: two.number, title: expect.any(String), author: "newcomer", broken: [{ component: "wasi-nn", tier: 3, verdict: "already-broken", failing: ["Test wasi-nn"] }] },
    { number: three.number, title: expect.any(String), author: "contributor", broken: [{ component: "pulley", tier: 2, verdict: "broken-by-pr", failing: ["Test pulley"] }] },
  ]);
  // A failure already on the default branch pings nobody.
  expect(report.pings).toEqual([
    { pr: one.number, component: "threads", owner: "alexcrichton" },
    { pr: three.number, component: "pulley", owner: "fitzgen" },
  ]);
  expect(report.tier2Requests).toEqual([{ pr: three.number, component: "pulley", requestee: "fitzgen", dueAt: "2026-11-30T12:00:00.000Z" }]);
  expect(report.tier3).toEqual([
    { component: "wasi-nn", onMain: true, blockedPulls: [two.number], noticeAt: "2026-11-23T12:00:00.000Z", disableOn: "2026-11-30T12:00:00.000Z", removalFrom: "2026-12-30T12:00:00.000Z" },
  ]);
  expect(report.missing).toEqual([
    { component: "pulley", tier: 2, toward: 1, text: "More time fuzzing/baking" },
    { component: "wasi-nn", tier: 3, toward: 2, text: "Complete implementation" },
  ]);
  // Read-only: every request the simulator saw was a GET, under the personal token.
  expect(sim.requests.length).toBeGreaterThan(10);
  expect(sim.requests.filter((r) => r.method !== "GET")).toEqual([]);
  expect(
    sim.requests
      .map((r) => r.operationId)
      .filter((id, i, all) => all.indexOf(id) === i)
      .sort(),
  ).toEqual(["checks/list-for-ref", "git/get-ref", "pulls/list", "pulls/list-files", "repos/get", "repos/get-combined-status-for-ref", "repos/get-content"]);
});

test("text and markdown say the same, with dates, and defuse @-mentions in PR titles", async () => {
  const { one, two } = await busyDay();
  const text = await run(["--repo", REPO, "--now", NOW], personal());
  expect(text.code).toBe(0);
  expect(text.stdout).toContain(`tierkeeper audit of ${REPO}\n`);
  expect(text.stdout).toContain("and 3 open pull requests. Nothing was written to GitHub.");
  expect(text.stdout).toContain(`  - #${one.number} Faster threads @\u200balexcrichton (by contributor): threads (Tier 1) broken by this PR: ci/lint\n`);
  expect(text.stdout).toContain(
    `  - wasi-nn blocks the default branch, #${two.number}: owners notified 2026-11-23 (UTC), disabled in CI on 2026-11-30 (UTC) unless an owner responds, removal may be proposed from 2026-12-30 (UTC)\n`,
  );
  expect(text.stdout).toContain("Tier 2 requests:\n  - #3: fitzgen for pulley, reply due by 2026-11-30 (UTC)\n");
  const markdown = await run(["--repo", REPO, "--now", NOW, "--format", "markdown"], personal());
  expect(markdown.stdout).toMatch(/^# tierkeeper audit of bytecodealliance\/wasmtime\n/);
  expect(markdown.stdout).toContain("## Who would be pinged\n- #1: `alexcrichton` for `threads`\n- #3: `fitzgen` for `pulley`\n");
});

test(`at most ${PULL_LIMIT} pull requests are read, and the report says so`, async () => {
  await start();
  for (let i = 0; i < PULL_LIMIT + 2; i++) sim.openPullRequest({ repo: REPO, author: "contributor", files: [`docs/${i}.md`] });
  const result = await run(["--repo", REPO, "--format", "json", "--now", NOW], personal());
  const report = JSON.parse(result.stdout) as AuditReport;
  expect(report).toMatchObject({ pullsRead: PULL_LIMIT, morePulls: true });
  expect(sim.requests.filter((r) => r.operationId === "pulls/list-files")).toHaveLength(PULL_LIMIT);
  expect((await run(["--repo", REPO, "--now", NOW], personal())).stdout).toContain(`(only the ${PULL_LIMIT} most recently updated were read)`);
});

test("a missing token, a repository the token cannot see, no registry, a bad token and a rate limit are clear errors", async () => {
  await start({ "README.md": "hello\n" });
  expect(await run(["--repo", REPO], { GITHUB_API_URL: sim.apiUrl })).toMatchObject({ code: 1, stdout: "", stderr: expect.stringContaining("GITHUB_TOKEN is not set") });
  expect(sim.requests).toEqual([]);
  expect(await run(["--repo", "bytecodealliance/nope"], personal())).toMatchObject({
    code: 1,
    stdout: "",
    stderr: "tierkeeper audit: bytecodealliance/nope: not found, or GITHUB_TOKEN cannot read it (404)\n",
  });
  expect(await run(["--repo", REPO], personal())).toMatchObject({ code: 1, stderr: expect.stringContaining(`${REPO} has no .github/tiers.yml on main`) });
  expect(await run(["--repo", REPO], { GITHUB_TOKEN: "ghp_not-a-token", GITHUB_API_URL: sim.apiUrl })).toMatchObject({
    code: 1,
    stderr: "tierkeeper audit: GitHub refused the token (401 Bad credentials): check GITHUB_TOKEN\n",
  });
  const reset = Math.floor(Date.now() / 1000) + 3600;
  sim.faults = {
    before: () => ({ status: 403, headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(reset) }, body: { message: "API rate limit exceeded for user ID 1." } }),
    after: () => undefined,
  } as unknown as Simulator["faults"];
  expect(await run(["--repo", REPO], personal())).toMatchObject({
    code: 1,
    stderr: `tierkeeper audit: GitHub's rate limit for this token is used up; it resets at ${new Date(reset * 1000).toISOString()}. Try again then\n`,
  });
  expect(sim.requests.filter((r) => r.method !== "GET")).toEqual([]);
  await expect(run([], personal())).rejects.toThrow("--repo owner/name is required");
});

test("the audit's client refuses every write before it leaves the process", async () => {
  await start();
  const octokit = readOnlyClient(sim.userToken("maintainer"), sim.apiUrl);
  await expect(octokit.rest.issues.create({ owner: "bytecodealliance", repo: "wasmtime", title: "x" })).rejects.toThrow(
    "refused to send POST /repos/{owner}/{repo}/issues: audit only reads",
  );
  await expect(octokit.rest.pulls.update({ owner: "bytecodealliance", repo: "wasmtime", pull_number: 1, title: "x" })).rejects.toThrow("audit only reads");
  await expect(octokit.request("PUT /repos/{owner}/{repo}/contents/{path}", { owner: "bytecodealliance", repo: "wasmtime", path: "a", message: "m", content: "" })).rejects.toThrow(
    "audit only reads",
  );
  await expect(octokit.request("DELETE /repos/{owner}/{repo}", { owner: "bytecodealliance", repo: "wasmtime" })).rejects.toThrow("audit only reads");
  expect(sim.requests).toEqual([]);
  expect((await octokit.rest.repos.get({ owner: "bytecodealliance", repo: "wasmtime" })).data.default_branch).toBe("main");
});
