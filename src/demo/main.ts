import { randomUUID } from "node:crypto";
import type { WebhookEvent } from "../sim/index.js";
import { parseRegistry } from "../core/registry.js";
import { renderStatusMarkdown, statusRows } from "../core/render/status-tables.js";
import { EXAMPLE_REGISTRY, runCli, startStage, type Stage } from "./stage.js";

/**
 * `npm run demo`: offline, no credentials. Starts the real server against the GitHub simulator
 * with the Wasmtime registry, plays a scripted story and prints, as a timeline, each event and
 * each action tierkeeper took, with the resulting comment texts.
 */

const t0 = performance.now();
const clock = () => `+${((performance.now() - t0) / 1000).toFixed(2)}s`.padStart(7);
/**
 * The story's clock: it starts on a fixed Monday morning and runs at the wall clock's pace, so the
 * story (and what the status page shows after it) is the same whatever day the demo runs.
 */
const STORY_START = Date.parse("2026-11-02T09:00:00Z");
const storyNow = () => new Date(STORY_START + (performance.now() - t0));
/** Wasmtime's CI job that runs tests/all (threads, the component model, ...) on Linux x86_64. */
const THREADS_SHARD = "Test Linux x86_64 (wasmtime-cli-all)";
const indent = (text: string, prefix = "      │ ") =>
  text
    .trimEnd()
    .split("\n")
    .map((l) => prefix + l)
    .join("\n");

