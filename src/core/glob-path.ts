/** Path globs (`paths`), read as picomatch reads them: the syntax is described in src/core/glob.ts. */
import { ANY, automaton, NOT_SLASH, SLASH, SLASH_CHAR, type CharTest, type Glob, type GlobNode } from "./glob-automaton.js";
import { checkLength, GlobError, ranges } from "./glob-syntax.js";

/** Compiles a repository path glob; throws GlobError when it is invalid. */
export function compilePathGlob(glob: string): Glob {
  checkLength(glob);
  // These would silently never match (paths are relative, `/`-separated) or invert the list.
  if (glob.startsWith("/") || glob.startsWith("./")) {
    throw new GlobError('paths are relative to the repository root: remove the leading "/" or "./"');
  }
  if (glob.startsWith("!")) throw new GlobError("negated patterns are not supported");
  const tokens = collapseGlobstars(pathTokens(Array.from(glob)));
  let at = 0;
  const nodes = pathSequence(
    tokens,
    () => at,
    (n) => (at = n),
    0,
  );
  return automaton(nodes);
}

type PathToken = { t: "char"; test: CharTest } | { t: "star" } | { t: "globstar" } | { t: "open"; position: number } | { t: "comma" } | { t: "close" };

const isSlash = (token: PathToken | undefined) => token?.t === "char" && token.test.kind === "char" && token.test.cp === SLASH;

function pathTokens(pattern: string[]): PathToken[] {
  const tokens: PathToken[] = [];
  let depth = 0;
  // Reported after an unclosed brace, which explains it better.
  let globstarInBraces: GlobError | undefined;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    const position = `at position ${i + 1}`;
    if (c === "*") {
      let run = 1;
      while (pattern[i + 1] === "*") [i, run] = [i + 1, run + 1];
      // picomatch mistranslates what follows `***` (a later `\.` matches any character).
      if (run > 2) throw new GlobError(`"${"*".repeat(run)}" ${position}: write "*" (within a segment) or "**" (any depth)`);
      // `**` is a globstar only as a whole segment; `a**`, `***` are a plain `*`, as in picomatch.
      const wholeSegment = run === 2 && (isSlash(tokens.at(-1)) || tokens.length === 0) && (i + 1 === pattern.length || pattern[i + 1] === "/");
      if (run === 2 && depth > 0) globstarInBraces ??= new GlobError(`"**" inside braces is not supported (${position}): write one glob per alternative`);
      // picomatch reads `**{` as "any path" or as `*` depending on what precedes it.
      if (run === 2 && pattern[i + 1] === "{") throw new GlobError(`"**{" ${position} is ambiguous: write "**/{...}" or "*{...}"`);
      tokens.push(wholeSegment ? { t: "globstar" } : { t: "star" });
    } else if (c === "?") {
      tokens.push({ t: "char", test: NOT_SLASH });
    } else if (c === "\\") {
      if (i + 1 >= pattern.length) throw new GlobError('trailing "\\" escapes nothing');
      tokens.push({ t: "char", test: { kind: "char", cp: escaped(pattern[++i], i) } });
    } else if (c === "[") {
      const end = pathClassEnd(pattern, i);
      tokens.push({ t: "char", test: pathClass(pattern.slice(i + 1, end), i) });
      i = end;
    } else if (c === "]") {
      throw new GlobError(`Missing opening "[" for the "]" ${position} (write "\\]" for a literal bracket)`);
    } else if (c === "{") {
      depth++;
      tokens.push({ t: "open", position: i });
    } else if (c === "," && depth > 0) {
      tokens.push({ t: "comma" });
    } else if (c === "}" && depth > 0) {
      depth--;
      tokens.push({ t: "close" });
    } else if (c === "(" || c === ")" || c === "|") {
      throw new GlobError(`"${c}" ${position}: groups and extglobs are not supported in path globs (write "\\${c}" for a literal "${c}", {a,b} for alternatives)`);
    } else {
      tokens.push({ t: "char", test: { kind: "char", cp: c.codePointAt(0)! } });
    }
  }
  if (depth > 0) throw new GlobError(`Missing closing "}" (write "\\{" for a literal brace)`);
  if (globstarInBraces) throw globstarInBraces;
  return tokens;
}

/** picomatch turns `\x` into the RegExp escape `\x`: only a non-alphanumeric x is then literal. */
function escaped(c: string, i: number): number {
  if (/^[A-Za-z0-9]$/.test(c)) throw new GlobError(`"\\${c}" at position ${i}: only special characters can be escaped in path globs`);
  return c.codePointAt(0)!;
}

/** `a/**∕**∕b` is `a/**∕b`. */
function collapseGlobstars(tokens: PathToken[]): PathToken[] {
  const out: PathToken[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i].t === "globstar" && isSlash(tokens[i + 1]) && tokens[i + 2]?.t === "globstar") i++;
    else out.push(tokens[i]);
  }
  return out;
}

