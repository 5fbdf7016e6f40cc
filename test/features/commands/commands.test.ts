import { MAX_COMMANDS } from "../../../src/core/commands.js";
import { FaultInjector } from "../../../src/sim/faults.js";
import { startSimApp, type SimApp } from "../../support/sim-app.js";

/**
 * `/tier` commands from outsiders through the real app and the GitHub simulator: a flood of
 * commands in one comment costs a bounded number of requests and gets one reply, and the
 * commenter's own words come back as code, never as a live mention.
 */
let app: SimApp;

afterEach(async () => {
  expect(app.sim.violations).toEqual([]);
  await app.close();
});

async function trackingIssue(a: SimApp): Promise<number> {
  const main = a.sim.state.mustRepo(a.repo).branches.get("main")!;
  await a.send(a.sim.completeCheckRun({ repo: a.repo, sha: main, name: "Test wasi-nn (openvino, ubuntu-24.04)", conclusion: "failure", branch: "main", completedAt: a.clock.now() }));
  return [...a.sim.state.mustRepo(a.repo).issues.values()].find((i) => i.title.startsWith("Tier 3 component"))!.number;
}

const permissionLookups = (a: SimApp) => a.sim.requests.filter((r) => r.method === "GET" && /\/collaborators\/[^/]+\/permission$/.test(r.path));

test("501 /tier lines from a user without write access cost one permission lookup and get one reply; a second comment is answered from the cache", async () => {
  app = await startSimApp();
  app.sim.addCollaborator(app.repo, "reader", "read");
  const issue = await trackingIssue(app);
  const before = app.sim.requests.length;
  const flood = Array.from({ length: 501 }, (_, i) => `/tier freeze wasi-nn reason ${i}`).join("\n");
  await app.send(app.sim.addComment({ repo: app.repo, issueNumber: issue, user: "reader", body: flood }));

  // Before: 501 lookups (503 requests in all). Now: one, for the ten commands acted on.
  expect(permissionLookups(app)).toHaveLength(1);
  const replies = app.sim.comments(app.repo, issue).filter((c) => c.user !== "reader" && c.body.startsWith("@reader"));
  expect(replies).toHaveLength(1);
  const lines = replies[0].body.split("\n").filter((l) => l.startsWith("- "));
  expect(lines).toHaveLength(MAX_COMMANDS + 1);
  expect(lines.slice(0, MAX_COMMANDS).every((l) => l.includes("not done: only users with write access can freeze"))).toBe(true);
  expect(lines[MAX_COMMANDS]).toBe(`- 491 more \`/tier\` commands were ignored: tierkeeper acts on at most ${MAX_COMMANDS} per comment.`);
  expect(app.sim.requests.length - before).toBeLessThanOrEqual(3); // was 1,003 (501 lookups, 501 replies)

  // Within the cache's minutes, another comment asks GitHub nothing more about the permission.
  app.clock.advance(60_000);
  await app.send(app.sim.addComment({ repo: app.repo, issueNumber: issue, user: "reader", body: "/tier unfreeze wasi-nn" }));
  expect(permissionLookups(app)).toHaveLength(1);
  expect(app.sim.comments(app.repo, issue).at(-1)!.body).toMatch(/^@reader not done: only users with write access can unfreeze/);

  // Past it, GitHub is asked again: access granted meanwhile counts.
  app.sim.addCollaborator(app.repo, "reader", "write");
  app.clock.advance(5 * 60_000);
  await app.send(app.sim.addComment({ repo: app.repo, issueNumber: issue, user: "reader", body: "/tier freeze wasi-nn release week" }));
  expect(permissionLookups(app)).toHaveLength(2);
  expect(app.sim.comments(app.repo, issue).at(-1)!.body).toContain("is frozen");
}, 60_000);

test("the commenter's own words come back as code: /tier x`@victim` mentions nobody", async () => {
  app = await startSimApp();
  const issue = await trackingIssue(app);
  await app.send(app.sim.addComment({ repo: app.repo, issueNumber: issue, user: "someone", body: "/tier x`@victim`\n/tier status `@victim`" }));
  const reply = app.sim.comments(app.repo, issue).at(-1)!;
  expect(reply.user).not.toBe("someone");
  expect(reply.body).toContain("unknown command `` /tier x`@victim` ``");
  expect(app.sim.state.notifications.filter((n) => n.to === "victim")).toEqual([]);
  expect(app.sim.state.notifications.filter((n) => n.commentId === reply.id).map((n) => n.to)).toEqual(["someone"]);
}, 60_000);

/** GitHub fails only the permission lookups. */
class PermissionOutage extends FaultInjector {
  constructor() {
    super({ rate: 1, secondaryShare: 0 });
  }
  override before(method: string, path: string, operationId: string) {
    return operationId === "repos/get-collaborator-permission-level" ? super.before(method, path, operationId) : undefined;
  }
}

test("a permission GitHub cannot confirm refuses the command (fail closed) and is not cached: the next command asks again", async () => {
  app = await startSimApp();
  app.sim.addCollaborator(app.repo, "maintainer", "write");
  const issue = await trackingIssue(app);
  const outage = new PermissionOutage();
  app.sim.faults = outage;
  await app.send(app.sim.addComment({ repo: app.repo, issueNumber: issue, user: "maintainer", body: "/tier freeze wasi-nn release week" }));
  expect(outage.injected.length).toBeGreaterThan(0);
  expect(app.sim.comments(app.repo, issue).at(-1)!.body).toMatch(/^@maintainer not done: only users with write access can freeze a component \(@maintainer has no access\)/);

  outage.enabled = false;
  await app.send(app.sim.addComment({ repo: app.repo, issueNumber: issue, user: "maintainer", body: "/tier freeze wasi-nn release week" }));
  expect(app.sim.comments(app.repo, issue).at(-1)!.body).toContain("is frozen");
}, 60_000);
