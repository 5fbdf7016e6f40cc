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
 * must stay the branch name). Identifiers already read as code in tierkeeper's texts. In a
 * table, `md.cell`: GFM splits a row at `|` even inside a code span, so it is escaped there.
 *
 * `md.text` is for text that reads as prose (a component's name or category from the registry,
 * a timeline's log line, which quotes a freeze reason): ASCII punctuation that could open markup is backslash-escaped, line breaks become
 * spaces, and a zero-width space follows `@`, `#`, `:` and `www` (GitHub finds mentions,
 * references and bare links in the rendered text, where a backslash no longer is).
 *
 * Logins tierkeeper names without meaning to notify them: `md.login` (`@`, then a zero-width space).
 *
 * The status page is HTML: `html.text` and `html.attr` escape, `html.href` lets only web links through.
 *
 * Links: `md.link(label, url)` and `md.url(url)` link only an http(s) URL, normalised and with
 * the characters that could end the link percent-encoded; anything else is shown as code.
 */

const LINE_BREAKS = /\r\n|\r|\n|\u2028|\u2029/g;
/** Punctuation that can open inline markup, an entity or a table cell. */
const INLINE_MARKUP = /[\\`*_{}[\]()<>!|~&"]/g;
const ZWSP = "\u200b";
/** Past this many characters a value is cut: a comment must stay within GitHub's 65,536. */
const MAX_VALUE = 500;

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

/** A GitHub login or `org/team`, as GitHub allows them. */
const HANDLE = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}(?:\/[A-Za-z0-9][\w.-]{0,99})?$/;

/**
 * A login tierkeeper names without mentioning it: `@` and a zero-width space, so it reads as a
 * handle but notifies nobody; anything that is not a valid handle is shown as code.
 */
function login(handle: string): string {
  return HANDLE.test(handle) ? `@${ZWSP}${handle}` : code(handle);
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

export const md = { code, cell, text, login, link, url, safeUrl };

// ---------------------------------------------------------------------------------------------
// HTML (the status page)

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text content, escaped; also an attribute value written in double quotes. */
function htmlText(value: string): string {
  return String(value).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** Only web links: an http(s) URL or a path on this server; anything else (a `javascript:` URL from a corrupted record) is "". */
function htmlHref(url: string): string {
  return /^(https?:\/\/|\/(?!\/))/i.test(url) ? url : "";
}

export const html = { text: htmlText, attr: htmlText, href: htmlHref };
