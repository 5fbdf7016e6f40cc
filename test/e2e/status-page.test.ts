import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { setComponentCi } from "../../src/core/registry-edit.js";
import { missingText } from "../../src/core/requirements.js";
import { statusRows } from "../../src/core/render/status-tables.js";
import { childLogs, EXAMPLE_REGISTRY, startStage, type Stage } from "../../src/demo/stage.js";
import { launchChromium } from "../support/chromium.js";
import { registryFrom } from "../support/registries.js";

/**
 * The status page end to end: the demo (`npm run demo -- --serve`: the real server after the demo's
 * story) opened in a real browser, headless Chromium (Debian's, else the npm registry's) driven by
 * playwright-core, on a desktop and on a phone without JavaScript; and the built server
 * (`node dist/server.js`) against the GitHub simulator for who may see a private repository.
 * Screenshots are kept in a temporary directory, printed at the end.
 */

const screenshots = mkdtempSync(join(tmpdir(), "tierkeeper-status-page-"));

let browser: Browser;

// The browser globals that the functions run inside the page use (this project compiles without the DOM library).
declare const window: { innerWidth: number };
declare const document: { documentElement: { scrollWidth: number }; body: unknown; querySelectorAll(selector: string): Iterable<{ scrollWidth: number; clientWidth: number }> };
declare function getComputedStyle(element: unknown): { overflowX: string; fontSize: string };

beforeAll(async () => {
  // Never skipped: Debian's Chromium, else the one from the npm registry (test/support/chromium.ts).
  const launched = await launchChromium();
  browser = launched.browser;
  process.stdout.write(`status page tests in ${launched.which}\n`);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  process.stdout.write(`status page screenshots: ${screenshots}\n`);
});

/** The cells' text of each body row of a table. */
const tableText = (page: Page, selector: string) =>
  page.$$eval(`${selector} tbody tr`, (rows) => rows.map((tr) => [...(tr as unknown as { cells: Iterable<{ innerText: string }> }).cells].map((td) => td.innerText.trim())));

