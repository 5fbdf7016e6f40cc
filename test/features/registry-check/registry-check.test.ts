import { EXAMPLE_REGISTRY } from "../../../src/demo/stage.js";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { OWNER_LOOKUP_LIMIT } from "../../../src/core/registry-findings.js";
import { REGISTRY_LIMITS } from "../../../src/core/registry.js";
import { TREE_ENTRY_LIMIT } from "../../../src/features/registry-check/registry-check.js";
import { treeEntryLimits } from "../../../src/sim/routes.js";
import { startSimApp, type SimApp } from "../../support/sim-app.js";
import { TWO_COMPONENTS } from "../../support/registries.js";

/** A pull request that edits the registry gets `tierkeeper/registry`, judged on the file at its head. */
let app: SimApp;
afterEach(async () => {
  expect(app.sim.violations).toEqual([]);
  await app.close();
});

const checkRuns = (a: SimApp) => [...a.sim.state.mustRepo(a.repo).checkRuns.values()].filter((r) => r.name === "tierkeeper/registry");
type Output = { title: string; summary: string; annotations?: { start_line: number; annotation_level: string; message: string }[] };
const annotations = (run: { output: unknown }) => (run.output as Output).annotations ?? [];
const operations = (a: SimApp, operationId: string) => a.sim.requests.filter((r) => r.operationId === operationId);

async function openEdit(a: SimApp, text: string, id?: string) {
  const pr = a.sim.openPullRequest({ repo: a.repo, author: "contributor", files: [".github/tiers.yml"], contents: { ".github/tiers.yml": text } });
  await a.send(pr, id);
  return pr;
}

/** The 1-based line of the first line containing `snippet` at or after the line containing `after`. */
function lineOf(text: string, snippet: string, after = "") {
  const lines = text.split("\n");
  const line = lines.findIndex((l, i) => i >= lines.findIndex((x) => x.includes(after)) && l.includes(snippet));
  if (line < 0) throw new Error(`${snippet} not in the text`);
  return line + 1;
}

const REGISTRY = TWO_COMPONENTS;

/**
 * A repository where REGISTRY holds: its owners are collaborators or existing teams, its globs
 * match files, and its checks have run on the default branch.
 */
async function startWorld(): Promise<SimApp> {
  const a = await startSimApp({ registry: REGISTRY });
  a.sim.addCollaborator(a.repo, "abrown", "write");
  a.sim.addCollaborator(a.repo, "alexcrichton", "maintain");
  a.sim.addTeam("bytecodealliance", "wasi-nn", ["abrown"]);
  const main = a.sim.state.pushFiles(a.sim.state.mustRepo(a.repo), "main", { "crates/threads/src/lib.rs": "//\n" }).sha;
  for (const name of ["Test wasi-nn (openvino, ubuntu-24.04)", "Test threads"]) {
    await a.send(a.sim.completeCheckRun({ repo: a.repo, sha: main, name, conclusion: "success", branch: "main", completedAt: a.clock.now() }));
  }
  return a;
}

test("a valid edit passes, its warnings anchored to their lines; each owner is looked up once; a redelivery adds nothing", async () => {
  app = await startWorld();
  const edited = REGISTRY.replace("owners: [alexcrichton]", "owners: [alexcrichton, abrown]") + "  orphan:\n    category: misc\n    tier: 3\n    owners: []\n";
  const pr = await openEdit(app, edited, "edit-1");
  await app.send(pr, "edit-1");
  const [run] = checkRuns(app);
  expect(checkRuns(app)).toHaveLength(1);
  expect(run).toMatchObject({ headSha: pr.headSha, status: "completed", conclusion: "success" });
  expect((run.output as Output).title).toBe(".github/tiers.yml is valid, with 1 warning");
  expect(annotations(run).map((a) => [a.start_line, a.annotation_level, a.message])).toEqual([
    [lineOf(edited, "owners: []"), "warning", "components.orphan.owners: component orphan has no owner (the policy requires a clearly identified owner)"],
  ]);
  expect(
    operations(app, "repos/check-collaborator")
      .map((r) => r.path)
      .sort(),
  ).toEqual(["/repos/bytecodealliance/wasmtime/collaborators/abrown", "/repos/bytecodealliance/wasmtime/collaborators/alexcrichton"]);
  expect(operations(app, "teams/get-by-name").map((r) => r.path)).toEqual(["/orgs/bytecodealliance/teams/wasi-nn"]);
  expect(operations(app, "git/get-tree").map((r) => r.path)).toEqual([`/repos/bytecodealliance/wasmtime/git/trees/${pr.headSha}`]); // with ?recursive=1, or the globs above would match nothing
});

