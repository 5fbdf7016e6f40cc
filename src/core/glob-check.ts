/** Check-name globs (`checks`, `fuzzing`): the syntax is described in src/core/glob.ts. */
import { ANY, automaton, type CharTest, type Glob, type GlobNode } from "./glob-automaton.js";
import { checkLength, GlobError, ranges } from "./glob-syntax.js";

/** Compiles a check-name glob; throws GlobError when it is invalid. */
export function compileCheckGlob(glob: string): Glob {
  checkLength(glob);
  const pattern = Array.from(glob); // code points, so astral characters stay whole
  const nodes: GlobNode[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "*") {
      while (pattern[i + 1] === "*") i++;
      nodes.push({ kind: "loop", test: ANY });
    } else if (c === "?") {
      nodes.push({ kind: "char", test: ANY });
    } else if (c === "\\") {
      if (i + 1 >= pattern.length) throw new GlobError('trailing "\\" escapes nothing');
      nodes.push(literal(pattern[++i]));
    } else if (c === "[") {
      const end = checkClassEnd(pattern, i);
      nodes.push({ kind: "char", test: checkClass(pattern.slice(i + 1, end)) });
      i = end;
    } else {
      nodes.push(literal(c));
    }
  }
  return automaton(nodes);
}

const literal = (c: string): GlobNode => ({ kind: "char", test: { kind: "char", cp: c.codePointAt(0)! } });

/** Index of the `]` closing the set opened at `start`; a `]` right after `[`, `[!` or `[^` is literal. */
function checkClassEnd(pattern: string[], start: number): number {
  let i = start + 1;
  if (pattern[i] === "!" || pattern[i] === "^") i++;
  if (pattern[i] === "]") i++;
  for (; i < pattern.length; i++) {
    if (pattern[i] === "\\") i++;
    else if (pattern[i] === "]") return i;
  }
  throw new GlobError(`"[" at position ${start + 1} is never closed (write "\\[" for a literal bracket)`);
}

/** A set's body: `\` makes the next character literal; an unescaped `-` between two characters is a range. */
function checkClass(body: string[]): CharTest {
  const negate = body[0] === "!" || body[0] === "^";
  const atoms: Array<{ cp: number; dash: boolean }> = [];
  for (let i = negate ? 1 : 0; i < body.length; i++) {
    const dash = body[i] === "-" && i > (negate ? 1 : 0) && i < body.length - 1;
    const c = body[i] === "\\" ? body[++i] : body[i];
    atoms.push({ cp: c.codePointAt(0)!, dash });
  }
  return { kind: "set", ranges: ranges(atoms), negate, slash: true };
}
