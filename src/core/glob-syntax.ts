/**
 * What check-name and path globs share (src/core/glob.ts describes both): the error an invalid
 * glob throws, the length bound, and character-set ranges.
 */

export class GlobError extends Error {}

/** The longest glob accepted, in characters: bounds the automaton, hence the work per match. */
export const MAX_GLOB_LENGTH = 200;

/** Refuses an empty glob and one longer than MAX_GLOB_LENGTH. */
export function checkLength(glob: string): void {
  if (glob.length === 0) throw new GlobError("empty pattern");
  if (glob.length > MAX_GLOB_LENGTH) throw new GlobError(`longer than ${MAX_GLOB_LENGTH} characters (${glob.length})`);
}

/** Atoms to ranges as a RegExp character class reads them: `a-z` where an operator dash stands between two atoms. */
export function ranges(atoms: ReadonlyArray<{ cp: number; dash: boolean }>): Array<[number, number]> {
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
