import fc from "fast-check";
import picomatch from "picomatch";
import { compileCheckGlob, compilePathGlob, globError, GlobError, MAX_GLOB_LENGTH, type StepMeter } from "../../src/core/glob.js";

/**
 * The automaton against the engines it replaced, on small random globs and inputs (small enough
 * for the old backtracking RegExps to be safe): same verdicts, so the semantics did not change.
 */

// The check-name glob compiler before the automaton (RegExp with `[\s\S]*` per star), kept as the oracle.
function legacyCheckRegExp(glob: string): RegExp {
  if (glob.length === 0) throw new GlobError("empty pattern");
  const pattern = Array.from(glob);
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "*") {
      while (pattern[i + 1] === "*") i++;
      source += "[\\s\\S]*";
    } else if (c === "?") {
      source += "[\\s\\S]";
    } else if (c === "\\") {
      if (i + 1 >= pattern.length) throw new GlobError("trailing");
      source += legacyLiteral(pattern[++i]);
    } else if (c === "[") {
      let end = i + 1;
      if (pattern[end] === "!" || pattern[end] === "^") end++;
      if (pattern[end] === "]") end++;
      for (; end < pattern.length && pattern[end] !== "]"; end++) if (pattern[end] === "\\") end++;
      if (end >= pattern.length) throw new GlobError("never closed");
      const body = pattern.slice(i + 1, end);
      const negate = body[0] === "!" || body[0] === "^";
      let out = "";
      for (let k = negate ? 1 : 0; k < body.length; k++) {
        if (body[k] === "-" && k > (negate ? 1 : 0) && k < body.length - 1) out += "-";
        else out += legacyLiteral(body[k] === "\\" ? body[++k] : body[k]);
      }
      source += `[${negate ? "^" : ""}${out}]`;
      i = end;
    } else {
      source += legacyLiteral(c);
    }
  }
  try {
    return new RegExp(`^${source}$`, "u");
  } catch (e) {
    throw new GlobError((e as Error).message);
  }
}
const legacyLiteral = (c: string) => (/^[A-Za-z0-9_ ]$/.test(c) ? c : `\\u{${c.codePointAt(0)!.toString(16)}}`);

/** The path glob engine before the automaton; undefined where it refused the glob. */
function legacyPathRegExp(glob: string): RegExp | undefined {
  try {
    const re = picomatch.makeRe(glob, { dot: true, strictBrackets: true, windows: false });
    return re.source === "$^" ? undefined : re;
  } catch {
    return undefined;
  }
}

const RUNS = { numRuns: 2000, seed: 20261201 };

const checkGlobs = fc
  .array(fc.constantFrom("a", "b", "-", "/", " ", "(", "é", "😀", "*", "**", "?", "[", "]", "!", "^", "\\", "[ab]", "[!a]", "[^b]", "[a-c]", "[]a]", "[a-]", "[\\]]", "[b-a]"), {
    minLength: 1,
    maxLength: 8,
  })
  .map((parts) => parts.join(""));
const checkNames = fc.array(fc.constantFrom("a", "b", "c", "-", "/", " ", "(", "]", "!", "*", "é", "😀"), { maxLength: 10 }).map((cs) => cs.join(""));

const pathGlobs = fc
  .array(
    fc.constantFrom(
      "a",
      "b",
      ".",
      "/",
      "-",
      "é",
      "*",
      "**",
      "?",
      "[ab]",
      "[^a]",
      "[a-c]",
      "[]a]",
      "[.-]",
      "{a,b}",
      "{a,/b}",
      "{,a}",
      "{*,b}",
      "{a,{b,.}}",
      "}",
      ",",
      "\\.",
      "\\*",
      "/**/",
      "**/",
      "/**",
      "[",
      "]",
      "{",
      "\\",
    ),
    { minLength: 1, maxLength: 7 },
  )
  .map((parts) => parts.join(""));
// Repository paths as git lists them: no empty, "." or ".." segment, no leading or trailing "/".
const segment = fc
  .array(fc.constantFrom("a", "b", "c", ".", "-", "é"), { minLength: 1, maxLength: 4 })
  .map((cs) => cs.join(""))
  .filter((s) => s !== "." && s !== "..");
const repoPaths = fc.array(segment, { minLength: 1, maxLength: 4 }).map((segments) => segments.join("/"));

