import { liveElements } from "./markdown.js";

/**
 * @-mention extraction as GitHub does it for notifications: `@login` and
 * `@org/team`, ignoring code spans/blocks and e-mail-like `a@b` (see markdown.ts).
 */

/** Mentioned logins and `org/team` slugs, lowercased, in order of first appearance. */
export function extractMentions(body: string | null | undefined): string[] {
  if (!body) return [];
  return [...new Set(liveElements(body).mentions)];
}
