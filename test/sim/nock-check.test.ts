import nock from "nock";
import { Octokit } from "@octokit/core";
import { openApiNockRecorder, type OpenApiNockRecorder } from "../../src/sim/nock-check.js";

describe("openApiNockRecorder", () => {
  let rec: OpenApiNockRecorder;
  const octokit = new Octokit({ auth: "t", request: { retries: 0 } });
  beforeAll(async () => {
    nock.disableNetConnect();
    rec = await openApiNockRecorder(nock);
  });
  afterEach(() => {
    rec.reset();
    nock.cleanAll();
  });
  afterAll(() => {
    rec.stop();
    nock.enableNetConnect();
  });

  test("a request that fits the spec passes", async () => {
    nock("https://api.github.com").post("/repos/o/r/issues/1/comments").reply(201, { id: 1 });
    await octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", { owner: "o", repo: "r", issue_number: 1, body: "x" });
    expect(rec.checked).toBeGreaterThanOrEqual(1);
    expect(() => rec.assertValid()).not.toThrow();
  });

  test("a wrong body is reported", async () => {
    nock("https://api.github.com").post("/repos/o/r/issues/1/comments").reply(201, { id: 1 });
    await octokit.request("POST /repos/o/r/issues/1/comments", { bod: "x" });
    expect(() => rec.assertValid()).toThrow(/required property 'body'/);
  });

  test("an unknown route is reported", async () => {
    nock("https://api.github.com").post("/repos/o/r/foo").reply(200, {});
    await octokit.request("POST /repos/o/r/foo", {});
    expect(() => rec.assertValid()).toThrow(/no such operation: POST \/repos\/o\/r\/foo/);
  });

  test("a wrongly typed param is reported", async () => {
    nock("https://api.github.com").get("/repos/o/r/issues/abc/comments").reply(200, []);
    await octokit.request("GET /repos/o/r/issues/abc/comments");
    expect(() => rec.assertValid()).toThrow(/issue_number must be integer/);
  });

  test("unmatched requests are checked too", async () => {
    await expect(octokit.request("GET /repos/o/r/nope/1")).rejects.toThrow();
    expect(() => rec.assertValid()).toThrow(/no such operation: GET \/repos\/o\/r\/nope\/1/);
  });
});
