/**
 * `tierkeeper status`: the spec's "Current Tier Status" tables, computed from the registry.
 * The "Missing Tier N Requirements" column comes from the declared facts (src/core/requirements.ts);
 * nothing observed is used here, so requirements only observation decides show as unknown (JSON).
 */
import { formatProblem, parseRegistry, REGISTRY_PATH } from "../core/registry.js";
import { renderStatusJson, renderStatusMarkdown, statusRows } from "../core/render/status-tables.js";
import { choice, parseArgs, type CommandSpec } from "./args.js";
import { EXIT, readRegistryText, type Io } from "./io.js";

export const statusSpec: CommandSpec = {
  name: "status",
  usage: "tierkeeper status [--registry file] [--format markdown|json]",
  brief: "print the Current Tier Status tables, with each component's missing requirements",
  summary: `Prints the "Current Tier Status" tables of the policy, computed from the registry (default ${REGISTRY_PATH}):
one table per tier, rows in registry order, and for Tier 2 and Tier 3 the requirements of the tier
above that each component is missing. --format json prints the rows with every requirement's status
(met, missing or unknown).`,
  options: {
    registry: { type: "string", value: "<file>", description: `the registry (default ${REGISTRY_PATH})` },
    format: { type: "string", value: "markdown|json", description: "json prints [{ tier, category, description, id, missing, requirements }]" },
  },
  maxPositionals: 0,
};

export async function statusCommand(argv: readonly string[], io: Io): Promise<number> {
  const args = parseArgs(argv, statusSpec);
  const format = choice(args, "format", ["markdown", "json"], "markdown");
  const file = typeof args.options.registry === "string" ? args.options.registry : REGISTRY_PATH;

  const read = await readRegistryText(io, file);
  if (!read.ok) {
    io.stderr(`tierkeeper status: ${read.message}\n`);
    return EXIT.findings;
  }
  const result = parseRegistry(read.text, file);
  if (!result.ok) {
    for (const problem of result.errors) io.stderr(`${formatProblem(problem)}\n`);
    io.stderr(`tierkeeper status: ${file} is not valid; run \`tierkeeper validate ${file}\`\n`);
    return EXIT.findings;
  }
  const rows = statusRows(result.registry, { overrides: result.registry.policy.requirements });
  io.stdout(format === "json" ? renderStatusJson(rows) : renderStatusMarkdown(rows));
  return EXIT.ok;
}
