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
import { formatProblem, parseRegistry, REGISTRY_PATH } from "../core/registry.js";
import { choice, parseArgs, UsageError, type CommandSpec } from "./args.js";
import { EXIT, readRegistryText, type Io } from "./io.js";

export const matrixSpec: CommandSpec = {
  name: "matrix",
  usage: "tierkeeper matrix [--registry file] [--format json|checks] [--tier N] [--include-disabled]",
  brief: "print the components to test in CI as a GitHub Actions matrix",
  summary: `Prints the components to test in CI as a GitHub Actions matrix, on one line:
{"include":[{"component":"wasi-nn","tier":3,"checks":["Test wasi-nn"]},...]}
Components without checks are left out, and so are those with \`ci: disabled\` unless --include-disabled.`,
  options: {
    registry: { type: "string", value: "<file>", description: `the registry (default ${REGISTRY_PATH})` },
    format: { type: "string", value: "json|checks", description: "checks prints a JSON array of the check names" },
    tier: { type: "string", value: "<N>", description: "only components of these tiers (1, 2, 3 or a list: 1,2)" },
    "exclude-disabled": { type: "boolean", description: "leave out components with `ci: disabled` (the default)" },
    "include-disabled": { type: "boolean", description: "keep components with `ci: disabled`" },
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
  const parts = String(value).split(",").map((s) => s.trim());
  if (parts.some((p) => !["1", "2", "3"].includes(p))) throw new UsageError(`--tier must be 1, 2 or 3 (or a list such as 1,2), got ${JSON.stringify(value)}`);
  return new Set(parts.map((p) => Number(p) as Tier));
}

export async function matrixCommand(argv: readonly string[], io: Io): Promise<number> {
  const args = parseArgs(argv, matrixSpec);
  const format = choice(args, "format", ["json", "checks"], "json");
  const tiers = parseTiers(args.options.tier);
  if (args.options["include-disabled"] && args.options["exclude-disabled"]) {
    throw new UsageError("--include-disabled and --exclude-disabled contradict each other");
  }
  const file = typeof args.options.registry === "string" ? args.options.registry : REGISTRY_PATH;

  const read = await readRegistryText(io, file);
  if (!read.ok) {
    io.stderr(`tierkeeper matrix: ${read.message}\n`);
    return EXIT.findings;
  }
  const result = parseRegistry(read.text, file);
  if (!result.ok) {
    for (const problem of result.errors) io.stderr(`${formatProblem(problem)}\n`);
    io.stderr(`tierkeeper matrix: ${file} is not valid; run \`tierkeeper validate ${file}\`\n`);
    return EXIT.findings;
  }
  const entries = matrixEntries(result.registry.components, { tiers, includeDisabled: args.options["include-disabled"] === true });
  const output = format === "checks" ? [...new Set(entries.flatMap((e) => e.checks))] : { include: entries };
  io.stdout(`${JSON.stringify(output)}\n`);
  return EXIT.ok;
}
