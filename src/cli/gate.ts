/**
 * `tierkeeper gate --job "<job name>"`: whether a CI job should run, for CI that does not build
 * its jobs with `tierkeeper matrix`. The last line printed is `skip` or `run`; in GitHub Actions
 * it also writes `skip=true|false` to the step's outputs and, when a disabled component is
 * involved, a note to the step summary. Exit 0 either way: only an invalid registry (1) or a
 * usage error (2) fails the step.
 */
import { gateFor, gateLogLines, gateSummary } from "../core/gate.js";
import { REGISTRY_PATH } from "../core/registry.js";
import { parseArgs, UsageError, type CommandSpec } from "./args.js";
import { EXIT, readValidRegistry, type Io } from "./io.js";

export const gateSpec: CommandSpec = {
  name: "gate",
  usage: 'tierkeeper gate --job "<job name>" [--registry file]',
  brief: "say whether a CI job should run (skip when only disabled components claim it)",
  summary: `Prints why, then \`skip\` or \`run\` on the last line: skip when the components whose \`checks\`
match the job's name are all \`ci: disabled\`; run otherwise (a job no component claims, or one
that also tests an enabled component). With GITHUB_OUTPUT set it appends skip=true or skip=false;
with GITHUB_STEP_SUMMARY set, a note saying which component is disabled, since when, and how to
re-enable it. Exit 0 either way.`,
  options: {
    job: { type: "string", value: "<name>", description: "the job's name, as its check run is named" },
    registry: { type: "string", value: "<file>", description: `the registry (default ${REGISTRY_PATH})` },
  },
  maxPositionals: 0,
};

export async function gateCommand(argv: readonly string[], io: Io): Promise<number> {
  const args = parseArgs(argv, gateSpec);
  const job = args.options.job;
  if (typeof job !== "string" || job.trim() === "") throw new UsageError('--job "<job name>" is required');
  const file = typeof args.options.registry === "string" ? args.options.registry : REGISTRY_PATH;
  const loaded = await readValidRegistry(io, file, "gate");
  if (!loaded) return EXIT.findings;

  const decision = gateFor(loaded.registry, loaded.text, job);
  for (const line of gateLogLines(decision, file)) io.stdout(`${line}\n`);
  const output = io.env?.GITHUB_OUTPUT;
  if (output && io.appendFile) await io.appendFile(output, `skip=${decision.skip}\n`);
  const summaryFile = io.env?.GITHUB_STEP_SUMMARY;
  const summary = gateSummary(decision, file);
  if (summaryFile && summary && io.appendFile) await io.appendFile(summaryFile, summary);
  io.stdout(`${decision.skip ? "skip" : "run"}\n`);
  return EXIT.ok;
}