describe("the automaton matches as the engines it replaced did", () => {
  test("check-name globs: valid and invalid alike, and the same names match", () => {
    fc.assert(
      fc.property(checkGlobs, fc.array(checkNames, { maxLength: 8 }), (glob, names) => {
        let legacy: RegExp | undefined;
        try {
          legacy = legacyCheckRegExp(glob);
        } catch {
          legacy = undefined;
        }
        expect(globError("check", glob) === undefined).toBe(legacy !== undefined);
        if (!legacy) return;
        const automaton = compileCheckGlob(glob);
        for (const name of [...names, glob]) expect([glob, name, automaton.test(name)]).toEqual([glob, name, legacy.test(name)]);
      }),
      RUNS,
    );
  });

  test("path globs: every glob accepted now was accepted by picomatch, and matches the same paths", () => {
    let accepted = 0;
    fc.assert(
      fc.property(pathGlobs, fc.array(repoPaths, { maxLength: 8 }), (glob, paths) => {
        if (globError("path", glob) !== undefined) return;
        accepted++;
        const legacy = legacyPathRegExp(glob);
        expect([glob, legacy !== undefined]).toEqual([glob, true]);
        const automaton = compilePathGlob(glob);
        for (const path of paths) expect([glob, path, automaton.test(path)]).toEqual([glob, path, legacy!.test(path)]);
      }),
      RUNS,
    );
    // The comparison means something only if most random globs are accepted.
    expect(accepted).toBeGreaterThan(RUNS.numRuns / 3);
  });

  test("path globs: what is refused now is refused with a reason, not silently", () => {
    expect(globError("path", "a/(b|c)")).toMatch(/"\(" at position 3: groups and extglobs are not supported/);
    expect(globError("path", "@(a|b)")).toMatch(/groups and extglobs are not supported/);
    expect(globError("path", "a/[!b]")).toMatch(/write "\[\^\.\.\.\]" to negate/);
    expect(globError("path", "[[:alpha:]]")).toMatch(/POSIX classes/);
    expect(globError("path", "a/{1..3}")).toMatch(/has no ","/);
    expect(globError("path", "{a/**,b}")).toMatch(/"\*\*" inside braces is not supported/);
    expect(globError("path", "**{a,b}")).toMatch(/"\*\*\{" at position 1 is ambiguous/);
    expect(globError("path", "a/***.rs")).toMatch(/"\*\*\*" at position 3: write "\*"/);
    expect(globError("path", "a\\d")).toMatch(/only special characters can be escaped/);
    expect(globError("path", "[a/b]")).toMatch(/a set never matches "\/"/);
    expect(globError("path", "a]")).toMatch(/Missing opening/);
    expect(globError("path", "a/{b,c")).toMatch(/Missing closing "}"/);
    expect(globError("path", "x".repeat(MAX_GLOB_LENGTH + 1))).toBe(`longer than ${MAX_GLOB_LENGTH} characters (${MAX_GLOB_LENGTH + 1})`);
    expect(globError("check", "x".repeat(MAX_GLOB_LENGTH + 1))).toBe(`longer than ${MAX_GLOB_LENGTH} characters (${MAX_GLOB_LENGTH + 1})`);
    expect(globError("path", "x".repeat(MAX_GLOB_LENGTH))).toBeUndefined();
  });

  // Globs that many repository paths match, far larger than the random ones: the work space grows for them.
  const LARGER = `{${["a", "b", "c", ".", "-", "é"].map((c) => `*${c}*`).join(",")}}`;
  const LARGEST = `{${["a", "b", "c", "."].flatMap((x) => ["a", "b", "c", "-", "é"].map((y) => `*${x}*${y}*`)).join(",")}}`;
  test("globs share one work space: used in turn with larger globs compiled meanwhile, each keeps its verdicts and step counts", () => {
    fc.assert(
      fc.property(fc.array(pathGlobs, { maxLength: 3 }), fc.array(pathGlobs, { maxLength: 3 }), fc.array(repoPaths, { minLength: 1, maxLength: 6 }), (before, after, names) => {
        // A glob of two instructions first, then random ones with larger ones between them.
        const valid = ["a", ...before, LARGER, ...after, LARGEST].filter((g) => globError("path", g) === undefined);
        // Each glob alone, compiled and used before the next is compiled...
        const alone = valid.map((g) => {
          const glob = compilePathGlob(g);
          return names.map((name) => {
            const meter: StepMeter = { steps: 0 };
            return [glob.test(name, meter), meter.steps] as [boolean, number];
          });
        });
        // ... and all compiled first (the work space grows to the largest), then used interleaved.
        const compiled = valid.map((g) => compilePathGlob(g));
        const interleaved = compiled.map(() => [] as Array<[boolean, number]>);
        for (const name of names) {
          for (const [i, glob] of compiled.entries()) {
            const meter: StepMeter = { steps: 0 };
            interleaved[i].push([glob.test(name, meter), meter.steps]);
          }
        }
        expect(interleaved).toEqual(alone);
        // The verdicts are the old engine's (a work space grown wrong would skip states).
        expect(interleaved.map((results) => results.map(([verdict]) => verdict))).toEqual(valid.map((g) => names.map((name) => legacyPathRegExp(g)!.test(name))));
      }),
      { numRuns: 300, seed: 11 },
    );
  });

  test("the globs of the examples and the README keep their meaning", () => {
    const cases: Array<[string, string, boolean]> = [
      ["crates/wasi-nn/**", "crates/wasi-nn", true],
      ["crates/wasi-nn/**", "crates/wasi-nn/src/lib.rs", true],
      ["crates/wasi-nn/**", "crates/wasi-nn-x/lib.rs", false],
      ["**/*.rs", "a/.hidden/b.rs", true],
      ["**/*.rs", "b.rs", true],
      ["cranelift/filetests/filetests/runtests/simd-*.clif", "cranelift/filetests/filetests/runtests/simd-add.clif", true],
      ["cranelift/filetests/filetests/runtests/simd-*.clif", "cranelift/filetests/filetests/runtests/simd/x.clif", false],
      ["src/*.{js,ts}", "src/a.ts", true],
      ["a/**/b", "a/b", true],
      ["a/**/b", "a/x/y/b", true],
    ];
    for (const [glob, path, expected] of cases) {
      expect([glob, path, compilePathGlob(glob).test(path)]).toEqual([glob, path, expected]);
      expect([glob, path, legacyPathRegExp(glob)!.test(path)]).toEqual([glob, path, expected]);
    }
  });
});

