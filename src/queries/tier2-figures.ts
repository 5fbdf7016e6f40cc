import type { Registry } from "../core/model.js";
import { replyFigures, type Figures } from "../core/reply-figures.js";
import type { Tier2Request } from "../core/responsiveness.js";
import type { Store } from "../store/store.js";

/** A repository's reply figures over its registry's window (90 days when no registry is cached). */
export async function tier2Figures(store: Store, repoId: number, now: Date): Promise<Figures> {
  const cached = await store.getRegistry(repoId);
  const windowDays = (cached?.registryJson ? (JSON.parse(cached.registryJson) as Registry).policy.tier2?.figuresWindowDays : undefined) ?? 90;
  const records = await store.requestsSince({ repoId }, new Date(now.getTime() - windowDays * 86_400_000));
  return replyFigures(records.map((r) => JSON.parse(r.state) as Tier2Request), now, windowDays);
}
