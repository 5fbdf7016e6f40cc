import { readFileSync } from "node:fs";
import { parseRegistry } from "../../src/core/registry.js";
import type { CiResult, Registry } from "../../src/core/model.js";

/** Parses a registry text and fails loudly when it is invalid: a test's registry is a fixture. */
export function registryFrom(text: string): Registry {
  const result = parseRegistry(text);
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.line}:${e.column} ${e.message}`).join("\n"));
  return result.registry;
}

export const WASMTIME_REGISTRY_TEXT = readFileSync(new URL("../../examples/wasmtime/tiers.yml", import.meta.url), "utf8");
export const wasmtimeRegistry = () => registryFrom(WASMTIME_REGISTRY_TEXT);

/** A CI result with sensible defaults. */
export function result(over: Partial<CiResult> & Pick<CiResult, "name" | "outcome">): CiResult {
  return { repoId: 1, sha: "head", source: "check_run", completedAt: new Date("2026-11-23T10:00:00Z"), ...over };
}

/** Two components, one Tier 3 and one Tier 1, for the registry checks (`threads` ends the text). */
export const TWO_COMPONENTS = `components:
  wasi-nn:
    category: WASI Proposal
    tier: 3
    owners: [abrown, bytecodealliance/wasi-nn]
    paths: ["crates/wasi-nn/**"]
    checks: ["Test wasi-nn (*)"]
    implementation: partial
  threads:
    category: WebAssembly Proposal
    tier: 1
    owners: [alexcrichton]
    paths: ["crates/threads/**"]
    checks: ["Test threads"]
`;
