import { loadOpenApi } from "../../src/sim/openapi.js";

describe("OpenAPI checker", () => {
  test("loads fast enough to use in every test file", async () => {
    const c = await loadOpenApi();

    console.log(`openapi load: ${c.loadMs} ms (cache ${c.fromCache ? "hit" : "miss"}), ${c.size} operations`);
    expect(c.size).toBeGreaterThan(800);
  });

  test("valid comment creation passes", async () => {
    const c = await loadOpenApi();
    const r = c.check({ method: "POST", path: "/repos/o/r/issues/1/comments", body: { body: "x" } });
    expect(r).toMatchObject({ ok: true, operationId: "issues/create-comment" });
  });

  test("a param is named as the matched operation names it, where operations share its position", async () => {
    const c = await loadOpenApi();
    // `/commits/{commit_sha}/comments` and `/commits/{ref}/check-runs` share the segment.
    expect(c.check({ method: "GET", path: "/repos/o/r/commits/abc123/check-runs" })).toMatchObject({ ok: true, operationId: "checks/list-for-ref", params: { ref: "abc123" } });
    expect(c.check({ method: "GET", path: "/repos/o/r/commits/abc123/comments" })).toMatchObject({ ok: true, params: { commit_sha: "abc123" } });
  });

  test("GHE /api/v3 prefix is stripped", async () => {
    const c = await loadOpenApi();
    const r = c.check({ method: "POST", path: "/api/v3/repos/o/r/issues/1/comments", body: '{"body":"x"}' });
    expect(r.ok).toBe(true);
  });

  test("missing required body field fails", async () => {
    const c = await loadOpenApi();
    // issues/create-comment has no additionalProperties:false, so {bod} fails only for the missing `body`.
    const r = c.check({ method: "POST", path: "/repos/o/r/issues/1/comments", body: { bod: "x" } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/body must have required property 'body'/);
    expect(c.check({ method: "POST", path: "/repos/o/r/issues/1/comments", body: {} }).ok).toBe(false);
    expect(c.check({ method: "POST", path: "/repos/o/r/issues/1/comments" }).ok).toBe(false);
  });

  test("wrongly typed body field fails", async () => {
    const c = await loadOpenApi();
    const r = c.check({ method: "POST", path: "/repos/o/r/issues/1/comments", body: { body: 5 } });
    expect(r.ok).toBe(false);
  });

  test("unknown route fails", async () => {
    const c = await loadOpenApi();
    const r = c.check({ method: "POST", path: "/repos/o/r/foo" });
    expect(r).toEqual({ ok: false, error: "no such operation: POST /repos/o/r/foo" });
    const m = c.check({ method: "DELETE", path: "/repos/o/r/issues/1/comments" });
    expect(m.ok).toBe(false);
    if (!m.ok) expect(m.error).toMatch(/no such operation: DELETE/);
  });

  test("wrongly typed path param fails", async () => {
    const c = await loadOpenApi();
    const r = c.check({ method: "GET", path: "/repos/o/r/issues/abc/comments" });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/issue_number must be integer/);
  });

  test("known query params are type-checked, unknown ones ignored", async () => {
    const c = await loadOpenApi();
    expect(c.check({ method: "GET", path: "/repos/o/r/issues/1/comments?per_page=100&page=2&zzz=1" }).ok).toBe(true);
    expect(c.check({ method: "GET", path: "/repos/o/r/issues/1/comments", query: { per_page: "lots" } }).ok).toBe(false);
    expect(c.check({ method: "GET", path: "/repos/o/r/issues?state=open" }).ok).toBe(true);
    expect(c.check({ method: "GET", path: "/repos/o/r/issues?state=bogus" }).ok).toBe(false);
  });

  test("literal segments beat params; slashy params match greedily", async () => {
    const c = await loadOpenApi();
    expect(c.match("GET", "/repos/o/r/issues/comments/7")).toMatchObject({ operationId: "issues/get-comment", params: { comment_id: "7" } });
    expect(c.match("GET", "/repos/o/r/contents/.github/tiers.yml?ref=main")).toMatchObject({
      operationId: "repos/get-content",
      params: { path: ".github/tiers.yml" },
    });
    expect(c.match("GET", "/repos/o/r/contents/.github%2Ftiers.yml")?.params.path).toBe(".github/tiers.yml");
    expect(c.match("GET", "/repos/o/r/git/ref/heads/feature/x")?.params.ref).toBe("heads/feature/x");
    expect(c.match("POST", "/app/installations/3/access_tokens")?.operationId).toBe("apps/create-installation-access-token");
  });

  test("check-run bodies are validated against enums", async () => {
    const c = await loadOpenApi();
    expect(c.check({ method: "POST", path: "/repos/o/r/check-runs", body: { name: "x", head_sha: "abc", status: "completed", conclusion: "success" } }).ok).toBe(true);
    expect(c.check({ method: "POST", path: "/repos/o/r/check-runs", body: { name: "x", head_sha: "abc", conclusion: "great" } }).ok).toBe(false);
  });
});
