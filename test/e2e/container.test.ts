import { execFile, spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, posix } from "node:path";
import { fileURLToPath } from "node:url";
import { EXAMPLE_REGISTRY, SERVER_NODE_FLAGS, WEBHOOK_SECRET } from "../../src/demo/stage.js";
import { startSimulator, type Simulator } from "../../src/sim/index.js";

/**
 * The container image without a Docker engine (none runs on the development and CI machines):
 * this test runs what the Dockerfile's runtime stage runs. It parses the Dockerfile and, in a
 * temporary directory standing for the image's WORKDIR, carries out the runtime stage's steps in
 * order: its COPY lines (from the build context, i.e. this checkout, and `--from=build`, i.e. this
 * checkout after `npm ci` and `npm run build`, which `npm test` has just done), its `npm ci
 * --omit=dev` and its ENV. Then it starts the CMD with that ENV (the GitHub simulator's
 * credentials added; the simulator runs in this process), runs the HEALTHCHECK command, and sends
 * a signed webhook. An instruction the test does not know how to mirror fails it, so the Dockerfile
 * cannot drift away from what is tested here.
 *
 * `npm ci` runs with `--prefer-offline`: the packages come from the npm cache that the main
 * `npm ci` has just filled. The Dockerfile installs with `--ignore-scripts` and copies the compiled
 * better-sqlite3 addon from the build stage; here the build stage's node_modules is this
 * checkout's, built for the Node that runs this test (the same ABI as `process.execPath`, which
 * runs the CMD), so nothing compiles and the test takes seconds, not a minute.
 */

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DOCKERFILE = join(ROOT, "Dockerfile");

interface Instruction {
  op: string;
  args: string;
  line: number;
}
interface Stage {
  base: string;
  name?: string;
  instructions: Instruction[];
}

/** Dockerfile instructions by stage: comments dropped, `\` continuations joined. */
function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    let current = lines[i].trim();
    if (current === "" || current.startsWith("#")) continue;
    while (current.endsWith("\\") && i + 1 < lines.length) current = current.slice(0, -1) + " " + lines[++i].trim();
    const [, op, args] = /^(\S+)\s*(.*)$/.exec(current)!;
    const instruction = { op: op.toUpperCase(), args: args.trim(), line };
    if (instruction.op === "FROM") {
      const [base, as, name] = instruction.args.split(/\s+/);
      stages.push({ base, name: as?.toUpperCase() === "AS" ? name : undefined, instructions: [] });
    } else if (instruction.op === "ARG" && stages.length === 0) {
      continue; // a global ARG (the base image)
    } else {
      if (stages.length === 0) throw new Error(`Dockerfile:${line}: ${instruction.op} before FROM`);
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  return stages;
}

/** `ENV A=1 B="two words"` (or the old `ENV A 1`) as pairs. */
function parseEnv(args: string): Record<string, string> {
  const env: Record<string, string> = {};
  if (!/^[^\s=]+=/.test(args)) {
    const [, key, value] = /^(\S+)\s+(.*)$/.exec(args)!;
    return { [key]: value };
  }
  for (const m of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g)) {
    const raw = m[2];
    env[m[1]] = raw.startsWith('"') ? JSON.parse(raw) : raw.startsWith("'") ? raw.slice(1, -1) : raw;
  }
  return env;
}

/** An exec-form (`["node", "x.js"]`) command line; shell form is not used by the Dockerfile. */
function execForm(args: string, what: string): string[] {
  if (!args.startsWith("[")) throw new Error(`${what} must use the exec form (["node", ...]) to be mirrored here: ${args}`);
  return JSON.parse(args) as string[];
}

