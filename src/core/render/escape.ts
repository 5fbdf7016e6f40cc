/**
 * The one way a value from outside (check names, URLs, branch names, freeze reasons, titles,
 * logins tierkeeper does not mean to mention, a user's own words) enters tierkeeper's Markdown.
 *
 * The scheme is the code span: `md.code(value)` puts the value in a code span whose fence is
 * one backtick longer than any run of backticks inside, with line breaks turned into spaces
 * (a line break could start a new block and end the span early). Inside a code span GitHub
 * renders nothing: no @-mention (so no notification), no `#123` or `owner/repo#123`
 * cross-reference, no autolink, no emphasis, no HTML, no image; and the text reads exactly as
 * written, which backslashes and zero-width characters would not give (a copied branch name
 * must stay the branch name). Identifiers already read as code in tierkeeper's texts.
 *
 * `md.text` is for free text from the registry that reads as prose (a component's name or
 * category): ASCII punctuation that could open markup is backslash-escaped, line breaks become
 * spaces, and a zero-width space follows `@`, `#`, `:` and `www` (GitHub finds mentions,
 * references and bare links in the rendered text, where a backslash no longer is).
 *
 * Links: `md.link(label, url)` and `md.url(url)` link only an http(s) URL, normalised and with
 * the characters that could end the link percent-encoded; anything else is shown as code.
 */

const LINE_BREAKS = /\r\n|\r|\n|\u2028|\u2029/g;
/** Punctuation that can open inline markup, an entity or a table cell. */
const INLINE_MARKUP = /[\\`*_{}[\]()<>!|~&"]/g;
const ZWSP = "\u200b";
/** Past this many characters a value is cut: a comment must stay within GitHub's 65,536. */
const MAX_VALUE = 300;

function oneLine(value: string): string {
  const flat = String(value).replace(LINE_BREAKS, " ");
  return flat.length > MAX_VALUE ? `${flat.slice(0, MAX_VALUE)}…` : flat;
}

/** The value as an inline code span that nothing inside can end early. */
function code(value: string): string {
  const text = oneLine(value);
  if (text.trim() === "") return "` `";
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  // A space on each side keeps a leading or trailing backtick off the fence; CommonMark strips it.
  const pad = text.startsWith("`") || text.endsWith("`") || (text.startsWith(" ") && text.endsWith(" ")) ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** A code span for a table cell: GFM splits rows at `|` even inside code spans, unless escaped. */
function cell(value: string): string {
  return code(value).replace(/\|/g, "\\|");
}

/** Prose from outside, rendered as the same words and never as markup. */
function text(value: string): string {
  return oneLine(value)
    .replace(INLINE_MARKUP, (c) => `\\${c}`)
    .replace(/[@#:]/g, (c) => c + ZWSP)
    .replace(/www/gi, (w) => w + ZWSP);
}

/** The URL normalised, when it is http or https and well formed; undefined otherwise. */
function safeUrl(url: string | undefined | null): string | undefined {
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return undefined;
  if (parsed.username || parsed.password) return undefined;
  // WHATWG serialisation encodes spaces, quotes and angle brackets; these could still end a link.
  return parsed.href.replace(/[()[\]\\`*_|<>"'\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
}

/** `[label](url)` for an http(s) URL; otherwise the label alone (`label` is Markdown tierkeeper made). */
function link(label: string, url: string | undefined | null): string {
  const href = safeUrl(url);
  return href ? `[${label}](${href})` : label;
}

/** The URL as a link when it is http(s), else as code. */
function url(value: string): string {
  const href = safeUrl(value);
  return href ? `<${href}>` : code(value);
}

export const md = { code, cell, text, link, url, safeUrl };
