import type { Fact } from "../core/facts.js";
import { FEATURES } from "../features/index.js";
import { rulesFor, type Deps } from "../features/deps.js";
import type { AnyFeature, EventContext, Rules } from "../features/feature.js";
import { isolated } from "./isolated.js";

/**
 * The router: one fact to the features that handle its kind, in the order of features/index.ts.
 * First every `observe` step (the PR and CI result records the others build on; a failure there
 * retries the delivery at once), then each feature's load, decide and act, each feature in
 * isolation: one that fails is logged and the others still run, then the delivery is retried as
 * a whole (see isolated.ts). The registry is read at most once per event, when a feature asks.
 */
export async function route(deps: Deps, fact: Fact, features: readonly AnyFeature[] = FEATURES): Promise<void> {
  const mine = features.filter((f) => f.facts.includes(fact.kind));
  if (mine.length === 0) return;
  const ctx = eventContext(deps, fact);
  for (const feature of mine) {
    if (feature.observe && (await feature.observe(ctx)) === "stop") return;
  }
  const failed = ctx.failed as Set<string>;
  const steps = mine.filter((f) => f.load).map((f) => [f.name, () => runFeature(f, ctx).catch((error: unknown) => (failed.add(f.name), Promise.reject(error)))] as const);
  await isolated(deps.log, Object.fromEntries(steps));
}

async function runFeature(feature: AnyFeature, ctx: EventContext): Promise<void> {
  const loaded = await feature.load!(ctx);
  if (loaded === undefined) return;
  const decision = feature.decide ? feature.decide(loaded, ctx.fact, ctx.now) : loaded;
  if (decision === undefined) return;
  await feature.act?.(ctx, decision);
}

function eventContext(deps: Deps, fact: Fact): EventContext {
  const installationId = "installationId" in fact ? fact.installationId : undefined;
  let rules: Promise<Rules | undefined> | undefined;
  return {
    deps,
    fact,
    now: deps.now(),
    github: () => (installationId === undefined ? Promise.reject(new Error(`a ${fact.kind} fact names no installation`)) : deps.github(installationId)),
    rules: () => (rules ??= "repo" in fact && installationId !== undefined ? rulesFor(deps, fact.repo, installationId) : Promise.resolve(undefined)),
    observed: {},
    failed: new Set<string>(),
  };
}
