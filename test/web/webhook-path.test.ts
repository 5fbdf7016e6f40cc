import fc from "fast-check";
import { loosePath, WEBHOOK_PATH } from "../../src/web/webhook-server.js";

/**
 * Which request targets the intake takes as webhooks (issue 11 §2). Every target that Probot's
 * own webhook router would serve (and more spellings) must come out as WEBHOOK_PATH, so none can
 * bypass the size cap and the signature check; other paths keep their identity.
 */

/** Probot 14's router (@octokit/webhooks' createMiddleware): trailing slashes trimmed, then WHATWG URL parsing. */
function probotRoutes(target: string): boolean {
  const trimmed = target.replace(/\/+$/, "") || "/";
  try {
    return new URL(trimmed, "http://localhost").pathname === WEBHOOK_PATH;
  } catch {
    return false;
  }
}

test("known spellings of the webhook path are the webhook path; other paths are not", () => {
  for (const target of [
    "/api/github/webhooks",
    "/api/github/webhooks/",
    "/api/github/./webhooks",
    "/api/github/x/../webhooks",
    "/api/github//webhooks",
    "//api/github/webhooks",
    "/api/github//../webhooks",
    "/api/github/%2e/webhooks",
    "/api/github/%252e/webhooks",
    "/api%2fgithub%2fwebhooks",
    "/api/github/webhooks?x=1#y",
    "/API/GitHub/Webhooks",
    "/api\\github\\webhooks",
    "http://evil.example/api/github/webhooks",
  ]) {
    expect({ target, path: loosePath(target) }).toEqual({ target, path: WEBHOOK_PATH });
  }
  for (const target of ["/healthz", "/metrics", "/status/o/r", "/api/github/webhooksx", "/api/github/webhooks/x", "/api/github", "/"]) {
    expect({ target, path: loosePath(target) }).not.toEqual({ target, path: WEBHOOK_PATH });
  }
});

test("percent-decoding stops after three rounds: a target encoded 8,000 times over is not decoded 8,000 times", () => {
  expect(loosePath("/api/github/" + "%25".repeat(8000) + "77ebhooks")).not.toBe(WEBHOOK_PATH);
  expect(loosePath("/api/github/%252577ebhooks")).toBe(WEBHOOK_PATH); // triple encoding
});

test("property: whatever Probot's router would send to its webhook middleware, the intake takes", () => {
  // The webhook path's segments, each maybe preceded by dot segments, empty ones or a detour,
  // its letters maybe percent-encoded or upper-cased, joined by `/` or `\\`, with a tail.
  const junk = fc.constantFrom(".", "", "x/..", "%2e", "%2E", "./.", "..", "a/b/../..");
  const letter = (c: string) =>
    fc.oneof({ arbitrary: fc.constant(c), weight: 30 }, fc.constantFrom(c.toUpperCase(), "%" + c.charCodeAt(0).toString(16), "%25" + c.charCodeAt(0).toString(16)));
  const segment = (name: string) => fc.tuple(fc.array(junk, { maxLength: 2 }), fc.tuple(...[...name].map(letter))).map(([before, letters]) => [...before, letters.join("")]);
  const target = fc
    .tuple(
      segment("api"),
      segment("github"),
      segment("webhooks"),
      fc.constantFrom("/", "\\"),
      fc.constantFrom("", "/", "//", "/.", "?q=1", "#f", "/?a"),
      fc.constantFrom("", "/", "http://h"),
    )
    .map(([a, g, w, sep, tail, lead]) => lead + "/" + [...a, ...g, ...w].join(sep) + tail);
  fc.assert(
    fc.property(target, (t) => {
      if (probotRoutes(t)) expect(loosePath(t)).toBe(WEBHOOK_PATH);
    }),
    { numRuns: 3000, seed: 11 },
  );
  // The generator does reach Probot's routes (the property is not vacuous), and more spellings besides.
  const samples = fc.sample(target, { numRuns: 3000, seed: 11 });
  expect(samples.filter(probotRoutes).length).toBeGreaterThan(10);
  expect(samples.filter((t) => loosePath(t) === WEBHOOK_PATH).length).toBeGreaterThan(samples.filter(probotRoutes).length);
});
