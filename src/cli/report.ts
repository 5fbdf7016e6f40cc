import { replyFigures } from "../core/reply-figures.js";
import { renderFigures, type FiguresFormat } from "../core/render/tier2.js";
import { parseArgs, UsageError, type CommandSpec } from "./args.js";
import { EXIT, withServerStore, type Io } from "./io.js";
import { parseInstant } from "./sweep.js";
import { parseConfig } from "../app/config.js";

export const reportSpec: CommandSpec = {
  name: "report",
  usage: "tierkeeper report [--repo owner/name] [--format text|json|markdown] [--window DAYS] [--now <ISO-8601>]",
  brief: "print the Tier 2 reply figures (requests, replies, reply times, breaches)",
  summary: `Prints the Tier 2 reply figures from the database (DATABASE_URL, as the server uses it): per
component and per maintainer, the requests made in the rolling window, the replies, the median and
90th-percentile reply time, the requests still open and the breaches of the reply window.`,
  options: {
    repo: { type: "string", value: "<owner/name>", description: "only this repository (default: all)" },
    format: { type: "string", value: "<format>", description: "text (default), json or markdown" },
    window: { type: "string", value: "<DAYS>", description: "the rolling window in days (default 90)" },
    now: { type: "string", value: "<instant>", description: "figures as of this instant (default: now)" },
  },
  maxPositionals: 0,
};

const FORMATS: readonly FiguresFormat[] = ["text", "json", "markdown"];

export async function reportCommand(argv: readonly string[], io: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const args = parseArgs(argv, reportSpec);
  const format = (args.options.format ?? "text") as FiguresFormat;
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be text, json or markdown, got ${JSON.stringify(args.options.format)}`);
  const window = args.options.window === undefined ? 90 : Number(args.options.window);
  if (!Number.isInteger(window) || window < 1) throw new UsageError(`--window must be a positive whole number of days, got ${JSON.stringify(args.options.window)}`);
  const asOf = typeof args.options.now === "string" ? parseInstant(args.options.now) : new Date();
  const repoKey = typeof args.options.repo === "string" ? args.options.repo : undefined;
  if (repoKey !== undefined && !/^[\w.-]+\/[\w.-]+$/.test(repoKey)) throw new UsageError(`--repo must be owner/name, got ${JSON.stringify(repoKey)}`);

  return withServerStore(parseConfig(env), async (store) => {
    const records = await store.requests.since(repoKey ? { repoKey } : undefined, new Date(asOf.getTime() - window * 86_400_000));
    const figures = replyFigures(
      records.map((r) => r.state),
      asOf,
      window,
    );
    io.stdout(renderFigures(figures, format, `Tier 2 reply figures${repoKey ? ` for ${repoKey}` : ""}`));
    return EXIT.ok;
  });
}
