/** Where key paths are in a registry's YAML text: the line and column a problem is anchored at. */
import { isAlias, isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, type Document } from "yaml";
import type { PathKey, Position, RegistryLocator } from "./registry.js";

export type Anchor = (path: PathKey[], target?: "key" | "value") => Position;

/** Where key paths are in a registry text: the positions problems are anchored at. */
export function registryAnchor(text: string): Anchor {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  return anchorer(
    yamlLocator(doc, (offset) => {
      const { line, col } = lineCounter.linePos(offset);
      return { line, column: col };
    }),
  );
}

/** Falls back to the nearest enclosing key that exists, then to 1:1. */
export function anchorer(locate: RegistryLocator | undefined): Anchor {
  return (path, target = "value") => {
    if (!locate) return { line: 1, column: 1 };
    for (let p = path, t = target; ; p = p.slice(0, -1), t = "key") {
      const pos = locate(p, t);
      if (pos) return pos;
      if (p.length === 0) return { line: 1, column: 1 };
    }
  };
}

export function yamlLocator(doc: Document, at: (offset: number) => Position): RegistryLocator {
  return (path, target = "value") => {
    let node: unknown = doc.contents;
    let key: unknown;
    for (const seg of path) {
      // Below an alias (`*shared`) nothing has text of its own here: the caller falls back to the alias's key.
      if (isAlias(node)) return undefined;
      if (isMap(node)) {
        const pair = node.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === String(seg));
        if (!pair) return undefined;
        [key, node] = [pair.key, pair.value];
      } else if (isSeq(node) && typeof seg === "number" && seg < node.items.length) {
        [key, node] = [undefined, node.items[seg]];
      } else {
        return undefined;
      }
    }
    // An empty value (`owners:`) has no text of its own: point at its key.
    const emptyValue = !isNode(node) || (isScalar(node) && node.value === null && node.range?.[0] === node.range?.[1]);
    const chosen = target === "key" || emptyValue ? (key ?? node) : node;
    const offset = isNode(chosen) ? chosen.range?.[0] : undefined;
    return offset === undefined ? (path.length === 0 ? { line: 1, column: 1 } : undefined) : at(offset);
  };
}
