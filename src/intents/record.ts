import type { Policy } from "../core/model.js";
import type { Store } from "../store/store.js";
import type { Intent } from "./kinds.js";

/** The part of a registry's policy that decides whether intents reach GitHub. */
export type Mode = Pick<Policy, "mode">;

/**
 * For the one action taken where no registry exists yet (the onboarding pull request, which is
 * how a repository gets one): there is no mode to follow, so it is enforced.
 */
export const NO_REGISTRY: Mode = { mode: "enforce" };

/**
 * Records intents under the policy's mode, in order, and returns the keys whose desired state
 * (or mode) changed. The only writer of actions: in shadow mode they are recorded as shadow,
 * which the executor marks applied without sending anything, so a caller cannot forget the mode.
 * Target and desired states become the store's JSON here and nowhere else.
 */
export async function recordIntents(store: Pick<Store, "actions">, policy: Mode, intents: Intent[], now: Date): Promise<string[]> {
  const shadow = policy.mode === "shadow";
  const changed: string[] = [];
  for (const intent of intents) {
    const saved = await store.actions.saveIntent({
      key: intent.key,
      kind: intent.kind,
      target: JSON.stringify(intent.target),
      desired: JSON.stringify(intent.desired),
      installationId: intent.installationId,
      now,
      shadow,
    });
    if (saved) changed.push(intent.key);
  }
  return changed;
}

/** One intent, recorded as `recordIntents` does; whether it changed. */
export async function recordIntent(store: Pick<Store, "actions">, policy: Mode, intent: Intent, now: Date): Promise<boolean> {
  return (await recordIntents(store, policy, [intent], now)).length > 0;
}