/** The `]` closing the set opened at `start`; a `]` right after `[` or `[^` is literal. */
function pathClassEnd(pattern: string[], start: number): number {
  let i = start + 1;
  if (pattern[i] === "^") i++;
  if (pattern[i] === "]") i++;
  for (; i < pattern.length; i++) {
    if (pattern[i] === "\\") i++;
    else if (pattern[i] === "]") return i;
  }
  throw new GlobError(`Missing closing "]" for the "[" at position ${start + 1} (write "\\[" for a literal bracket)`);
}

function pathClass(body: string[], start: number): CharTest {
  const where = `in the set at position ${start + 1}`;
  if (body[0] === "!") throw new GlobError(`"[!" ${where}: write "[^...]" to negate a set in a path glob`);
  const negate = body[0] === "^";
  const atoms: Array<{ cp: number; dash: boolean }> = [];
  for (let i = negate ? 1 : 0; i < body.length; i++) {
    const c = body[i];
    if (c === "/") throw new GlobError(`"/" ${where}: a set never matches "/"`);
    if (c === "[") throw new GlobError(`"[" ${where}: write "\\[" (POSIX classes such as [[:alpha:]] are not supported)`);
    const dash = c === "-" && i > (negate ? 1 : 0) && i < body.length - 1;
    atoms.push({ cp: c === "\\" ? escaped(body[++i], start + i + 1) : c.codePointAt(0)!, dash });
  }
  if (atoms.length === 0) throw new GlobError(`empty set ${where}`);
  return { kind: "set", ranges: ranges(atoms), negate, slash: false };
}

/** A sequence up to a `,` or `}` of the brace group being read (or the end). */
function pathSequence(tokens: PathToken[], at: () => number, moveTo: (n: number) => void, depth: number): GlobNode[] {
  const nodes: GlobNode[] = [];
  while (at() < tokens.length) {
    const i = at();
    const token = tokens[i];
    if (token.t === "comma" || token.t === "close") return nodes;
    moveTo(i + 1);
    if (token.t === "char") {
      nodes.push({ kind: "char", test: token.test });
    } else if (token.t === "star") {
      nodes.push({ kind: "loop", test: NOT_SLASH });
    } else if (token.t === "globstar") {
      if (i > 0 && i + 1 < tokens.length) {
        // `a/**∕R`: picomatch also matches `a` itself when R can match nothing.
        moveTo(i + 2);
        const rest = pathSequence(tokens, at, moveTo, depth);
        nodes.pop();
        const through: GlobNode[] = [
          { kind: "char", test: SLASH_CHAR },
          {
            kind: "optional",
            body: [
              { kind: "loop", test: ANY },
              { kind: "char", test: SLASH_CHAR },
            ],
          },
          ...rest,
        ];
        nodes.push(...(rest.length > 0 && nullable(rest) ? [{ kind: "alt" as const, alts: [through, []] }] : through));
        return nodes;
      }
      globstar(tokens, i, nodes, moveTo);
    } else {
      const alts: GlobNode[][] = [pathSequence(tokens, at, moveTo, depth + 1)];
      while (tokens[at()]?.t === "comma") {
        moveTo(at() + 1);
        alts.push(pathSequence(tokens, at, moveTo, depth + 1));
      }
      moveTo(at() + 1); // the "}"
      if (alts.length < 2) throw new GlobError(`"{" at position ${token.position + 1} has no ",": write {a,b} for alternatives or "\\{" for a literal brace`);
      nodes.push({ kind: "alt", alts });
    }
  }
  return nodes;
}

function nullable(nodes: readonly GlobNode[]): boolean {
  return nodes.every((n) => n.kind === "loop" || n.kind === "optional" || (n.kind === "alt" && n.alts.some(nullable)));
}

/** `**` as a whole segment at either end: `(.*)`, `(.*∕)?` before a `/`, `(∕.*)?` after one. */
function globstar(tokens: PathToken[], i: number, nodes: GlobNode[], moveTo: (n: number) => void): void {
  if (i + 1 < tokens.length) {
    // Leading: any number of whole segments, each with its "/", none included.
    moveTo(i + 2);
    nodes.push({
      kind: "optional",
      body: [
        { kind: "loop", test: ANY },
        { kind: "char", test: SLASH_CHAR },
      ],
    });
  } else if (i === 0) {
    nodes.push({ kind: "loop", test: ANY });
  } else if (tokens[i - 2]?.t === "star") {
    // picomatch: `a*/**` needs the "/" (it matches `ab/c`, not `ab`).
    nodes.push({ kind: "loop", test: ANY });
  } else {
    // `a/**` also matches `a` itself.
    nodes.pop();
    nodes.push({
      kind: "optional",
      body: [
        { kind: "char", test: SLASH_CHAR },
        { kind: "loop", test: ANY },
      ],
    });
  }
}