test("a glob matching no file and a check name never seen on main are warnings on their lines; the check passes", async () => {
  app = await startWorld();
  const edited = REGISTRY.replace('paths: ["crates/wasi-nn/**"]', 'paths: ["crates/wasi-nn/**", "crates/wasi_nn/**"]').replace(
    'checks: ["Test wasi-nn (*)"]',
    'checks: ["Test wasi-nn (openvino, ubuntu-24.04)", "Test wasi-nn (gpu)"]',
  );
  await openEdit(app, edited);
  const [run] = checkRuns(app);
  expect(run.conclusion).toBe("success");
  expect((run.output as Output).title).toBe(".github/tiers.yml is valid, with 2 warnings");
  expect(annotations(run).map((a) => [a.start_line, a.annotation_level, a.message])).toEqual([
    [lineOf(edited, "paths:"), "warning", 'components.wasi-nn.paths[1]: "crates/wasi_nn/**" matches no file in the repository'],
    [lineOf(edited, "checks:"), "warning", 'components.wasi-nn.checks[1]: "Test wasi-nn (gpu)" matches no check seen on the default branch'],
  ]);
});

test("an owner team that does not exist fails the check; a non-collaborator is a warning; another organisation's team is not asked about", async () => {
  app = await startWorld();
  const edited = REGISTRY.replace("owners: [alexcrichton]", "owners: [alexcrichton, bytecodealliance/threads-team, stranger, other-org/people]");
  await openEdit(app, edited);
  const [run] = checkRuns(app);
  expect(run.conclusion).toBe("failure");
  expect((run.output as Output).title).toBe("1 error in .github/tiers.yml");
  expect((run.output as Output).summary).toMatch(/^tierkeeper can use this registry \(2 components\), but this edit goes against the policy/);
  const line = lineOf(edited, "bytecodealliance/threads-team");
  expect(annotations(run).map((a) => [a.start_line, a.annotation_level, a.message])).toEqual([
    [line, "failure", "components.threads.owners[1]: team bytecodealliance/threads-team does not exist: nobody would be notified"],
    [line, "warning", "components.threads.owners[2]: stranger is not a collaborator on this repository (or has no GitHub account)"],
  ]);
  expect(
    operations(app, "teams/get-by-name")
      .map((r) => r.path)
      .sort(),
  ).toEqual(["/orgs/bytecodealliance/teams/threads-team", "/orgs/bytecodealliance/teams/wasi-nn"]);
});

test("a promotion from Tier 3 to Tier 2 that misses requirements fails, on the tier line, with what is missing", async () => {
  app = await startWorld();
  const edited = REGISTRY.replace("    tier: 3\n", "    tier: 2\n");
  await openEdit(app, edited);
  const [run] = checkRuns(app);
  expect(run.conclusion).toBe("failure");
  expect(annotations(run)).toEqual([
    expect.objectContaining({
      start_line: lineOf(edited, "tier: 2"),
      annotation_level: "failure",
      message: "components.wasi-nn.tier: promotion from Tier 3 to Tier 2 is missing: complete implementation",
    }),
  ]);
  // Declared complete, the same promotion passes.
  const complete = await openEdit(app, edited.replace("    implementation: partial\n", ""));
  expect(checkRuns(app).find((r) => r.headSha === complete.headSha)).toMatchObject({ conclusion: "success", output: expect.objectContaining({ title: ".github/tiers.yml is valid" }) });
});

