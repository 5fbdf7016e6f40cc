/**
 * Glob compilation shared by the registry validator and the matcher, so that a pattern
 * the validator accepts is exactly the pattern the matcher runs.
 *
 * Globs come from `.github/tiers.yml`, which anyone can edit in a pull request: they are
 * compiled to a small automaton over code points (no RegExp, no backtracking) and simulated
 * with a set of states, so matching costs at most (input length + 1) × (2 × automaton size + 1)
 * steps, and about one per character once the sets met are remembered.
 *
 * Check-name globs (`checks`, `fuzzing`) are NOT path globs: CI names such as
 * `test (wasi-nn, ubuntu-latest)` or `CI / Test Linux` contain spaces, parentheses, commas
 * and slashes. Only these characters are special:
 *   `*` and `**`  any run of characters, including none, spaces and `/`
 *   `?`           exactly one character
 *   `[abc]`, `[a-z]`, `[!a-z]` / `[^a-z]`  one character from (or not from) a set
 *   `\`           makes the next character literal
 * Everything else (`( ) { } + @ ! |` ...) is literal. The whole name must match, case-sensitively.
 *
 * Path globs (`paths`) match repository-relative paths with `/` separators (`crates/wasi-nn/**`),
 * as picomatch does with `dot: true` (dotfiles match), for this subset:
 *   `*`           any run of characters except `/` (`***` is refused: picomatch mistranslates it)
 *   `**`          as a whole segment (`a/**`, `**∕b`, `a/**∕b`): any number of segments, none included
 *   `?`           one character except `/`
 *   `[abc]`, `[a-z]`, `[^a-z]`  one character (never `/`) from (or not from) a set
 *   `{a,b}`       either alternative (nested braces too; `**` inside braces is not supported)
 *   `\`           makes the next (non-alphanumeric) character literal
 * Parentheses, `|` (picomatch's groups and extglobs), `[!...]` (which picomatch does not negate),
 * POSIX classes and `{1..3}` ranges are refused with an error saying what to write instead.
 */

export class GlobError extends Error {}

/** The longest glob accepted, in characters: bounds the automaton, hence the work per match. */
export const MAX_GLOB_LENGTH = 200;

/** Counts automaton steps: a deterministic measure of matching work (tests, work budgets). */
export interface StepMeter {
  steps: number;
}

/** A compiled glob: `test` takes at most (input length + 1) × (2 × `size` + 1) steps (each state is added, then read, once per character). */
export interface Glob {
  test(input: string, meter?: StepMeter): boolean;
  /** Instructions in the automaton. */
  readonly size: number;
}

// ---------------------------------------------------------------------------------------------
// The automaton: a Pike-style program over code points.

type CharTest =
  | { kind: "any" } // any code point
  | { kind: "notSlash" } // any code point but "/"
  | { kind: "char"; cp: number }
  | { kind: "set"; ranges: Array<[number, number]>; negate: boolean; slash: boolean }; // slash: whether "/" can ever match

/** `char` consumes one code point passing `test`; `split` continues at every target without consuming. */
type Instruction = { op: "char"; test: CharTest } | { op: "split"; to: number[] } | { op: "match" };

/** What a glob is made of, once parsed. */
type GlobNode =
  | { kind: "char"; test: CharTest }
  | { kind: "loop"; test: CharTest } // any number of characters passing test
  | { kind: "optional"; body: GlobNode[] }
  | { kind: "alt"; alts: GlobNode[][] };

const SLASH = 0x2f;
const ANY: CharTest = { kind: "any" };
const NOT_SLASH: CharTest = { kind: "notSlash" };
const SLASH_CHAR: CharTest = { kind: "char", cp: SLASH };

function passes(test: CharTest, cp: number): boolean {
  switch (test.kind) {
    case "any":
      return true;
    case "notSlash":
      return cp !== SLASH;
    case "char":
      return cp === test.cp;
    case "set":
      if (cp === SLASH && !test.slash) return false;
      return test.ranges.some(([lo, hi]) => cp >= lo && cp <= hi) !== test.negate;
  }
}

function emit(nodes: readonly GlobNode[], code: Instruction[]): void {
  for (const node of nodes) {
    if (node.kind === "char") {
      code.push({ op: "char", test: node.test });
    } else if (node.kind === "loop") {
      const head = code.length;
      const fork = { op: "split" as const, to: [head + 1] };
      code.push(fork, { op: "char", test: node.test }, { op: "split", to: [head] });
      fork.to.push(code.length);
    } else if (node.kind === "optional") {
      const fork = { op: "split" as const, to: [code.length + 1] };
      code.push(fork);
      emit(node.body, code);
      fork.to.push(code.length);
    } else {
      const fork = { op: "split" as const, to: [] as number[] };
      code.push(fork);
      const exits: Array<{ op: "split"; to: number[] }> = [];
      for (const alt of node.alts) {
        fork.to.push(code.length);
        emit(alt, code);
        const exit = { op: "split" as const, to: [] as number[] };
        code.push(exit);
        exits.push(exit);
      }
      for (const exit of exits) exit.to.push(code.length);
    }
  }
}

