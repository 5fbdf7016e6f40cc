import fc from "fast-check";
import { REDACTED, redact, scrubber, secretsOf, SHORT_SECRET } from "../../src/observability/redaction.js";

/**
 * The one scrubber (issue 11 §8): passwords with `@` or `/` in URLs, query-string and key=value
 * secrets, short secrets; checked on examples, then fuzzed (bounded) with random secrets in random
 * text, URLs and JSON log lines.
 */

/** The text between redaction marks: a secret must not survive in any of them. */
const pieces = (text: string) => text.split(REDACTED);
const survives = (text: string, secret: string) => pieces(text).some((p) => p.includes(secret));

describe("examples", () => {
  const scrub = scrubber();

  test("a URL's password may hold @, / and :; the user, host and database stay", () => {
    expect(scrub("Cannot open postgres://u:p@ss/w@host/db: refused")).toBe(`Cannot open postgres://u:${REDACTED}@host/db: refused`);
    expect(scrub("postgresql://tk:a:b@c/d@db.internal:5432/x?sslmode=require")).toBe(`postgresql://tk:${REDACTED}@db.internal:5432/x?sslmode=require`);
    expect(scrub("redis://:hunter2@cache:6379 and postgres://u@h/db")).toBe(`redis://:${REDACTED}@cache:6379 and postgres://u@h/db`);
    expect(scrub("at postgres://u:s3cr%40t@h:5/db and postgresql://x:y@z/")).toBe(`at postgres://u:${REDACTED}@h:5/db and postgresql://x:${REDACTED}@z/`);
    expect(scrub('{"msg":"postgres://u:p@ss/w@host/db failed"}')).toBe(`{"msg":"postgres://u:${REDACTED}@host/db failed"}`);
    expect(scrub("https://api.github.com/repos/o/r/pulls/1")).toBe("https://api.github.com/repos/o/r/pulls/1");
  });

  test("query-string and key=value secrets, and their JSON form", () => {
    expect(scrub("postgres://h/db?sslpassword=x1&sslmode=verify-full&password=p@ss")).toBe(`postgres://h/db?sslpassword=${REDACTED}&sslmode=verify-full&password=${REDACTED}`);
    expect(scrub("GET /status/o/r?token=abc123&x=1")).toBe(`GET /status/o/r?token=${REDACTED}&x=1`);
    expect(scrub("host=db user=tk password=s3cr3t dbname=x")).toBe(`host=db user=tk password=${REDACTED} dbname=x`);
    expect(scrub("?access_token=gh1&client_secret=c2&api_key=k3&tokens=5")).toBe(`?access_token=${REDACTED}&client_secret=${REDACTED}&api_key=${REDACTED}&tokens=5`);
    expect(scrub('{"sslpassword":"p\\"w","user":"tk","accessToken":"zz"}')).toBe(`{"sslpassword":"${REDACTED}","user":"tk","accessToken":"${REDACTED}"}`);
  });

  test("a registered secret of 6 characters or more goes everywhere, inside words too; a shorter one where it stands alone", () => {
    const scrub = scrubber(["k3y", "abcdef"]);
    expect(scrub('secret k3y, "k3y", =k3y&, Bearer k3y; but k3yboard and monk3y stay')).toBe(
      `secret ${REDACTED}, "${REDACTED}", =${REDACTED}&, Bearer ${REDACTED}; but k3yboard and monk3y stay`,
    );
    expect(scrub("xxabcdefyy")).toBe(`xx${REDACTED}yy`);
    expect(SHORT_SECRET).toBe(6);
  });

  test("a registered secret's JSON-escaped and percent-encoded forms go too", () => {
    const secret = 'a"b\\c/d e@f';
    const scrub = scrubber([secret]);
    expect(scrub(JSON.stringify({ msg: `is ${secret}` }))).toBe(`{"msg":"is ${REDACTED}"}`);
    expect(scrub(`?q=${encodeURIComponent(secret)}&r=1`)).toBe(`?q=${REDACTED}&r=1`);
  });

  test("the environment's secrets: webhook secret, tokens, the key's lines, the database password as written and decoded", () => {
    const secrets = secretsOf({
      WEBHOOK_SECRET: "ws",
      STATUS_PAGE_TOKEN: "spt",
      GITHUB_TOKEN: "gt",
      DATABASE_URL: "postgres://u:p%40ss@h/d@b@host/db",
      PRIVATE_KEY: "-----BEGIN RSA PRIVATE KEY-----\nline1\nline2\n-----END RSA PRIVATE KEY-----",
    });
    expect(secrets).toEqual(expect.arrayContaining(["ws", "spt", "gt", "p%40ss@h/d@b", "p@ss@h/d@b", "line1", "line2"]));
  });

  test("a hostile line is scrubbed in one pass (no regular expression backtracks over it)", () => {
    const line = "a://b:".repeat(40_000) + "eyJ-".repeat(40_000) + "password".repeat(20_000) + "x".repeat(100_000);
    expect(redact(line).length).toBe(line.length); // nothing in it is a secret
  });
});

