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
  targets: Array<readonly number[] | undefined>;
}

/**
 * Work space shared by every glob: matching is synchronous, one glob at a time, and a registry has
 * hundreds of globs (a typed array of their own costs each some 250 bytes before its first element).
 * Grown to the largest glob compiled.
 */
const work = {
  /** The states being collected for the next set. */
  list: new Int32Array(0),
  stack: new Int32Array(0),
  /** The generation (one per character read) at which each state was last added: a state is added at most once per character. */
  addedAt: new Int32Array(0),
  generation: 0,
  /** Steps of the current `test`. */
  steps: 0,
};

function reserve(size: number): void {
  if (work.list.length >= size) return;
  const length = Math.max(size, 2 * work.list.length);
  [work.list, work.stack, work.addedAt] = [new Int32Array(length), new Int32Array(length), new Int32Array(length).fill(-1)];
}

/** A fresh mark for `addedAt`; refilled long before it could wrap. */
function nextGeneration(): number {
  if (++work.generation === 0x7fffffff) [work.generation] = [0, work.addedAt.fill(-1)];
  return work.generation;
}

/**
 * Adds `start` and every state it reaches without reading a character to `work.list` (from
 * `length`); returns the new length. Each state visited costs a step.
 */
function addState(flat: Flat, length: number, start: number, position: number): number {
  const { addedAt, stack, list } = work;
  const { targets } = flat;
  let top = 0;
  stack[top++] = start;
  while (top > 0) {
    const at = stack[--top];
    if (addedAt[at] === position) continue;
    addedAt[at] = position;
    work.steps++;
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

/**
 * A set of automaton states: the lazily built DFA's state. Plain arrays, and the transitions in one
 * map per glob: a registry's automata hold thousands of sets, mostly of a state or two, and a typed
 * array or a map of its own would cost each some 250 bytes before its first element.
 */
interface StateSet {
  /** Numbers the glob's sets: the transition from a set on a character is keyed by both. */
  id: number;
  states: readonly number[];
  accepting: boolean;
}

/** Keys a transition: above every code point (U+10FFFF). */
const CODE_POINTS = 0x110000;

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
    targets: code.map((ins) => (ins.op === "split" ? ins.to : undefined)),
  };
  reserve(size);
  const prefix = literalPrefix(nodes);
  const known = new Map<string, StateSet>();
  const transitions = new Map<number, StateSet>();
  let sets = 0;

  const setOf = (length: number): StateSet => {
    const states = Array.from(work.list.subarray(0, length)).sort((a, b) => a - b);
    const key = states.join(",");
    const cached = known.get(key);
    if (cached) return cached;
    let accepting = false;
    for (const pc of states) if (flat.kind[pc] === MATCH) accepting = true;
    const set: StateSet = { id: sets++, states, accepting };
    if (known.size < MAX_CACHED_SETS) known.set(key, set);
    return set;
  };
  const start = setOf(addState(flat, 0, 0, nextGeneration()));

  /** The set after reading `cp` in `from`: remembered, or computed (a step per state visited). */
  const after = (from: StateSet, cp: number): StateSet => {
    const key = from.id * CODE_POINTS + cp;
    const cached = transitions.get(key);
    if (cached) {
      work.steps++;
      return cached;
    }
    const mark = nextGeneration();
    let length = 0;
    for (const pc of from.states) {
      work.steps++;
      if (reads(flat, pc, cp)) length = addState(flat, length, pc + 1, mark);
    }
    const set = setOf(length);
    if (transitions.size < MAX_CACHED_TRANSITIONS) transitions.set(key, set);
    return set;
  };

  return {
    size,
    test(input, meter) {
      work.steps = 1;
      // Most paths are told apart by the glob's literal start (`crates/wasi-nn/`): one step.
      let set = input.startsWith(prefix) ? start : undefined;
      for (let i = 0; set && i < input.length;) {
        const cp = input.codePointAt(i)!;
        i += cp > 0xffff ? 2 : 1; // a surrogate pair is one code point, as with the RegExp "u" flag
        set = after(set, cp);
        if (set.states.length === 0) set = undefined;
      }
      if (meter) meter.steps += work.steps;
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