async function main() {
  console.log("tierkeeper demo: the real server, a simulated GitHub, the registry of examples/wasmtime/tiers.yml\n");
  // The story's clock, moved forward for the merge below (the sweeps take `--now`).
  let simulatedDays = 0;
  // GitHub and tierkeeper share it, as they share the real time.
  const worldNow = () => new Date(storyNow().getTime() + simulatedDays * 24 * 3600_000);
  const stage = await startStage({ now: worldNow, sim: { now: worldNow } });
  const { sim, repo } = stage;
  let seenRequests = 0;
  let seenNotifications = 0;

  /** Delivers an event over HTTP (signed), waits for tierkeeper to finish, prints what it did. */
  async function send(label: string, event: WebhookEvent, id: string = randomUUID()) {
    const result = await sim.deliver(event.name, event.payload, { id });
    console.log(`${clock()}  → ${label}  [${event.name}, HTTP ${result.status} in ${result.ms} ms]`);
    await stage.settle();
    report();
  }

  function report() {
    const requests = sim.requests.slice(seenRequests);
    seenRequests = sim.requests.length;
    for (const r of requests.filter((r) => r.method !== "GET" && !r.path.includes("access_tokens"))) {
      console.log(`${clock()}    ← tierkeeper: ${r.method} ${r.path} (${r.status})`);
      const text = resultingText(stage, r.method, r.path);
      if (text) console.log(indent(text));
    }
    const notes = sim.state.notifications.slice(seenNotifications);
    seenNotifications = sim.state.notifications.length;
    if (notes.length) console.log(`${clock()}    ✉ notified: ${notes.map((n) => `@${n.to}`).join(", ")}`);
  }

  const at = (minutes: number) => new Date(storyNow().getTime() + minutes * 60_000);
  const main = sim.state.mustRepo(repo).branches.get("main")!;

  console.log("— The default branch's CI: everything passes except s390x, which is already broken there.");
  for (const [name, conclusion] of [
    ["Test Linux x86_64 (1/8)", "success"],
    ["Test wasi-nn (openvino, ubuntu-24.04)", "success"],
    ["Test Linux arm64 (1/8)", "success"],
    ["Test Linux s390x (1/8)", "failure"],
  ]) {
    await send(`main: "${name}" ${conclusion}`, sim.completeCheckRun({ repo, sha: main, name, conclusion, branch: "main", completedAt: at(-60) }));
  }

  console.log("\n— PR 1 breaks a Tier 3 proposal (wasi-nn): its owners are pinged once, with the date it would be disabled in CI.");
  const pr1 = sim.openPullRequest({ repo, author: "contributor-1", files: ["crates/wasi-nn/src/backend.rs"], title: "Refactor wasi-nn backends" });
  await send(`PR #${pr1.number} opened by contributor-1`, pr1);
  await send(
    `PR #${pr1.number}: "Test Linux x86_64 (1/8)" success`,
    sim.completeCheckRun({ repo, sha: pr1.headSha, name: "Test Linux x86_64 (1/8)", conclusion: "success", completedAt: at(1) }),
  );
  const failing = sim.completeCheckRun({ repo, sha: pr1.headSha, name: "Test wasi-nn (openvino, ubuntu-24.04)", conclusion: "failure", completedAt: at(2) });
  await send(`PR #${pr1.number}: "Test wasi-nn (openvino, ubuntu-24.04)" failure`, failing, "delivery-wasi-nn-failure");
  await send(`PR #${pr1.number}: the same delivery again (a redelivery)`, failing, "delivery-wasi-nn-failure");

  console.log("\n— PR 2 breaks a Tier 2 target (aarch64), reported by a workflow job.");
  const pr2 = sim.openPullRequest({ repo, author: "contributor-2", files: ["cranelift/codegen/src/isa/aarch64/lower.isle"], title: "Rework aarch64 lowering" });
  await send(`PR #${pr2.number} opened by contributor-2`, pr2);
  await send(
    `PR #${pr2.number}: job "Test Linux arm64 (1/8)" failure`,
    sim.completeWorkflowJob({ repo, sha: pr2.headSha, name: "Test Linux arm64 (1/8)", conclusion: "failure", completedAt: at(3) }),
  );
  console.log("  Tier 2 owners reply within a week: the ping is a request to each owner. @akirilov-arm answers; the cranelift-core team does not (see the sweeps below).");
  await send(
    `@akirilov-arm answers on PR #${pr2.number}`,
    sim.addComment({ repo, issueNumber: pr2.number, user: "akirilov-arm", body: "Looking: the new lowering misses the extended-register case." }),
  );

  console.log("\n— PR 3 hits a flaky Tier 1 failure; the re-run at the same head passes and the comment clears.");
  const pr3 = sim.openPullRequest({ repo, author: "contributor-3", files: ["crates/wasmtime/src/config.rs"], title: "Tweak config docs" });
  await send(`PR #${pr3.number} opened by contributor-3`, pr3);
  await send(
    `PR #${pr3.number}: "Test Linux x86_64 (1/8)" failure`,
    sim.completeCheckRun({ repo, sha: pr3.headSha, name: "Test Linux x86_64 (1/8)", conclusion: "failure", completedAt: at(4) }),
  );
  await send(
    `PR #${pr3.number}: re-run "Test Linux x86_64 (1/8)" success`,
    sim.completeCheckRun({ repo, sha: pr3.headSha, name: "Test Linux x86_64 (1/8)", conclusion: "success", completedAt: at(6) }),
  );

  console.log("\n— PR 4 fails s390x, which already fails on main: reported as such, nobody blamed, nobody pinged.");
  const pr4 = sim.openPullRequest({ repo, author: "contributor-4", files: ["cranelift/codegen/src/isa/s390x/inst.isle"], title: "s390x cleanup" });
  await send(`PR #${pr4.number} opened by contributor-4`, pr4);
  await send(
    `PR #${pr4.number}: status "Test Linux s390x (1/8)" failure`,
    sim.commitStatus({ repo, sha: pr4.headSha, context: "Test Linux s390x (1/8)", state: "failure", updatedAt: at(7) }),
  );

  console.log("\n— Noise: a check no component owns, and a forged webhook.");
  await send(`PR #${pr1.number}: "Rustfmt" failure (no component)`, sim.completeCheckRun({ repo, sha: pr1.headSha, name: "Rustfmt", conclusion: "failure", completedAt: at(8) }));
  const forged = await sim.deliver("check_run", failing.payload, { secret: "not-the-secret" });
  console.log(`${clock()}  → a webhook signed with the wrong secret  [HTTP ${forged.status}]`);

  console.log("\n— PR 5 passes its pull request's share of CI and enters the merge queue, where the full CI runs, as in Wasmtime.");
  console.log("  macOS (Tier 1) fails there: GitHub ejects the PR from the queue, and the PR's one comment says where it broke.");
  const pr5 = sim.openPullRequest({ repo, author: "contributor-5", files: ["crates/wasmtime/src/engine.rs"], title: "Speed up engine creation" });
  await send(`PR #${pr5.number} opened by contributor-5`, pr5);
  await send(
    `PR #${pr5.number}: "Test Linux x86_64 (1/8)" success`,
    sim.completeCheckRun({ repo, sha: pr5.headSha, name: "Test Linux x86_64 (1/8)", conclusion: "success", completedAt: at(8) }),
  );
  const group = sim.enqueuePullRequest(repo, pr5.number);
  await send(`PR #${pr5.number} added to the merge queue (commit ${group.headSha.slice(0, 7)} on gh-readonly-queue/main/pr-${pr5.number}-…)`, group);
  await send(
    `merge queue: "Test macOS x86_64 (2/8)" failure`,
    sim.completeCheckRun({ repo, sha: group.headSha, name: "Test macOS x86_64 (2/8)", conclusion: "failure", completedAt: at(9) }),
  );
  await send(`merge queue: PR #${pr5.number} ejected (merge_group destroyed, dequeued): nothing more to say`, sim.destroyMergeGroup(repo, group.branch, "dequeued"));

  console.log("\n— Tier 3 timelines. The default branch starts failing in wasi-nn and in the tests/all shard (threads, component-model); time is simulated:");
  console.log("  (the same sweeps also hold Tier 2 maintainers to their week: a reminder for the request nobody answered).");
  console.log("  each sweep below is `tierkeeper sweep --now <date>`, the CLI, run with the server's environment.");
  const tip = () => sim.state.mustRepo(repo).branches.get("main")!;
  await send(
    `main: "Test wasi-nn (openvino, ubuntu-24.04)" failure`,
    sim.completeCheckRun({ repo, sha: tip(), name: "Test wasi-nn (openvino, ubuntu-24.04)", conclusion: "failure", branch: "main", completedAt: at(10) }),
  );
  // Threads has no job of its own: its tests run in the tests/all shard, with the component model's.
  await send(`main: "${THREADS_SHARD}" failure`, sim.completeCheckRun({ repo, sha: tip(), name: THREADS_SHARD, conclusion: "failure", branch: "main", completedAt: at(11) }));
  const threadsIssue = [...sim.state.mustRepo(repo).issues.values()].find((i) => i.title.includes("`threads`"))!;
  await send(
    `@abrown, owner of threads, answers on #${threadsIssue.number}`,
    sim.addComment({ repo, issueNumber: threadsIssue.number, user: "abrown", body: "On it: the fix is in review." }),
  );
  await send(`main: "${THREADS_SHARD}" success (fixed)`, sim.completeCheckRun({ repo, sha: tip(), name: THREADS_SHARD, conclusion: "success", branch: "main", completedAt: at(60) }));

  async function sweepAt(label: string, days: number) {
    const now = new Date(storyNow().getTime() + days * 24 * 3600_000);
    const { output } = await stage.sweep(now);
    console.log(`${clock()}  ⏱ ${label}: tierkeeper sweep --now ${now.toISOString()}`);
    console.log(indent(output, "      $ "));
    await stage.settle();
    report();
  }
  await sweepAt("a week later", 7.1);
  await sweepAt("the same sweep again", 7.1);

  console.log("\n— wasi-nn counts as disabled only once the disabling PR is merged. Two days later a maintainer merges it;");
  console.log("  the removal window (a month) starts then.");
  const disablePr = [...sim.state.mustRepo(repo).issues.values()].find((i) => i.pull && i.title === "Disable Tier 3 component wasi-nn in CI")!;
  simulatedDays = 9.1;
  const merge = sim.mergePullRequest(repo, disablePr.number, { sender: "cfallin" });
  // GitHub sends both at once, in no set order.
  await send(`@cfallin merges PR #${disablePr.number}`, merge.closed);
  await send(`main: the merge commit (the registry now says \`ci: disabled\` for wasi-nn)`, merge.push);
  await sweepAt("a month after the merge", 9.1 + 31.1);
  const proposal = [...sim.state.mustRepo(repo).issues.values()].find((i) => i.title === "Proposal: remove Tier 3 component wasi-nn");
  if (proposal) console.log(`\n  The removal proposal, #${proposal.number} ${proposal.title}:\n${indent((proposal.body ?? "").split("\n").slice(0, 8).join("\n"), "      ┃ ")}`);

  const comments = [pr1, pr2, pr3, pr4].map((pr) => sim.comments(repo, pr.number).length);
  const writes = sim.requests.filter((r) => r.method !== "GET" && !r.path.includes("access_tokens")).length;
  const issues = [...sim.state.mustRepo(repo).issues.values()].filter((i) => i.user !== "contributor-1" && !i.user.startsWith("contributor"));
  console.log(
    `\nSummary: ${comments.reduce((a, b) => a + b, 0)} comments on 4 PRs (${comments.join(", ")}); ` +
      `${issues.length} issues and PRs opened by tierkeeper (${issues.map((i) => `#${i.number} ${i.state}`).join(", ")}); ${writes} writes to GitHub, ` +
      `${sim.state.notifications.length} mention notifications, ${sim.violations.length} requests outside GitHub's REST description.`,
  );
  const later = new Date(storyNow().getTime() + 40.2 * 24 * 3600_000);
  const figures = await runCli(stage.env, ["report", "--repo", repo, "--now", later.toISOString()]);
  console.log(`\nTier 2 reply figures (\`tierkeeper report --now ${later.toISOString()}\`):\n`);
  console.log(indent(figures.output, "  "));
  console.log("\nThe Current Tier Status of the registry, its last column computed from the declared facts (`tierkeeper status`):\n");
  const parsed = parseRegistry(EXAMPLE_REGISTRY);
  if (parsed.ok) console.log(indent(renderStatusMarkdown(statusRows(parsed.registry)), "  "));
  console.log(`\nThe same tables, the open timelines and the last actions on the status page: ${stage.appUrl}/status/${repo}`);
  if (process.argv.includes("--serve")) {
    console.log("The server keeps running (--serve): open the page; Ctrl-C stops it.");
    await new Promise((stop) => ["SIGINT", "SIGTERM"].forEach((signal) => process.once(signal, stop)));
  } else {
    console.log("(`npm run demo -- --serve` keeps the server running to open it.)");
  }
  await stage.close();
}

/** The text a write left on GitHub: a comment's body, an issue's or PR's title and body. */
function resultingText(stage: Stage, method: string, path: string): string | undefined {
  const repo = stage.sim.state.mustRepo(stage.repo);
  const commentId = /issues\/comments\/(\d+)$/.exec(path)?.[1];
  if (commentId) return repo.comments.get(Number(commentId))?.body;
  const onIssue = /issues\/(\d+)\/comments$/.exec(path)?.[1];
  if (onIssue) return stage.sim.comments(stage.repo, Number(onIssue)).at(-1)?.body;
  const issue = /\/(issues|pulls)(?:\/(\d+))?$/.exec(path);
  if (!issue || (method === "POST" && issue[2])) return undefined;
  const item = issue[2] ? repo.issues.get(Number(issue[2])) : [...repo.issues.values()].at(-1);
  return item ? `#${item.number} ${item.title} [${item.state}${item.labels?.length ? `; ${item.labels.join(", ")}` : ""}]\n\n${item.body ?? ""}` : undefined;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
