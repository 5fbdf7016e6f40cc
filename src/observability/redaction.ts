/**
 * The one scrubber for every text that leaves the process: log lines (Probot's included), error
 * messages that may echo a connection string, the CLI's error output, uncaught errors. It removes
 *
 * - by shape, whatever their value: a URL's password (`scheme://user:password@host`, the password
 *   running to the last `@` of the URL, so it may hold `@`, `/` and `:`), a query or key=value
 *   secret (`password=`, `sslpassword=`, `token=`, `access_token=`, `client_secret=`, `api_key=`,
 *   ... and their JSON `"key": "value"` form), GitHub tokens, JWTs, PEM private keys, and an
 *   Authorization scheme's value (`token|bearer|basic <value>`);
 * - by value, the secrets of the environment (registerSecrets): the webhook secret, the private
 *   key and each of its lines, tokens, the database URL's password, also as they appear
 *   JSON-escaped or percent-encoded. A secret of 6 characters or more is removed wherever it
 *   appears, inside a word too. A shorter one is removed wherever it stands alone (not preceded or
 *   followed by a letter or digit: `=abc&`, `"abc"`, `Bearer abc`), but not inside longer words:
 *   blanking every `abc` of every word would make the logs unreadable, and a few letters inside a
 *   longer word do not tell a reader what the secret is.
 *
 * A URL whose path holds an `@` after a port (`https://h:8080/a@b`) loses its port and path too:
 * the scrubber cannot tell it from a password holding `/`, and errs on the side of hiding.
 */

export const REDACTED = "[REDACTED]";

/** Secrets at least this long are removed inside words too; shorter ones only where they stand alone. */
export const SHORT_SECRET = 6;

const SECRET_KEY = String.raw`[\w.-]*?(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?)`;

/**
 * A URL's password, to the last `@` of the URL (so it may hold `@`, `/` and `:`); the user name
 * stays. One left-to-right pass: after a URL the search resumes at its end, so a hostile line of
 * many `a://b:` costs linear time.
 */
function redactUrlPasswords(text: string): string {
  if (!text.includes("://") || !text.includes("@")) return text;
  const start = /\b[a-z][a-z0-9+.-]{0,31}:\/\/[^\s:@/"'<>\\]{0,256}:/gi;
  const delimiter = /[\s"'<>]/g;
  let out = "";
  let done = 0;
  for (let m = start.exec(text); m; m = start.exec(text)) {
    const from = m.index + m[0].length;
    delimiter.lastIndex = from;
    const tokenEnd = delimiter.exec(text)?.index ?? text.length;
    const at = text.slice(from, tokenEnd).lastIndexOf("@");
    if (at >= 0) {
      out += text.slice(done, from) + REDACTED;
      done = from + at;
    }
    start.lastIndex = Math.max(tokenEnd, start.lastIndex);
  }
  return out + text.slice(done);
}

const SHAPES: [RegExp, string][] = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, REDACTED],
  [/\b(gh[pousr]_|github_pat_)[A-Za-z0-9_]{16,}/g, REDACTED],
  [/(?<![\w-])eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/g, REDACTED],
  [/\b(token|bearer|basic)( |%20)(?!\[REDACTED\])[^\s"',}\\]{8,}/gi, `$1 ${REDACTED}`],
  // password=..., ?sslpassword=..., &token=... (query strings, key=value connection strings, prose).
  [new RegExp(String.raw`(^|[^\w.-])(${SECRET_KEY})=(?!\[REDACTED\])[^&\s"'#;,)}\]]+`, "gi"), `$1$2=${REDACTED}`],
  // "password": "...", as a JSON log line carries a key the key-based redaction does not know.
  [new RegExp(String.raw`("${SECRET_KEY}"\s*:\s*)"(?!\[REDACTED\]")(?:[^"\\]|\\.)+"`, "gi"), `$1"${REDACTED}"`],
];

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The forms a secret takes in a text: as is, inside a JSON string, percent-encoded. */
function formsOf(secret: string): string[] {
  const forms = [secret, JSON.stringify(secret).slice(1, -1)];
  try {
    forms.push(encodeURIComponent(secret));
  } catch {
    /* a lone surrogate cannot be encoded, nor appear in a URL */
  }
  return forms;
}

/** One pass over a text for a set of secrets (longest first, so a secret's prefix never splits it). */
function valuePattern(secrets: Iterable<string>): RegExp | undefined {
  const forms = [...new Set([...secrets].filter((s) => s.length > 0).flatMap(formsOf))].sort((a, b) => b.length - a.length);
  if (forms.length === 0) return undefined;
  const alternatives = forms.map((form) => ([...form].length >= SHORT_SECRET ? escapeRegExp(form) : String.raw`(?<![\p{L}\p{N}])${escapeRegExp(form)}(?![\p{L}\p{N}])`));
  return new RegExp(alternatives.join("|"), "gu");
}

/** A scrubber for these secrets (and the registered ones), on top of the shapes. */
export function scrubber(secrets: Iterable<string> = []): (text: string) => string {
  const own = valuePattern(secrets);
  return (text) => {
    let out = redactUrlPasswords(text);
    for (const [shape, replacement] of SHAPES) out = out.replace(shape, replacement);
    // Values last: no shape replacement can join the pieces of a secret back together afterwards.
    if (own) out = out.replace(own, REDACTED);
    if (registered) out = out.replace(registered, REDACTED);
    return out;
  };
}

const known = new Set<string>();
let registered: RegExp | undefined;

/** The password of a database URL as written (it may hold `@` and `/`) and decoded. */
function urlPassword(url: string | undefined): string[] {
  const match = url ? /^[a-z][a-z0-9+.-]*:\/\/[^:@/]*:(.*)@[^@]*$/is.exec(url.trim()) : null;
  if (!match || match[1] === "") return [];
  try {
    return [match[1], decodeURIComponent(match[1])];
  } catch {
    return [match[1]];
  }
}

/** The secrets of an environment, as they would appear in a text. */
export function secretsOf(env: NodeJS.ProcessEnv, privateKey?: string): string[] {
  const values = [env.WEBHOOK_SECRET, env.GITHUB_CLIENT_SECRET, env.GITHUB_TOKEN, env.STATUS_PAGE_TOKEN].filter((v): v is string => !!v);
  values.push(...urlPassword(env.DATABASE_URL));
  for (const key of [env.PRIVATE_KEY, privateKey]) {
    if (!key) continue;
    values.push(key);
    for (const line of key.replace(/\\n/g, "\n").split(/\r?\n/)) if (line.trim() && !line.startsWith("-----")) values.push(line.trim());
  }
  return values;
}

/** Makes `redact` (and every scrubber) remove this environment's secrets from now on. */
export function registerSecrets(env: NodeJS.ProcessEnv, privateKey?: string): void {
  const before = known.size;
  for (const secret of secretsOf(env, privateKey)) known.add(secret);
  if (known.size !== before) registered = valuePattern(known);
}

/** The scrubber of the registered secrets: what every log line, error message and CLI error goes through. */
export const redact = scrubber();
