/**
 * GitHub stamps comments, reviews and reactions to the second, while tierkeeper's own clock has
 * milliseconds: a reply in the same second as the request it answers must still count as after it.
 */

/** `2026-11-23T12:00:00.680Z` -> `2026-11-23T12:00:00Z`: an instant at GitHub's precision. */
export const toSecond = (iso: string): string => `${iso.slice(0, 19)}Z`;

/** Whether `at` (from GitHub) is at or after `since` (tierkeeper's), at GitHub's precision. */
export const atOrAfter = (at: string, since: string): boolean => Date.parse(at) >= Date.parse(toSecond(since));
