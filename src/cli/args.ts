/**
 * A small argument parser: `--name value`, `--name=value`, boolean `--flag`, `-h`/`--help`,
 * and `--` to end the options. Anything unexpected is a usage error, never a guess.
 */

export interface OptionSpec {
  type: "string" | "boolean";
  /** Shown in the help after the option's name, e.g. `<file>`. */
  value?: string;
  description: string;
}

export interface CommandSpec {
  name: string;
  /** `tierkeeper validate [file]` */
  usage: string;
  /** One line for the command list of `tierkeeper --help`. */
  brief: string;
  summary: string;
  options: Record<string, OptionSpec>;
  /** How many positional arguments are accepted. */
  maxPositionals: number;
}

export interface ParsedArgs {
  /** Strings for string options, `true` for boolean flags; absent when not given. */
  options: Record<string, string | true>;
  positionals: string[];
  help: boolean;
}

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[], spec: CommandSpec): ParsedArgs {
  const options: Record<string, string | true> = {};
  const positionals: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === "-h" || arg === "--help") {
      help = true;
      continue;
    }
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = arg.slice(2, eq === -1 ? undefined : eq);
      const option = Object.hasOwn(spec.options, name) ? spec.options[name] : undefined;
      if (!option) throw new UsageError(`unknown option --${name} for \`tierkeeper ${spec.name}\``);
      if (option.type === "boolean") {
        if (eq !== -1) throw new UsageError(`--${name} takes no value`);
        options[name] = true;
        continue;
      }
      const value: string | undefined = eq === -1 ? argv[i + 1] : arg.slice(eq + 1);
      if (eq === -1) {
        if (value === undefined || (value.startsWith("-") && value !== "-")) throw new UsageError(`--${name} needs a value${option.value ? ` ${option.value}` : ""}`);
        i++;
      }
      if (value === "") throw new UsageError(`--${name} needs a value${option.value ? ` ${option.value}` : ""}`);
      options[name] = value;
      continue;
    }
    if (arg.startsWith("-") && arg !== "-") throw new UsageError(`unknown option ${arg} for \`tierkeeper ${spec.name}\``);
    positionals.push(arg);
  }
  if (!help && positionals.length > spec.maxPositionals) {
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals[spec.maxPositionals])} for \`tierkeeper ${spec.name}\``);
  }
  return { options, positionals, help };
}

/** `--name` must be one of `values`; `fallback` when absent. */
export function choice<const T extends string>(args: ParsedArgs, name: string, values: readonly T[], fallback: T): T {
  const value = args.options[name];
  if (value === undefined) return fallback;
  if (typeof value === "string" && (values as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`--${name} must be ${values.join(" or ")}, got ${JSON.stringify(value)}`);
}

export function helpText(spec: CommandSpec): string {
  const names = Object.entries(spec.options).map(([name, o]) => [`--${name}${o.value ? ` ${o.value}` : ""}`, o.description]);
  names.push(["-h, --help", "show this help"]);
  const width = Math.max(...names.map(([n]) => n.length));
  return [`usage: ${spec.usage}`, "", spec.summary, "", "options:", ...names.map(([n, d]) => `  ${n.padEnd(width)}  ${d}`), ""].join("\n");
}
