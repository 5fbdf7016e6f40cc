/**
 * The automaton both glob flavours compile to (src/core/glob.ts): a Pike-style program over code
 * points, simulated with a set of states, never backtracking. The flavours' parsers produce
 * `GlobNode`s; `automaton` turns them into a `Glob`.
 */

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

export type CharTest =
  | { kind: "any" } // any code point
  | { kind: "notSlash" } // any code point but "/"
  | { kind: "char"; cp: number }
  | { kind: "set"; ranges: Array<[number, number]>; negate: boolean; slash: boolean }; // slash: whether "/" can ever match

/** `char` consumes one code point passing `test`; `split` continues at every target without consuming. */
type Instruction = { op: "char"; test: CharTest } | { op: "split"; to: number[] } | { op: "match" };

/** What a glob is made of, once parsed. */
export type GlobNode =
  | { kind: "char"; test: CharTest }
  | { kind: "loop"; test: CharTest } // any number of characters passing test
  | { kind: "optional"; body: GlobNode[] }
  | { kind: "alt"; alts: GlobNode[][] };

export const SLASH = 0x2f;
export const ANY: CharTest = { kind: "any" };
export const NOT_SLASH: CharTest = { kind: "notSlash" };
export const SLASH_CHAR: CharTest = { kind: "char", cp: SLASH };

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
export function automaton(nodes: readonly GlobNode[]): Glob {
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
      for (let i = 0; set && i < input.length;) {
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
