import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

/**
 * Headless Chromium for the browser tests: Debian's `/usr/bin/chromium` when the machine has it,
 * else the Chromium packaged in the npm registry's `@sparticuz/chromium` (decompressed to /tmp on
 * first use), so `npm test` needs nothing but Node. TEST_BROWSER=bundled picks the npm one even
 * where Debian's is installed (.ci/run proves both).
 */
const DEBIAN_CHROMIUM = "/usr/bin/chromium";
// This machine's network is closed: without these, Chromium keeps trying to reach Google's hosts.
const QUIET = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

export async function launchChromium(): Promise<{ browser: Browser; which: string }> {
  if (process.env.TEST_BROWSER !== "bundled" && existsSync(DEBIAN_CHROMIUM)) {
    return { browser: await chromium.launch({ executablePath: DEBIAN_CHROMIUM, args: QUIET }), which: DEBIAN_CHROMIUM };
  }
  const { default: bundled } = await import("@sparticuz/chromium");
  const executablePath = await bundled.executablePath();
  // Its arguments are made for AWS Lambda; `--single-process` closes the browser when a second
  // context opens, so it is left out.
  const args = [...bundled.args.filter((a) => a !== "--single-process"), ...QUIET.filter((a) => a !== "--headless")];
  return { browser: await chromium.launch({ executablePath, args }), which: `${executablePath} (@sparticuz/chromium)` };
}
