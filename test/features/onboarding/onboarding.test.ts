import { guessComponents, starterRegistry } from "../../../src/core/onboarding.js";
import { factFromEvent } from "../../../src/core/facts.js";
import { parseRegistry } from "../../../src/core/registry.js";
import { allExamples } from "../../support/examples.js";
import { startSimApp, type SimApp } from "../../support/sim-app.js";

/**
 * Onboarding: a repository without a registry gets one pull request proposing a starter
 * `.github/tiers.yml`, guessed from its folders and check names; once per repository.
 */
let app: SimApp | undefined;

afterEach(async () => {
  if (!app) return;
  expect(app.sim.violations).toEqual([]);
  await app.close();
  app = undefined;
});

/** The published `installation.created` example, for this simulator's installation and these repositories. */
function installed(a: SimApp, repos: string[], event: "installation" | "installation_repositories" = "installation") {
  const [payload] = allExamples(event);
  const id = a.sim.state.installationFor(`${repos[0]}`)!.id;
  const list = repos.map((full) => {
    const r = a.sim.state.mustRepo(full);
    return { id: r.id, node_id: "R", name: r.name, full_name: r.fullName, private: r.private };
  });
  return {
    name: event,
    payload: {
      ...payload,
      action: event === "installation" ? "created" : "added",
      installation: { ...payload.installation, id, account: { ...payload.installation.account, login: "bytecodealliance" } },
      ...(event === "installation" ? { repositories: list } : { repositories_added: list, repositories_removed: [] }),
    },
  };
}

async function startOnboarding(): Promise<SimApp> {
  app = await startSimApp();
  return app;
}

const onboardingPulls = (a: SimApp, repo: string) => [...a.sim.state.mustRepo(repo).issues.values()].filter((i) => i.pull && i.title.startsWith("Add a support-tier registry"));

test("the published installation payloads become facts", () => {
  for (const name of ["installation", "installation_repositories"]) {
    for (const payload of allExamples(name)) {
      const fact = factFromEvent(name, payload);
      expect(["installed", "installation", "ignored"]).toContain(fact.kind);
      if (fact.kind === "installed") expect(fact.repos.length).toBeGreaterThan(0);
    }
  }
});

test("the starter registry is valid as written, one Tier 3 guess per folder, checks matched by name", () => {
  const input = { folders: ["crates", "cranelift", "docs", ".github", "fuzz"], checkNames: ["Test cranelift (x86_64)", "fuzz targets", "rustfmt", "Test [crates]*"] };
  expect(guessComponents(input)).toEqual({
    components: [
      { id: "cranelift", folder: "cranelift", checks: ["Test cranelift (x86_64)"] },
      { id: "crates", folder: "crates", checks: ["Test [crates]*"] },
      { id: "fuzz", folder: "fuzz", checks: ["fuzz targets"] },
    ],
    unmatchedChecks: ["rustfmt"],
  });
  const text = starterRegistry(input);
  const parsed = parseRegistry(text);
  expect(parsed.ok).toBe(true);
  if (!parsed.ok) return;
  expect(parsed.registry.policy.mode).toBe("shadow");
  expect(parsed.registry.components.map((c) => [c.id, c.tier, c.paths, c.checks])).toEqual([
    ["cranelift", 3, ["cranelift/**"], ["Test cranelift (x86_64)"]],
    ["crates", 3, ["crates/**"], ["Test \\[crates]\\*"]],
    ["fuzz", 3, ["fuzz/**"], ["fuzz targets"]],
  ]);
  expect(text).toContain("# guessed from the folder cranelift/: review");
  expect(text).toContain("#   rustfmt");
  expect(parseRegistry(starterRegistry({ folders: [], checkNames: [] })).ok).toBe(true);
});

test("the starter registry stays valid within the registry's limits, whatever the folder and check names", () => {
  const folders = ["we(ird)", "a[b]{c,d}|e", "x".repeat(300), ...Array.from({ length: 40 }, (_, i) => `f${i}`)];
  const checkNames = [...Array.from({ length: 80 }, (_, i) => `test f1 #${i}`), `f2 ${"y".repeat(300)}`, "f3 *?[\\"];
  const parsed = parseRegistry(starterRegistry({ folders, checkNames }));
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join("\n"));
  const byId = new Map(parsed.registry.components.map((c) => [c.id, c]));
  expect(byId.get("we-ird-")?.paths).toEqual(["we\\(ird\\)/**"]);
  expect(byId.get("f1")?.checks.length).toBeGreaterThan(0);
  expect(byId.get("f2")?.checks).toEqual([]);
  const globs = parsed.registry.components.reduce((n, c) => n + c.paths.length + c.checks.length, 0);
  expect(globs).toBeLessThanOrEqual(500);
});

test("installed on a repository without a registry: one onboarding pull request, never again", async () => {
  const app = await startOnboarding();
  const repo = "bytecodealliance/wasm-tools";
  app.sim.createRepo({ owner: "bytecodealliance", name: "wasm-tools", files: { "crates/wasmparser/src/lib.rs": "//\n", "src/main.rs": "//\n", "docs/index.md": "#\n" } });
  await app.send(installed(app, [repo, app.repo]));
  const [pr] = onboardingPulls(app, repo);
  expect(onboardingPulls(app, repo)).toHaveLength(1);
  // The repository with a registry gets nothing.
  expect(onboardingPulls(app, app.repo)).toEqual([]);
  expect(pr.body).toContain("It **guessed** 2 components from the top-level folders (`crates/`, `src/`)");
  const proposed = app.sim.state.mustRepo(repo).commits.get(pr.pull!.headSha)!.files.get(".github/tiers.yml")!;
  const parsed = parseRegistry(proposed);
  expect(parsed.ok && parsed.registry.components.map((c) => c.id)).toEqual(["crates", "src"]);

  // Closed by a maintainer; the app is installed again and the repositories re-added: nothing more.
  app.sim.closePullRequest(repo, pr.number, { sender: "cfallin" });
  await app.send(installed(app, [repo]));
  await app.send(installed(app, [repo], "installation_repositories"));
  expect(onboardingPulls(app, repo)).toHaveLength(1);
  expect(onboardingPulls(app, repo)[0].state).toBe("closed");
});

test("an organisation that turned onboarding off gets nothing", async () => {
  const app = await startOnboarding();
  app.sim.createRepo({ owner: "bytecodealliance", name: ".github", files: { ".github/tierkeeper.yml": "onboarding: false\n" } });
  app.sim.createRepo({ owner: "bytecodealliance", name: "wasm-tools", files: { "src/main.rs": "//\n" } });
  await app.send(installed(app, ["bytecodealliance/wasm-tools"]));
  expect(onboardingPulls(app, "bytecodealliance/wasm-tools")).toEqual([]);
});