const [ANY_CHAR, NOT_SLASH_CHAR, EXACT_CHAR, SET_CHAR, SPLIT, MATCH] = [0, 1, 2, 3, 4, 5];
const TEST_KIND = { any: ANY_CHAR, notSlash: NOT_SLASH_CHAR, char: EXACT_CHAR, set: SET_CHAR } as const;

/** A program flattened into arrays for the hot loop. */
interface Flat {
  kind: Uint8Array;
  exact: Int32Array;
  sets: Array<Extract<CharTest, { kind: "set" }> | undefined>;
  targets: Array<Int32Array | undefined>;
  /** The input position at which each state was last added: a state is added at most once per position. */
  addedAt: Int32Array;
  stack: Int32Array;
}

/**
 * Adds `start` and every state it reaches without reading a character to `list` (from `length`);
 * returns the new length. Each state visited costs a step, counted in `steps[0]`.
 */
function addState(flat: Flat, list: Int32Array, length: number, start: number, position: number, steps: Float64Array): number {
  const { addedAt, stack, targets } = flat;
  let top = 0;
  stack[top++] = start;
  while (top > 0) {
    const at = stack[--top];
    if (addedAt[at] === position) continue;
    addedAt[at] = position;
    steps[0]++;
    const to = targets[at];
    if (to === undefined) list[length++] = at;
    else for (let t = to.length - 1; t >= 0; t--) if (addedAt[to[t]] !== position) stack[top++] = to[t];
  }
  return length;
}

function reads(flat: Flat, pc: number, cp: number): boolean {
  const what = flat.kind[pc];
  if (what === ANY_CHAR) return true;
  if (what === NOT_SLASH_CHAR) return cp !== SLASH;
  if (what === EXACT_CHAR) return cp === flat.exact[pc];
  return what === SET_CHAR && passes(flat.sets[pc]!, cp);
}

/** A set of automaton states, remembered with the sets it leads to: the lazily built DFA. */
interface StateSet {
  states: Int32Array;
  accepting: boolean;
  next: Map<number, StateSet>;
}

/** Sets (and transitions) remembered per glob; past these the sets are computed afresh each time. */
const MAX_CACHED_SETS = 256;
const MAX_CACHED_TRANSITIONS = 2048;

/**
 * Simulates the program on the input with a set of states: no backtracking, ever. The sets met
 * are remembered with their transitions (a DFA built lazily, bounded), so a glob matched against
 * many paths mostly costs one step per character.
 */
function automaton(nodes: readonly GlobNode[]): Glob {
  const code: Instruction[] = [];
  emit(nodes, code);
  code.push({ op: "match" });
  const size = code.length;
  const flat: Flat = {
    kind: Uint8Array.from(code, (ins) => (ins.op === "split" ? SPLIT : ins.op === "match" ? MATCH : TEST_KIND[ins.test.kind])),
    exact: Int32Array.from(code, (ins) => (ins.op === "char" && ins.test.kind === "char" ? ins.test.cp : -1)),
    sets: code.map((ins) => (ins.op === "char" && ins.test.kind === "set" ? ins.test : undefined)),
    targets: code.map((ins) => (ins.op === "split" ? Int32Array.from(ins.to) : undefined)),
    addedAt: new Int32Array(size).fill(-1),
    stack: new Int32Array(size),
  };
  const scratch = new Int32Array(size);
  const steps = new Float64Array(1);
  const prefix = literalPrefix(nodes);
  const known = new Map<string, StateSet>();
  let transitions = 0;
  let generation = 0;

  const setOf = (length: number): StateSet => {
    const states = scratch.slice(0, length).sort();
    const key = states.join(",");
    const cached = known.get(key);
    if (cached) return cached;
    let accepting = false;
    for (const pc of states) if (flat.kind[pc] === MATCH) accepting = true;
    const set = { states, accepting, next: new Map<number, StateSet>() };
    if (known.size < MAX_CACHED_SETS) known.set(key, set);
    return set;
  };
  // Generations mark the states added for one character; refilled long before they could wrap.
  const nextGeneration = (): number => {
    if (++generation === 0x7fffffff) [generation] = [0, flat.addedAt.fill(-1)];
    return generation;
  };
  const start = setOf(addState(flat, scratch, 0, 0, nextGeneration(), steps));
  steps[0] = 0;

  /** The set after reading `cp` in `from`: remembered, or computed (a step per state visited). */
  const after = (from: StateSet, cp: number): StateSet => {
    const cached = from.next.get(cp);
    if (cached) {
      steps[0]++;
      return cached;
    }
    const mark = nextGeneration();
    let length = 0;
    for (const pc of from.states) {
      steps[0]++;
      if (reads(flat, pc, cp)) length = addState(flat, scratch, length, pc + 1, mark, steps);
    }
    const set = setOf(length);
    if (transitions < MAX_CACHED_TRANSITIONS) {
      from.next.set(cp, set);
      transitions++;
    }
    return set;
  };

  return {
    size,
    test(input, meter) {
      steps[0] = 1;
      // Most paths are told apart by the glob's literal start (`crates/wasi-nn/`): one step.
      let set = input.startsWith(prefix) ? start : undefined;
      for (let i = 0; set && i < input.length; ) {
        const cp = input.codePointAt(i)!;
        i += cp > 0xffff ? 2 : 1; // a surrogate pair is one code point, as with the RegExp "u" flag
        set = after(set, cp);
        if (set.states.length === 0) set = undefined;
      }
      if (meter) meter.steps += steps[0];
      return set?.accepting ?? false;
    },
  };
}

