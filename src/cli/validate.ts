import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { formatProblem, parseRegistry, REGISTRY_PATH } from "../core/registry.js";
import { registryFindings, type FindingsInput } from "../core/registry-findings.js";
import { guessWarnings } from "../core/import-document.js";
import type { Registry, RegistryProblem } from "../core/model.js";
import { choice, parseArgs, type CommandSpec } from "./args.js";
import { EXIT, readRegistryText, type Io } from "./io.js";

export const validateSpec: CommandSpec = {
  name: "validate",
  usage: "tierkeeper validate [file] [--base file] [--skip-paths] [--format text|json]",
  brief: "check a tier registry: file:line:col: problems, exit 1 on errors",
  summary: `Checks a tier registry (default ${REGISTRY_PATH}). Prints each problem as file:line:col: message.
Exits 1 when there are errors; warnings alone exit 0.

Besides syntax and schema, it warns about \`paths\` globs that match no file under the current
directory (the files \`git ls-files --cached --others --exclude-standard\` lists there, so run it
from the repository's root; outside a git work tree the globs are not compared). With --base, the
registry in force (e.g. \`git show origin/main:${REGISTRY_PATH} > base.yml\`), it also judges
the edit: a promotion whose target tier's requirements are not met is an error, a demotion and
a component losing its last owner are warnings. Check names seen in CI and owners on GitHub are
checked by the \`tierkeeper/registry\` check run on pull requests, not here.`,
  options: {
    base: { type: "string", value: "<file>", description: "the registry in force, to judge tier changes and lost owners against" },
    "skip-paths": { type: "boolean", description: "do not compare `paths` globs with the files under the current directory" },
    format: { type: "string", value: "text|json", description: "json prints { ok, errors, warnings, notes }" },
  },
  maxPositionals: 1,
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** The files under `cwd`, relative to it, as git sees them (tracked, and new ones not ignored). */
export async function gitFiles(cwd: string): Promise<FindingsInput["tree"]> {
  try {
    const { stdout } = await promisify(execFile)("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd, maxBuffer: 512 * 1024 * 1024 });
    return { paths: stdout.split("\0").filter(Boolean) };
  } catch {
    return { unknown: "the current directory is not in a git work tree" };
  }
}

export async function validateCommand(argv: readonly string[], io: Io, listFiles = gitFiles): Promise<number> {
  const args = parseArgs(argv, validateSpec);
  const format = choice(args, "format", ["text", "json"], "text");
  const file = args.positionals[0] ?? REGISTRY_PATH;
  const baseFile = typeof args.options.base === "string" ? args.options.base : undefined;

  const read = await readRegistryText(io, file);
  let errors: RegistryProblem[];
  let warnings: RegistryProblem[] = [];
  let notes: string[] = [];
  let components = 0;
  let fatal: string | undefined;
  if (!read.ok) {
    fatal = read.message;
    errors = [{ file, line: 1, column: 1, message: read.message, severity: "error" }];
  } else {
    const result = parseRegistry(read.text, file);
    const base = baseFile === undefined ? undefined : await readBase(io, baseFile);
    if (typeof base === "string") {
      fatal = base;
      errors = [{ file: baseFile!, line: 1, column: 1, message: base, severity: "error" }];
    } else if (result.ok) {
      const findings = registryFindings({
        file,
        text: read.text,
        head: result,
        base,
        tree: args.options["skip-paths"] ? undefined : await listFiles(io.cwd),
      });
      errors = findings.problems.filter((p) => p.severity === "error");
      warnings = [...findings.problems.filter((p) => p.severity === "warning"), ...guessWarnings(read.text, file)];
      notes = findings.notes;
      components = result.registry.components.length;
    } else {
      errors = result.errors;
    }
  }

  const ok = errors.length === 0;
  if (format === "json") {
    io.stdout(`${JSON.stringify({ ok, errors, warnings, notes })}\n`);
  } else if (fatal) {
    io.stderr(`tierkeeper validate: ${fatal}\n`);
  } else {
    for (const problem of [...errors, ...warnings].sort((a, b) => a.line - b.line || a.column - b.column)) io.stdout(`${formatProblem(problem)}\n`);
    for (const note of notes) io.stderr(`tierkeeper validate: note: ${note}\n`);
    const summary = ok
      ? `${file}: valid, ${plural(components, "component")}${warnings.length ? `, ${plural(warnings.length, "warning")}` : ""}`
      : `${file}: ${plural(errors.length, "error")}, not valid`;
    io.stdout(`${summary}\n`);
  }
  return ok ? EXIT.ok : EXIT.findings;
}

/** The registry in force, or why it cannot be used: judging an edit against a broken base would mislead. */
async function readBase(io: Io, file: string): Promise<Registry | string> {
  const read = await readRegistryText(io, file);
  if (!read.ok) return `--base: ${read.message}`;
  const result = parseRegistry(read.text, file);
  if (!result.ok) return `--base: ${file} is not a valid registry (${formatProblem(result.errors[0])}); run \`tierkeeper validate ${file}\``;
  return result.registry;
}
