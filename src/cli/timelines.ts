import type { ActionRecord, EpisodeRecord } from "../store/store.js";
import { parseArgs, type CommandSpec } from "./args.js";
import { EXIT, withServerStore, type Io } from "./io.js";
import { parseAction } from "../intents/index.js";
import { parseConfig } from "../app/config.js";

export const timelinesSpec: CommandSpec = {
  name: "timelines",
  usage: "tierkeeper timelines [--repo owner/name] [--limit N] [--shadow]",
  brief: "list Tier 3 timelines with their next dates, and what shadow mode kept",
  summary: `Lists the Tier 3 timelines in the database (DATABASE_URL, as the server uses it): phase, next
step and date. --shadow also lists what shadow mode decided but did not send to GitHub.`,
  options: {
    repo: { type: "string", value: "<owner/name>", description: "only this repository" },
    limit: { type: "string", value: "<N>", description: "at most N timelines (default 100)" },
    shadow: { type: "boolean", description: "also list the actions shadow mode kept instead of sending" },
  },
  maxPositionals: 0,
};

export async function timelinesCommand(argv: readonly string[], io: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const args = parseArgs(argv, timelinesSpec);
  const limit = typeof args.options.limit === "string" ? Number(args.options.limit) || 100 : 100;
  return withServerStore(parseConfig(env), async (store) => {
    const episodes = await store.episodes.list(typeof args.options.repo === "string" ? args.options.repo : undefined, limit);
    io.stdout(formatTimelines(episodes));
    if (args.options.shadow === true) io.stdout(formatShadow(await store.actions.shadow(limit)));
    return EXIT.ok;
  });
}

export function formatTimelines(records: EpisodeRecord[]): string {
  if (records.length === 0) return "no Tier 3 timelines\n";
  const lines = records.map((r) => {
    const e = r.state;
    const next = e.frozen
      ? `frozen by @${e.frozen.by}: ${e.frozen.reason}`
      : e.phase === "disabling"
        ? `next: disabled once the disable is merged (checked again at ${e.dueAt})`
        : e.dueAt
          ? `next: ${e.phase === "notified" ? "propose disabling in CI" : "propose removal"} at ${e.dueAt}`
          : e.phase === "closed"
            ? `closed: ${e.closedReason}`
            : "nothing scheduled";
    return `${r.repoKey} ${r.componentId} #${e.seq}: ${e.phase}; ${next}`;
  });
  return lines.join("\n") + "\n";
}

export function formatShadow(actions: ActionRecord[]): string {
  if (actions.length === 0) return "shadow mode kept nothing\n";
  const lines = actions.map((a) => {
    const { desired } = parseAction(a);
    const title = "title" in desired ? desired.title : undefined;
    const body = "body" in desired ? desired.body : undefined;
    const what = title ?? body?.split("\n").find((l) => l.trim() && !l.startsWith("<!--")) ?? JSON.stringify(desired);
    return `${a.updatedAt.toISOString()} would ${a.githubId && a.githubId !== "shadow" ? "update" : "create"} ${a.kind} ${a.key}: ${what}`;
  });
  return ["shadow mode kept (not sent to GitHub):", ...lines].join("\n") + "\n";
}