/** `COPY [--from=x] [--chown=...] src... dest` */
function parseCopy(args: string): { from?: string; sources: string[]; dest: string } {
  const words = args.split(/\s+/);
  let from: string | undefined;
  while (words[0]?.startsWith("--")) {
    const flag = words.shift()!;
    if (flag.startsWith("--from=")) from = flag.slice("--from=".length);
    else if (!flag.startsWith("--chown=") && !flag.startsWith("--chmod=")) throw new Error(`COPY flag not mirrored by this test: ${flag}`);
  }
  const dest = words.pop()!;
  return { from, sources: words, dest };
}

function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { ...options, timeout: options.timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(" ")} failed: ${error.message}\n${stdout}\n${stderr}`));
      else resolve(stdout + stderr);
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const stages = parseDockerfile(readFileSync(DOCKERFILE, "utf8"));
const runtime = stages.at(-1)!;
const buildStage = stages.find((s) => s.name === "build");
const buildWorkdir = buildStage?.instructions.filter((i) => i.op === "WORKDIR").at(-1)?.args ?? "/";
const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as {
  packages: Record<string, { dev?: boolean; optional?: boolean; hasInstallScript?: boolean }>;
};

let dir: string; // stands for the image's filesystem root
let app: string; // the runtime stage's WORKDIR inside it
let imageEnv: Record<string, string> = {};
let cmd: string[] = [];
let healthcheck: string[] = [];
const fromBuild: string[] = []; // paths taken from the build stage, relative to its WORKDIR
let sim: Simulator;
let child: ChildProcess | undefined;
let output = "";
let baseUrl = "";

/** Where an absolute image path lives in the temporary directory. */
const inImage = (path: string) => join(dir, path);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "tierkeeper-image-"));
  let workdir = "/";
  const volumes: string[] = [];
  const resolveInImage = (path: string) => inImage(posix.isAbsolute(path) ? path : posix.join(workdir, path));

  for (const { op, args, line } of runtime.instructions) {
    const where = `Dockerfile:${line}: ${op} ${args}`;
    switch (op) {
      case "WORKDIR":
        workdir = posix.isAbsolute(args) ? args : posix.join(workdir, args);
        mkdirSync(inImage(workdir), { recursive: true });
        break;
      case "ENV":
        imageEnv = { ...imageEnv, ...parseEnv(args) };
        break;
      case "COPY": {
        const { from, sources, dest } = parseCopy(args);
        const target = resolveInImage(dest);
        for (const source of sources) {
          let origin: string;
          if (from === undefined) {
            origin = join(ROOT, source); // the build context
          } else if (from === buildStage?.name) {
            // The build stage is this checkout after `npm ci` and `npm run build` (done by `npm test`).
            const relative = posix.relative(buildWorkdir, posix.isAbsolute(source) ? source : posix.join(buildWorkdir, source));
            if (relative.startsWith("..")) throw new Error(`${where}: outside the build stage's WORKDIR`);
            origin = join(ROOT, relative);
            fromBuild.push(relative);
          } else throw new Error(`${where}: unknown stage ${from}`);
          if (!existsSync(origin)) throw new Error(`${where}: ${origin} does not exist (has \`npm test\` built dist/?)`);
          // Docker's rules: a directory's contents go into dest; a file goes to dest, or into it
          // when dest ends with "/" (or there are several sources).
          if (statSync(origin).isDirectory()) {
            cpSync(origin, target, { recursive: true });
          } else {
            const to = dest.endsWith("/") || sources.length > 1 ? join(target, posix.basename(source)) : target;
            mkdirSync(dirname(to), { recursive: true });
            copyFileSync(origin, to);
          }
        }
        break;
      }
      case "RUN":
        for (const step of args.split("&&").map((s) => s.trim())) {
          if (/^npm ci\b/.test(step)) {
            // The image's own install, from the local npm cache where it can.
            const npmArgs = [...step.split(/\s+/).slice(1), "--prefer-offline"];
            expect(npmArgs).toContain("--omit=dev");
            await run("npm", npmArgs, { cwd: inImage(workdir), env: { ...process.env, ...imageEnv }, timeoutMs: 120_000 });
          } else if (/^npm cache clean\b/.test(step)) {
            // Shrinks the image's layer; here it would empty the cache the tests share.
          } else if (/^mkdir -p \/\S+$/.test(step)) {
            mkdirSync(inImage(step.split(/\s+/)[2]), { recursive: true });
          } else if (/^chown \S+ \/\S+$/.test(step)) {
            // Ownership for the non-root USER; the test runs as whoever runs it.
          } else throw new Error(`${where}: a RUN step this test does not mirror: ${step}`);
        }
        break;
      case "VOLUME":
        volumes.push(...(args.startsWith("[") ? (JSON.parse(args) as string[]) : args.split(/\s+/)));
        break;
      case "CMD":
        cmd = execForm(args, "CMD");
        break;
      case "HEALTHCHECK":
        healthcheck = execForm(args.replace(/^(--\S+\s+)*CMD\s+/, ""), "HEALTHCHECK");
        break;
      case "USER":
      case "EXPOSE":
      case "ARG":
      case "LABEL":
        break;
      default:
        throw new Error(`${where}: an instruction this test does not mirror`);
    }
  }
  app = inImage(workdir);
  // Paths the image's ENV points into a VOLUME live under the temporary directory.
  for (const [key, value] of Object.entries(imageEnv)) {
    if (volumes.some((v) => value === v || value.startsWith(v + "/"))) imageEnv[key] = inImage(value);
  }

  sim = await startSimulator();
  sim.createRepo({ owner: "bytecodealliance", name: "wasmtime", files: { "README.md": "# wasmtime\n", ".github/tiers.yml": EXAMPLE_REGISTRY } });
  sim.installApp("bytecodealliance");
}, 150_000);

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    await new Promise<void>((resolve) => {
      child!.once("exit", () => resolve());
      child!.kill("SIGTERM");
    });
  }
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The image's CMD with the image's ENV (a free port instead of 3000) and the simulator's credentials. */
async function startCmd(): Promise<void> {
  const port = await freePort();
  const env = {
    PATH: process.env.PATH ?? "",
    ...imageEnv,
    PORT: String(port),
    ...sim.probotEnv(),
    WEBHOOK_SECRET,
    GITHUB_THROTTLE: "off", // the simulator has no rate limits
  };
  expect(cmd[0]).toBe("node");
  // The Node that runs this test: on CI's Node 24 run, Node 24, as in the image.
  child = spawn(process.execPath, cmd.slice(1), { cwd: app, env, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the CMD exited with ${child.exitCode}:\n${output}`);
    try {
      if ((await fetch(`${baseUrl}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the CMD did not answer /healthz within 20 s:\n${output}`);
}

test("the Dockerfile's runtime stage is what this test mirrors", () => {
  expect(runtime.base).toMatch(/^(\$\{NODE_IMAGE\}|node:24\b)/);
  if (runtime.base.startsWith("$")) expect(readFileSync(DOCKERFILE, "utf8")).toMatch(/^ARG NODE_IMAGE=node:24[-.\w]*$/m);
  expect(stages.every((s) => s.base === runtime.base)).toBe(true); // same Node ABI for the copied addon
  expect(imageEnv.HOST).toBe("0.0.0.0");
  expect(runtime.instructions.filter((i) => i.op === "USER").at(-1)?.args).toMatch(/^(node|\d+)/);
  // The server runs as the bench measured it: the same Node flags in the image, `npm start` and the tests.
  expect(cmd).toEqual(["node", ...SERVER_NODE_FLAGS, "dist/server.js"]);
  expect(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts.start).toBe(`node ${SERVER_NODE_FLAGS.join(" ")} dist/server.js`);
  expect(healthcheck.length).toBeGreaterThan(0);
  // `npm ci --ignore-scripts` is safe only while every production package with an install script
  // has its build output copied from the build stage.
  const needScripts = Object.entries(lock.packages)
    .filter(([path, p]) => path !== "" && p.hasInstallScript && !p.dev)
    .map(([path]) => path)
    .sort();
  const copied = [
    ...new Set(
      fromBuild
        .filter((p) => p.startsWith("node_modules/"))
        .map((p) =>
          p
            .split("/")
            .slice(0, p.startsWith("node_modules/@") ? 3 : 2)
            .join("/"),
        ),
    ),
  ].sort();
  if (/--ignore-scripts/.test(runtime.instructions.map((i) => i.args).join("\n"))) expect(copied).toEqual(needScripts);
});

test("the production install holds no devDependencies", () => {
  for (const name of ["jest", "typescript", "ts-jest", "nock", "@octokit/openapi", "@octokit/webhooks-examples"]) {
    expect([name, existsSync(join(app, "node_modules", name))]).toEqual([name, false]);
  }
  const devOnly = Object.entries(lock.packages).filter(([path, p]) => path.startsWith("node_modules/") && p.dev);
  expect(devOnly.length).toBeGreaterThan(0);
  expect(devOnly.map(([path]) => path).filter((path) => existsSync(join(app, path)))).toEqual([]);
  // ... and every production package the lockfile lists for this platform.
  expect(existsSync(join(app, "node_modules", "probot"))).toBe(true);
  expect(existsSync(join(app, "node_modules", "better-sqlite3", "build", "Release", "better_sqlite3.node"))).toBe(true);
});

test("the CMD serves /healthz on HOST=0.0.0.0, passes the HEALTHCHECK and answers a signed webhook", async () => {
  await startCmd();
  const health = await fetch(`${baseUrl}/healthz`);
  expect(health.status).toBe(200);
  expect(((await health.json()) as { status: string }).status).toBe("ok");
  expect(output).toMatch(/listening on http:\/\/0\.0\.0\.0:/);
  expect(existsSync(imageEnv.DATABASE_URL)).toBe(true); // in the (temporary) volume

  // The HEALTHCHECK command, run as Docker runs it: in the container, with the image's ENV.
  const port = new URL(baseUrl).port;
  const [bin, ...rest] = healthcheck;
  expect(bin).toBe("node");
  await run(process.execPath, rest, { cwd: app, env: { PATH: process.env.PATH ?? "", ...imageEnv, PORT: port }, timeoutMs: 10_000 });

  // A signed webhook: acknowledged, then acted upon through the production install (Octokit, the
  // config loader, SQLite): the breaking PR gets its comment from the simulator's point of view.
  sim.setWebhookTarget(`${baseUrl}/api/github/webhooks`, WEBHOOK_SECRET);
  const repo = "bytecodealliance/wasmtime";
  const pr = sim.openPullRequest({ repo, author: "contributor", files: ["crates/wasi-nn/src/backend.rs"] });
  expect((await sim.send(pr)).status).toBe(200);
  const fail = sim.completeCheckRun({ repo, sha: pr.headSha, name: "Test wasi-nn (openvino, ubuntu-24.04)", conclusion: "failure", completedAt: new Date() });
  expect((await sim.send(fail)).status).toBe(200);
  const deadline = Date.now() + 20_000;
  while (sim.comments(repo, pr.number).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(sim.comments(repo, pr.number)).toHaveLength(1);
  expect(sim.violations).toEqual([]);
  expect(child!.exitCode).toBeNull();
}, 60_000);

test("`docker stop` (SIGTERM to the CMD) shuts the server down cleanly, exit code 0", async () => {
  expect(child).toBeDefined();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child!.once("exit", (code, signal) => resolve({ code, signal })));
  child!.kill("SIGTERM");
  const timeout = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 10_000).unref()); // Docker's default grace period
  const result = await Promise.race([exited, timeout]);
  if (result === "timeout" || result.code !== 0) throw new Error(`after SIGTERM: ${JSON.stringify(result)}\n${output.slice(-4000)}`);
}, 20_000);
