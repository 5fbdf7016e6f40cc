import { signPayload, type Simulator, type SimRepo, type WebhookEvent } from "../sim/index.js";

/**
 * The benchmark's synthetic busy day, built against the simulator's state (so the PRs, shas
 * and changed files tierkeeper reads back exist), serialised and signed up front: the sender
 * then does nothing but HTTP.
 */

/** Installed under the first account, without `.github/tiers.yml`. */
export const BARE_REPO = "bytecodealliance/wasm-tools";
/** The accounts the app is installed on, each with a `wasmtime` repository holding the registry. */
/** The s390x shard: reported as a commit status, as if from external CI, and broken on main. */
const S390X = "Test Linux s390x (1/8)";
export const accounts = (n: number) => ["bytecodealliance", ...Array.from({ length: n - 1 }, (_, i) => `embedder-${i + 1}`)];

/** Wasmtime's job names (test/fixtures/wasmtime/jobs.txt) that examples/wasmtime/tiers.yml maps to components. */
export const MAPPED = [
  "Test Linux x86_64 (1/8)",
  "Test macOS x86_64 (wasmtime)",
  "Test MSVC x86_64 (wasmtime-cli-wast)",
  "Test Linux arm64 (2/8)",
  S390X,
  "Test MinGW x86_64 (3/8)",
  "Test wasi-nn (openvino, ubuntu-24.04)",
  "Test Linux x86_64 (wasmtime-cli-all)",
  "Test Linux x86_64 (wasmtime-wasi)",
];
/** Wasmtime's job names no component claims (globs match whole names: "Tests Linux i686" is not "Test Linux ..."). */
export const UNMAPPED = [
  "Rustfmt",
  "Clippy",
  "Doc build",
  "Test wasmtime-fuzzing",
  "Cargo vet",
  "Cargo deny",
  "Monolith Checks",
  "Test C-API Linux",
  "Release build for x86_64-linux",
  "Release build for aarch64-macos",
  "Tests Linux i686 (1/8)",
];
/** Files PRs touch: most under some component's `paths`, a few under none. */
const FILES = [
  "cranelift/codegen/src/isa/x64/lower.isle",
  "cranelift/codegen/src/isa/aarch64/lower.isle",
  "cranelift/codegen/src/isa/s390x/inst.isle",
  "crates/wasi-nn/src/backend.rs",
  "crates/wasi/src/p1.rs",
  "crates/wasmtime/src/runtime/gc/enabled.rs",
  "crates/wasmtime/src/runtime/vm/sys/unix/signals.rs",
  "crates/wasmtime/src/runtime/vm/sys/windows/traphandlers.rs",
  "tests/misc_testsuite/simd/spillslot.wast",
  "tests/all/threads.rs",
  "crates/fiber/src/unix.rs",
  "crates/wasmtime/src/config.rs",
  "docs/contributing.md",
  "crates/cli-flags/src/lib.rs",
  "src/commands/run.rs",
];

export interface Delivery {
  id: string;
  name: string;
  body: string;
  signature: string;
}

export interface Stream {
  /** The day: ≥ 10,000 deliveries. */
  day: Delivery[];
  /** Deliveries that concern no component, for the zero-request check after the day. */
  quiet: Delivery[];
  /** What `day` is made of, by kind. */
  mix: Record<string, number>;
  /** Failed CI results in `day`, and PR pushes among them that break a component. */
  failures: { results: number; breakingPushes: number };
}

export interface StreamOptions {
  secret: string;
  /** The registry text for every `<account>/wasmtime`. */
  registry: string;
  seed?: number;
  /** PR pushes (opened or synchronize), each followed by 20 CI results. */
  pushes?: number;
  /** Installations (accounts) the PRs are spread over, round-robin. */
  installations?: number;
  /** Share of PR pushes that break a component: 1 or 2 of its component checks fail. */
  breakRate?: number;
  /** Chance that a check no component claims (lint, docs, builds) fails. */
  noiseFailRate?: number;
  quietCount?: number;
}

type Kind = "pull_request.opened" | "pull_request.synchronize" | "ci, component" | "ci, no component" | "ignored event" | "no-registry repo" | "push to main";
interface Item {
  kind: Kind;
  event: WebhookEvent;
}