describe("fuzz (bounded)", () => {
  const RUNS = { numRuns: 300, seed: 8 };
  const text = fc.string({ unit: "grapheme-ascii", maxLength: 40 });

  test("a registered secret of 6+ characters embedded anywhere in random text, a URL or a JSON line is removed", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", minLength: SHORT_SECRET, maxLength: 24 }), text, text, fc.nat(3), (secret, before, after, where) => {
        fc.pre([...secret].length >= SHORT_SECRET);
        const scrub = scrubber([secret]);
        const line = [
          `${before}${secret}${after}`,
          JSON.stringify({ msg: `${before}${secret}${after}` }),
          `${before} https://u:${encodeURIComponent(secret)}@h/p?x=${after}`,
          `${before}?token=${encodeURIComponent(secret)}&${after}`,
        ][where];
        const out = scrub(line);
        expect(survives(out, secret)).toBe(false);
        expect(survives(out, JSON.stringify(secret).slice(1, -1))).toBe(false);
      }),
      RUNS,
    );
  });

  test("a short registered secret standing alone between separators is removed; the words around it stay", () => {
    const word = fc.stringMatching(/^[a-z0-9]{1,8}$/);
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9!#%*+-]{1,5}$/),
        fc.array(word, { maxLength: 6 }),
        fc.nat(6),
        fc.constantFrom(" ", ", ", "=", "&", '"', "/", ": "),
        (secret, words, at, sep) => {
          fc.pre(!words.includes(secret));
          const tokens = [...words];
          tokens.splice(Math.min(at, tokens.length), 0, secret);
          const out = scrubber([secret])(tokens.join(sep));
          expect(out.split(sep)).toEqual(tokens.map((t) => (t === secret ? REDACTED : t)));
        },
      ),
      RUNS,
    );
  });

  test("any URL password (holding @, /, : and the like) is removed by shape, unregistered, and the rest of the URL stays", () => {
    const password = fc.string({ unit: fc.constantFrom(..."abcXYZ019@/:%!$&()*+,;=-._~[]"), minLength: 1, maxLength: 30 });
    fc.assert(
      fc.property(password, fc.constantFrom("postgres", "postgresql", "redis", "https"), fc.stringMatching(/^[a-z0-9_]{0,8}$/), (pw, scheme, user) => {
        const url = `${scheme}://${user}:${pw}@db.example:5432/tierkeeper`;
        expect(scrubber()(`cannot open ${url}: refused`)).toBe(`cannot open ${scheme}://${user}:${REDACTED}@db.example:5432/tierkeeper: refused`);
      }),
      RUNS,
    );
  });

  test("any query-string secret is removed by shape, and the other parameters stay", () => {
    const value = fc.string({ unit: fc.constantFrom(..."abcXYZ019%@/:!$*+-._~"), minLength: 1, maxLength: 30 });
    const key = fc.constantFrom("password", "sslpassword", "token", "access_token", "client_secret", "api_key", "PGPASSWORD", "secret");
    fc.assert(
      fc.property(key, value, (k, v) => {
        expect(scrubber()(`GET https://h/p?a=1&${k}=${v}&b=2 failed`)).toBe(`GET https://h/p?a=1&${k}=${REDACTED}&b=2 failed`);
      }),
      RUNS,
    );
  });
});
