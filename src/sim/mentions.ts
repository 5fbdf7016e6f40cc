/**
 * @-mention extraction as GitHub does it for notifications: `@login` and
 * `@org/team`, ignoring code spans/blocks and e-mail-like `a@b`.
 */

const FENCED = /(^|\n)(```|~~~)[^\n]*\n[\s\S]*?(\n\2[^\n]*(?=\n|$)|$)/g;
const INDENTED_OR_INLINE = /`+[^`]*?`+/g;
// Preceded by start or a non-word, non-backtick char; login: alnum + single hyphens, <= 39 chars.
const MENTION = /(^|[^\w`@/])@([A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38})(?:\/([A-Za-z0-9](?:[\w.-]*[A-Za-z0-9_])?))?(?![\w-])/g;

/** Mentioned logins and `org/team` slugs, lowercased, in order of first appearance. */
export function extractMentions(body: string | null | undefined): string[] {
  if (!body) return [];
  const text = body.replace(FENCED, "\n").replace(INDENTED_OR_INLINE, " ");
  const out = new Set<string>();
  for (const m of text.matchAll(MENTION)) {
    out.add((m[3] ? `${m[2]}/${m[3]}` : m[2]).toLowerCase());
  }
  return [...out];
}
