import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { Probot } from "probot";
import { DEFAULT_POLICY } from "../core/registry.js";
import type { Registry, RepoRef } from "../core/model.js";
import { parseEpisode, type Episode } from "../core/timeline.js";
import { episodeKey } from "../core/timeline-intents.js";
import { Executor } from "../github/executor.js";
import { UnthrottledOctokit } from "../github/octokit.js";
import { OwnerCheck } from "../github/owners.js";
import { RegistrySource } from "../github/registry-source.js";
import type { Deps } from "../handlers/deps.js";
import { sweep } from "../scheduler.js";
import { startSimulator } from "../sim/index.js";
import { openStore } from "../store/open.js";
import type { SqlStore } from "../store/sql-store.js";

/**
 * The sweep at scale: 100,000 open Tier 3 timelines across 1,000 repositories, 1% due. One
 * sweep takes every due step against the simulator. Reported: the sweep's time, the store
 * queries it made, and the GitHub requests per due step; next to it, the baseline of reading
 * every timeline (what a sweep without the due index would have to do).
 */

export interface SweepFigures {
  database: string;
  timelines: number;
  repos: number;
  due: number;
  seedMs: number;
  sweepMs: number;
  decideMs: number;
  steps: number;
  storeQueries: number;
  requests: Map<string, number>;
  scanAllMs: number;
  peakRssMb: number;
}

const REPOS = 1000;
const PER_REPO = 100;
const NOW = new Date("2026-12-01T12:00:00Z");

function registryText(components: number): string {
  const lines = ["components:"];
  for (let i = 0; i < components; i++) {
    lines.push(`  c${i}:`, "    category: misc", "    tier: 3", `    owners: [owner-${i % 7}]`, `    paths: ["src/c${i}/**"]`, `    checks: ["Test c${i}"]`);
  }
  return lines.join("\n") + "\n";
}

function registry(components: number): Registry {
  return {
    policy: DEFAULT_POLICY,
    components: Array.from({ length: components }, (_, i) => ({
      id: `c${i}`,
      category: "misc",
      tier: 3 as const,
      owners: [{ kind: "user" as const, login: `owner-${i % 7}` }],
      paths: [`src/c${i}/**`],
      checks: [`Test c${i}`],
      facts: {},
    })),
  };
}

/** Counts every statement the store sends to its database. */
function countQueries(store: SqlStore): { count(): number } {
  let n = 0;
  const db = store.db as { query: (...a: unknown[]) => Promise<unknown>; run: (...a: unknown[]) => Promise<unknown> };
  const query = db.query.bind(db);
  const run = db.run.bind(db);
  db.query = (...a) => (n++, query(...a));
  db.run = (...a) => (n++, run(...a));
  return { count: () => n };
}

