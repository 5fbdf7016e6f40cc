import { resolve } from "node:path";
import { REGISTRY_PATH } from "../core/registry.js";

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
