/**
 * Glob compilation shared by the registry validator and the matcher, so that a pattern
 * the validator accepts is exactly the pattern the matcher runs.
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
 * Path globs (`paths`) are picomatch globs over repository-relative paths with `/`
 * separators (`crates/wasi-nn/**`); dotfiles match, brackets must be balanced.
 */
import picomatch from "picomatch";

export class GlobError extends Error {}

/** Compiles a check-name glob to an anchored RegExp; throws GlobError when it is invalid. */
export function compileCheckGlob(glob: string): RegExp {
  if (glob.length === 0) throw new GlobError("empty pattern");
  const pattern = Array.from(glob); // code points, so astral characters stay whole
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "*") {
      while (pattern[i + 1] === "*") i++;
      source += "[\\s\\S]*";
    } else if (c === "?") {
      source += "[\\s\\S]";
    } else if (c === "\\") {
      if (i + 1 >= pattern.length) throw new GlobError("trailing \"\\\" escapes nothing");
      source += literal(pattern[++i]);
    } else if (c === "[") {
      const end = classEnd(pattern, i);
      source += classSource(pattern.slice(i + 1, end));
      i = end;
    } else {
      source += literal(c);
    }
  }
  try {
    return new RegExp(`^${source}$`, "u");
  } catch (e) {
    throw new GlobError(`invalid character set (${(e as Error).message})`);
  }
}

/** Index of the `]` closing the set opened at `start`; a `]` right after `[`, `[!` or `[^` is literal. */
function classEnd(pattern: string[], start: number): number {
  let i = start + 1;
  if (pattern[i] === "!" || pattern[i] === "^") i++;
  if (pattern[i] === "]") i++;
  for (; i < pattern.length; i++) {
    if (pattern[i] === "\\") i++;
    else if (pattern[i] === "]") return i;
  }
  throw new GlobError(`"[" at position ${start + 1} is never closed (write "\\[" for a literal bracket)`);
}

function classSource(body: string[]): string {
  const negate = body[0] === "!" || body[0] === "^";
  let out = "";
  for (let i = negate ? 1 : 0; i < body.length; i++) {
    // An unescaped `-` between two characters stays a range operator.
    if (body[i] === "-" && i > (negate ? 1 : 0) && i < body.length - 1) out += "-";
    else out += literal(body[i] === "\\" ? body[++i] : body[i]);
  }
  return `[${negate ? "^" : ""}${out}]`;
}

/** One character as a RegExp atom that means exactly that character, in or out of a set. */
function literal(c: string): string {
  return /^[A-Za-z0-9_ ]$/.test(c) ? c : `\\u{${c.codePointAt(0)!.toString(16)}}`;
}

const PATH_OPTIONS = { dot: true, strictBrackets: true, windows: false } as const;

/** Compiles a repository path glob to a predicate; throws GlobError when it is invalid. */
export function compilePathGlob(pattern: string): (path: string) => boolean {
  if (pattern.length === 0) throw new GlobError("empty pattern");
  // These would silently never match (paths are relative, `/`-separated) or invert the list.
  if (pattern.startsWith("/") || pattern.startsWith("./")) {
    throw new GlobError("paths are relative to the repository root: remove the leading \"/\" or \"./\"");
  }
  if (pattern.startsWith("!")) throw new GlobError("negated patterns are not supported");
  let re: RegExp;
  try {
    re = picomatch.makeRe(pattern, PATH_OPTIONS);
  } catch (e) {
    throw new GlobError((e as Error).message);
  }
  // picomatch reports a pattern it cannot turn into a RegExp as the never-matching /$^/.
  if (re.source === "$^") throw new GlobError("not a valid glob");
  return (path) => re.test(path);
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
