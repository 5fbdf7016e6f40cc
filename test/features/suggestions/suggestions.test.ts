import { statusCommand } from "../../../src/cli/status.js";
import type { StatusRow } from "../../../src/core/render/status-tables.js";
import type { Simulator } from "../../../src/sim/index.js";
import { startSimApp, type SimApp } from "../../support/sim-app.js";

/**
 * Evidence and tier suggestions through the real app and the GitHub simulator, with a driven
 * clock: checks passing on the default branch lead to one promotion suggestion after the
 * sustained period; pull-request CI time makes a Tier 3 component's CI cost show as missing in
 * `tierkeeper status --repo`.
 */
const DAY = 24 * 3600 * 1000;
const MINUTE = 60_000;
const REGISTRY = `
components:
  wasi-common:
    category: WASI Proposal
    tier: 1
    owners: [sunfishcode]
    paths: ["crates/wasi-common/**"]
    checks: ["Test wasi-common"]
  wasi-nn:
    category: WASI Proposal
    tier: 3
    owners: [abrown]
    paths: ["crates/wasi-nn/**"]
    checks: ["Test wasi-nn (*)"]
`;

let app: SimApp;

beforeEach(async () => {
  app = await startSimApp({ registry: REGISTRY });
  for (const login of ["sunfishcode", "abrown"]) app.sim.addCollaborator(app.repo, login, "write");
});

afterEach(async () => {
  expect(app.sim.violations).toEqual([]);
  await app.close();
});

const suggestions = (a: SimApp) => [...a.sim.state.mustRepo(a.repo).issues.values()].filter((i) => i.title.startsWith("Suggestion:"));

/** A check run that started `minutes` before now and completed now (the simulator's helpers pass `startedAt` on without typing it). */
function timedRun(a: SimApp, o: Omit<Parameters<Simulator["completeCheckRun"]>[0], "repo">, minutes: number) {
  const run = { repo: a.repo, completedAt: a.clock.now(), startedAt: new Date(a.clock.now().getTime() - minutes * MINUTE), ...o };
  return a.sim.completeCheckRun(run);
}

test("a Tier 3 component whose checks pass on main and whose declared facts meet Tier 2 gets one promotion suggestion after 30 days, not before, not twice", async () => {
  const main = app.sim.state.mustRepo(app.repo).branches.get("main")!;
  const passOnMain = async () => {
    for (const name of ["Test wasi-common", "Test wasi-nn (openvino, ubuntu-24.04)"]) {
      await app.send(app.sim.completeCheckRun({ repo: app.repo, sha: main, name, conclusion: "success", branch: "main", completedAt: app.clock.now() }));
    }
  };

  for (let day = 0; day < 30; day += 5) {
    await passOnMain();
    await app.tierkeeper.sweep();
    expect(suggestions(app)).toEqual([]);
    app.clock.advance(5 * DAY);
  }
  // Day 30: the condition has held since day 0's judgement.
  await passOnMain();
  const report = await app.tierkeeper.sweep();
  expect(report.intents).toContain(`suggest:${app.sim.state.mustRepo(app.repo).id}:wasi-nn:promote-to-2`);
  const [issue] = suggestions(app);
  expect(suggestions(app)).toHaveLength(1);
  expect(issue.title).toBe("Suggestion: promote `wasi-nn` from Tier 3 to Tier 2");
  expect(issue.labels).toEqual(expect.arrayContaining(["tierkeeper", "tier-suggestion"]));
  expect(issue.body).toContain("has met every requirement of Tier 2 since 2026-11-23 (UTC)");
  expect(issue.body).toContain("- Checks (`Test wasi-nn (*)`) on the default branch: all passed within the last day.");
  expect(issue.body).toContain("| responsive maintainers | not known |");
  expect(issue.body).toContain("Owners: @abrown");

  // Later the same day, and on the following days: nothing more is written.
  const writes = app.writes().length;
  app.clock.advance(3600 * 1000);
  await app.tierkeeper.sweep();
  for (let day = 0; day < 3; day++) {
    app.clock.advance(DAY);
    await passOnMain();
    await app.tierkeeper.sweep();
  }
  expect(suggestions(app)).toHaveLength(1);
  expect(app.writes().length).toBe(writes);
  expect(issue.state).toBe("open");

  // Its checks stop passing on main (the others go on) for longer than a week: the suggestion no longer holds and closes, saying why.
  app.clock.advance(8 * DAY);
  await app.send(app.sim.completeCheckRun({ repo: app.repo, sha: main, name: "Test wasi-common", conclusion: "success", branch: "main", completedAt: app.clock.now() }));
  await app.tierkeeper.sweep();
  expect(suggestions(app)).toEqual([expect.objectContaining({ number: issue.number, state: "closed" })]);
  expect(issue.body).toMatch(/^\*\*No longer applies\*\* \(2027-01-03 \(UTC\)\): `wasi-nn` no longer meets every Tier 2 requirement: it misses CI testing\.\n/);
});

