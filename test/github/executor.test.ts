import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { pino } from "pino";
import { ProbotOctokit } from "probot";
import { parseRegistry } from "../../src/core/registry.js";
import { Executor, SHADOW } from "../../src/github/executor.js";
import { hiddenMarker } from "../../src/intents/index.js";
import { startSimulator, type Simulator } from "../../src/sim/index.js";
import { workflowStates } from "../../src/sim/routes.js";
import { openStore } from "../../src/store/open.js";
import type { SqlStore } from "../../src/store/sql-store.js";

/**
 * The executor against the GitHub simulator, with a real SQLite store and Probot's Octokit
 * authenticated as the installation: every request is checked against GitHub's OpenAPI description.
 */
const REGISTRY = readFileSync(fileURLToPath(new URL("../../examples/wasmtime/tiers.yml", import.meta.url)), "utf8");
const OWNER = "bytecodealliance";
const NAME = "wasmtime";
const REPO = `${OWNER}/${NAME}`;

let sim: Simulator;
let installationId: number;
let dir: string;
let store: SqlStore;
let logs: { level: number; msg: string; [k: string]: unknown }[];

beforeEach(async () => {
  sim = await startSimulator();
  sim.createRepo({ owner: OWNER, name: NAME, files: { ".github/tiers.yml": REGISTRY, ".github/workflows/wasi-nn.yml": "name: wasi-nn\n", "README.md": "# wasmtime\n" } });
  installationId = sim.installApp(OWNER);
  dir = mkdtempSync(join(tmpdir(), "tierkeeper-executor-"));
  store = await openStore(join(dir, "t.db"));
  logs = [];
  octokits.clear();
});

