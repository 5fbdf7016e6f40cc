/**
 * `tierkeeper status`: the spec's "Current Tier Status" tables, computed from the registry.
 * The "Missing Tier N Requirements" column comes from the declared facts (src/core/requirements.ts).
 * Offline (a registry file), nothing observed is used, so requirements only observation decides
 * show as unknown (JSON). With `--repo owner/name` the registry and the evidence come from the
 * server's database: checks passing on the default branch, CI cost, Tier 2 reply figures.
 */
import type { Registry } from "../core/model.js";
import { formatProblem, parseRegistry, REGISTRY_PATH } from "../core/registry.js";
import type { RegistryProblem } from "../core/model.js";
import { renderStatusJson, renderStatusMarkdown, statusRows, type StatusOptions, type StatusRow } from "../core/render/status-tables.js";
import { documentFindings, parseTierDocument, rewriteTables } from "../core/tier-document.js";
import { resolve } from "node:path";
import { choice, parseArgs, UsageError, type CommandSpec } from "./args.js";
import { EXIT, readRegistryText, withServerStore, type Io } from "./io.js";
import { parseInstant } from "./sweep.js";
import { parseConfig } from "../app/config.js";

export const statusSpec: CommandSpec = {
  name: "status",
  usage: "tierkeeper status [--registry file] [--format markdown|json] [--repo owner/name [--now <ISO-8601>]] [--write-document [--document file]]",
  brief: "print the Current Tier Status tables, with each component's missing requirements",
  summary: `Prints the "Current Tier Status" tables of the policy, computed from the registry (default ${REGISTRY_PATH}):
one table per tier, rows in registry order, and for Tier 2 and Tier 3 the requirements of the tier
above that each component is missing. --format json prints the rows with every requirement's status
(met, missing or unknown). With --repo, the registry in force and the evidence tierkeeper observed
(checks passing on the default branch, CI cost on pull requests, Tier 2 reply figures) are read
from the database (DATABASE_URL, as the server uses it). --write-document rewrites the tables of the
tier document (--document, default the registry's policy.document) in place from the registry, and
nothing else in the file: headings, footnotes, link references and prose keep their bytes, and a
row that already says what the registry says keeps its line.`,
  options: {
    registry: { type: "string", value: "<file>", description: `the registry (default ${REGISTRY_PATH})` },
    repo: { type: "string", value: "<owner/name>", description: "the repository's registry and evidence, from the database" },
    now: { type: "string", value: "<instant>", description: "with --repo: the evidence as of this instant (default: now)" },
    format: { type: "string", value: "markdown|json", description: "json prints [{ tier, category, description, id, missing, notes, requirements }]" },
    "write-document": { type: "boolean", description: "rewrite the tier document's tables from the registry instead of printing them" },
    document: { type: "string", value: "<file>", description: "with --write-document: the document (default: the registry's policy.document)" },
  },
  maxPositionals: 0,
};

export async function statusCommand(argv: readonly string[], io: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const args = parseArgs(argv, statusSpec);
  const format = choice(args, "format", ["markdown", "json"], "markdown");
  const repoKey = typeof args.options.repo === "string" ? args.options.repo : undefined;
  if (repoKey !== undefined && !/^[\w.-]+\/[\w.-]+$/.test(repoKey)) throw new UsageError(`--repo must be owner/name, got ${JSON.stringify(repoKey)}`);
  if (repoKey !== undefined && args.options.registry !== undefined) throw new UsageError("--registry and --repo exclude each other");
  if (repoKey === undefined && args.options.now !== undefined) throw new UsageError("--now needs --repo");
  const writeDocument = args.options["write-document"] === true;
  if (args.options.document !== undefined && !writeDocument) throw new UsageError("--document needs --write-document");
  if (writeDocument && (repoKey !== undefined || args.options.format !== undefined)) throw new UsageError("--write-document takes the registry from a file, and prints no tables");

  const loaded = repoKey ? await fromDatabase(repoKey, typeof args.options.now === "string" ? parseInstant(args.options.now) : new Date(), env) : await fromFile(args.options.registry, io);
  if (!loaded.ok) {
    for (const problem of loaded.errors ?? []) io.stderr(`${formatProblem(problem)}\n`);
    io.stderr(`tierkeeper status: ${loaded.message}\n`);
    return EXIT.findings;
  }
  const rows = statusRows(loaded.registry, { overrides: loaded.registry.policy.requirements, evidence: loaded.evidence });
  if (writeDocument) return writeDocumentTables(io, typeof args.options.document === "string" ? args.options.document : loaded.registry.policy.document, rows);
  io.stdout(format === "json" ? renderStatusJson(rows) : renderStatusMarkdown(rows));
  return EXIT.ok;
}

/** Rewrites the document's tier tables in place; reports what the rewrite cannot fix (a tier without a table). */
async function writeDocumentTables(io: Io, file: string | undefined, rows: StatusRow[]): Promise<number> {
  if (file === undefined) throw new UsageError("--write-document needs --document <file> or `policy: { document: <file> }` in the registry");
  let text: string;
  try {
    text = await io.readFile(resolve(io.cwd, file));
  } catch (e) {
    io.stderr(`tierkeeper status: cannot read ${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}\n`);
    return EXIT.findings;
  }
  const doc = parseTierDocument(text);
  if (doc.tables.length === 0) {
    io.stderr(`tierkeeper status: ${file} has no "Tier 1", "Tier 2" or "Tier 3" heading followed by a Category | Description table; nothing written\n`);
    return EXIT.findings;
  }
  const rewritten = rewriteTables(text, doc, rows);
  if (rewritten !== text) {
    if (!io.writeFile) throw new Error("this environment cannot write files");
    await io.writeFile(resolve(io.cwd, file), rewritten);
  }
  const left = documentFindings(parseTierDocument(rewritten), rows);
  for (const f of left) io.stderr(`${file}:${f.line}: ${f.message}\n`);
  io.stderr(
    `tierkeeper status: ${file}: ${rewritten === text ? "the tables already match the registry" : "tables rewritten from the registry"}${left.length ? `; ${left.length} difference(s) left to fix by hand` : ""}\n`,
  );
  return left.length ? EXIT.findings : EXIT.ok;
}

type Loaded = { ok: true; registry: Registry; evidence?: StatusOptions["evidence"] } | { ok: false; message: string; errors?: RegistryProblem[] };

async function fromFile(option: string | true | undefined, io: Io): Promise<Loaded> {
  const file = typeof option === "string" ? option : REGISTRY_PATH;
  const read = await readRegistryText(io, file);
  if (!read.ok) return { ok: false, message: read.message };
  const result = parseRegistry(read.text, file);
  if (!result.ok) return { ok: false, errors: result.errors, message: `${file} is not valid; run \`tierkeeper validate ${file}\`` };
  return { ok: true, registry: result.registry };
}

async function fromDatabase(repoKey: string, now: Date, env: NodeJS.ProcessEnv): Promise<Loaded> {
  const [owner, name] = repoKey.split("/");
  const { observedEvidence } = await import("../queries/evidence.js");
  return withServerStore(parseConfig(env), async (store): Promise<Loaded> => {
    const cached = await store.registries.byName(owner, name);
    if (cached?.errors.length) return { ok: false, errors: cached.errors, message: `the registry of ${repoKey} is not valid` };
    if (!cached?.registry) return { ok: false, message: `no registry of ${repoKey} is known: tierkeeper has seen no event of it, or it has none` };
    const registry = cached.registry;
    return { ok: true, registry, evidence: await observedEvidence(store, cached.repoId, registry, now) };
  });
}
