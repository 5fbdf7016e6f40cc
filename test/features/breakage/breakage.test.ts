import nock from "nock";
import { BREAKAGE_MARKER } from "../../../src/core/render/breakage-comment.js";
import { useOpenApiNockCheck } from "../../../src/sim/nock-check.js";
import { example } from "../../support/examples.js";
import { startTestApp, type TestApp } from "../../support/app.js";

/**
 * The breaking-PR feature through Probot, fed GitHub's published example payloads, with
 * GitHub faked by nock and every request checked against GitHub's OpenAPI description.
 * The examples' repository is Codertocat/Hello-World; PR #2's head is ec26c3e.
 */
const openapi = useOpenApiNockCheck(nock);
const API = "https://api.github.com";
const REPO = "/repos/Codertocat/Hello-World";
const REGISTRY = `
components:
  linter:
    category: misc
    tier: 3
    owners: [octocat, Octocoders/linters, Codertocat]
    paths: ["src/**"]
    checks: ["Octocoders-linter*"]
`;

let app: TestApp;
let posted: string[];
let edited: string[];

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
beforeEach(async () => {
  app = await startTestApp();
  posted = [];
  edited = [];
});
afterEach(async () => {
  nock.cleanAll();
  await app.close();
});

function github({ registry = REGISTRY, files = ["src/lint.rb"] }: { registry?: string | null; files?: string[] } = {}) {
  const scope = nock(API).persist();
  scope.post("/app/installations/1/access_tokens").reply(201, { token: "ghs_test", expires_at: "2099-01-01T00:00:00Z", permissions: {} });
  const contents = scope.get(/\/repos\/Codertocat\/(Hello-World|\.github)\/contents\/\.github%2Ftiers\.yml/);
  if (registry === null) contents.reply(404, { message: "Not Found" });
  else contents.reply(200, registry, { "content-type": "text/plain; charset=utf-8" });
  scope
    .get(`${REPO}/pulls/2/files`)
    .query(true)
    .reply(
      200,
      files.map((filename) => ({ filename, status: "modified" })),
    );
  scope.post(`${REPO}/issues/2/comments`).reply(201, (_uri, body: any) => {
    posted.push(body.body);
    return { id: 1000 + posted.length, body: body.body, user: { login: "tierkeeper[bot]", type: "Bot" } };
  });
  scope.patch(/\/repos\/Codertocat\/Hello-World\/issues\/comments\/\d+/).reply(200, (_uri, body: any) => {
    edited.push(body.body);
    return { id: 1001, body: body.body };
  });
  return scope;
}

const checkRun = (over: { name?: string; conclusion?: string; completedAt?: string } = {}) => {
  const payload = example("check_run", "completed");
  if (over.name) payload.check_run.name = over.name;
  if (over.conclusion) payload.check_run.conclusion = over.conclusion;
  if (over.completedAt) payload.check_run.completed_at = over.completedAt;
  return payload;
};

test("a PR whose check fails pings the component's owners once, never the author", async () => {
  github();
  await app.deliver("pull_request", example("pull_request", "opened"));
  expect(posted).toHaveLength(0); // nothing broken yet: nothing said
  await app.deliver("check_run", checkRun());
  expect(posted).toHaveLength(1);
  expect(posted[0]).toContain(BREAKAGE_MARKER);
  expect(posted[0]).toContain("@octocat, @Octocoders/linters");
  expect(posted[0]).not.toContain("@Codertocat"); // the PR's author
  expect(posted[0]).toContain("Tier 3");
  expect(openapi.recorder().checked).toBeGreaterThan(0);
});

test("the same delivery twice, and 20 failing check runs at once, still give one comment", async () => {
  github();
  await app.deliver("pull_request", example("pull_request", "opened"), "pr-delivery");
  await app.deliver("pull_request", example("pull_request", "opened"), "pr-delivery");
  expect((await app.store.deliveries.counts()).done).toBe(1);
  await Promise.all(Array.from({ length: 20 }, (_, i) => app.probot.receive({ id: `run-${i}`, name: "check_run", payload: checkRun({ name: `Octocoders-linter (${i})` }) } as never)));
  await app.tierkeeper.settle();
  await app.deliver("check_run", checkRun({ name: "Octocoders-linter (3)" }), "run-3"); // a redelivery
  expect(posted).toHaveLength(1);
  expect(posted[0].match(/@octocat/g)).toHaveLength(1);
});

test("a passing re-run at the same head clears, in place and without mentioning anyone", async () => {
  github();
  await app.deliver("pull_request", example("pull_request", "opened"));
  await app.deliver("check_run", checkRun());
  await app.deliver("check_run", checkRun({ conclusion: "success", completedAt: "2019-05-15T15:40:00Z" }));
  expect(posted).toHaveLength(1);
  expect(edited).toHaveLength(1);
  expect(edited[0]).toContain("All checks mapped to components pass");
  expect(edited[0]).not.toContain("@");
  // A late copy of the old failure changes nothing: results are ordered by completion time.
  await app.deliver("check_run", checkRun());
  expect(edited).toHaveLength(1);
});

