import { formatProblem, parseRegistry, REGISTRY_PATH } from "../core/registry.js";
import type { RegistryProblem } from "../core/model.js";
import { choice, parseArgs, type CommandSpec } from "./args.js";
import { EXIT, readRegistryText, type Io } from "./io.js";

export const validateSpec: CommandSpec = {
  name: "validate",
  usage: "tierkeeper validate [file] [--format text|json]",
  brief: "check a tier registry: file:line:col: problems, exit 1 on errors",
  summary: `Checks a tier registry (default ${REGISTRY_PATH}). Prints each problem as file:line:col: message.
Exits 1 when there are errors; warnings alone exit 0.`,
  options: {
    format: { type: "string", value: "text|json", description: "json prints { ok, errors, warnings }" },
  },
  maxPositionals: 1,
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export async function validateCommand(argv: readonly string[], io: Io): Promise<number> {
  const args = parseArgs(argv, validateSpec);
  const format = choice(args, "format", ["text", "json"], "text");
  const file = args.positionals[0] ?? REGISTRY_PATH;

  const read = await readRegistryText(io, file);
  let errors: RegistryProblem[];
  let warnings: RegistryProblem[] = [];
  let components = 0;
  if (!read.ok) {
    errors = [{ file, line: 1, column: 1, message: read.message, severity: "error" }];
  } else {
    const result = parseRegistry(read.text, file);
    if (result.ok) {
      warnings = result.warnings;
      components = result.registry.components.length;
      errors = [];
    } else {
      errors = result.errors;
    }
  }

  const ok = errors.length === 0;
  if (format === "json") {
    io.stdout(`${JSON.stringify({ ok, errors, warnings })}\n`);
  } else if (!read.ok) {
    io.stderr(`tierkeeper validate: ${read.message}\n`);
  } else {
    for (const problem of [...errors, ...warnings]) io.stdout(`${formatProblem(problem)}\n`);
    const summary = ok
      ? `${file}: valid, ${plural(components, "component")}${warnings.length ? `, ${plural(warnings.length, "warning")}` : ""}`
      : `${file}: ${plural(errors.length, "error")}, not valid`;
    io.stdout(`${summary}\n`);
  }
  return ok ? EXIT.ok : EXIT.findings;
}