afterEach(async () => {
  expect(sim.violations).toEqual([]);
  await store.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Probot's Octokit authenticated as the installation, minus the throttling that spaces writes a
 * second apart; one per installation, as Probot caches them, so the token is asked for once.
 */
const octokits = new Map<number, InstanceType<typeof ProbotOctokit>>();
async function github(id: number) {
  if (!octokits.has(id)) {
    const auth = { appId: sim.appId, privateKey: sim.privateKeyPem, installationId: id };
    octokits.set(id, new ProbotOctokit({ baseUrl: sim.apiUrl, auth, throttle: { enabled: false }, retry: { enabled: false } }));
  }
  return octokits.get(id)!;
}

function executor(holder = "one", on = store): Executor {
  const log = pino({ level: "debug" }, { write: (line: string) => void logs.push(JSON.parse(line)) });
  // retryMs 0: a failed action is retried at the next drain, as after a restart.
  return new Executor({ store: on, log, now: () => new Date(), github, holder, retryMs: 0 });
}

const base = { owner: OWNER, repo: NAME };
let clock = Date.parse("2026-11-30T00:00:00Z");

function save(key: string, kind: string, target: object, desired: object, shadow = false, on = store) {
  // Distinct times keep actions.pending's order (updated_at) the order of the calls.
  return on.actions.saveIntent({ key, kind, target: JSON.stringify(target), desired: JSON.stringify(desired), installationId, now: new Date(clock++), shadow });
}

const issueTarget = (key: string) => ({ ...base, marker: hiddenMarker(key) });
const issue = (over: object = {}) => ({ title: "wasi-nn is failing in CI", body: "The owners are asked to respond.", labels: ["tierkeeper", "tier-3"], state: "open", ...over });
const repo = () => sim.state.mustRepo(REPO);
const issues = () => [...repo().issues.values()].filter((i) => !i.pull);
const pulls = () => [...repo().issues.values()].filter((i) => i.pull);
/** The operations sent since `from` (an index into sim.requests). */
const ops = (from: number) => sim.requests.slice(from).map((r) => `${r.operationId} ${r.status}`);

/** Makes the store's markApplied fail once, as if the process died after GitHub accepted the request. */
function crashOnceAtMarkApplied(on = store) {
  const markApplied = on.actions.markApplied.bind(on.actions);
  let crashed = false;
  on.actions.markApplied = async (...args) => {
    if (!crashed) {
      crashed = true;
      throw new Error("process died before saving");
    }
    return markApplied(...args);
  };
}

describe("issue", () => {
  test("is created once with its labels, then edited in place with only what changed", async () => {
    const ex = executor();
    await save("t:tracking", "issue", issueTarget("t:tracking"), issue());
    await ex.drain();
    expect(ops(0)).toEqual(["apps/create-installation-access-token 201", "issues/create-label 201", "issues/create-label 201", "issues/create 201"]);
    expect(issues()).toHaveLength(1);
    const [created] = issues();
    expect(created).toMatchObject({ title: "wasi-nn is failing in CI", user: "tierkeeper[bot]", labels: ["tierkeeper", "tier-3"], state: "open" });
    expect(created.body).toBe(`The owners are asked to respond.\n\n${hiddenMarker("t:tracking")}`);
    const action = await store.actions.get("t:tracking");
    expect(action).toMatchObject({ githubId: String(created.number), appliedVersion: 1 });
    expect(JSON.parse(action!.applied!)).toEqual({ ...issue(), body: created.body });

    // Nothing new: nothing sent.
    let mark = sim.requests.length;
    await save("t:tracking", "issue", issueTarget("t:tracking"), issue());
    await ex.drain();
    expect(ops(mark)).toEqual([]);

    // A new title and one more label: one PATCH with the title, the label created and added.
    mark = sim.requests.length;
    await save("t:tracking", "issue", issueTarget("t:tracking"), issue({ title: "wasi-nn: disabled in CI", labels: ["tierkeeper", "tier-3", "ci-disabled"] }));
    await ex.drain();
    expect(ops(mark)).toEqual(["issues/update 200", "issues/create-label 201", "issues/add-labels 200"]);
    expect(issues()).toHaveLength(1);
    expect(created).toMatchObject({ title: "wasi-nn: disabled in CI", labels: ["tierkeeper", "tier-3", "ci-disabled"], body: created.body });

    // Closing.
    mark = sim.requests.length;
    await save("t:tracking", "issue", issueTarget("t:tracking"), issue({ title: "wasi-nn: disabled in CI", labels: ["tierkeeper", "tier-3", "ci-disabled"], state: "closed" }));
    await ex.drain();
    expect(ops(mark)).toEqual(["issues/update 200"]);
    expect(created.state).toBe("closed");
    expect(await store.actions.pending(10)).toEqual([]);
  });

  test("existing labels are tolerated (422 already_exists)", async () => {
    sim.state.ensureLabel(repo(), "tierkeeper");
    await save("t:tracking", "issue", issueTarget("t:tracking"), issue());
    await executor().drain();
    expect(ops(0)).toContain("issues/create-label 422");
    expect(issues()).toHaveLength(1);
    expect(await store.actions.pending(10)).toEqual([]);
  });

  test("a crash after the create and before it was recorded: the next drain finds the issue by its marker", async () => {
    const ex = executor();
    // Someone else's issue with the same label, and a human quoting the marker, are not ours.
    sim.openIssue({ repo: REPO, user: "alice", title: "unrelated", body: `copy of ${hiddenMarker("t:tracking")}`, labels: ["tierkeeper"] });
    crashOnceAtMarkApplied();
    await save("t:tracking", "issue", issueTarget("t:tracking"), issue());
    await ex.drain();
    expect(issues()).toHaveLength(2);
    expect((await store.actions.get("t:tracking"))?.githubId).toBe("creating");
    expect(logs.filter((l) => l.level === 40).map((l) => l.msg)).toEqual(["action failed; it stays pending and is retried later"]);

    const mark = sim.requests.length;
    await ex.drain(); // the restart: the intent is still pending
    expect(ops(mark)).toEqual(["issues/list-for-repo 200"]); // found, and already as desired
    expect(issues()).toHaveLength(2);
    const mine = issues().find((i) => i.user === "tierkeeper[bot]")!;
    expect((await store.actions.get("t:tracking"))?.githubId).toBe(String(mine.number));
    expect(await store.actions.pending(10)).toEqual([]);
  });

  test("a deleted issue is opened again", async () => {
    const ex = executor();
    await save("t:tracking", "issue", issueTarget("t:tracking"), issue());
    await ex.drain();
    repo().issues.delete(issues()[0].number);
    await save("t:tracking", "issue", issueTarget("t:tracking"), issue({ title: "again" }));
    await ex.drain();
    expect(issues().map((i) => i.title)).toEqual(["again"]);
  });

  test("two executors draining at once, on two connections to the database, create each issue exactly once", async () => {
    const other = await openStore(join(dir, "t.db"));
    try {
      for (let i = 0; i < 10; i++) await save(`t:${i}`, "issue", issueTarget(`t:${i}`), issue({ title: `issue ${i}` }));
      await Promise.all([executor("one").drain(), executor("two", other).drain(), executor("three").drain()]);
      expect(
        issues()
          .map((i) => i.title)
          .sort(),
      ).toEqual(Array.from({ length: 10 }, (_, i) => `issue ${i}`).sort());
      expect(await store.actions.pending(20)).toEqual([]);
      expect(ops(0).filter((o) => o.startsWith("issues/create "))).toHaveLength(10);
    } finally {
      await other.close();
    }
  });
  test("a lease held by the server stands for an executor deciding at a later --now (a sweep's clock is not the leases')", async () => {
    await save("t:0", "issue", issueTarget("t:0"), issue());
    // The server (wall clock) holds the action, as while it creates the issue.
    expect(await store.actions.lease("t:0", "server", new Date(), 60_000)).toBe(true);
    const log = pino({ level: "silent" });
    const weekLater = new Executor({ store, log, now: () => new Date(Date.now() + 7 * 24 * 3600_000), github, holder: "sweep-cli", retryMs: 0 });
    await weekLater.drain();
    expect(issues()).toHaveLength(0); // before: the lease looked expired a week later, and both created it
    await store.actions.release("t:0", "server");
    await weekLater.drain();
    expect(issues()).toHaveLength(1);
  });
});

describe("comment on an issue named by its action key", () => {
  test("waits, quietly, until the issue exists; then is posted once", async () => {
    const ex = executor();
    const comment = { ...base, issueKey: "t:tracking", marker: hiddenMarker("t:note") };
    await save("t:note", "comment", comment, { body: `Disabled in CI.\n${hiddenMarker("t:note")}` });
    await ex.drain();
    expect(sim.requests).toHaveLength(0);
    expect((await store.actions.pending(10)).map((a) => a.key)).toEqual(["t:note"]);
    expect(logs.filter((l) => l.level >= 40)).toEqual([]);
    expect(logs.find((l) => l.level === 20)).toMatchObject({ action: "t:note", issueKey: "t:tracking", msg: "waiting for the issue to exist" });

    // The comment is older than the issue, so it is tried first in the pass; it still lands in the same drain.
    await save("t:tracking", "issue", issueTarget("t:tracking"), issue());
    await ex.drain();
    const [tracking] = issues();
    expect(sim.comments(REPO, tracking.number).map((c) => [c.user, c.body])).toEqual([["tierkeeper[bot]", `Disabled in CI.\n${hiddenMarker("t:note")}`]]);
    expect(await store.actions.pending(10)).toEqual([]);

    await ex.drain();
    expect(sim.comments(REPO, tracking.number)).toHaveLength(1);
  });
});

describe("file-pr", () => {
  const target = (over: object = {}) => ({
    ...base,
    marker: hiddenMarker("t:disable"),
    baseBranch: "main",
    branch: "tierkeeper/disable-wasi-nn-1",
    path: ".github/tiers.yml",
    issueKey: "t:tracking",
    ...over,
  });
  const NOTE = "disabled by tierkeeper on 2026-11-30 (UTC): https://github.com/bytecodealliance/wasmtime/issues/1";
  const desired = (over: object = {}) => ({
    title: "Disable wasi-nn in CI",
    body: "wasi-nn has been failing for a week without a response from its owners.",
    edit: { op: "set-ci", component: "wasi-nn", value: "disabled", note: NOTE },
    state: "open",
    ...over,
  });
  const branchFile = () => sim.state.resolveRef(repo(), "tierkeeper/disable-wasi-nn-1")?.files.get(".github/tiers.yml");

  async function opened(ex: Executor) {
    await save("t:tracking", "issue", issueTarget("t:tracking"), issue());
    await save("t:disable", "file-pr", target(), desired());
    await ex.drain();
    expect(pulls()).toHaveLength(1);
    return pulls()[0];
  }

  test("creates the branch, one commit and the pull request once; a re-drain sends nothing", async () => {
    const ex = executor();
    const pr = await opened(ex);
    expect(ops(0).filter((o) => !o.startsWith("issues/"))).toEqual([
      "apps/create-installation-access-token 201",
      "git/get-ref 200", // main
      "repos/get-content 200",
      "git/get-ref 404", // the branch
      "git/create-ref 201",
      "repos/create-or-update-file-contents 200",
      "pulls/create 201",
    ]);
    expect(pr).toMatchObject({ title: "Disable wasi-nn in CI", user: "tierkeeper[bot]", state: "open" });
    expect(pr.body).toContain(hiddenMarker("t:disable"));
    expect(pr.pull).toMatchObject({ headRef: "tierkeeper/disable-wasi-nn-1", baseRef: "main", files: [{ filename: ".github/tiers.yml", status: "modified" }] });
    expect((await store.actions.get("t:disable"))?.githubId).toBe(String(pr.number));

    const text = branchFile()!;
    const parsed = parseRegistry(text);
    if (!parsed.ok) throw new Error("the edited registry does not parse");
    expect(parsed.registry.components.find((c) => c.id === "wasi-nn")?.facts.ci).toBe("disabled");
    expect(text).toContain(`    ci: disabled # ${NOTE}\n`);
    expect(text.split("\n").length).toBe(REGISTRY.split("\n").length + 1);
    const commit = repo().commits.get(repo().branches.get("tierkeeper/disable-wasi-nn-1")!)!;
    expect(commit.message).toContain("wasi-nn");
    expect(commit.message).toContain(`Tracking issue: #${issues()[0].number}`);
    expect(repo().commits.get(repo().branches.get("main")!)!.files.get(".github/tiers.yml")).toBe(REGISTRY); // main untouched

    const mark = sim.requests.length;
    await ex.drain();
    await save("t:disable", "file-pr", target(), desired());
    await ex.drain();
    expect(ops(mark)).toEqual([]);
  });

  test("a crash after the pull request was created: found again by its branch, no second commit, no second PR", async () => {
    const ex = executor();
    await save("t:tracking", "issue", issueTarget("t:tracking"), issue());
    await ex.drain();
    crashOnceAtMarkApplied();
    await save("t:disable", "file-pr", target(), desired());
    await ex.drain();
    expect(pulls()).toHaveLength(1);
    const head = repo().branches.get("tierkeeper/disable-wasi-nn-1");

    const mark = sim.requests.length;
    await ex.drain();
    expect(ops(mark)).toEqual(["pulls/list 200", "git/get-ref 200", "repos/get-content 200", "git/get-ref 200", "repos/get-content 200"]);
    expect(pulls()).toHaveLength(1);
    expect(repo().branches.get("tierkeeper/disable-wasi-nn-1")).toBe(head);
    expect((await store.actions.get("t:disable"))?.githubId).toBe(String(pulls()[0].number));
    expect(await store.actions.pending(10)).toEqual([]);
  });

  test("a new title is one PATCH; closing closes the pull request without touching the branch", async () => {
    const ex = executor();
    const pr = await opened(ex);
    let mark = sim.requests.length;
    await save("t:disable", "file-pr", target(), desired({ title: "Disable wasi-nn in CI (Tier 3)" }));
    await ex.drain();
    expect(ops(mark)).toEqual(["pulls/update 200"]);
    expect(pr.title).toBe("Disable wasi-nn in CI (Tier 3)");

    mark = sim.requests.length;
    await save("t:disable", "file-pr", target(), desired({ title: "Disable wasi-nn in CI (Tier 3)", state: "closed" }));
    await ex.drain();
    expect(ops(mark)).toEqual(["pulls/update 200"]);
    expect(pr.state).toBe("closed");
    expect(await store.actions.pending(10)).toEqual([]);
  });

  test("waits for the tracking issue; nothing to propose when the base branch already has the edit", async () => {
    const ex = executor();
    await save("t:disable", "file-pr", target(), desired());
    await ex.drain();
    expect(sim.requests).toHaveLength(0);

    sim.pushCommit({ repo: REPO, branch: "main", files: { ".github/tiers.yml": REGISTRY.replace("    ci-coverage: limited", "    ci: disabled\n    ci-coverage: limited") } });
    await save("t:tracking", "issue", issueTarget("t:tracking"), issue());
    await ex.drain();
    expect(pulls()).toHaveLength(0);
    expect(repo().branches.has("tierkeeper/disable-wasi-nn-1")).toBe(false);
    expect(await store.actions.pending(10)).toEqual([]);
  });

  test("an unknown component fails the action, which stays pending", async () => {
    const ex = executor();
    await save("t:disable", "file-pr", target({ issueKey: undefined }), desired({ edit: { op: "set-ci", component: "wasi-nope", value: "disabled" } }));
    await ex.drain();
    expect(pulls()).toHaveLength(0);
    expect((await store.actions.pending(10)).map((a) => a.key)).toEqual(["t:disable"]);
    expect(logs.find((l) => l.level === 40)).toMatchObject({ action: "t:disable", err: { message: 'component "wasi-nope" is not in the registry' } });
  });
});

describe("failures", () => {
  test("actions that keep failing are paused and never hold up the ones behind them", async () => {
    const ex = new Executor({ store, log: pino({ level: "silent" }), now: () => new Date(), github, holder: "one", retryMs: 60_000 });
    for (let i = 0; i < 60; i++) {
      // A workflow the repository does not have: GitHub answers 404, every time.
      await save(`t:broken-${i}`, "workflow-disable", { ...base, workflow: `missing-${i}.yml` }, { enabled: false });
    }
    await save("t:fine", "issue", issueTarget("t:fine"), issue());
    await ex.drain();
    expect(issues().map((i) => i.title)).toEqual(["wasi-nn is failing in CI"]);
    // Paused: not pending for the next minute, pending again after it.
    expect(await store.actions.pending(100)).toEqual([]);
    expect(await store.actions.pending(100, new Date(Date.now() + 61_000))).toHaveLength(60);
  });
});

describe("workflow-disable", () => {
  test("disables and enables the workflow, each once", async () => {
    const ex = executor();
    const target = { ...base, workflow: "wasi-nn.yml" };
    await save("t:workflow", "workflow-disable", target, { enabled: false });
    await ex.drain();
    expect(workflowStates.get(repo())?.get("wasi-nn.yml")).toBe("disabled_manually");
    expect(ops(0)).toEqual(["apps/create-installation-access-token 201", "actions/disable-workflow 204"]);

    const mark = sim.requests.length;
    await save("t:workflow", "workflow-disable", target, { enabled: true });
    await ex.drain();
    expect(ops(mark)).toEqual(["actions/enable-workflow 204"]);
    expect(workflowStates.get(repo())?.get("wasi-nn.yml")).toBe("active");
  });
});

describe("shadow mode", () => {
  test("sends nothing; a later enforce intent for the same key is applied for real", async () => {
    const ex = executor();
    const comment = { ...base, issueKey: "t:tracking", marker: hiddenMarker("t:note") };
    await save("t:tracking", "issue", issueTarget("t:tracking"), issue(), true);
    await save("t:note", "comment", comment, { body: "note" }, true);
    await save(
      "t:disable",
      "file-pr",
      { ...base, marker: hiddenMarker("t:disable"), baseBranch: "main", branch: "tierkeeper/disable-wasi-nn-1", path: ".github/tiers.yml" },
      {
        title: "Disable wasi-nn",
        body: "",
        edit: { op: "set-ci", component: "wasi-nn", value: "disabled" },
        state: "open",
      },
      true,
    );
    await save("t:workflow", "workflow-disable", { ...base, workflow: "wasi-nn.yml" }, { enabled: false }, true);
    await ex.drain();
    expect(sim.requests.length).toBe(0);
    expect(await store.actions.pending(10)).toEqual([]);
    for (const key of ["t:tracking", "t:note", "t:disable", "t:workflow"]) expect((await store.actions.get(key))?.githubId).toBe(SHADOW);
    expect(logs.filter((l) => l.shadow).map((l) => [l.level, l.action, l.msg])).toEqual(["t:tracking", "t:note", "t:disable", "t:workflow"].map((key) => [30, key, "shadow mode: not sent"]));

    // The repository switches to enforce: the same desired states, sent for real.
    await save("t:tracking", "issue", issueTarget("t:tracking"), issue());
    await save("t:note", "comment", comment, { body: "note" });
    await save("t:workflow", "workflow-disable", { ...base, workflow: "wasi-nn.yml" }, { enabled: false });
    await ex.drain();
    expect(ops(0)).not.toContain("issues/list-for-repo 200"); // "shadow" means nothing was created: no search
    expect(issues()).toHaveLength(1);
    expect(sim.comments(REPO, issues()[0].number).map((c) => c.body)).toEqual(["note"]);
    expect(workflowStates.get(repo())?.get("wasi-nn.yml")).toBe("disabled_manually");
    expect((await store.actions.get("t:tracking"))?.githubId).toBe(String(issues()[0].number));
  });

  test("back to shadow after enforcing keeps what exists; enforcing again sends only the difference", async () => {
    const ex = executor();
    await save("t:tracking", "issue", issueTarget("t:tracking"), issue());
    await ex.drain();
    const number = String(issues()[0].number);
    let mark = sim.requests.length;
    await save("t:tracking", "issue", issueTarget("t:tracking"), issue({ title: "shadowed title" }), true);
    await ex.drain();
    expect(ops(mark)).toEqual([]);
    expect((await store.actions.get("t:tracking"))?.githubId).toBe(number);

    mark = sim.requests.length;
    await save("t:tracking", "issue", issueTarget("t:tracking"), issue({ title: "shadowed title" }));
    await ex.drain();
    expect(ops(mark)).toEqual(["issues/update 200"]);
    expect(issues().map((i) => i.title)).toEqual(["shadowed title"]);
  });
});

describe("fairness", () => {
  test("500 pending actions of installation A, then one of B: B's is applied in the first batch, right after A's oldest", async () => {
    // Shadow actions: applied (recorded) without a request, so only the executor's order shows.
    for (let i = 0; i < 500; i++) await save(`flood:${String(i).padStart(3, "0")}`, "issue", issueTarget(`flood:${i}`), issue(), true);
    await store.actions.saveIntent({
      key: "quiet",
      kind: "issue",
      target: JSON.stringify(issueTarget("quiet")),
      desired: JSON.stringify(issue()),
      installationId: installationId + 1,
      now: new Date(clock++),
      shadow: true,
    });
    await executor().drain();
    const applied = logs.filter((l) => l.msg === "shadow mode: not sent").map((l) => l.action);
    expect(applied).toHaveLength(501);
    expect(applied.slice(0, 3)).toEqual(["flood:000", "quiet", "flood:001"]);
  });
});