test("a Tier 3 component taking most of the pull-request CI time misses the ci-cost requirement in `tierkeeper status --repo`", async () => {
  const pr = app.sim.openPullRequest({ repo: app.repo, author: "contributor", files: ["crates/wasi-nn/src/lib.rs"] });
  await app.send(pr);
  const sha = pr.headSha;
  const wasiNn = timedRun(app, { sha, name: "Test wasi-nn (openvino, ubuntu-24.04)", conclusion: "success" }, 50);
  await app.send(wasiNn);
  await app.send(wasiNn); // a redelivery: counted once
  const sameJob = {
    repo: app.repo,
    sha,
    name: "Test wasi-nn (openvino, ubuntu-24.04)",
    conclusion: "success",
    completedAt: app.clock.now(),
    startedAt: new Date(app.clock.now().getTime() - 50 * MINUTE),
  };
  await app.send(app.sim.completeWorkflowJob(sameJob)); // the same Actions job, as a workflow job: counted once
  await app.send(timedRun(app, { sha, name: "Test wasi-common", conclusion: "success" }, 10));
  await app.send(timedRun(app, { sha, name: "clippy", conclusion: "success" }, 5)); // no component's: it still counts in the total

  const repoId = app.sim.state.mustRepo(app.repo).id;
  expect(await app.store.evidence.pullRequestCiTime(repoId, new Date(0))).toEqual(
    new Map([
      ["Test wasi-common", 10 * MINUTE],
      ["Test wasi-nn (openvino, ubuntu-24.04)", 50 * MINUTE],
      ["clippy", 5 * MINUTE],
    ]),
  );

  const status = async (...args: string[]) => {
    let stdout = "";
    let stderr = "";
    const io = { stdout: (s: string) => void (stdout += s), stderr: (s: string) => void (stderr += s), cwd: process.cwd(), readFile: async () => "" };
    const code = await statusCommand(["--repo", app.repo, "--now", app.clock.now().toISOString(), ...args], io, { DATABASE_URL: app.databaseUrl });
    return { code, stdout, stderr };
  };
  const markdown = await status();
  expect(markdown).toMatchObject({ code: 0, stderr: "" });
  expect(markdown.stdout).toContain("| WASI Proposal | wasi-nn | CI cost within allowance |");
  const rows = JSON.parse((await status("--format", "json")).stdout) as StatusRow[];
  const row = rows.find((r) => r.id === "wasi-nn")!;
  expect(row.requirements.find((r) => r.id === "ci-cost")).toEqual({ id: "ci-cost", label: "CI cost within allowance", status: "missing" });
  expect(row.missing).toEqual(["CI cost within allowance"]);
});

test("an owner who is no longer a collaborator: the daily judgement looks the owners up, and `clear owner` shows as missing", async () => {
  app.sim.state.mustRepo(app.repo).collaborators.delete("abrown");
  const main = app.sim.state.mustRepo(app.repo).branches.get("main")!;
  await app.send(app.sim.completeCheckRun({ repo: app.repo, sha: main, name: "Test wasi-nn (openvino, ubuntu-24.04)", conclusion: "success", branch: "main", completedAt: app.clock.now() }));
  await app.tierkeeper.sweep();
  const repoId = app.sim.state.mustRepo(app.repo).id;
  expect(await app.store.evidence.ownerLookups(repoId)).toEqual(
    new Map([
      ["abrown", "not-collaborator"],
      ["sunfishcode", "ok"],
    ]),
  );
  let stdout = "";
  const io = { stdout: (s: string) => void (stdout += s), stderr: () => {}, cwd: process.cwd(), readFile: async () => "" };
  expect(await statusCommand(["--repo", app.repo, "--format", "json", "--now", app.clock.now().toISOString()], io, { DATABASE_URL: app.databaseUrl })).toBe(0);
  const wasiNn = (JSON.parse(stdout) as StatusRow[]).find((r) => r.id === "wasi-nn")!;
  expect(wasiNn.requirements.find((r) => r.id === "clear-owner")).toMatchObject({ status: "missing" });
});
