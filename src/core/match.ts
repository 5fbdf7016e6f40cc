import { compileCheckGlob, compilePathGlob } from "./glob.js";
import type { Component, Registry } from "./model.js";

/** Maps paths and CI check names to the registry's components. */
export interface Matcher {
  /** Components whose `checks` globs match this CI name (memoised: names repeat a lot). */
  componentsForCheck(name: string): readonly Component[];
  /** Ids of the components whose `paths` globs match at least one of these paths. */
  componentsForPaths(paths: Iterable<string>): Set<string>;
  component(id: string): Component | undefined;
}

// One compiled matcher per parsed registry object: registries are immutable once parsed.
const compiled = new WeakMap<Registry, Matcher>();

export function matcherFor(registry: Registry): Matcher {
  let matcher = compiled.get(registry);
  if (!matcher) {
    matcher = compileMatcher(registry);
    compiled.set(registry, matcher);
  }
  return matcher;
}

function compileMatcher(registry: Registry): Matcher {
  const byId = new Map(registry.components.map((c) => [c.id, c]));
  const checkRules = registry.components.map((c) => ({ component: c, globs: c.checks.map(compileCheckGlob) }));
  const pathRules = registry.components.map((c) => ({ id: c.id, globs: c.paths.map(compilePathGlob) }));
  const byCheckName = new Map<string, readonly Component[]>();

  return {
    componentsForCheck(name) {
      let hit = byCheckName.get(name);
      if (!hit) {
        hit = checkRules.filter((r) => r.globs.some((glob) => glob.test(name))).map((r) => r.component);
        // Bounded memo: check names are few per repository, but never let a hostile stream grow it.
        if (byCheckName.size > 10_000) byCheckName.clear();
        byCheckName.set(name, hit);
      }
      return hit;
    },
    componentsForPaths(paths) {
      const ids = new Set<string>();
      for (const path of paths) {
        for (const rule of pathRules) {
          if (!ids.has(rule.id) && rule.globs.some((glob) => glob.test(path))) ids.add(rule.id);
        }
        if (ids.size === pathRules.length) break;
      }
      return ids;
    },
    component: (id) => byId.get(id),
  };
}
