/**
 * `tierkeeper audit --repo owner/name`: what tierkeeper would do on a repository now, with only a
 * personal token (GITHUB_TOKEN; GITHUB_API_URL off github.com, as GitHub Actions sets them). It
 * reads the registry on the default branch, the CI results of that branch's head commit and of the
 * open pull requests (at most PULL_LIMIT, the most recently updated) and their changed files, and
 * prints the decisions of the pure core (core/audit.ts). Read-only: any other method than GET is
 * refused before it leaves the process.
 */
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { Octokit } from "@octokit/rest";
import { audit, renderAudit, type AuditPull } from "../core/audit.js";
import { outcomeOfConclusion } from "../core/facts.js";
import { matcherFor } from "../core/match.js";
import type { CiResult, Registry } from "../core/model.js";
import { formatProblem, parseRegistry, REGISTRY_PATH } from "../core/registry.js";
import { choice, parseArgs, UsageError, type CommandSpec } from "./args.js";
import { EXIT, type Io } from "./io.js";
import { parseInstant } from "./sweep.js";
import { parseConfig } from "../app/config.js";

/** The most open pull requests read: each costs three or more requests. */
export const PULL_LIMIT = 30;

export const auditSpec: CommandSpec = {
  name: "audit",
  usage: "tierkeeper audit --repo owner/name [--format text|markdown|json] [--now <ISO-8601>]",
  brief: "what tierkeeper would do on a repository now, read with a personal token (writes nothing)",
  summary: `Reads, with the personal token in GITHUB_TOKEN (and GITHUB_API_URL when not github.com), the
registry on the repository's default branch (${REGISTRY_PATH}), the CI results (check runs and
commit statuses) of that branch's head commit, and the ${PULL_LIMIT} most recently updated open pull
requests with their CI results and changed files. Prints what tierkeeper would do now: the components
broken on the default branch and by which pull request, who would be pinged, which Tier 3 timelines
would start and their dates, the Tier 2 requests, and the missing requirements. Only GET requests
are sent. A missing token, a repository or registry that cannot be read, and a rate limit are errors
(exit 1).`,
  options: {
    repo: { type: "string", value: "<owner/name>", description: "the repository to audit" },
    format: { type: "string", value: "text|markdown|json", description: "the report's format (default text)" },
    now: { type: "string", value: "<instant>", description: "the instant the dates count from (default: now)" },
  },
  maxPositionals: 0,
};

class AuditError extends Error {}

const AuditOctokit = Octokit.plugin(throttling, retry);
type Client = InstanceType<typeof AuditOctokit>;

export async function auditCommand(argv: readonly string[], io: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const args = parseArgs(argv, auditSpec);
  const format = choice(args, "format", ["text", "markdown", "json"], "text");
  const repoKey = args.options.repo;
  if (typeof repoKey !== "string") throw new UsageError("--repo owner/name is required");
  if (!/^[\w.-]+\/[\w.-]+$/.test(repoKey)) throw new UsageError(`--repo must be owner/name, got ${JSON.stringify(repoKey)}`);
  const now = typeof args.options.now === "string" ? parseInstant(args.options.now) : new Date();
  const config = parseConfig(env);
  const token = config.githubToken;
  if (!token) {
    io.stderr("tierkeeper audit: GITHUB_TOKEN is not set: audit reads GitHub with a personal access token (read access to the repository's contents, checks, statuses and pull requests)\n");
    return EXIT.findings;
  }
  const octokit = readOnlyClient(token, config.githubApiUrl);
  const [owner, name] = repoKey.split("/");
  try {
    const input = await read(octokit, owner, name);
    const report = audit({ ...input, repo: repoKey, pullLimit: PULL_LIMIT, now });
    io.stdout(format === "json" ? `${JSON.stringify(report, null, 2)}\n` : renderAudit(report, format));
    return EXIT.ok;
  } catch (e) {
    io.stderr(`tierkeeper audit: ${explain(e, repoKey)}\n`);
    return EXIT.findings;
  }
}

/** An Octokit that waits out short rate limits, retries server errors, and refuses any method but GET. */
export function readOnlyClient(token: string, baseUrl: string): Client {
  const octokit = new AuditOctokit({
    auth: token,
    baseUrl,
    userAgent: "tierkeeper-audit",
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    throttle: {
      // Wait out a short limit once; a long one is an error the user can act on.
      onRateLimit: (retryAfter: number, _options: unknown, _o: unknown, retryCount: number) => retryCount < 1 && retryAfter <= 60,
      onSecondaryRateLimit: (retryAfter: number, _options: unknown, _o: unknown, retryCount: number) => retryCount < 2 && retryAfter <= 60,
    },
  });
  octokit.hook.before("request", (options) => {
    if (options.method !== "GET") throw new AuditError(`refused to send ${options.method} ${options.url}: audit only reads`);
  });
  return octokit;
}

