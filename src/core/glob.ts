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
 * POSIX classes and `{1..3}` ranges are refused with an error saying what to write instead. *
 * Modules: glob-check.ts and glob-path.ts parse the two flavours, glob-automaton.ts compiles and
 * runs what they parse, glob-syntax.ts holds what the flavours share.
 */
import { compileCheckGlob } from "./glob-check.js";
import { compilePathGlob } from "./glob-path.js";
import { GlobError } from "./glob-syntax.js";

export type { Glob, StepMeter } from "./glob-automaton.js";
export { compileCheckGlob } from "./glob-check.js";
export { compilePathGlob } from "./glob-path.js";
export { GlobError, MAX_GLOB_LENGTH } from "./glob-syntax.js";

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