/** mulberry32: a small seeded PRNG, so every run replays the same day. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: <T>(xs: readonly T[]): T => xs[int(xs.length)] };
}

/** Creates the repositories and installations in the simulator, then builds the day. */
export function buildStream(sim: Simulator, o: StreamOptions): Stream {
  const rnd = prng(o.seed ?? 20240611);
  const pushes = o.pushes ?? 460;
  // Lint and build failures are common and cost nothing; a broken component is rarer, and each
  // costs a comment plus edits, which Probot's throttle spaces ~1 s apart per installation.
  const breakRate = o.breakRate ?? 0.02;
  const noiseFailRate = o.noiseFailRate ?? 0.08;
  const repos = accounts(o.installations ?? 1).map((owner) => {
    sim.installApp(owner);
    return sim.createRepo({ owner, name: "wasmtime", files: { "README.md": "# wasmtime\n", ".github/tiers.yml": o.registry } });
  });
  const [bareOwner, bareName] = BARE_REPO.split("/");
  sim.createRepo({ owner: bareOwner, name: bareName, files: { "README.md": "# wasm-tools\n" } });
  const authors = Array.from({ length: 60 }, (_, i) => `contributor-${i + 1}`);
  // Completion times on a synthetic clock: results are ordered by them, not by arrival.
  let clock = Date.now() - 24 * 3600_000;
  const tick = () => new Date((clock += 1000 + rnd.int(2000)));

  const failures = { results: 0, breakingPushes: 0 };
  /** A completed CI result: a check run, a workflow job, or (s390x runs on external CI) a commit status. */
  const ci = (repo: string, sha: string, name: string, failed: boolean, branch?: string): WebhookEvent => {
    const completedAt = tick();
    if (failed) failures.results++;
    if (name === S390X) {
      return sim.commitStatus({ repo, sha, context: name, state: failed ? "failure" : "success", updatedAt: completedAt, ...(branch ? { branches: [branch] } : {}) });
    }
    const conclusion = failed ? "failure" : rnd.next() < 0.1 ? "skipped" : "success";
    return rnd.next() < 0.6
      ? sim.completeCheckRun({ repo, sha, name, conclusion, completedAt, ...(branch ? { branch } : {}) })
      : sim.completeWorkflowJob({ repo, sha, name, conclusion, completedAt, ...(branch ? { branch } : {}) });
  };
  /** Events tierkeeper ignores by their kind: a check run created, a job queued. */
  const ignored = (repo: SimRepo, sha: string): Item[] => [
    { kind: "ignored event", event: sim.payloads.checkRun({ repo, sha, name: rnd.pick(MAPPED), conclusion: null, action: "created" }) },
    { kind: "ignored event", event: sim.payloads.workflowJob({ repo, sha, name: rnd.pick(UNMAPPED), conclusion: null, action: "queued" }) },
  ];

  // The default branch's CI: all passes but s390x, which is broken there, so some PR
  // failures are "already broken on main".
  const mainRound = (repo: SimRepo): Item[] => {
    const push = sim.pushCommit({ repo: repo.fullName, branch: "main", files: { [`notes/${rnd.int(1e9)}.md`]: "entry\n" }, author: rnd.pick(authors) });
    const results = MAPPED.map((n): Item => ({ kind: "ci, component", event: ci(repo.fullName, push.sha, n, n === S390X, "main") }));
    return [{ kind: "push to main", event: push }, ...results];
  };

  // A PR push: the pull_request event (opened, or synchronize on a PR whose CI is done), then
  // its 20 CI results and 2 ignored events in random order.
  const idle: { repo: SimRepo; number: number }[] = [];
  const prSession = (repo: SimRepo): { pr: { repo: SimRepo; number: number }; items: Item[] } => {
    let number: number;
    let sha: string;
    let event: WebhookEvent;
    const again = idle.findIndex((p) => p.repo === repo);
    if (idle.length > 20 && again >= 0 && rnd.next() < 0.25) {
      number = idle.splice(again, 1)[0].number;
      const pr = repo.issues.get(number)!;
      sha = sim.pushCommit({ repo: repo.fullName, branch: pr.pull!.headRef, files: { [rnd.pick(FILES)]: `fixup ${rnd.int(1e9)}\n` }, author: pr.user }).sha;
      event = sim.synchronize(repo.fullName, number);
    } else {
      const files = [...new Set(Array.from({ length: 1 + rnd.int(4) }, () => rnd.pick(FILES)))];
      const pr = sim.openPullRequest({ repo: repo.fullName, author: rnd.pick(authors), files });
      ({ number, headSha: sha } = pr);
      event = pr;
    }
    const broken = new Set(rnd.next() < breakRate ? [rnd.pick(MAPPED), rnd.pick(MAPPED)].slice(0, 1 + rnd.int(2)) : []);
    if (broken.size > 0) failures.breakingPushes++;
    const results = [
      ...MAPPED.map((n): Item => ({ kind: "ci, component", event: ci(repo.fullName, sha, n, broken.has(n)) })),
      ...UNMAPPED.map((n): Item => ({ kind: "ci, no component", event: ci(repo.fullName, sha, n, rnd.next() < noiseFailRate) })),
    ];
    const kind = event.payload.action === "opened" ? "pull_request.opened" : "pull_request.synchronize";
    return { pr: { repo, number }, items: [{ kind, event }, ...shuffle([...results, ...ignored(repo, sha)])] };
  };
  const shuffle = <T>(xs: T[]): T[] => {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = rnd.int(i + 1);
      [xs[i], xs[j]] = [xs[j], xs[i]];
    }
    return xs;
  };
  // A PR in the repository without a registry, with 8 checks.
  const bareShas: string[] = [];
  const bareSession = (): Item[] => {
    const pr = sim.openPullRequest({ repo: BARE_REPO, author: rnd.pick(authors), files: ["crates/wasmparser/src/lib.rs"] });
    bareShas.push(pr.headSha);
    const events = [pr, ...UNMAPPED.slice(0, 8).map((n) => ci(BARE_REPO, pr.headSha, n, rnd.next() < noiseFailRate))];
    return events.map((event) => ({ kind: "no-registry repo", event }));
  };

  // Several PRs' CI runs at once on a busy day: interleave 8 sessions, taking the
  // installations in turn.
  const items: Item[] = repos.flatMap(mainRound);
  const active: { pr?: { repo: SimRepo; number: number }; items: Item[] }[] = [];
  let started = 0;
  while (started < pushes || active.length > 0) {
    while (active.length < 8 && started < pushes) {
      const repo = repos[started++ % repos.length];
      active.push(prSession(repo));
      if (started % 15 === 0) active.push({ items: bareSession() });
      if (started % 10 === 0) items.push({ kind: "ignored event", event: sim.openIssue({ repo: repo.fullName, user: rnd.pick(authors), title: `Flaky test ${started}` }) });
      if (started % 150 === 0) items.push(...mainRound(repo));
    }
    const i = rnd.int(active.length);
    const session = active[i];
    items.push(session.items.shift()!);
    if (session.items.length === 0) {
      active.splice(i, 1);
      if (session.pr) idle.push(session.pr);
    }
  }

  const dayFailures = { ...failures };

  // The quiet phase: unmapped CI names on known PR heads, the repository without a registry
  // (its absence is cached by then), and ignored events.
  const heads = repos.flatMap((repo) => [...repo.issues.values()].filter((i) => i.pull).map((i) => ({ repo, sha: i.pull!.headSha })));
  const quiet: Item[] = [];
  for (let n = 0; n < (o.quietCount ?? 1000); n++) {
    const { repo, sha } = rnd.pick(heads);
    const pick = n % 5;
    if (pick <= 1) quiet.push({ kind: "ci, no component", event: ci(repo.fullName, sha, rnd.pick(UNMAPPED), rnd.next() < 0.5) });
    else if (pick === 2) quiet.push({ kind: "no-registry repo", event: ci(BARE_REPO, rnd.pick(bareShas), rnd.pick(UNMAPPED), rnd.next() < 0.5) });
    else if (pick === 3) quiet.push(rnd.pick(ignored(repo, sha)));
    else quiet.push({ kind: "ignored event", event: sim.openIssue({ repo: n % 2 ? repo.fullName : BARE_REPO, user: rnd.pick(authors), title: `Question ${n}` }) });
  }

  const mix: Record<string, number> = {};
  for (const item of items) mix[item.kind] = (mix[item.kind] ?? 0) + 1;
  const uuid = () => "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".replace(/[xy]/g, (c) => (c === "x" ? rnd.int(16) : 8 + rnd.int(4)).toString(16));
  const sign = ({ event }: Item): Delivery => {
    const body = JSON.stringify(event.payload);
    return { id: uuid(), name: event.name, body, signature: signPayload(o.secret, body) };
  };
  return { day: items.map(sign), quiet: quiet.map(sign), mix, failures: dayFailures };
}
