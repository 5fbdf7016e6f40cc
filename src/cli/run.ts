/** Dispatch: `tierkeeper <command> [options]`. Kept apart from main.ts so tests run it in-process. */
import { helpText, UsageError, type CommandSpec } from "./args.js";
import { ConfigError } from "../app/config.js";
import { configCommand, configSpec } from "./config.js";
import { deliveriesCommand, deliveriesSpec } from "./deliveries.js";
import { EXIT, type Io } from "./io.js";
import { auditCommand, auditSpec } from "./audit.js";
import { importCommand, importSpec } from "./import.js";
import { gateCommand, gateSpec } from "./gate.js";
import { matrixCommand, matrixSpec } from "./matrix.js";
import { reportCommand, reportSpec } from "./report.js";
import { schemaCommand, schemaSpec } from "./schema.js";
import { statusCommand, statusSpec } from "./status.js";
import { sweepCommand, sweepSpec } from "./sweep.js";
import { timelinesCommand, timelinesSpec } from "./timelines.js";
import { validateCommand, validateSpec } from "./validate.js";

interface CliCommand {
  spec: CommandSpec;
  run(argv: readonly string[], io: Io): Promise<number>;
}

const COMMANDS: readonly CliCommand[] = [
  { spec: validateSpec, run: validateCommand },
  { spec: matrixSpec, run: matrixCommand },
  { spec: gateSpec, run: gateCommand },
  { spec: statusSpec, run: statusCommand },
  { spec: schemaSpec, run: schemaCommand },
  { spec: sweepSpec, run: (argv, io) => sweepCommand(argv, io) },
  { spec: timelinesSpec, run: (argv, io) => timelinesCommand(argv, io) },
  { spec: reportSpec, run: (argv, io) => reportCommand(argv, io) },
  { spec: importSpec, run: importCommand },
  { spec: auditSpec, run: (argv, io) => auditCommand(argv, io) },
  { spec: deliveriesSpec, run: (argv, io) => deliveriesCommand(argv, io) },
  { spec: configSpec, run: (argv, io) => configCommand(argv, io) },
];

export function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.spec.name.length));
  return [
    "usage: tierkeeper <command> [options]",
    "",
    "commands:",
    ...COMMANDS.map((c) => `  ${c.spec.name.padEnd(width)}  ${c.spec.brief}`),
    "",
    "Run `tierkeeper <command> --help` for a command's options.",
    "Exit codes: 0 ok, 1 problems found or an error, 2 usage error.",
    "",
  ].join("\n");
}

export async function run(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr(usage());
    return EXIT.usage;
  }
  if (name === "--help" || name === "-h" || name === "help") {
    io.stdout(usage());
    return EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.spec.name === name);
  if (!command) {
    io.stderr(`tierkeeper: unknown command ${JSON.stringify(name)}\n\n${usage()}`);
    return EXIT.usage;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout(helpText(command.spec));
    return EXIT.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    // A bad setting in the environment: not a usage error, the command cannot run.
    if (e instanceof ConfigError) {
      io.stderr(`tierkeeper ${name}: ${e.message}\n`);
      return EXIT.findings;
    }
    if (!(e instanceof UsageError)) throw e;
    io.stderr(`tierkeeper ${name}: ${e.message}\n(see \`tierkeeper ${name} --help\`)\n`);
    return EXIT.usage;
  }
}