/** The characters every match starts with. */
function literalPrefix(nodes: readonly GlobNode[]): string {
  let prefix = "";
  for (const node of nodes) {
    if (node.kind !== "char" || node.test.kind !== "char") break;
    prefix += String.fromCodePoint(node.test.cp);
  }
  return prefix;
}

// ---------------------------------------------------------------------------------------------
// Check-name globs

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
      if (i + 1 >= pattern.length) throw new GlobError("trailing \"\\\" escapes nothing");
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

function checkLength(glob: string): void {
  if (glob.length === 0) throw new GlobError("empty pattern");
  if (glob.length > MAX_GLOB_LENGTH) throw new GlobError(`longer than ${MAX_GLOB_LENGTH} characters (${glob.length})`);
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

/** Atoms to ranges as a RegExp character class reads them: `a-z` where an operator dash stands between two atoms. */
function ranges(atoms: ReadonlyArray<{ cp: number; dash: boolean }>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let k = 0; k < atoms.length; k++) {
    if (k + 2 < atoms.length && atoms[k + 1].dash) {
      const [lo, hi] = [atoms[k].cp, atoms[k + 2].cp];
      if (lo > hi) throw new GlobError(`invalid character set (range out of order: ${String.fromCodePoint(lo)}-${String.fromCodePoint(hi)})`);
      out.push([lo, hi]);
      k += 2;
    } else {
      out.push([atoms[k].cp, atoms[k].cp]);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Path globs

/** Compiles a repository path glob; throws GlobError when it is invalid. */
export function compilePathGlob(glob: string): Glob {
  checkLength(glob);
  // These would silently never match (paths are relative, `/`-separated) or invert the list.
  if (glob.startsWith("/") || glob.startsWith("./")) {
    throw new GlobError("paths are relative to the repository root: remove the leading \"/\" or \"./\"");
  }
  if (glob.startsWith("!")) throw new GlobError("negated patterns are not supported");
  const tokens = collapseGlobstars(pathTokens(Array.from(glob)));
  let at = 0;
  const nodes = pathSequence(tokens, () => at, (n) => (at = n), 0);
  return automaton(nodes);
}

type PathToken =
  | { t: "char"; test: CharTest }
  | { t: "star" }
  | { t: "globstar" }
  | { t: "open"; position: number }
  | { t: "comma" }
  | { t: "close" };

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
      if (i + 1 >= pattern.length) throw new GlobError("trailing \"\\\" escapes nothing");
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
        const through: GlobNode[] = [{ kind: "char", test: SLASH_CHAR }, { kind: "optional", body: [{ kind: "loop", test: ANY }, { kind: "char", test: SLASH_CHAR }] }, ...rest];
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
    nodes.push({ kind: "optional", body: [{ kind: "loop", test: ANY }, { kind: "char", test: SLASH_CHAR }] });
  } else if (i === 0) {
    nodes.push({ kind: "loop", test: ANY });
  } else if (tokens[i - 2]?.t === "star") {
    // picomatch: `a*/**` needs the "/" (it matches `ab/c`, not `ab`).
    nodes.push({ kind: "loop", test: ANY });
  } else {
    // `a/**` also matches `a` itself.
    nodes.pop();
    nodes.push({ kind: "optional", body: [{ kind: "char", test: SLASH_CHAR }, { kind: "loop", test: ANY }] });
  }
}

/** The error message for an invalid glob, or undefined when it compiles. */
export function globError(kind: "check" | "path", pattern: string): string | undefined {
  try {
    if (kind === "check") compileCheckGlob(pattern);
    else compilePathGlob(pattern);
    return undefined;
  } catch (e) {
    if (e instanceof GlobError) return e.message;
    throw e;
  }
}