describe("after the demo's story (npm run demo -- --serve)", () => {
  let demo: ChildProcess;
  let output = "";
  let pageUrl: string;

  beforeAll(async () => {
    const entry = fileURLToPath(new URL("../../dist/demo/main.js", import.meta.url));
    demo = spawn(process.execPath, [entry, "--serve"], { env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "warn" }, stdio: ["ignore", "pipe", "pipe"] });
    demo.stdout!.on("data", (c: Buffer) => (output += c.toString()));
    demo.stderr!.on("data", (c: Buffer) => (output += c.toString()));
    pageUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the demo did not start serving:\n${output}`)), 90_000);
      demo.once("exit", (code) => reject(new Error(`the demo exited with ${code}:\n${output}`)));
      demo.stdout!.on("data", () => {
        const url = /status page: (http:\/\/\S+\/status\/bytecodealliance\/wasmtime)\n/.exec(output)?.[1];
        if (url && output.includes("keeps running")) {
          clearTimeout(timer);
          resolve(url);
        }
      });
    });
  }, 120_000);
  afterAll(() => {
    if (demo.exitCode === null) demo.kill("SIGKILL");
  });

  test("the demo's Tier 3 story: the disable proposed, merged by a maintainer, and the removal proposed a month after the merge", () => {
    expect(output).toMatch(/wasi-nn: notified -> disabling, next step/);
    expect(output).toMatch(/#\d+ \(opened on \d{4}-\d{2}-\d{2} \(UTC\)\) disables it in CI and \*\*awaits a maintainer's merge\*\*/);
    expect(output).toMatch(/`wasi-nn` is disabled in CI since \d{4}-\d{2}-\d{2} \(UTC\) \(#\d+ merged\)/);
    expect(output).toMatch(/wasi-nn: disabled -> removal-proposed/);
    expect(output).toMatch(/The removal proposal, #\d+ Proposal: remove Tier 3 component wasi-nn:\n.*has been disabled in CI for (28|29|30|31) days without a response from its owners/); // a calendar month from the merge
  });

  test("the page shows the Current Tier Status tables, the open timelines, the figures and the last actions", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const response = await page.goto(pageUrl);
    expect(response?.status()).toBe(200);
    expect(await page.title()).toContain("bytecodealliance/wasmtime");

    // The tables are statusRows of the registry in force, the "Missing Tier N Requirements" column included:
    // the example, with wasi-nn `ci: disabled` since the demo's maintainer merged tierkeeper's pull request.
    const rows = statusRows(registryFrom(setComponentCi(EXAMPLE_REGISTRY, "wasi-nn", "disabled")));
    for (const tier of [1, 2, 3] as const) {
      const expected = rows
        .filter((r) => r.tier === tier)
        .map((r) => [r.category, r.footnote ? `${r.description} [${r.footnote.number}]` : r.description, ...(tier === 1 ? [] : [r.missing.length ? missingText(r.missing) : "None"])]);
      expect(await tableText(page, `#tier-${tier}-table`)).toEqual(expected);
    }
    expect(await tableText(page, "#tier-3-table")).toContainEqual(["WASI Proposal", "wasi-nn", "CI testing, more expansive CI testing"]);

    // The story: wasi-nn kept failing on main without an answer, was disabled once a maintainer merged the PR, and a month
    // later its removal was proposed; threads was fixed (closed, not listed).
    const timelines = await tableText(page, "#timelines-table");
    expect(timelines.map((t) => t[0])).toEqual(["wasi-nn"]);
    expect(timelines[0][1]).toBe("Removal proposed");
    expect(timelines[0][3]).toBe("Removal proposed; the maintainers decide");
    // The demo's story runs on its own clock from 2026-11-02: the same phases and dates whatever today is.
    expect(timelines[0][2]).toBe("2026-11-02 (UTC)");
    expect(await page.getAttribute("#timelines-table tbody tr td:last-child a", "href")).toMatch(/^https:\/\/github\.com\/bytecodealliance\/wasmtime\/issues\/\d+$/);

    // The demo's story: @akirilov-arm answered the ping on aarch64 at once, the cranelift-core team never did.
    // The page is as of the story's clock after the merge (day 9): the week's breach counts, the month's is still to come.
    expect(await tableText(page, "#tier2-table")).toEqual([
      ["aarch64-unknown-linux-gnu", "akirilov-arm", "1", "1", "0 h", "0 h", "0"],
      ["aarch64-unknown-linux-gnu", "bytecodealliance/cranelift-core", "1", "0", "–", "–", "1"],
    ]);

    const actions = await tableText(page, "#actions-table");
    expect(actions.length).toBeGreaterThanOrEqual(5);
    expect(actions.map((a) => a[1])).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Issue "Tier 3 component `wasi-nn` is blocking other work"/),
        expect.stringMatching(/^Pull request "Disable Tier 3 component wasi-nn in CI"/),
        expect.stringMatching(/^Issue "Proposal: remove Tier 3 component wasi-nn"/),
      ]),
    );
    const links = await page.$$eval("#actions-table tbody a", (as) => as.map((a) => (a as unknown as { href: string }).href));
    expect(links).toHaveLength(actions.length);
    for (const href of links) expect(href).toMatch(/^https:\/\/github\.com\/bytecodealliance\/wasmtime\/(issues\/\d+(#issuecomment-\d+)?|pull\/\d+|runs\/\d+|actions\/workflows\/.+)$/);
    expect(links.some((l) => l.includes("#issuecomment-"))).toBe(true);

    // The index lists the repository.
    await page.goto(new URL("/status", pageUrl).href);
    expect(await page.$$eval("ul.repos a", (as) => as.map((a) => a.textContent))).toEqual(["bytecodealliance/wasmtime"]);
    await page.goto(pageUrl);
    await page.screenshot({ path: join(screenshots, "desktop.png"), fullPage: true });
    await page.close();
  }, 60_000);

  test("on a phone, without JavaScript: readable, no sideways page scroll, wide tables scroll in their own box", async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, javaScriptEnabled: false });
    const page = await context.newPage();
    expect((await page.goto(pageUrl))?.status()).toBe(200);
    expect(await tableText(page, "#tier-2-table")).toContainEqual(["Target", "aarch64-unknown-linux-gnu", "Continuous fuzzing"]);
    const layout = await page.evaluate(() => ({
      innerWidth: window.innerWidth,
      pageWidth: document.documentElement.scrollWidth,
      boxes: [...document.querySelectorAll(".scroll")].map((box) => ({ scrollWidth: box.scrollWidth, clientWidth: box.clientWidth, overflowX: getComputedStyle(box).overflowX })),
      fontSize: parseFloat(getComputedStyle(document.body).fontSize),
    }));
    // Laid out at the phone's width (the viewport meta), not at a zoomed-out desktop width.
    expect(layout.innerWidth).toBe(375);
    expect(layout.pageWidth).toBeLessThanOrEqual(layout.innerWidth);
    expect(layout.fontSize).toBeGreaterThanOrEqual(16);
    expect(layout.boxes.length).toBeGreaterThanOrEqual(5);
    for (const box of layout.boxes) expect(box.overflowX).toBe("auto");
    // At least one table is wider than the phone: it scrolls in its box, the page does not.
    expect(layout.boxes.some((b) => b.scrollWidth > b.clientWidth)).toBe(true);
    await page.screenshot({ path: join(screenshots, "phone.png"), fullPage: true });
    await context.close();
  }, 60_000);

  test("Ctrl-C stops the demo's server", async () => {
    const exited = new Promise<number | null>((resolve) => demo.once("exit", (code) => resolve(code)));
    demo.kill("SIGINT");
    expect(await exited).toBe(0);
  }, 30_000);
});