export async function benchSweep(databaseUrl?: string, label = "SQLite"): Promise<SweepFigures> {
  const dir = mkdtempSync(join(tmpdir(), "tierkeeper-sweep-"));
  const store = await openStore(databaseUrl ?? join(dir, "sweep.db"));
  const sim = await startSimulator({ validate: false, recordRequests: true, now: () => NOW });
  try {
    const text = registryText(PER_REPO);
    const parsed = registry(PER_REPO);
    const t0 = performance.now();
    const repos: RepoRef[] = [];
    for (let r = 0; r < REPOS; r++) {
      const repo = sim.createRepo({ owner: `org${r % 10}`, name: `repo${r}`, files: { ".github/tiers.yml": text } });
      repos.push({ owner: `org${r % 10}`, name: `repo${r}`, id: repo.id, defaultBranch: "main", private: false });
    }
    const installations = new Map<string, number>();
    for (let o = 0; o < 10; o++) installations.set(`org${o}`, sim.installApp(`org${o}`));

    // Seed in bulk: registries (cached, as after their first fetch), episodes, tracking issues.
    const due = new Set<number>();
    for (let i = 0; i < REPOS * PER_REPO; i += 100) due.add(i + 37); // 1%, spread over every repository
    await store.db.transaction(async (tx) => {
      for (const repo of repos) {
        await tx.run(
          "INSERT INTO registry_cache (repo_id, repo_key, owner, registry_json, errors_json, fetched_at) VALUES ($1, $2, $3, $4, NULL, $5)",
          [repo.id, `${repo.owner}/${repo.name}`, repo.owner.toLowerCase(), JSON.stringify(parsed), NOW.getTime()],
        );
      }
      for (let i = 0; i < REPOS * PER_REPO; i++) {
        const repo = repos[Math.floor(i / PER_REPO)];
        const component = `c${i % PER_REPO}`;
        const isDue = due.has(i);
        const noticeAt = new Date(NOW.getTime() - (isDue ? 8 : 2) * 86_400_000).toISOString();
        const episode: Episode = {
          component,
          repo,
          seq: 1,
          phase: "notified",
          noticeAt,
          dueAt: new Date(new Date(noticeAt).getTime() + 7 * 86_400_000).toISOString(),
          responses: [],
          blockers: [{ check: `Test ${component}`, sha: "0".repeat(40), at: noticeAt }],
          log: [{ at: noticeAt, what: "owners notified" }],
        };
        await tx.run(
          "INSERT INTO episodes (repo_id, component_id, repo_key, installation_id, state, due_at, version, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 1, $7)",
          [repo.id, component, `${repo.owner}/${repo.name}`, installations.get(repo.owner)!, JSON.stringify(episode), new Date(episode.dueAt!).getTime(), NOW.getTime()],
        );
        if (isDue) {
          // The tracking issue exists on GitHub, as it would after the notice.
          const shown = { title: `Tier 3 component \`${component}\` is blocking other work`, body: "(notice)", labels: ["tierkeeper", "tier-3"], state: "open" };
          const issue = sim.openIssue({ repo: `${repo.owner}/${repo.name}`, user: "tierkeeper[bot]", ...shown });
          await tx.run(
            "INSERT INTO actions (key, kind, target, desired, applied, github_id, version, applied_version, installation_id, updated_at) VALUES ($1, 'issue', $2, $3, $3, $4, 1, 1, $5, $6)",
            [episodeKey(repo.id, episode, "tracking"), JSON.stringify({ owner: repo.owner, repo: repo.name }), JSON.stringify(shown), String(issue.issue.number), installations.get(repo.owner)!, NOW.getTime()],
          );
        }
      }
    });
    const seedMs = performance.now() - t0;

    const probot = new Probot({ appId: sim.appId, privateKey: sim.privateKeyPem, baseUrl: sim.apiUrl, log: pino({ level: "silent" }), Octokit: UnthrottledOctokit });
    const log = pino({ level: process.env.BENCH_LOG ?? "silent" });
    const now = () => NOW;
    const github = (id: number) => probot.auth(id);
    const deps: Deps = { store, log, now, github, registries: new RegistrySource(store, log, now), owners: new OwnerCheck() };
    const executor = new Executor({ store, log, now, github, holder: "bench" });
    for (const id of installations.values()) await (await github(id)).request("GET /app"); // tokens first: not part of the sweep
    const requestsBefore = sim.requests.length;

    // Baseline: what reading every timeline costs (no due index).
    const s0 = performance.now();
    const all = await store.db.query<{ state: string }>("SELECT state FROM episodes", []);
    const dueByScan = all.filter((r) => {
      const e = parseEpisode(r.state);
      return e.dueAt !== null && new Date(e.dueAt) <= NOW;
    }).length;
    const scanAllMs = performance.now() - s0;
    if (dueByScan !== due.size) throw new Error(`bench: the scan found ${dueByScan} due, expected ${due.size}`);

    const queries = countQueries(store);
    const d0 = performance.now();
    const decided = await sweep(deps, undefined, { now: NOW, holder: "bench", limit: due.size });
    const decideMs = performance.now() - d0;
    await executor.drain();
    const sweepMs = performance.now() - d0;

    const requests = new Map<string, number>();
    for (const r of sim.requests.slice(requestsBefore)) {
      const route = `${r.method} ${r.template ?? r.path}`;
      requests.set(route, (requests.get(route) ?? 0) + 1);
    }
    return {
      database: label,
      timelines: REPOS * PER_REPO,
      repos: REPOS,
      due: decided.due,
      seedMs,
      sweepMs,
      decideMs,
      steps: decided.steps.length,
      storeQueries: queries.count(),
      requests,
      scanAllMs,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    };
  } finally {
    await store.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatSweepFigures(f: SweepFigures): string {
  const total = [...f.requests.values()].reduce((a, b) => a + b, 0);
  const lines = [
    `Sweep on ${f.database}: ${f.timelines.toLocaleString("en")} open timelines in ${f.repos} repositories, ${f.due} due (seeded in ${(f.seedMs / 1000).toFixed(1)} s)`,
    `  decide (read due, verify on GitHub, step, record intents): ${(f.decideMs / 1000).toFixed(2)} s for ${f.steps} steps (${(f.decideMs / f.steps).toFixed(2)} ms/step)`,
    `  decide + carry out every action: ${(f.sweepMs / 1000).toFixed(2)} s`,
    `  store queries: ${f.storeQueries} (${(f.storeQueries / f.steps).toFixed(1)} per due step; none for the ${(f.timelines - f.due).toLocaleString("en")} timelines not due)`,
    `  GitHub requests: ${total} (${(total / f.steps).toFixed(1)} per due step; reads to verify: ${f.requests.get("GET /repos/{owner}/{repo}/issues/{issue_number}/comments") ?? 0} comment lists + ${f.requests.get("GET /repos/{owner}/{repo}/issues/{issue_number}/reactions") ?? 0} reaction lists)`,
    ...[...f.requests.entries()].sort((a, b) => b[1] - a[1]).map(([route, n]) => `    ${String(n).padStart(6)}  ${route}`),
    `  baseline, reading every timeline instead of the due index: ${f.scanAllMs.toFixed(0)} ms for the read alone`,
    `  peak RSS of the bench process: ${f.peakRssMb.toFixed(0)} MB`,
  ];
  return lines.join("\n");
}
