/**
 * `tierkeeper matrix`: the components CI should test, as a GitHub Actions matrix.
 *
 * A workflow that runs one job per component (paste into the README):
 *
 * ```yaml
 * # .github/workflows/components.yml
 * on: [push, pull_request]
 * jobs:
 *   plan:
 *     runs-on: ubuntu-latest
 *     outputs:
 *       matrix: ${{ steps.tiers.outputs.matrix }}
 *     steps:
 *       - uses: actions/checkout@v4          # the matrix is read from .github/tiers.yml
 *       - uses: actions/setup-node@v4
 *         with:
 *           node-version: 20
 *       - id: tiers
 *         # Assign first, then echo: `echo "matrix=$(...)"` would hide a failing command
 *         # (an invalid registry) behind echo's exit status 0. Pin the version.
 *         run: |
 *           matrix="$(npx --yes tierkeeper@0.1.0 matrix)"
 *           echo "matrix=$matrix" >> "$GITHUB_OUTPUT"
 *   test:
 *     needs: plan
 *     # GitHub rejects a matrix with an empty include list: skip the job instead.
 *     if: needs.plan.outputs.matrix != '{"include":[]}'
 *     strategy:
 *       fail-fast: false
 *       matrix: ${{ fromJSON(needs.plan.outputs.matrix) }}
 *     # The job's name is its check-run name: keep it one the component's `checks` match.
 *     name: ${{ matrix.checks[0] }}
 *     runs-on: ubuntu-latest
 *     steps:
 *       - uses: actions/checkout@v4
 *       - run: ./ci/test-component.sh "${{ matrix.component }}"   # your per-component test
 * ```
 *
 * Each entry is `{ component, tier, checks }`; `--tier 3` keeps one tier, `--format checks`
 * prints only the check names (globs as written in the registry).
 */
import type { Component, Tier } from "../core/model.js";
import { filterMatrix, gateLogLines, matrixShapeError } from "../core/gate.js";
import { REGISTRY_PATH } from "../core/registry.js";
import { choice, parseArgs, UsageError, type CommandSpec, type ParsedArgs } from "./args.js";
import { EXIT, readValidRegistry, type Io } from "./io.js";

export const matrixSpec: CommandSpec = {
  name: "matrix",
  usage: "tierkeeper matrix [--registry file] [--format json|checks] [--tier N] [--include-disabled] | matrix --filter [--registry file] [--key field] < matrix.json",
  brief: "print the components to test in CI as a GitHub Actions matrix",
  summary: `Prints the components to test in CI as a GitHub Actions matrix, on one line:
{"include":[{"component":"wasi-nn","tier":3,"checks":["Test wasi-nn (*)"]},...]}
Components without checks are left out, and so are those with \`ci: disabled\` unless --include-disabled.

With --filter it reads a matrix CI built its own way on stdin (an array of entries, or an object
with an "include" array; each entry's job name in its "name" field) and prints it, on one line,
without the entries whose job only components with \`ci: disabled\` claim (through their \`checks\`).
A job that also tests an enabled component is kept. What was left out is said on stderr.`,
  options: {
    registry: { type: "string", value: "<file>", description: `the registry (default ${REGISTRY_PATH})` },
    format: { type: "string", value: "json|checks", description: "checks prints a JSON array of the check names" },
    tier: { type: "string", value: "<N>", description: "only components of these tiers (1, 2, 3 or a list: 1,2)" },
    "exclude-disabled": { type: "boolean", description: "leave out components with `ci: disabled` (the default)" },
    "include-disabled": { type: "boolean", description: "keep components with `ci: disabled`" },
    filter: { type: "boolean", description: "read a JSON matrix on stdin and print it without the jobs of disabled components" },
    key: { type: "string", value: "<field>", description: "with --filter: the entries' field holding the job name (default name)" },
  },
  maxPositionals: 0,
};

export interface MatrixEntry {
  component: string;
  tier: Tier;
  checks: string[];
}

/** The matrix entries of a registry's components (pure). */
export function matrixEntries(components: readonly Component[], filter: { tiers?: ReadonlySet<Tier>; includeDisabled?: boolean } = {}): MatrixEntry[] {
  return components
    .filter((c) => c.checks.length > 0)
    .filter((c) => filter.includeDisabled || c.facts.ci !== "disabled")
    .filter((c) => !filter.tiers || filter.tiers.has(c.tier))
    .map((c) => ({ component: c.id, tier: c.tier, checks: [...c.checks] }));
}

function parseTiers(value: string | true | undefined): Set<Tier> | undefined {
  if (value === undefined) return undefined;
  const parts = String(value)
    .split(",")
    .map((s) => s.trim());
  if (parts.some((p) => !["1", "2", "3"].includes(p))) throw new UsageError(`--tier must be 1, 2 or 3 (or a list such as 1,2), got ${JSON.stringify(value)}`);
  return new Set(parts.map((p) => Number(p) as Tier));
}

export async function matrixCommand(argv: readonly string[], io: Io): Promise<number> {
  const args = parseArgs(argv, matrixSpec);
  if (args.options.filter) {
    const clash = ["format", "tier", "include-disabled", "exclude-disabled"].find((o) => args.options[o] !== undefined);
    if (clash) throw new UsageError(`--filter takes the matrix on stdin and cannot be combined with --${clash}`);
  } else if (args.options.key !== undefined) {
    throw new UsageError("--key only applies with --filter");
  }
  const format = choice(args, "format", ["json", "checks"], "json");
  const tiers = parseTiers(args.options.tier);
  if (args.options["include-disabled"] && args.options["exclude-disabled"]) {
    throw new UsageError("--include-disabled and --exclude-disabled contradict each other");
  }
  const file = typeof args.options.registry === "string" ? args.options.registry : REGISTRY_PATH;

  if (args.options.filter) return filterCommand(args, file, io);

  const loaded = await readValidRegistry(io, file, "matrix");
  if (!loaded) return EXIT.findings;
  const entries = matrixEntries(loaded.registry.components, { tiers, includeDisabled: args.options["include-disabled"] === true });
  const output = format === "checks" ? [...new Set(entries.flatMap((e) => e.checks))] : { include: entries };
  io.stdout(`${JSON.stringify(output)}\n`);
  return EXIT.ok;
}

/** `matrix --filter`: the matrix on stdin without the jobs the gate would skip. */
async function filterCommand(args: ParsedArgs, file: string, io: Io): Promise<number> {
  if (!io.readStdin) throw new Error("matrix --filter needs standard input");
  const key = typeof args.options.key === "string" ? args.options.key : "name";
  const loaded = await readValidRegistry(io, file, "matrix");
  if (!loaded) return EXIT.findings;
  let input: unknown;
  try {
    input = JSON.parse(await io.readStdin());
  } catch (e) {
    io.stderr(`tierkeeper matrix --filter: stdin is not JSON (${(e as Error).message})\n`);
    return EXIT.findings;
  }
  const shapeError = matrixShapeError(input);
  if (shapeError) {
    io.stderr(`tierkeeper matrix --filter: ${shapeError}\n`);
    return EXIT.findings;
  }
  const result = filterMatrix(loaded.registry, loaded.text, input as Parameters<typeof filterMatrix>[2], key);
  for (const decision of result.dropped) io.stderr(`left out: ${gateLogLines(decision, file).join("; ")}\n`);
  for (const decision of result.shared) io.stderr(`kept: ${gateLogLines(decision, file).join("; ")}\n`);
  io.stdout(`${JSON.stringify(result.matrix)}\n`);
  return EXIT.ok;
}
