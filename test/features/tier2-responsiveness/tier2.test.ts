import { reportCommand } from "../../../src/cli/report.js";
import { freshPostgres } from "../../support/postgres.js";
import { startSimApp, type SimApp } from "../../support/sim-app.js";

/**
 * Tier 2 responsiveness and the change rules through the real app and the GitHub simulator,
 * with a driven clock: requests from pings, review requests and team mentions; replies by
 * comment, review, reaction (seen only through the API) and by a team member; reminders,
 * escalation, away time, figures, the demotion proposal, alarms, and the RFC check.
 */
const DAY = 24 * 3600 * 1000;
const REGISTRY = `
policy:
  maintainers: [wasmtime-lead]
  major-change: { lines: 100 }
  demotion-breaches: 2
components:
  x86_64:
    category: Target
    tier: 1
    owners: [bytecodealliance/cranelift-core]
    paths: ["cranelift/codegen/src/isa/x64/**"]
    checks: ["Test Linux x86_64 (*)"]
  aarch64:
    category: Target
    tier: 2
    owners: [bytecodealliance/cranelift-core, akirilov-arm]
    paths: ["cranelift/codegen/src/isa/aarch64/**"]
    checks: ["Test Linux arm64 (*)"]
  s390x:
    category: Target
    tier: 2
    owners: [uweigand]
    backup: [cfallin]
    escalation: [cfallin]
    paths: ["cranelift/codegen/src/isa/s390x/**"]
    checks: ["Test Linux s390x (*)"]
  wasi-nn:
    category: WASI Proposal
    tier: 3
    owners: [abrown]
    paths: ["crates/wasi-nn/**"]
    checks: ["Test wasi-nn (*)"]
`;

let app: SimApp;
const cleanups: (() => Promise<void>)[] = [];

beforeEach(async () => {
  app = await startSimApp({ registry: REGISTRY });
  app.sim.addTeam("bytecodealliance", "cranelift-core", ["cfallin", "fitzgen"]);
  for (const login of ["uweigand", "akirilov-arm", "cfallin", "fitzgen", "abrown"]) app.sim.addCollaborator(app.repo, login, "write");
});

