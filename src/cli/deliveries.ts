import type { DeadDelivery } from "../store/store.js";
import { parseArgs, type CommandSpec } from "./args.js";
import { EXIT, withServerStore, type Io } from "./io.js";
import { parseConfig } from "../app/config.js";

export const deliveriesSpec: CommandSpec = {
  name: "deliveries",
  usage: "tierkeeper deliveries [--dead] [--limit N]",
  brief: "count stored webhook deliveries; --dead lists those given up for good",
  summary: `Counts the webhook deliveries in the database (DATABASE_URL, as the server uses it) by state.
--dead lists the deliveries given up for good (malformed, failing at every attempt, or claimed too
often without finishing: their processing crashed or hung the process), newest first: id, event,
attempts, reason, when received. They are never retried; redeliver one from GitHub to try it again.`,
  options: {
    dead: { type: "boolean", description: "list the deliveries given up for good" },
    limit: { type: "string", value: "<N>", description: "at most N deliveries (default 100)" },
  },
  maxPositionals: 0,
};

export async function deliveriesCommand(argv: readonly string[], io: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const args = parseArgs(argv, deliveriesSpec);
  const limit = typeof args.options.limit === "string" ? Number(args.options.limit) || 100 : 100;
  return withServerStore(parseConfig(env), async (store) => {
    const counts = await store.deliveries.counts();
    io.stdout(`deliveries: ${counts.pending} pending, ${counts.done} done, ${counts.failed} dead\n`);
    if (args.options.dead === true) io.stdout(formatDead(await store.deliveries.dead(limit)));
    return EXIT.ok;
  });
}

export function formatDead(dead: DeadDelivery[]): string {
  if (dead.length === 0) return "no dead deliveries\n";
  // One line each, whatever the stored text holds (it came from outside): no control characters.
  const plain = (text: string) => text.replace(/[\s\p{Cc}]+/gu, " ");
  const lines = dead.map((d) => `${plain(d.id)}  ${plain(d.name)}  attempts ${d.attempts}  received ${d.receivedAt.toISOString()}  ${plain(d.reason ?? "")}`);
  return ["dead deliveries (never retried):", ...lines].join("\n") + "\n";
}
