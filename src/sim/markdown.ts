/**
 * What GitHub-flavoured Markdown makes live, well enough to test against: @-mentions,
 * cross-references, links, images, autolinks, HTML and entities, outside code blocks and code
 * spans. Used by the simulator (whom a comment notifies) and by the property tests of
 * tierkeeper's texts (nothing from outside may come out live).
 *
 * Modelled on CommonMark and GFM: fenced code blocks; blocks end at blank lines; table rows split
 * at unescaped `|` first (even inside code spans); a backtick run opens a code span only when a
 * run of the same length closes it in the same block; a backslash escapes ASCII punctuation
 * outside code spans. GitHub finds mentions and references in the rendered text, so an escaped
 * `\@` still mentions; escaped characters never open markup.
 */

export interface LiveElements {
  /** `login` or `org/team`, lowercased. */
  mentions: string[];
  /** `owner/repo#123`, `#123`, `GH-123`. */
  references: string[];
  /** Inline and reference links and images, link reference definitions: the raw match. */
  links: string[];
  /** `<scheme:...>` and `<a@b>` autolinks, and bare `http(s)://`, `ftp://`, `www.` and e-mail addresses. */
  autolinks: string[];
  /** Tags, comments, processing instructions, declarations. */
  html: string[];
  /** Character references (`&#64;`, `&lt;`): they could spell what escaping removed. */
  entities: string[];
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const PUNCTUATION = /[!-/:-@[-`{-~]/;
/** Stands for an escaped character in the markup view: it opens nothing. */
const MASK = "\u0000";

const MENTION = /(?:^|[^\w`@/])@([A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38})(?:\/([A-Za-z0-9](?:[\w.-]*[A-Za-z0-9_])?))?(?![\w-])/g;
const REFERENCE = /(?:^|[^\w/&])((?:[\w.-]+\/[\w.-]+)?#\d+|GH-\d+)\b/gi;
const LINK = /!?\[[^\]]*\]\s*[([]|^ {0,3}\[[^\]]+\]:/gm;
const ANGLE_AUTOLINK = /<[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*>|<[\w.!#$%&'*+/=?^`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*>/g;
const BARE_AUTOLINK = /(?:https?|ftp):\/\/|(?:^|[^\w.-])www\.[\w-]|[\w.+-]+@[\w-]+\.[\w-]/gi;
const HTML = /<(?:[A-Za-z][A-Za-z0-9-]*(?=[\s/>]|$)|\/[A-Za-z]|!--|\?|![A-Za-z]|!\[CDATA\[)/g;
const ENTITY = /&(?:#\d{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});/g;

/** Two views of the live (non-code) text: `text` as GitHub's filters see it, `markup` with escaped characters masked. */
export function liveViews(body: string): { text: string; markup: string } {
  const text: string[] = [];
  const markup: string[] = [];
  for (const block of blocks(body)) {
    for (const segment of segments(block)) {
      const [t, m] = inline(segment);
      text.push(t);
      markup.push(m);
    }
  }
  return { text: text.join("\n"), markup: markup.join("\n") };
}

/** Link destinations and autolinks' addresses are not text: what looks like a mention there is not one. */
const DESTINATION = /\]\([^)\s]*\)|<[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*>/g;

export function liveElements(body: string): LiveElements {
  const views = liveViews(body);
  const markup = views.markup;
  const text = views.text.replace(DESTINATION, (d) => (d.startsWith("]") ? "]()" : "<>"));
  const all = (re: RegExp, s: string, group = 0) => [...s.matchAll(re)].map((m) => m[group]);
  return {
    mentions: [...text.matchAll(MENTION)].map((m) => (m[2] ? `${m[1]}/${m[2]}` : m[1]).toLowerCase()),
    references: all(REFERENCE, text, 1),
    links: all(LINK, markup),
    autolinks: [...all(ANGLE_AUTOLINK, markup), ...all(BARE_AUTOLINK, text)],
    html: all(HTML, markup),
    entities: all(ENTITY, markup),
  };
}

/** Blocks of lines outside fenced code, split at blank lines. */
function blocks(body: string): string[][] {
  const out: string[][] = [[]];
  let fence: { char: string; length: number } | undefined;
  for (const line of body.split(/\r\n|\r|\n/)) {
    const f = FENCE.exec(line);
    if (fence) {
      if (f && f[1][0] === fence.char && f[1].length >= fence.length && line.slice(f[0].length).trim() === "") fence = undefined;
      continue;
    }
    if (f && !(f[1][0] === "`" && line.slice(f[0].length).includes("`"))) {
      fence = { char: f[1][0], length: f[1].length };
      out.push([]);
      continue;
    }
    if (line.trim() === "") out.push([]);
    else out.at(-1)!.push(line);
  }
  return out.filter((b) => b.length > 0);
}

/** A table's rows split into cells (at unescaped `|`); any other block whole. */
function segments(block: string[]): string[] {
  const delimiter = /^ {0,3}\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;
  if (block.length < 2 || !delimiter.test(block[1]) || (!block[1].includes("|") && !block[0].includes("|"))) return [block.join("\n")];
  return block.flatMap((row, i) => (i === 1 ? [] : row.split(/(?<!\\)\|/).map((c) => c.replace(/\\\|/g, "|"))));
}

/** Code spans removed; escapes resolved (text) or masked (markup). */
function inline(s: string): [string, string] {
  let text = "";
  let markup = "";
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === "\\" && i + 1 < s.length && PUNCTUATION.test(s[i + 1])) {
      text += s[i + 1];
      markup += MASK;
      i += 2;
      continue;
    }
    if (c === "`") {
      let n = 0;
      while (s[i + n] === "`") n++;
      const close = findRun(s, i + n, n);
      if (close >= 0) {
        text += " ";
        markup += " ";
        i = close + n;
      } else {
        text += "`".repeat(n);
        markup += "`".repeat(n);
        i += n;
      }
      continue;
    }
    text += c;
    markup += c;
    i++;
  }
  return [text, markup];
}

/** Where the next run of exactly `n` backticks starts at or after `from`, or -1. */
function findRun(s: string, from: number, n: number): number {
  let i = from;
  while (i < s.length) {
    if (s[i] !== "`") {
      i++;
      continue;
    }
    let m = 0;
    while (s[i + m] === "`") m++;
    if (m === n) return i;
    i += m;
  }
  return -1;
}
