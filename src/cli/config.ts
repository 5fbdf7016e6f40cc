/**
 * `tierkeeper config`: checks the environment's settings as the server reads them (app/config.ts);
 * `--markdown` prints the settings table that README.md holds (`npm run config:doc`; a test keeps it in step).
 */
import { configMarkdown, parseConfig } from "../app/config.js";
import { parseArgs, type CommandSpec } from "./args.js";
import { EXIT, type Io } from "./io.js";

export const configSpec: CommandSpec = {
  name: "config",
  usage: "tierkeeper config [--markdown]",
  brief: "check the server's settings in the environment (--markdown: print their table)",
  summary: `Checks every setting the server and the CLI read from the environment, as \`npm start\` would:
exit 0 when they are valid, 1 with one line per bad setting otherwise.
With --markdown, prints the table of settings (variable, meaning, default, accepted values) instead.`,
  options: {
    markdown: { type: "boolean", description: "print the settings table (README.md's) instead of checking" },
  },
  maxPositionals: 0,
};

export async function configCommand(argv: readonly string[], io: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const args = parseArgs(argv, configSpec);
  if (args.options.markdown === true) {
    io.stdout(configMarkdown());
    return EXIT.ok;
  }
  parseConfig(env); // a bad setting throws: run.ts reports it, exit 1
  io.stdout("tierkeeper config: the settings are valid\n");
  return EXIT.ok;
}
