import { monitorEventLoopDelay } from "node:perf_hooks";
import picomatch from "picomatch";
import { matcherFor } from "../core/match.js";
import { registryFindings } from "../core/registry-findings.js";
import { parseRegistry, REGISTRY_LIMITS } from "../core/registry.js";
import { EXAMPLE_REGISTRY } from "../demo/stage.js";

/**
 * The attack of issue 11 (globs `*a*a…*b` beside a file and a check named with 300 a's), timed as
 * the event loop sees it: the PR registry check's parse and findings, then the matcher; next to the
 * same work on the example registry (run first, so both are timed warm). The old engine
 * (picomatch's RegExp) is timed on 26 a's: on 300 it never finishes.
 */
const HOSTILE = `${"*a".repeat(14)}*b`;
const A300 = "a".repeat(300);
const OLD_INPUT = 26;

export async function benchHostileGlobs(): Promise<string> {
  const globs = Array.from({ length: REGISTRY_LIMITS.globsPerList }, (_, i) => JSON.stringify(`${HOSTILE}${i}`)).join(", ");
  const text = `components:\n  evil:\n    category: misc\n    tier: 3\n    owners: [mallory]\n    paths: [${globs}]\n    checks: [${JSON.stringify(HOSTILE)}]\n`;
  const check = (registry: string) => () => {
    const head = parseRegistry(registry);
    if (!head.ok) throw new Error("the registry should be valid");
    registryFindings({ file: ".github/tiers.yml", text: registry, head, tree: { paths: [A300, `crates/${A300}`, "README.md"] }, seenChecks: [A300] });
    const matcher = matcherFor(head.registry);
    matcher.componentsForCheck(A300);
    matcher.componentsForPaths([A300, `crates/${A300}`]);
  };
  await maxStall(check(EXAMPLE_REGISTRY));
  const example = await maxStall(check(EXAMPLE_REGISTRY));
  const now = await maxStall(check(text));
  const old = await maxStall(() => picomatch.makeRe(HOSTILE, { dot: true, strictBrackets: true, windows: false }).test("a".repeat(OLD_INPUT)));
  return `hostile globs: max event-loop stall ${now.toFixed(0)} ms (the example registry: ${example.toFixed(0)} ms; old RegExp: ${old.toFixed(0)} ms on ${OLD_INPUT} a's, never finishing on 300)`;
}

/** The longest the event loop was blocked while `work` ran, in ms. */
async function maxStall(work: () => void): Promise<number> {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  await new Promise((resolve) => setTimeout(resolve, 20));
  work();
  await new Promise((resolve) => setTimeout(resolve, 20));
  delay.disable();
  return delay.max / 1e6;
}
