import { replyFigures, type Figures } from "../core/reply-figures.js";
import type { Store } from "../store/store.js";

/** A repository's reply figures over its registry's window (90 days when no registry is cached). */
export async function tier2Figures(store: Store, repoId: number, now: Date): Promise<Figures> {
  const cached = await store.registries.get(repoId);
  const windowDays = cached?.registry?.policy.tier2.figuresWindowDays ?? 90;
  const records = await store.requests.since({ repoId }, new Date(now.getTime() - windowDays * 86_400_000));
  return replyFigures(
    records.map((r) => r.state),
    now,
    windowDays,
  );
}