test("a tree GitHub truncates says nothing about globs, and the summary says so", async () => {
  app = await startWorld();
  treeEntryLimits.set(app.sim.state.mustRepo(app.repo), 2);
  await openEdit(app, REGISTRY.replace('paths: ["crates/threads/**"]', 'paths: ["nowhere/**"]'));
  const [run] = checkRuns(app);
  expect(run.conclusion).toBe("success");
  expect(annotations(run)).toEqual([]);
  expect((run.output as Output).summary).toContain("- Path globs were not compared with the repository's files: the repository has more files than GitHub lists at once.");
});

test(`at most ${OWNER_LOOKUP_LIMIT} owners are looked up; the summary says how many were not`, async () => {
  app = await startWorld();
  const many = Array.from({ length: OWNER_LOOKUP_LIMIT + 5 }, (_, i) => `user-${i}`).join(", ");
  await openEdit(app, REGISTRY.replace("owners: [alexcrichton]", `owners: [alexcrichton, ${many}]`));
  const [run] = checkRuns(app);
  expect(operations(app, "repos/check-collaborator").length + operations(app, "teams/get-by-name").length).toBe(OWNER_LOOKUP_LIMIT);
  // The owners this edit adds are asked about first.
  expect(operations(app, "repos/check-collaborator").some((r) => r.path.endsWith("/user-0"))).toBe(true);
  expect(annotations(run).filter((a) => a.message.includes("is not a collaborator"))).toHaveLength(OWNER_LOOKUP_LIMIT);
  expect((run.output as Output).summary).toContain("- 8 more owners were not checked (at most 50 lookups per check).");
});

test("a broken edit fails, with the error where the maintainer edits, and the rules in force do not change", async () => {
  app = await startSimApp();
  const edited = EXAMPLE_REGISTRY.replace(
    "  wasi-nn:\n    name: wasi-nn\n    category: WASI Proposal\n    tier: 3",
    "  wasi-nn:\n    name: wasi-nn\n    category: WASI Proposal\n    tier: 4",
  );
  expect(edited).not.toBe(EXAMPLE_REGISTRY);
  await openEdit(app, edited);
  const [run] = checkRuns(app);
  expect(run.conclusion).toBe("failure");
  const failures = annotations(run).filter((a) => a.annotation_level === "failure");
  expect(failures).toHaveLength(1);
  expect(failures[0].message).toBe("components.wasi-nn.tier: expected 1, 2 or 3, got 4");
  expect(edited.split("\n")[failures[0].start_line - 1]).toBe("    tier: 4");
  // The rules in force are still the default branch's: a wasi-nn failure on main is still Tier 3 business.
  const main = app.sim.state.mustRepo(app.repo).branches.get("main")!;
  await app.send(app.sim.completeCheckRun({ repo: app.repo, sha: main, name: "Test wasi-nn (openvino, ubuntu-24.04)", conclusion: "failure", branch: "main", completedAt: app.clock.now() }));
  expect([...app.sim.state.mustRepo(app.repo).issues.values()].some((i) => i.title === "Tier 3 component `wasi-nn` is blocking other work")).toBe(true);
});

test("more than 50 findings are sent in batches of 50", async () => {
  app = await startSimApp();
  const components = Array.from({ length: 120 }, (_, i) => `  c${i}:\n    category: misc\n    tier: 9\n    owners: [me]\n`).join("");
  await openEdit(app, `components:\n${components}`);
  const [run] = checkRuns(app);
  expect(annotations(run)).toHaveLength(120);
  const sent = app.sim.requests.filter((r) => r.template?.startsWith("/repos/{owner}/{repo}/check-runs"));
  expect(sent.map((r) => r.method)).toEqual(["POST", "PATCH", "PATCH"]);
});