async function read(octokit: Client, owner: string, repo: string) {
  const { data: repository } = await octokit.rest.repos.get({ owner, repo });
  const defaultBranch = repository.default_branch;
  const { data: ref } = await octokit.rest.git.getRef({ owner, repo, ref: `heads/${defaultBranch}` });
  const mainSha = ref.object.sha;
  const registry = await registryAt(octokit, owner, repo, mainSha, defaultBranch);
  const mainResults = await resultsAt(octokit, owner, repo, mainSha, defaultBranch);
  const { data: open } = await octokit.rest.pulls.list({ owner, repo, state: "open", sort: "updated", direction: "desc", per_page: PULL_LIMIT + 1 });
  const matcher = matcherFor(registry);
  // The app's own cap on a PR's file list (imported lazily: the handlers bring the app's dependencies).
  const { PR_FILES_CAP } = await import("../features/pulls/pulls.js");
  const pulls: AuditPull[] = [];
  for (const pr of open.slice(0, PULL_LIMIT)) {
    const paths: string[] = [];
    let files = 0;
    for await (const page of octokit.paginate.iterator(octokit.rest.pulls.listFiles, { owner, repo, pull_number: pr.number, per_page: 100 })) {
      for (const f of page.data) {
        files++;
        paths.push(f.filename, ...(f.previous_filename ? [f.previous_filename] : []));
      }
    }
    pulls.push({
      number: pr.number,
      title: pr.title,
      author: pr.user?.login ?? "",
      headSha: pr.head.sha,
      touched: files >= PR_FILES_CAP ? "all" : [...matcher.componentsForPaths(paths)].sort(),
      results: await resultsAt(octokit, owner, repo, pr.head.sha),
    });
  }
  return { registry, defaultBranch, mainSha, mainResults, pulls, morePulls: open.length > PULL_LIMIT };
}

async function registryAt(octokit: Client, owner: string, repo: string, sha: string, branch: string): Promise<Registry> {
  let text: unknown;
  try {
    ({ data: text } = await octokit.request("GET /repos/{owner}/{repo}/contents/{path}", { owner, repo, path: REGISTRY_PATH, ref: sha, mediaType: { format: "raw" } }));
  } catch (e) {
    if ((e as { status?: number }).status === 404)
      throw new AuditError(`${owner}/${repo} has no ${REGISTRY_PATH} on ${branch}: there is nothing for tierkeeper to enforce (\`tierkeeper import\` turns a tier document into one)`);
    throw e;
  }
  if (typeof text !== "string") throw new AuditError(`${REGISTRY_PATH} on ${branch} is not a file`);
  const parsed = parseRegistry(text, REGISTRY_PATH);
  if (!parsed.ok) throw new AuditError(`${REGISTRY_PATH} on ${branch} is not valid, so tierkeeper would act on nothing:\n${parsed.errors.map(formatProblem).join("\n")}`);
  return parsed.registry;
}

/** The completed check runs and the final commit statuses at a commit, as the app's results. */
async function resultsAt(octokit: Client, owner: string, repo: string, sha: string, branch?: string): Promise<CiResult[]> {
  const results: CiResult[] = [];
  const runs = await octokit.paginate(octokit.rest.checks.listForRef, { owner, repo, ref: sha, per_page: 100, filter: "latest" });
  for (const run of runs) {
    if (run.status !== "completed" || !run.completed_at) continue;
    results.push({
      repoId: 0,
      sha,
      name: run.name,
      source: "check_run",
      outcome: outcomeOfConclusion(run.conclusion),
      completedAt: new Date(run.completed_at),
      ...(run.started_at && { startedAt: new Date(run.started_at) }),
      ...(branch && { branch }),
      ...(run.html_url && { url: run.html_url }),
    });
  }
  const { data: combined } = await octokit.rest.repos.getCombinedStatusForRef({ owner, repo, ref: sha, per_page: 100 });
  for (const s of combined.statuses) {
    if (s.state === "pending") continue;
    results.push({
      repoId: 0,
      sha,
      name: s.context,
      source: "status",
      outcome: s.state === "success" ? "pass" : "fail",
      completedAt: new Date(s.updated_at),
      ...(branch && { branch }),
      ...(s.target_url && { url: s.target_url }),
    });
  }
  return results;
}

/** One line a person can act on, for every way reading GitHub fails. */
function explain(e: unknown, repoKey: string): string {
  if (e instanceof AuditError) return e.message;
  const error = e as { status?: number; message?: string; response?: { headers?: Record<string, string | undefined> } };
  const headers = error.response?.headers ?? {};
  if (error.status === 401) return "GitHub refused the token (401 Bad credentials): check GITHUB_TOKEN";
  if (error.status === 404) return `${repoKey}: not found, or GITHUB_TOKEN cannot read it (404)`;
  if ((error.status === 403 || error.status === 429) && headers["x-ratelimit-remaining"] === "0") {
    const reset = Number(headers["x-ratelimit-reset"]);
    return `GitHub's rate limit for this token is used up${Number.isFinite(reset) && reset > 0 ? `; it resets at ${new Date(reset * 1000).toISOString()}` : ""}. Try again then`;
  }
  if ((error.status === 403 || error.status === 429) && (headers["retry-after"] || /secondary rate limit/i.test(error.message ?? ""))) {
    return `GitHub's secondary rate limit: retry after ${headers["retry-after"] ?? "a few minutes"} seconds`;
  }
  if (error.status === 403) return `GitHub refused a request (403): ${error.message ?? "forbidden"}; the token may lack read access to ${repoKey}`;
  if (typeof error.status === "number") return `GitHub answered ${error.status}: ${error.message ?? ""}`.trim();
  return `cannot reach GitHub: ${error.message ?? String(e)}`;
}