test("a crash between posting and saving never leads to a second comment", async () => {
  const scope = github();
  scope
    .get(`${REPO}/issues/2/comments`)
    .query(true)
    .reply(200, () => [{ id: 1001, body: posted[0], user: { login: "tierkeeper[bot]", type: "Bot" } }]);
  await app.deliver("pull_request", example("pull_request", "opened"));
  const markApplied = app.store.actions.markApplied.bind(app.store.actions);
  let crashed = false;
  app.store.actions.markApplied = async (...args) => {
    if (!crashed) {
      crashed = true;
      throw new Error("process died before saving");
    }
    return markApplied(...args);
  };
  await app.deliver("check_run", checkRun());
  expect(posted).toHaveLength(1);
  app.clock.advance(60_000); // the failed action's pause (after a real crash there is none)
  await app.tierkeeper.settle(); // the restart: the intent is still pending
  expect(posted).toHaveLength(1);
  expect((await app.store.actions.pending(10, app.clock.now())).length).toBe(0);
});

test("events that concern no component cost zero GitHub requests once the registry is cached", async () => {
  github();
  await app.deliver("check_run", checkRun({ name: "unrelated job" })); // fetches the registry once
  const before = openapi.recorder().checked;
  for (let i = 0; i < 5; i++) await app.deliver("check_run", checkRun({ name: `unrelated job ${i}` }));
  await app.deliver("workflow_job", example("workflow_job", "completed"));
  expect(openapi.recorder().checked).toBe(before);
});

test("a repository without a registry stays silent and is asked only once", async () => {
  github({ registry: null });
  await app.deliver("pull_request", example("pull_request", "opened"));
  const before = openapi.recorder().checked;
  await app.deliver("check_run", checkRun());
  expect(openapi.recorder().checked).toBe(before);
  expect(posted).toHaveLength(0);
});

test("an invalid registry produces no action and a clear error", async () => {
  github({ registry: "components:\n  linter:\n    category: misc\n    tier: 4\n    owners: [octocat]\n    checks: ['Octocoders-linter']\n" });
  await app.deliver("pull_request", example("pull_request", "opened"));
  await app.deliver("check_run", checkRun());
  expect(posted).toHaveLength(0);
  const errors = await app.tierkeeper.deps!.registries.errors(186853002);
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatchObject({ file: ".github/tiers.yml", line: 4, column: 11 });
  expect(errors[0].message).toMatch(/tier/);
});

test("a push to the default branch that edits the registry invalidates the cache and reads the new file", async () => {
  github();
  await app.deliver("check_run", checkRun({ name: "unrelated" }));
  const before = await app.store.registries.get(186853002);
  expect(before).toBeDefined();
  app.clock.advance(3_600_000);
  const push = example("push");
  push.ref = "refs/heads/master";
  push.repository.default_branch = "master";
  push.commits = [{ id: "x", added: [], removed: [], modified: [".github/tiers.yml"] }];
  await app.deliver("push", push);
  const after = await app.store.registries.get(186853002);
  expect(after!.fetchedAt.getTime()).toBe(before!.fetchedAt.getTime() + 3_600_000);
});

test("malformed payloads are stored, answered and skipped without a crash", async () => {
  github();
  const payload = checkRun();
  delete payload.check_run.head_sha;
  await app.deliver("check_run", payload);
  expect(await app.store.deliveries.counts()).toMatchObject({ failed: 1 });
});

test.each([
  ["a YAML syntax error", "components:\n  linter: [unclosed\n", 3],
  ["an unknown key", "components:\n  linter:\n    category: misc\n    tier: 3\n    owners: [octocat]\n    checks: ['Octocoders-linter']\n    ownerz: [x]\n", 7],
  ["an invalid glob", "components:\n  linter:\n    category: misc\n    tier: 3\n    owners: [octocat]\n    checks: ['Octocoders-[linter']\n", 6],
])("a registry with %s produces no action and an error at its line", async (_what, registry, line) => {
  github({ registry });
  await app.deliver("pull_request", example("pull_request", "opened"));
  await app.deliver("check_run", checkRun());
  expect(posted).toHaveLength(0);
  const errors = await app.tierkeeper.deps!.registries.errors(186853002);
  expect(errors.length).toBeGreaterThan(0);
  expect(errors[0].line).toBe(line);
});

test("shadow mode: the breaking-PR comment is decided and recorded, never posted", async () => {
  github({ registry: `policy: { mode: shadow }\n${REGISTRY}` });
  await app.deliver("pull_request", example("pull_request", "opened"));
  await app.deliver("check_run", checkRun());
  expect(posted).toHaveLength(0);
  expect(edited).toHaveLength(0);
  const recorded = await app.store.actions.shadow(10);
  expect(recorded.map((a) => a.kind)).toEqual(["comment"]);
  expect(JSON.parse(recorded[0].desired).mentions.length).toBeGreaterThan(0); // who would have been pinged
});
