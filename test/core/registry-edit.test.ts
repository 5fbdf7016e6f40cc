import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { setComponentCi } from "../../src/core/registry-edit.js";
import { parseRegistry } from "../../src/core/registry.js";

const WASMTIME = readFileSync(fileURLToPath(new URL("../../examples/wasmtime/tiers.yml", import.meta.url)), "utf8");
const NOTE = "disabled by tierkeeper on 2026-11-30 (UTC): https://github.com/o/r/issues/12";

/** The lines of `after` that differ from `before`, for a single-region edit. */
function changedLines(before: string, after: string) {
  const a = before.split("\n");
  const b = after.split("\n");
  let start = 0;
  while (start < a.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  return { line: start + 1, removed: a.slice(start, endA), added: b.slice(start, endB) };
}

function ciOf(text: string, id: string) {
  const parsed = parseRegistry(text);
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join("\n"));
  return parsed.registry.components.find((c) => c.id === id)!.facts.ci;
}

describe("setComponentCi", () => {
  test("disables wasi-nn in the Wasmtime registry with a one-line diff inside its block, and re-enabling restores every byte", () => {
    const disabled = setComponentCi(WASMTIME, "wasi-nn", "disabled", NOTE);
    const diff = changedLines(WASMTIME, disabled);
    expect(diff.removed).toEqual([]);
    expect(diff.added).toEqual([`    ci: disabled # ${NOTE}`]);
    // Right after wasi-nn's last entry (keeping that entry's own comment), before the blank line.
    expect(disabled.split("\n")[diff.line - 2]).toBe("    ci-coverage: limited      # a few backends, two platforms");
    expect(disabled).toContain("fuzzing: &fuzz oss-fuzz");
    expect(ciOf(disabled, "wasi-nn")).toBe("disabled");
    // Nothing else moved: the anchors still resolve and every other component is the same.
    const before = parseRegistry(WASMTIME);
    const after = parseRegistry(disabled);
    if (!before.ok || !after.ok) throw new Error("invalid");
    expect(after.registry.components.filter((c) => c.id !== "wasi-nn")).toEqual(before.registry.components.filter((c) => c.id !== "wasi-nn"));
    expect(after.registry.policy).toEqual(before.registry.policy);

    expect(setComponentCi(disabled, "wasi-nn", "enabled")).toBe(WASMTIME);
  });

  test("is a no-op when the component already has the value", () => {
    expect(setComponentCi(WASMTIME, "wasi-nn", "enabled")).toBe(WASMTIME);
    const disabled = setComponentCi(WASMTIME, "wasi-nn", "disabled", NOTE);
    expect(setComponentCi(disabled, "wasi-nn", "disabled", "another note")).toBe(disabled);
  });

  test("a component ending in a folded description or a block sequence gets its line after them", () => {
    for (const id of ["cranelift-non-wasmtime", "component-model", "dwarf-debugging", "aarch64-unknown-linux-gnu", "x86_64-pc-windows-msvc"]) {
      const disabled = setComponentCi(WASMTIME, id, "disabled");
      const diff = changedLines(WASMTIME, disabled);
      expect(diff.removed).toEqual([]);
      expect(diff.added).toEqual(["    ci: disabled"]);
      expect(ciOf(disabled, id)).toBe("disabled");
      expect(setComponentCi(disabled, id, "enabled")).toBe(WASMTIME);
    }
  });

  test("an existing ci key is rewritten in place, keeping a maintainer's comment unless there is a note", () => {
    const text = "components:\n  a:\n    category: misc\n    tier: 3\n    owners: []\n    ci: enabled   # was flaky\n    quality: good\n";
    expect(setComponentCi(text, "a", "disabled")).toBe(text.replace("ci: enabled", "ci: disabled"));
    expect(setComponentCi(text, "a", "disabled", "by tierkeeper")).toBe(text.replace("ci: enabled   # was flaky", "ci: disabled # by tierkeeper"));
    const disabled = "components:\n  a:\n    category: misc\n    tier: 3\n    owners: []\n    ci: disabled\n    quality: good\n";
    expect(setComponentCi(disabled, "a", "enabled")).toBe("components:\n  a:\n    category: misc\n    tier: 3\n    owners: []\n    quality: good\n");
  });

  test("CRLF files and files without a final newline", () => {
    const crlf = "components:\r\n  a:\r\n    category: misc\r\n    tier: 3\r\n    owners: []\r\n";
    const out = setComponentCi(crlf, "a", "disabled", "n");
    expect(out).toBe(`${crlf}    ci: disabled # n\r\n`);
    expect(setComponentCi(out, "a", "enabled")).toBe(crlf);
    const bare = "components:\n  a: # the a\n    category: misc\n    tier: 3\n    owners: [x]";
    expect(setComponentCi(bare, "a", "disabled")).toBe(`${bare}\n    ci: disabled\n`);
  });

  test("a flow-style component goes through the Document API and stays valid", () => {
    const text = "# top\ncomponents:\n  a: { category: misc, tier: 3, owners: [] } # inline\n  b:\n    category: misc\n    tier: 1\n    owners: []\n";
    const out = setComponentCi(text, "a", "disabled", "note");
    expect(ciOf(out, "a")).toBe("disabled");
    expect(out).toContain("# top");
    expect(ciOf(setComponentCi(out, "a", "enabled"), "a")).toBeUndefined();
  });

  test("unknown components, aliases and invalid results are clear errors", () => {
    expect(() => setComponentCi(WASMTIME, "wasi-nope", "disabled")).toThrow('component "wasi-nope" is not in the registry');
    expect(() => setComponentCi("policy: {}\n", "a", "disabled")).toThrow("not in the registry");
    expect(() => setComponentCi("components:\n  a: &a {category: misc, tier: 3, owners: []}\n  b: *a\n", "b", "disabled")).toThrow("is an alias");
    expect(() => setComponentCi("components:\n  a:\n    category: misc\n    tier: 9\n    owners: []\n", "a", "disabled")).toThrow(/invalid registry: .*tier/);
    const shared = "components:\n  a: &a\n    category: misc\n    tier: 3\n    owners: []\n  b: *a\n";
    expect(() => setComponentCi(shared, "a", "disabled")).toThrow("editing a would also change b (an alias shares its mapping)");
  });
});