describe("an outsider's hostile edit", () => {
  const HOSTILE = `${"*a".repeat(14)}*b`;
  const A300 = "a".repeat(300);

  test("the attack (globs *a*a…*b beside a file and a check named with 300 a's) gets its check, and the server keeps answering", async () => {
    app = await startWorld();
    const main = app.sim.state.pushFiles(app.sim.state.mustRepo(app.repo), "main", { [A300]: "x\n", [`crates/${A300}`]: "x\n" }).sha;
    await app.send(app.sim.completeCheckRun({ repo: app.repo, sha: main, name: A300, conclusion: "success", branch: "main", completedAt: app.clock.now() }));
    const globs = Array.from({ length: REGISTRY_LIMITS.globsPerList }, (_, i) => JSON.stringify(`${HOSTILE}${i}`)).join(", ");
    const edited = REGISTRY.replace('paths: ["crates/wasi-nn/**"]', `paths: [${globs}]`).replace('checks: ["Test wasi-nn (*)"]', `checks: [${JSON.stringify(HOSTILE)}]`);
    // Measured for the report only: tests never assert on time.
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    await openEdit(app, edited);
    delay.disable();
    process.stdout.write(`hostile registry check: max event-loop delay ${(delay.max / 1e6).toFixed(1)} ms\n`);
    const [run] = checkRuns(app);
    expect(run.conclusion).toBe("success");
    const messages = annotations(run).map((a) => a.message);
    expect(messages.filter((m) => m.includes("matches no file"))).toHaveLength(REGISTRY_LIMITS.globsPerList);
    expect(messages.filter((m) => m.includes("matches no check"))).toHaveLength(1);
  });

  test(`a tree of more than ${TREE_ENTRY_LIMIT.toLocaleString("en")} files is not compared with the globs, and the summary says so`, async () => {
    app = await startWorld();
    const files = Object.fromEntries(Array.from({ length: TREE_ENTRY_LIMIT }, (_, i) => [`generated/f${i}.rs`, ""]));
    app.sim.state.pushFiles(app.sim.state.mustRepo(app.repo), "main", files);
    await openEdit(app, REGISTRY.replace('paths: ["crates/threads/**"]', 'paths: ["nowhere/**"]'));
    const [run] = checkRuns(app);
    expect(run.conclusion).toBe("success");
    expect(annotations(run)).toEqual([]);
    expect((run.output as Output).summary).toContain(
      `- Path globs were not compared with the repository's files: the repository has ${(TREE_ENTRY_LIMIT + 3).toLocaleString("en")} files, more than the 20,000 tierkeeper compares.`,
    );
  });

  test(`a registry over ${REGISTRY_LIMITS.bytes / 1024} KB fails the check with the limit, on line 1`, async () => {
    app = await startWorld();
    await openEdit(app, `${REGISTRY}    description: "${"x".repeat(REGISTRY_LIMITS.bytes)}"\n`);
    const [run] = checkRuns(app);
    expect(run.conclusion).toBe("failure");
    expect(annotations(run).map((a) => [a.start_line, a.annotation_level, a.message])).toEqual([
      [1, "failure", "the registry is larger than 256 KB (256 KB or more): tierkeeper refuses it"],
    ]);
  });

  test("a 5 MB registry is refused on the size GitHub states, never downloaded (GitHub's JSON answer carries no content past 1 MB)", async () => {
    app = await startWorld();
    const before = app.sim.requests.length; // the default branch's registry, read before (raw, by Probot's loader)
    await openEdit(app, `${REGISTRY}    description: "${"x".repeat(5 * 1024 * 1024)}"\n`);
    const [run] = checkRuns(app);
    expect(run.conclusion).toBe("failure");
    expect(annotations(run).map((a) => a.message)).toEqual(["the registry is larger than 256 KB (5120 KB or more): tierkeeper refuses it"]);
    // The file at head was asked for as JSON (its size, no content), never as raw content.
    const reads = app.sim.requests.slice(before).filter((r) => r.operationId === "repos/get-content");
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.filter((r) => r.raw)).toEqual([]);
  });
});
