import { resolve } from "node:path";
import type { Config } from "../app/config.js";
import type { Registry } from "../core/model.js";
import { formatProblem, parseRegistry, REGISTRY_PATH } from "../core/registry.js";

/** What a command may touch: tests pass their own, `main.ts` wires the process. */
export interface Io {
  /** Writes the text as given: commands end their lines with "\n". */
  stdout(text: string): void;
  stderr(text: string): void;
  /** The directory relative paths are resolved against. */
  cwd: string;
  /** Reads a UTF-8 file; the path is absolute. */
  readFile(path: string): Promise<string>;
  /** Writes a UTF-8 file; the path is absolute. Commands that write (import --out, status --write-document) need it. */
  writeFile?(path: string, text: string): Promise<void>;
  /** Reads all of standard input (commands that take a document on stdin). */
  readStdin?(): Promise<string>;
  /** Appends UTF-8 text to a file, creating it (GitHub Actions' `GITHUB_OUTPUT` and step summary). */
  appendFile?(path: string, text: string): Promise<void>;
  /** The environment variables a command reads (`GITHUB_OUTPUT`, ...). */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Exit codes: 0 ok, 1 findings or errors, 2 usage error. */
export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;

/** Reads the registry at `file` (relative to the cwd; default `.github/tiers.yml`). */
export async function readRegistryText(io: Io, file = REGISTRY_PATH): Promise<{ ok: true; text: string } | { ok: false; message: string }> {
  try {
    return { ok: true, text: await io.readFile(resolve(io.cwd, file)) };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (e as Error).message;
    return { ok: false, message: `cannot read ${file}: ${why}` };
  }
}

/** Reads and parses the registry; on failure writes why to stderr (as `tierkeeper <command>`) and returns undefined. */
export async function readValidRegistry(io: Io, file: string, command: string): Promise<{ registry: Registry; text: string } | undefined> {
  const read = await readRegistryText(io, file);
  if (!read.ok) {
    io.stderr(`tierkeeper ${command}: ${read.message}\n`);
    return undefined;
  }
  const result = parseRegistry(read.text, file);
  if (!result.ok) {
    for (const problem of result.errors) io.stderr(`${formatProblem(problem)}\n`);
    io.stderr(`tierkeeper ${command}: ${file} is not valid; run \`tierkeeper validate ${file}\`\n`);
    return undefined;
  }
  return { registry: result.registry, text: read.text };
}

/**
 * Runs `work` on the server's database (DATABASE_URL, as the server opens it), closed afterwards.
 * Loaded on demand: the commands that read only a file never open a database driver.
 */
export async function withServerStore<T>(config: Config, work: (store: import("../store/sql-store.js").SqlStore) => Promise<T>): Promise<T> {
  const { openStore } = await import("../store/open.js");
  const store = await openStore(config.databaseUrl);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
