#!/usr/bin/env node
/** The `tierkeeper` executable: wires the process to `run` (see run.ts for the commands). */
import { appendFile, readFile, writeFile } from "node:fs/promises";
import { text } from "node:stream/consumers";
import { redact, registerSecrets } from "../observability/redaction.js";
import { run } from "./run.js";

// `tierkeeper matrix | head -c 10` closes the pipe early: that is not an error.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw e;
});

// Errors (a store that cannot be opened, an internal error) may echo a secret of the environment.
registerSecrets(process.env);

try {
  process.exitCode = await run(process.argv.slice(2), {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(redact(text)),
    cwd: process.cwd(),
    readFile: (path) => readFile(path, "utf8"),
    writeFile: (path, text) => writeFile(path, text, "utf8"),
    readStdin: () => text(process.stdin),
    appendFile: (path, data) => appendFile(path, data, "utf8"),
    env: process.env,
  });
} catch (e) {
  process.stderr.write(redact(`tierkeeper: internal error: ${(e as Error)?.stack ?? String(e)}`) + "\n");
  process.exitCode = 1;
}