describe("hostile globs cannot stall matching", () => {
  const HOSTILE = `${"*a".repeat(14)}*b`;
  const NAME = "a".repeat(300);

  test("the attack's glob against 300 a's: at most (length + 1) × (2 × automaton size + 1) steps, for paths and check names", () => {
    for (const compile of [compilePathGlob, compileCheckGlob]) {
      const glob = compile(HOSTILE);
      const meter: StepMeter = { steps: 0 };
      expect(glob.test(NAME, meter)).toBe(false);
      expect(meter.steps).toBeGreaterThan(NAME.length);
      expect(meter.steps).toBeLessThanOrEqual((NAME.length + 1) * (2 * glob.size + 1));
      // Linear: each further 300 characters cost exactly as many steps as the previous 300 (a fresh glob each time).
      const [twice, thrice]: StepMeter[] = [{ steps: 0 }, { steps: 0 }];
      compile(HOSTILE).test(NAME.repeat(2), twice);
      compile(HOSTILE).test(NAME.repeat(3), thrice);
      expect(thrice.steps - twice.steps).toBe(twice.steps - meter.steps);
      // Matched again, the sets met are remembered: one step per character (and one for the start).
      const again: StepMeter = { steps: 0 };
      expect(glob.test(NAME, again)).toBe(false);
      expect(again.steps).toBe(NAME.length + 1);
    }
  });

  test("random globs of any shape: steps bounded by (length + 1) × (2 × size + 1) on any input", () => {
    fc.assert(
      fc.property(fc.oneof(checkGlobs, pathGlobs), fc.string({ maxLength: 200, unit: fc.constantFrom("a", "b", "/", ".", "*") }), (glob, input) => {
        for (const kind of ["check", "path"] as const) {
          if (globError(kind, glob) !== undefined) continue;
          const compiled = kind === "check" ? compileCheckGlob(glob) : compilePathGlob(glob);
          const meter: StepMeter = { steps: 0 };
          compiled.test(input, meter);
          expect(meter.steps).toBeLessThanOrEqual((Array.from(input).length + 1) * (2 * compiled.size + 1));
        }
      }),
      { numRuns: 500, seed: 7 },
    );
  });

  test("a glob of the longest length accepted compiles to a bounded automaton", () => {
    const longest = "*a".repeat(MAX_GLOB_LENGTH / 2);
    expect(compileCheckGlob(longest).size).toBeLessThanOrEqual(4 * MAX_GLOB_LENGTH + 1);
    expect(compilePathGlob(longest).size).toBeLessThanOrEqual(4 * MAX_GLOB_LENGTH + 1);
    expect(compilePathGlob(`{${"a,".repeat(MAX_GLOB_LENGTH / 2 - 2)}b}`).size).toBeLessThanOrEqual(4 * MAX_GLOB_LENGTH + 1);
  });
});