afterEach(async () => {
  expect(app.sim.violations).toEqual([]);
  await app.close();
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const requests = async (a: SimApp) => (await a.store.requests.since(undefined, new Date(0))).map((r) => r.state);
const bodies = (a: SimApp, n: number) => a.sim.comments(a.repo, n).map((c) => c.body);
const reminders = (a: SimApp, n: number) => bodies(a, n).filter((b) => b.includes("reminder from tierkeeper"));
const notified = (a: SimApp, n: number, to: string) => a.sim.state.notifications.filter((x) => x.issueNumber === n && x.to === to).length;

async function sweepAfter(a: SimApp, days: number) {
  a.clock.advance(days * DAY);
  return a.tierkeeper.sweep();
}

/** A PR by `author` changing `file`, whose `check` fails at its head while it passes on main. */
async function breakingPr(a: SimApp, file: string, check: string, author = "contributor") {
  const main = a.sim.state.mustRepo(a.repo).branches.get("main")!;
  await a.send(a.sim.completeCheckRun({ repo: a.repo, sha: main, name: check, conclusion: "success", branch: "main", completedAt: a.clock.now() }));
  const pr = a.sim.openPullRequest({ repo: a.repo, author, files: [file] });
  await a.send(pr);
  await a.send(a.sim.completeCheckRun({ repo: a.repo, sha: pr.headSha, name: check, conclusion: "failure", completedAt: a.clock.now() }));
  return pr;
}

test.each([
  ["SQLite", async () => ({ url: undefined, drop: async () => {} })],
  ["PostgreSQL", freshPostgres],
] as const)("on %s: a ping is a request; no reply in a week gives one reminder, a second week the escalation; then figures and the demotion proposal", async (_db, database) => {
  const db = await database();
  cleanups.push(db.drop);
  if (db.url) {
    await app.close();
    app = await startSimApp({ registry: REGISTRY, databaseUrl: db.url });
    for (const login of ["uweigand", "cfallin"]) app.sim.addCollaborator(app.repo, login, "write");
  }
  const pr = await breakingPr(app, "cranelift/codegen/src/isa/s390x/inst.rs", "Test Linux s390x (1/8)");
  expect(bodies(app, pr.number)[0]).toContain("@uweigand");
  expect(await requests(app)).toMatchObject([{ component: "s390x", thread: pr.number, requestee: "uweigand", source: "ping", status: "open", dueAt: "2026-11-30T12:00:00.000Z" }]);

  // Someone else's comment is not the maintainer's reply.
  await app.send(app.sim.addComment({ repo: app.repo, issueNumber: pr.number, user: "contributor", body: "any news?" }));
  expect((await sweepAfter(app, 6)).tier2).toEqual([]);
  const first = await sweepAfter(app, 1);
  expect(first.tier2).toMatchObject([{ component: "s390x", requestee: "uweigand", what: "breach 1: reminder" }]);
  expect(reminders(app, pr.number)).toHaveLength(1);
  expect(reminders(app, pr.number)[0]).toContain("@uweigand: a reminder from tierkeeper. On 2026-11-23 (UTC) you, as an owner of the Tier 2 component `s390x`");
  expect(reminders(app, pr.number)[0]).not.toContain("@cfallin");
  expect(notified(app, pr.number, "uweigand")).toBe(2);

  // A repeated sweep adds nothing.
  const writes = app.writes().length;
  expect((await app.tierkeeper.sweep()).tier2).toEqual([]);
  expect(app.writes().length).toBe(writes);

  const second = await sweepAfter(app, 7);
  expect(second.tier2).toMatchObject([{ what: "breach 2: reminder and escalation" }]);
  expect(reminders(app, pr.number)).toHaveLength(2);
  expect(reminders(app, pr.number)[1]).toContain("cc @cfallin: the escalation contacts for `s390x`");
  expect(notified(app, pr.number, "cfallin")).toBe(1);
  expect((await sweepAfter(app, 30)).tier2).toEqual([]); // nothing more is scheduled

  // Two breaches reach this registry's threshold: one demotion proposal.
  const proposals = [...app.sim.state.mustRepo(app.repo).issues.values()].filter((i) => i.title.startsWith("Proposal: move `s390x`"));
  expect(proposals).toHaveLength(1);
  expect(proposals[0].body).toContain("has missed the reply window 2 times in the last 90 days (the threshold is 2)");
  expect(proposals[0].labels).toEqual(expect.arrayContaining(["tierkeeper", "tier-2", "demotion-proposal"]));

  // A late reply still counts in the figures.
  await app.send(app.sim.addComment({ repo: app.repo, issueNumber: pr.number, user: "uweigand", body: "sorry, on it" }));
  let out = "";
  const io = { stdout: (s: string) => (out += s), stderr: (s: string) => (out += s), cwd: process.cwd() };
  expect(await reportCommand(["--repo", app.repo, "--format", "markdown", "--now", app.clock.now().toISOString()], io as never, { DATABASE_URL: app.databaseUrl })).toBe(0);
  expect(out).toContain("| s390x | 1 | 1 | 0 | 44 d | 44 d | 2 |");
  expect(out).toContain("| uweigand | 1 | 1 | 0 | 44 d | 44 d | 2 |");
});

test("a reply in time: a comment by the maintainer closes the request, and no reminder comes", async () => {
  const pr = await breakingPr(app, "cranelift/codegen/src/isa/s390x/inst.rs", "Test Linux s390x (1/8)");
  app.clock.advance(2 * DAY);
  await app.send(app.sim.addComment({ repo: app.repo, issueNumber: pr.number, user: "uweigand", body: "looking" }));
  expect(await requests(app)).toMatchObject([{ status: "replied", reply: { by: "uweigand", via: `comment on #${pr.number}` } }]);
  await sweepAfter(app, 10);
  expect(reminders(app, pr.number)).toEqual([]);
});

test("a reply seen only through the API (a reaction on the ping) is found before a breach is declared", async () => {
  const pr = await breakingPr(app, "cranelift/codegen/src/isa/s390x/inst.rs", "Test Linux s390x (1/8)");
  const ping = app.sim.comments(app.repo, pr.number)[0];
  app.clock.advance(DAY);
  app.sim.addReaction({ repo: app.repo, user: "uweigand", content: "eyes", commentId: ping.id });
  const report = await sweepAfter(app, 6);
  expect(report.tier2).toMatchObject([{ what: `replied (reaction on #${pr.number}, found on GitHub)` }]);
  expect(reminders(app, pr.number)).toEqual([]);
  expect(await requests(app)).toMatchObject([{ status: "replied", breaches: [] }]);
});

test("a review request to an owner team is answered by any member's review; a withdrawn one is cancelled", async () => {
  const pr = app.sim.openPullRequest({ repo: app.repo, author: "contributor", files: ["cranelift/codegen/src/isa/aarch64/lower.rs"] });
  await app.send(pr);
  await app.send(app.sim.requestReview({ repo: app.repo, number: pr.number, sender: "contributor", team: "cranelift-core" }));
  await app.send(app.sim.requestReview({ repo: app.repo, number: pr.number, sender: "contributor", reviewer: "akirilov-arm" }));
  expect((await requests(app)).map((r) => [r.requestee, r.source, r.team])).toEqual([
    ["akirilov-arm", "review-request", false],
    ["bytecodealliance/cranelift-core", "review-request", true],
  ]);
  app.clock.advance(DAY);
  // fitzgen is a member of the team, not a listed owner: his review answers the team's request only.
  await app.send(app.sim.submitReview({ repo: app.repo, number: pr.number, user: "fitzgen", state: "APPROVED" }));
  await app.send(app.sim.requestReview({ repo: app.repo, number: pr.number, sender: "contributor", reviewer: "akirilov-arm", removed: true }));
  expect((await requests(app)).map((r) => [r.requestee, r.status, r.reply?.via ?? r.cancelledReason])).toEqual([
    ["akirilov-arm", "cancelled", "the review request was withdrawn by @contributor"],
    ["bytecodealliance/cranelift-core", "replied", `review on #${pr.number}`],
  ]);
  expect((await sweepAfter(app, 8)).tier2).toEqual([]);
  // Asked again after the withdrawal: a new request, with a new week.
  await app.send(app.sim.requestReview({ repo: app.repo, number: pr.number, sender: "contributor", reviewer: "akirilov-arm" }));
  expect((await requests(app)).filter((r) => r.status === "open").map((r) => [r.requestee, r.requestedAt])).toEqual([["akirilov-arm", app.clock.now().toISOString()]]);
});

test("mentioning an owner team is a request to it, unless a member writes it; bots never count", async () => {
  const issue = app.sim.openIssue({ repo: app.repo, user: "contributor", title: "aarch64 miscompile" });
  await app.send(issue);
  await app.send(app.sim.addComment({ repo: app.repo, issueNumber: issue.issue.number, user: "cfallin", body: "cc @bytecodealliance/cranelift-core" }));
  expect(await requests(app)).toEqual([]);
  app.clock.advance(3_600_000);
  await app.send(app.sim.addComment({ repo: app.repo, issueNumber: issue.issue.number, user: "contributor", body: "@bytecodealliance/cranelift-core could you look?" }));
  expect(await requests(app)).toMatchObject([{ component: "aarch64", requestee: "bytecodealliance/cranelift-core", source: "team-mention", isPull: false }]);
  const report = await sweepAfter(app, 7);
  expect(report.tier2).toMatchObject([{ what: "breach 1: reminder" }]);
  expect(reminders(app, issue.issue.number)[0]).toContain(
    "@bytecodealliance/cranelift-core: a reminder from tierkeeper. On 2026-11-23 (UTC) the @bytecodealliance/cranelift-core team, as owners",
  );
});

test("/tier away routes new requests to the backup and stops the owner's clock; /tier back ends it", async () => {
  const early = await breakingPr(app, "cranelift/codegen/src/isa/s390x/inst.rs", "Test Linux s390x (1/8)");
  app.clock.advance(2 * DAY);
  await app.send(app.sim.addComment({ repo: app.repo, issueNumber: early.number, user: "uweigand", body: "/tier away until 2026-12-04" }));
  expect(bodies(app, early.number).at(-1)).toContain(
    "@uweigand you are away until 2026-12-04 (UTC): your reply clocks stop meanwhile, and new requests go to the other owners (`s390x` → `cfallin`).",
  );
  // Somebody else cannot say they are away for an owner: only owners may use it.
  await app.send(app.sim.addComment({ repo: app.repo, issueNumber: early.number, user: "contributor", body: "/tier away until 2026-12-04" }));
  expect(bodies(app, early.number).at(-1)).toContain("not done: only component owners can use /tier away (@contributor owns no component in the registry)");

  // A new breakage while away asks the backup instead.
  const later = await breakingPr(app, "cranelift/codegen/src/isa/s390x/abi.rs", "Test Linux s390x (1/8)", "someone");
  expect(bodies(app, later.number)[0]).toContain("`uweigand` (away), @cfallin (backup)");
  expect(notified(app, later.number, "uweigand")).toBe(0);
  expect((await requests(app)).map((r) => [r.thread, r.requestee])).toEqual([
    [early.number, "uweigand"],
    [later.number, "cfallin"],
  ]);

  // The early request's week would end on day 7, but 2026-11-25..12-04 does not count: two days
  // were used before, five remain after the away time.
  expect((await requests(app))[0].dueAt).toBe("2026-12-09T23:59:59.999Z");
  expect((await sweepAfter(app, 5)).tier2).toEqual([]);
  expect(reminders(app, early.number)).toEqual([]);
  await app.send(app.sim.addComment({ repo: app.repo, issueNumber: early.number, user: "uweigand", body: "/tier back" }));
  expect(bodies(app, early.number).at(-1)).toContain("welcome back");
  // Back on day 7: two of the seven days were used before leaving, so the week ends on day 12.
  expect((await sweepAfter(app, 4.9)).tier2.filter((s) => s.thread === early.number)).toEqual([]);
  expect((await sweepAfter(app, 0.2)).tier2.filter((s) => s.thread === early.number)).toMatchObject([{ what: "breach 1: reminder" }]);
  expect(reminders(app, early.number)).toHaveLength(1);
});

test("the RFC check: a major change to a Tier 1 component fails without an accepted RFC, passes with one or with the override label", async () => {
  app.sim.createRepo({ owner: "bytecodealliance", name: "rfcs", files: { "README.md": "RFCs\n" } });
  const rfc = app.sim.openPullRequest({ repo: "bytecodealliance/rfcs", author: "cfallin", files: ["accepted/x64-isel.md"] });
  const big = { filename: "cranelift/codegen/src/isa/x64/lower.rs", status: "modified" as const, additions: 180, deletions: 20 };
  const pr = app.sim.openPullRequest({ repo: app.repo, author: "contributor", files: [big], body: "A new instruction selector" });
  await app.send(pr);
  const check = () => [...app.sim.state.mustRepo(app.repo).checkRuns.values()].filter((c) => c.name === "tierkeeper/rfc");
  expect(check()).toMatchObject([{ headSha: pr.headSha, conclusion: "failure", output: { title: "A major change to Tier 1 needs an accepted RFC" } }]);
  expect(check()[0].output.summary).toContain("`x86_64` (Target): changes 200 lines in its paths (major from 100)");

  // Linking an RFC that is not merged yet keeps it failing; once merged, it passes.
  const link = `https://github.com/bytecodealliance/rfcs/pull/${rfc.number}`;
  await app.send(app.sim.editPullRequestBody({ repo: app.repo, number: pr.number, sender: "contributor", body: `Implements ${link}` }));
  expect(check()).toHaveLength(1);
  expect(check()[0]).toMatchObject({ conclusion: "failure" });
  expect(check()[0].output.summary).toContain(`- <${link}>: open, not merged yet`);
  app.sim.closePullRequest("bytecodealliance/rfcs", rfc.number, { merged: true });
  await app.send(app.sim.editPullRequestBody({ repo: app.repo, number: pr.number, sender: "contributor", body: `Implements ${link}.` }));
  expect(check()).toMatchObject([{ conclusion: "success", output: { title: `Accepted RFC linked: ${link}` } }]);

  // Another PR, without a link: a maintainer's label lifts the requirement.
  const other = app.sim.openPullRequest({ repo: app.repo, author: "contributor", files: [{ ...big, filename: "cranelift/codegen/src/isa/x64/emit.rs" }] });
  await app.send(other);
  await app.send(app.sim.labelPullRequest({ repo: app.repo, number: other.number, label: "rfc-not-needed", sender: "cfallin" }));
  const checks = check().filter((c) => c.headSha === other.headSha);
  expect(checks).toMatchObject([{ conclusion: "success", output: { title: "RFC requirement lifted by a maintainer" } }]);

  // A small change to x86_64 gets no check at all.
  const small = app.sim.openPullRequest({ repo: app.repo, author: "contributor", files: ["cranelift/codegen/src/isa/x64/abi.rs"] });
  await app.send(small);
  expect(check().filter((c) => c.headSha === small.headSha)).toEqual([]);
});

test("an RFC merged in the contributor's own rfcs repository does not pass tierkeeper/rfc: only the policy's RFC repositories count", async () => {
  // The attack: the default link pattern accepted any owner's `rfcs` repository.
  app.sim.createRepo({ owner: "contributor", name: "rfcs", files: { "README.md": "mine\n" } });
  const own = app.sim.openPullRequest({ repo: "contributor/rfcs", author: "contributor", files: ["accepted/anything.md"] });
  app.sim.closePullRequest("contributor/rfcs", own.number, { merged: true });
  const link = `https://github.com/contributor/rfcs/pull/${own.number}`;
  const big = { filename: "cranelift/codegen/src/isa/x64/lower.rs", status: "modified" as const, additions: 180, deletions: 20 };
  const pr = app.sim.openPullRequest({ repo: app.repo, author: "contributor", files: [big], body: `Implements ${link}` });
  await app.send(pr);
  const [check] = [...app.sim.state.mustRepo(app.repo).checkRuns.values()].filter((c) => c.name === "tierkeeper/rfc");
  expect(check).toMatchObject({ conclusion: "failure", output: { title: "A major change to Tier 1 needs an accepted RFC" } });
  expect(check.output.summary).toContain(`It links no RFC.\n\nIgnored, as not in the policy's RFC repositories (\`bytecodealliance/rfcs\`):\n- <${link}>`);
  // Nothing was asked about the contributor's repository.
  expect(app.sim.requests.filter((r) => r.path.includes("/repos/contributor/rfcs"))).toEqual([]);
});

test("a public repository's RFC check never describes a private RFC repository's thread", async () => {
  app.sim.createRepo({ owner: "bytecodealliance", name: "rfcs", files: { "README.md": "RFCs\n" }, private: true });
  const rfc = app.sim.openPullRequest({ repo: "bytecodealliance/rfcs", author: "cfallin", files: ["accepted/secret-plan.md"], title: "Secret plan" });
  app.sim.closePullRequest("bytecodealliance/rfcs", rfc.number, { merged: true });
  const link = `https://github.com/bytecodealliance/rfcs/pull/${rfc.number}`;
  const big = { filename: "cranelift/codegen/src/isa/x64/lower.rs", status: "modified" as const, additions: 180, deletions: 20 };
  const pr = app.sim.openPullRequest({ repo: app.repo, author: "contributor", files: [big], body: `Implements ${link}` });
  await app.send(pr);
  const [check] = [...app.sim.state.mustRepo(app.repo).checkRuns.values()].filter((c) => c.name === "tierkeeper/rfc");
  expect(check.conclusion).toBe("failure");
  expect(check.output.summary).toContain(`- <${link}>: not accepted or unreadable`);
  expect(check.output.summary).not.toMatch(/>: merged|Secret plan/);
  // Its state was not even asked.
  expect(app.sim.requests.filter((r) => r.path.startsWith(`/repos/bytecodealliance/rfcs/pulls`))).toEqual([]);
});

test("a major change to a Tier 2 component asks its owners for a review once, and records the request", async () => {
  const pr = app.sim.openPullRequest({ repo: app.repo, author: "contributor", files: ["cranelift/codegen/src/isa/s390x/lower.rs"] });
  await app.send(pr);
  await app.send(app.sim.labelPullRequest({ repo: app.repo, number: pr.number, label: "major-change", sender: "cfallin" }));
  await app.send(app.sim.labelPullRequest({ repo: app.repo, number: pr.number, label: "needs-tests", sender: "cfallin" }));
  const asks = app.sim.requests.filter((r) => r.method === "POST" && r.path.endsWith(`/pulls/${pr.number}/requested_reviewers`));
  expect(asks).toHaveLength(1);
  expect(app.sim.state.mustRepo(app.repo).issues.get(pr.number)!.pull!.requestedReviewers).toEqual(["uweigand"]);
  expect(await requests(app)).toMatchObject([{ component: "s390x", requestee: "uweigand", source: "major-change" }]);
});

test("alarms: a Tier 1 component disabled in CI at once, a Tier 2 one after its limit; enabling closes the alarm", async () => {
  const disabled = REGISTRY.replace('checks: ["Test Linux x86_64 (*)"]', 'checks: ["Test Linux x86_64 (*)"]\n    ci: disabled').replace(
    'checks: ["Test Linux s390x (*)"]',
    'checks: ["Test Linux s390x (*)"]\n    ci: disabled',
  );
  await app.send(app.sim.pushCommit({ repo: app.repo, branch: "main", files: { ".github/tiers.yml": disabled } }));
  const alarms = () => [...app.sim.state.mustRepo(app.repo).issues.values()].filter((i) => i.labels.includes("tier-alarm"));
  await app.tierkeeper.sweep();
  expect(alarms().map((i) => [i.title, i.state])).toEqual([["Tier 1 component `x86_64` is disabled in CI", "open"]]);
  expect(alarms()[0].body).toContain("@wasmtime-lead");
  await sweepAfter(app, 13);
  expect(alarms()).toHaveLength(1);
  await sweepAfter(app, 1);
  expect(alarms().map((i) => i.title)).toEqual(["Tier 1 component `x86_64` is disabled in CI", "Tier 2 component `s390x` is disabled in CI"]);
  expect(alarms()[1].body).toContain("longer than the 2 weeks the registry allows");
  await app.tierkeeper.sweep();
  expect(alarms()).toHaveLength(2);

  await app.send(app.sim.pushCommit({ repo: app.repo, branch: "main", files: { ".github/tiers.yml": REGISTRY } }));
  expect(alarms().map((i) => i.state)).toEqual(["closed", "closed"]);
  expect(alarms()[0].body).toContain("It is enabled in CI again: this alarm is over.");
});

test("two replicas sweeping at once at the deadline post one reminder", async () => {
  const pr = await breakingPr(app, "cranelift/codegen/src/isa/s390x/inst.rs", "Test Linux s390x (1/8)");
  const twin = await app.twin();
  app.clock.advance(7 * DAY);
  await Promise.all([app.tierkeeper.sweep(), twin.sweep(), app.tierkeeper.sweep()]);
  await twin.settle();
  expect(reminders(app, pr.number)).toHaveLength(1);
  expect(await requests(app)).toMatchObject([{ breaches: ["2026-11-30T12:00:00.000Z"] }]);
});

test("the optional monthly report issue: once per month, with the figures as of the month's first day", async () => {
  await app.send(app.sim.pushCommit({ repo: app.repo, branch: "main", files: { ".github/tiers.yml": REGISTRY.replace("policy:\n", "policy:\n  report-issue: monthly\n") } }));
  const pr = await breakingPr(app, "cranelift/codegen/src/isa/s390x/inst.rs", "Test Linux s390x (1/8)");
  app.clock.advance(DAY);
  await app.send(app.sim.addComment({ repo: app.repo, issueNumber: pr.number, user: "uweigand", body: "on it" }));
  const reports = () => [...app.sim.state.mustRepo(app.repo).issues.values()].filter((i) => i.labels.includes("report"));
  await app.tierkeeper.sweep();
  expect(reports()).toEqual([]); // as of 2026-11-01 there was nothing to report
  await sweepAfter(app, 8); // 2026-12-02
  expect(reports().map((i) => i.title)).toEqual(["Tier 2 reply figures, 2026-12"]);
  expect(reports()[0].body).toContain("| s390x | 1 | 1 | 0 | 24 h | 24 h | 0 |");
  await sweepAfter(app, 1);
  expect(reports()).toHaveLength(1);
});

test("with no rules in force (the registry removed), nothing is sent and the request is looked at again a day later", async () => {
  const pr = await breakingPr(app, "cranelift/codegen/src/isa/s390x/inst.rs", "Test Linux s390x (1/8)");
  await app.send(app.sim.pushCommit({ repo: app.repo, branch: "main", files: { ".github/tiers.yml": null } }));
  const report = await sweepAfter(app, 7);
  expect(report.tier2).toEqual([]);
  expect(reminders(app, pr.number)).toEqual([]);
  expect(await requests(app)).toMatchObject([{ status: "open", breaches: [], dueAt: "2026-12-01T12:00:00.000Z" }]);
});