describe("who may see a repository (node dist/server.js against the simulator)", () => {
  const TOKEN = `status-token-${randomUUID()}`;
  const PRIVATE = "bytecodealliance/secret-runtime";
  // A private repository whose registry carries markup in every free-text field.
  const HOSTILE_REGISTRY = `components:
  secret-engine:
    name: "<img src=x onerror=\\"document.title='pwned'\\">Secret engine"
    category: "<script>document.title='pwned'</script>Target"
    description: "</td></tr></table><h1 id=injected>injected</h1>"
    tier: 3
    owners: [alice]
    checks: ["Test secret"]
    implementation: partial
`;
  let stage: Stage;
  let base: string;

  beforeAll(async () => {
    stage = await startStage({ spawn: true, env: { STATUS_PAGE_TOKEN: TOKEN, STAGE_KEEP_LOGS: "1" } });
    base = stage.appUrl;
    const { sim, repo } = stage;
    sim.createRepo({ owner: "bytecodealliance", name: "secret-runtime", private: true, files: { ".github/tiers.yml": HOSTILE_REGISTRY } });
    // tierkeeper learns of each repository (and caches its registry) from the events GitHub sends.
    for (const name of [repo, PRIVATE]) {
      const main = sim.state.mustRepo(name).branches.get("main")!;
      await sim.send(sim.completeCheckRun({ repo: name, sha: main, name: "Test Linux x86_64 (1/8)", conclusion: "success", branch: "main", completedAt: new Date("2026-11-23T09:00:00Z") }));
    }
    await stage.settle();
  }, 60_000);
  afterAll(async () => {
    await stage?.close();
  });
  afterEach(() => {
    expect(stage.sim.violations).toEqual([]);
  });

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${base}${path}`, { headers, redirect: "manual" });

  test("anonymous: a public repository is shown, a private one answers exactly as a repository that does not exist", async () => {
    const pub = await get(`/status/${stage.repo}`);
    expect(pub.status).toBe(200);
    expect(await pub.text()).toContain("Current Tier Status");
    expect((await get("/status/BytecodeAlliance/WASMTIME")).status).toBe(200); // GitHub's names ignore case

    const hidden = await get(`/status/${PRIVATE}`);
    const missing = await get("/status/bytecodealliance/no-such-repository");
    expect([hidden.status, missing.status]).toEqual([404, 404]);
    expect(await hidden.text()).toBe(await missing.text());
    expect((await get(`/status/${PRIVATE}`, { authorization: "Bearer not-the-token" })).status).toBe(404);
    expect((await get(`/status/${PRIVATE}`, { cookie: "tierkeeper_status=forged" })).status).toBe(404);

    const index = await (await get("/status")).text();
    expect(index).toContain(`href="/status/${stage.repo}"`);
    expect(index).not.toContain("secret-runtime");
  });

  test("with the token as a bearer token: the private page and the full index", async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    const page = await get(`/status/${PRIVATE}`, auth);
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toBe("no-store");
    const html = await page.text();
    expect(html).toContain('<span class="tag private">private</span>');
    expect(html).toContain("Secret engine");
    const index = await (await get("/status", auth)).text();
    expect(index).toContain(`href="/status/${PRIVATE}"`);
    expect(index).toContain(`href="/status/${stage.repo}"`);
  });

  test("?token= is exchanged once for an HttpOnly cookie that does not hold the token", async () => {
    const refused = await get(`/status/${PRIVATE}?token=wrong`);
    expect(refused.status).toBe(403);
    expect(refused.headers.get("set-cookie")).toBeNull();

    const exchanged = await get(`/status/${PRIVATE}?token=${encodeURIComponent(TOKEN)}`);
    expect(exchanged.status).toBe(303);
    expect(exchanged.headers.get("location")).toBe(`/status/${PRIVATE}`);
    const cookie = exchanged.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^tierkeeper_status=[\w-]+; Path=\/status; Max-Age=\d+; HttpOnly; SameSite=Lax$/);
    expect(cookie).not.toContain(TOKEN);
    const session = cookie.split(";")[0];
    expect((await get(`/status/${PRIVATE}`, { cookie: `other=1; ${session}` })).status).toBe(200);
  });

  test("in Chromium: signed in through ?token=, the private page shows hostile names as text; a new anonymous visitor gets 404", async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
    const page = await context.newPage();
    const response = await page.goto(`${base}/status/${PRIVATE}?token=${encodeURIComponent(TOKEN)}`);
    expect(response?.status()).toBe(200);
    expect(page.url()).toBe(`${base}/status/${PRIVATE}`); // the token is gone from the address bar and history
    const cookies = await context.cookies();
    expect(cookies).toEqual([expect.objectContaining({ name: "tierkeeper_status", httpOnly: true, sameSite: "Lax", path: "/status" })]);

    const [row] = statusRows(registryFrom(HOSTILE_REGISTRY));
    expect(row.category).toBe("<script>document.title='pwned'</script>Target");
    expect(await tableText(page, "#tier-3-table")).toEqual([[row.category, `${row.description} [1]`, missingText(row.missing)]]);
    expect([row.description, missingText(row.missing)]).toEqual([`<img src=x onerror="document.title='pwned'">Secret engine`, "Complete implementation"]);
    expect(await page.innerText("#note-1")).toBe("</td></tr></table><h1 id=injected>injected</h1>");
    expect(await page.title()).not.toContain("pwned");
    expect(await page.$$("main img, main script, #injected")).toHaveLength(0);
    await page.screenshot({ path: join(screenshots, "private-phone.png"), fullPage: true });

    const anonymous = await browser.newContext();
    expect((await (await anonymous.newPage()).goto(`${base}/status/${PRIVATE}`))?.status()).toBe(404);
    await anonymous.close();
    await context.close();
  }, 60_000);

  test("the token never reaches the logs", async () => {
    await get(`/status/${PRIVATE}?token=${encodeURIComponent(TOKEN)}`);
    await get(`/status/${PRIVATE}`, { authorization: `Bearer ${TOKEN}` });
    const logs = childLogs(stage.child!);
    expect(logs).toContain("listening on");
    expect(logs).not.toContain(TOKEN);
  });
});
