import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { LineCounter, parseDocument, parse as parseYaml } from "yaml";
import { compileCheckGlob, compilePathGlob, globError } from "../../src/core/glob.js";
import { formatDuration, parseDuration } from "../../src/core/duration.js";
import type { RegistryParseResult, RegistryProblem } from "../../src/core/model.js";
import { DEFAULT_POLICY, formatProblem, parseRegistry, REGISTRY_PATH, registryJsonSchema, validateRegistry } from "../../src/core/registry.js";

const root = new URL("../../", import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), "utf8");

function ok(result: RegistryParseResult) {
  if (!result.ok) throw new Error(`expected a valid registry:\n${result.errors.map(formatProblem).join("\n")}`);
  return result;
}
function errors(result: RegistryParseResult): RegistryProblem[] {
  if (result.ok) throw new Error("expected the registry to be rejected");
  return result.errors;
}
/** `line:column message` for compact assertions. */
const brief = (p: RegistryProblem) => `${p.line}:${p.column} ${p.message}`;
const errorsOf = (yaml: string) => errors(parseRegistry(yaml)).map(brief);

/** A registry with one valid component, `extra` lines appended to it. */
const component = (extra = "") => `components:
  wasi-nn:
    category: WASI Proposal
    tier: 3
    owners: [abrown]
${extra}`;

describe("parseRegistry: valid registries", () => {
  test("the minimal example", () => {
    const { registry, warnings } = ok(parseRegistry(read("test/fixtures/registries/minimal.yml")));
    expect(warnings).toEqual([]);
    expect(registry.policy).toEqual(DEFAULT_POLICY);
    expect(registry.components).toEqual([
      {
        id: "wasi-nn",
        name: "WASI-NN",
        category: "WASI Proposal",
        tier: 3,
        owners: [
          { kind: "user", login: "abrown" },
          { kind: "team", org: "bytecodealliance", slug: "wasi-nn" },
        ],
        paths: ["crates/wasi-nn/**"],
        checks: ["test (wasi-nn*)"],
        facts: {},
      },
    ]);
  });

  test("an empty file, a comments-only file and `components: {}` have zero components", () => {
    for (const text of ["", "# nothing yet\n", "components: {}\n", "components:\n  # all commented out\n"]) {
      const { registry, warnings } = ok(parseRegistry(text));
      expect(registry).toEqual({ components: [], policy: DEFAULT_POLICY });
      expect(warnings).toEqual([]);
    }
  });

  test("defaults for paths and checks, facts and fuzzing only when declared", () => {
    const { registry } = ok(parseRegistry(component('    implementation: partial\n    fuzzing: ["Fuzz *"]\n')));
    const [c] = registry.components;
    expect(c.paths).toEqual([]);
    expect(c.checks).toEqual([]);
    expect(c.facts).toEqual({ implementation: "partial" });
    expect(c.fuzzing).toEqual(["Fuzz *"]);
    expect(c).not.toHaveProperty("name");
    expect(ok(parseRegistry(component())).registry.components[0]).not.toHaveProperty("fuzzing");
  });

  test("owners: `@` is tolerated, team slugs are lowercased", () => {
    const { registry } = ok(parseRegistry(component().replace("[abrown]", '["@abrown", BytecodeAlliance/WASI-NN]')));
    expect(registry.components[0].owners).toEqual([
      { kind: "user", login: "abrown" },
      { kind: "team", org: "BytecodeAlliance", slug: "wasi-nn" },
    ]);
  });

  test("a component without owners is valid but warned about, at its owners", () => {
    const result = ok(parseRegistry(component().replace("[abrown]", "[]")));
    expect(result.warnings.map(brief)).toEqual(["5:13 components.wasi-nn.owners: component wasi-nn has no owner (the policy requires a clearly identified owner)"]);
    expect(formatProblem(result.warnings[0])).toMatch(/^\.github\/tiers\.yml:5:13: warning: components\.wasi-nn\.owners:/);
  });
});

describe("the wasmtime example reproduces the spec's Current Tier Status", () => {
  const spec = read("../shared/spec/tiers-of-support.md");
  const { registry, warnings } = ok(parseRegistry(read("examples/wasmtime/tiers.yml"), "examples/wasmtime/tiers.yml"));

  /** Rows of the `### Tier N` tables: [tier, category, description without footnote marker]. */
  function specRows(): [number, string, string][] {
    const status = spec.slice(spec.indexOf("## Current Tier Status"), spec.indexOf("## Tier Details"));
    const rows: [number, string, string][] = [];
    let tier = 0;
    for (const line of status.split("\n")) {
      const heading = /^### Tier (\d)/.exec(line);
      if (heading) tier = Number(heading[1]);
      const cells = line
        .split("|")
        .slice(1, -1)
        .map((c) => c.trim());
      if (cells.length < 2 || cells[0] === "Category" || cells[0].startsWith("---")) continue;
      rows.push([tier, cells[0], cells[1].replace(/\s*\[\d+\]$/, "")]);
    }
    return rows;
  }

  /** Target triples are kept verbatim (x86_64-...); other names lose `_` (wasi_unstable -> wasi-unstable). */
  const slug = (category: string, description: string) =>
    ({ "Non-Wasmtime Cranelift usage": "cranelift-non-wasmtime", "DWARF debugging": "dwarf-debugging" })[description] ??
    (category === "Target" ? description : description.replace(/_/g, "-"));

  test("20 rows, 8 + 5 + 7, row for row", () => {
    const rows = specRows();
    expect(rows).toHaveLength(20);
    expect(registry.components.map((c) => [c.tier, c.category, c.name])).toEqual(rows);
    expect(registry.components.map((c) => c.id)).toEqual(rows.map(([, category, d]) => slug(category, d)));
    expect([1, 2, 3].map((t) => registry.components.filter((c) => c.tier === t).length)).toEqual([8, 5, 7]);
  });

  test("misc rows carry their footnote", () => {
    const byId = Object.fromEntries(registry.components.map((c) => [c.id, c]));
    expect(byId["cranelift-non-wasmtime"].description).toMatch(/^This is intended to encompass features that Cranelift supports/);
    expect(byId["dwarf-debugging"].description).toMatch(/^Currently there is no active maintainer of DWARF debugging/);
  });

  test("only the owner-less components are warned about", () => {
    expect(warnings.map((w) => w.message.split(":")[0])).toEqual(["components.x86_64-pc-windows-gnu.owners", "components.wasi-crypto.owners"]);
  });

  test("declared facts are what the missing-requirements column will be computed from", () => {
    const byId = Object.fromEntries(registry.components.map((c) => [c.id, c]));
    for (const c of registry.components.filter((c) => c.tier === 1)) expect(c.fuzzedOutsideCi).toBe("oss-fuzz");
    expect(byId["aarch64-unknown-linux-gnu"].fuzzing).toBeUndefined();
    expect(byId["s390x-unknown-linux-gnu"].fuzzing).toBeUndefined();
    expect(byId["s390x-unknown-linux-gnu"].owners).toEqual([{ kind: "user", login: "uweigand" }]);
    expect(byId["memory64"].facts.proposal).toBe("unstable");
    expect(byId["aarch64-apple-darwin"].checks).toEqual([]);
    expect(byId["wasi-nn"].facts["ci-coverage"]).toBe("limited");
    expect(byId["wasi-crypto"]).toMatchObject({ checks: [], owners: [] });
    expect(byId["threads"].facts.implementation).toBe("partial");
    expect(byId["component-model"].facts.implementation).toBe("partial");
    expect(byId["cranelift-non-wasmtime"]).toMatchObject({ checks: [], facts: { maintainer: "best-effort" } });
    expect(byId["dwarf-debugging"]).toMatchObject({ checks: [], facts: { maintainer: "none", quality: "known-bugs" } });
  });
});

describe("parseRegistry: each kind of error, where the maintainer edits", () => {
  test("YAML syntax error, at the yaml library's position", () => {
    const text = "components:\n  wasi-nn: [abrown\n  threads: {}\n";
    const [expected] = parseDocument(text, { lineCounter: new LineCounter() }).errors;
    const problems = errors(parseRegistry(text));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: REGISTRY_PATH, severity: "error" });
    expect([problems[0].line, problems[0].column]).toEqual([expected.linePos![0].line, expected.linePos![0].col]);
    expect(problems[0].message).toBe("YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]");
    expect(errorsOf("components:\n\twasi-nn: {}\n")).toEqual(["2:1 YAML syntax error: Tabs are not allowed as indentation"]);
  });

  test("duplicate keys, at the second occurrence, alongside schema errors", () => {
    expect(errorsOf(component("    tier: 2\n    mode: x\n"))).toEqual([
      '6:5 duplicate key "tier": each key may appear only once in a mapping',
      expect.stringMatching(/^7:5 components\.wasi-nn: unknown key "mode"/),
    ]);
  });

  test("the document is not a mapping", () => {
    expect(errorsOf("- wasi-nn\n- threads\n")).toEqual(['1:1 the registry must be a mapping with a "components" key, got a list']);
    expect(errorsOf("# header\n\ntiers\n")).toEqual(['3:1 the registry must be a mapping with a "components" key, got "tiers"']);
  });

  test("missing components, at the document", () => {
    expect(errorsOf("# header\npolicy:\n  mode: shadow\n")).toEqual(['2:1 missing required key "components" (a mapping of component ids to components; {} for none)']);
  });

  test("missing component keys, at the component's key", () => {
    expect(errorsOf("components:\n  wasi-nn:\n    owners: []\n")).toEqual([
      '2:3 components.wasi-nn: missing required key "category" (free text such as "Target" or "WASI Proposal")',
      '2:3 components.wasi-nn: missing required key "tier" (1, 2 or 3)',
    ]);
  });

  test("unknown keys, at the key, listing the allowed keys and a likely fix", () => {
    expect(errorsOf("polcy: {}\ncomponents: {}\n")).toEqual(['1:1 unknown key "polcy" (did you mean "policy"?); allowed keys: policy, components']);
    expect(errorsOf("policy:\n  responseWindow: 1 week\ncomponents: {}\n")).toEqual([
      '2:3 policy: unknown key "responseWindow" (did you mean "response-window"?); allowed keys: response-window, removal-window, mode, pr-comment, maintainers, demotion-breaches, figures-window, tier2-disabled-limit, report-issue, major-change, rfc, suggestions, requirements, document',
    ]);
    const [e] = errorsOf(component("    colour: blue\n"));
    expect(e).toMatch(/^6:5 components\.wasi-nn: unknown key "colour"; allowed keys: name, description, category, tier, owners, backup, escalation, paths, checks, fuzzing, implementation,/);
  });

  test("wrong types", () => {
    expect(errorsOf(component("    paths: crates/wasi-nn/**\n    name: 12\n"))).toEqual([
      '6:12 components.wasi-nn.paths: expected a list of path globs, got "crates/wasi-nn/**"',
      "7:11 components.wasi-nn.name: expected text, got 12",
    ]);
    expect(errorsOf("components:\n  - wasi-nn\n")).toEqual(["2:3 components: expected a mapping of component ids to components, got a list"]);
    expect(errorsOf("components:\n  wasi-nn: yes\n")).toEqual(['2:12 components.wasi-nn: expected a mapping, got "yes"']);
  });

  test("tier outside 1-3 (the issue's example message)", () => {
    const text = `# Support tiers\n${"\n".repeat(7)}components:\n  wasi-nn:\n    category: WASI Proposal\n    tier: 4\n    owners: [abrown]\n`;
    const [e] = errors(parseRegistry(text));
    expect(formatProblem(e)).toBe(".github/tiers.yml:12:11: components.wasi-nn.tier: expected 1, 2 or 3, got 4");
    expect(errorsOf(component().replace("tier: 3", 'tier: "3"'))).toEqual(['4:11 components.wasi-nn.tier: expected 1, 2 or 3, got "3"']);
    expect(errorsOf(component().replace("tier: 3", "tier:"))).toEqual(["4:5 components.wasi-nn.tier: expected 1, 2 or 3, got nothing"]);
  });

  test("invalid owners, at the list item", () => {
    expect(errorsOf(component().replace("[abrown]", '[abrown, "-abrown", "a/b/c", bytecodealliance/]'))).toEqual([
      '5:22 components.wasi-nn.owners[1]: expected a GitHub login or org/team-slug, got "-abrown"',
      '5:33 components.wasi-nn.owners[2]: expected a GitHub login or org/team-slug, got "a/b/c"',
      '5:42 components.wasi-nn.owners[3]: expected a GitHub login or org/team-slug, got "bytecodealliance/"',
    ]);
  });

  test("invalid component ids, at the key, without hiding errors inside the component", () => {
    expect(errorsOf("components:\n  WASI_NN:\n    category: x\n    tier: 0\n    owners: []\n")).toEqual([
      '2:3 components.WASI_NN: invalid component id "WASI_NN": use at most 64 lowercase letters, digits, ".", "_" and "-", starting with a letter or digit',
      "4:11 components.WASI_NN.tier: expected 1, 2 or 3, got 0",
    ]);
    // Dots are allowed in ids; the key path quotes such ids so that it stays unambiguous.
    expect(errorsOf("components:\n  wasi.nn: {category: x, tier: 5, owners: []}\n")).toEqual(['2:32 components["wasi.nn"].tier: expected 1, 2 or 3, got 5']);
    expect(errorsOf(`components:\n  ${"a".repeat(65)}: {category: x, tier: 3, owners: [a]}\n`)).toHaveLength(1);
  });

  test("invalid globs, at the pattern", () => {
    expect(errorsOf(component('    paths: ["crates/{wasi-nn/**", "/crates/x"]\n    checks: ["test [wasi-nn", "x\\\\"]\n'))).toEqual([
      expect.stringMatching(/^6:13 components\.wasi-nn\.paths\[0\]: invalid path glob "crates\/\{wasi-nn\/\*\*": Missing closing/),
      '6:35 components.wasi-nn.paths[1]: invalid path glob "/crates/x": paths are relative to the repository root: remove the leading "/" or "./"',
      '7:14 components.wasi-nn.checks[0]: invalid check glob "test [wasi-nn": "[" at position 6 is never closed (write "\\[" for a literal bracket)',
      '7:31 components.wasi-nn.checks[1]: invalid check glob "x\\\\": trailing "\\" escapes nothing',
    ]);
  });

  test("invalid durations, modes and switches", () => {
    expect(errorsOf("policy:\n  removal-window: 30\n  response-window: 1m\n  mode: Shadow\n  pr-comment: yes\ncomponents: {}\n")).toEqual([
      '2:19 policy.removal-window: expected a duration such as "1 week", "3 days", "12 hours", "1 month", "12h", "7d", "2w" or "1mo", got 30',
      '3:20 policy.response-window: expected a duration such as "1 week", "3 days", "12 hours", "1 month", "12h", "7d", "2w" or "1mo", got "1m"',
      '4:9 policy.mode: expected "enforce" or "shadow", got "Shadow"',
      '5:15 policy.pr-comment: expected true or false, got "yes"',
    ]);
  });

  test("all errors are reported, in file order", () => {
    const problems = errors(parseRegistry(read("test/fixtures/registries/many-errors.yml")));
    expect(problems.map((p) => `${p.line}:${p.column}`)).toEqual(["3:20", "4:9", "5:3", "9:11", "10:22", "11:13", "13:3", "15:11", "16:13", "17:5", "18:3", "21:15"]);
    expect(problems.every((p) => p.severity === "error" && p.file === REGISTRY_PATH)).toBe(true);
  });

  test("the file name is the caller's", () => {
    const [e] = errors(parseRegistry("[]", "repo/.github/tiers.yml"));
    expect(formatProblem(e)).toMatch(/^repo\/\.github\/tiers\.yml:1:1: /);
  });
});

describe("policy", () => {
  test("every duration form parses", () => {
    const forms: [string, object][] = [
      ["1 week", { weeks: 1 }],
      ["2 weeks", { weeks: 2 }],
      ["2w", { weeks: 2 }],
      ["3 days", { days: 3 }],
      ["1 day", { days: 1 }],
      ["7d", { days: 7 }],
      ["12 hours", { hours: 12 }],
      ["1 hour", { hours: 1 }],
      ["12h", { hours: 12 }],
      ["1 month", { months: 1 }],
      ["6 months", { months: 6 }],
      ["1mo", { months: 1 }],
    ];
    for (const [text, duration] of forms) expect(parseDuration(text)).toEqual(duration);
    for (const bad of ["", "week", "0 days", "1.5 days", "1m", "1 Week", "1  week", "-1d", "1 fortnight"]) {
      expect(parseDuration(bad)).toBeUndefined();
    }
    expect(formatDuration({ weeks: 1 })).toBe("1 week");
    expect(formatDuration({ days: 3 })).toBe("3 days");
  });

  test("policy keys override the defaults one by one", () => {
    const text = "policy:\n  response-window: 3 days\n  mode: shadow\ncomponents: {}\n";
    expect(ok(parseRegistry(text)).registry.policy).toEqual({
      ...DEFAULT_POLICY,
      responseWindow: { days: 3 },
      removalWindow: { months: 1 },
      mode: "shadow",
      behaviours: { prComment: true },
    });
    const all = [
      "policy:",
      "  response-window: 48h",
      "  removal-window: 2mo",
      "  mode: enforce",
      "  pr-comment: false",
      "  maintainers: [alice, org/maintainers]",
      "  demotion-breaches: 5",
      "  figures-window: 30 days",
      "  tier2-disabled-limit: 3 weeks",
      "  report-issue: monthly",
      "  major-change: { lines: 400, label: big }",
      "  rfc: { link: 'https://example\\.org/rfc/\\d+', override-label: no-rfc, repositories: [example/specs, example/rfcs] }",
      "  suggestions: 2 weeks",
      "components: {}",
      "",
    ].join("\n");
    expect(ok(parseRegistry(all)).registry.policy).toEqual({
      responseWindow: { hours: 48 },
      removalWindow: { months: 2 },
      mode: "enforce",
      tier2: {
        maintainers: [
          { kind: "user", login: "alice" },
          { kind: "team", org: "org", slug: "maintainers" },
        ],
        demotionBreaches: 5,
        figuresWindowDays: 30,
        disabledLimit: { weeks: 3 },
        report: "monthly",
      },
      changes: { majorLines: 400, majorLabel: "big", rfcLink: "https://example\\.org/rfc/\\d+", rfcOverrideLabel: "no-rfc", rfcRepositories: ["example/specs", "example/rfcs"] },
      suggestions: { weeks: 2 },
      behaviours: { prComment: false },
    });
    expect(errorsOf("policy:\n  rfc: { link: '(', repositories: [rfcs] }\n  major-change: { lines: 0, size: 3 }\ncomponents: {}\n")).toEqual([
      "2:16 policy.rfc.link: must be a valid regular expression",
      "2:36 policy.rfc.repositories[0]: must be a repository as owner/name",
      "3:26 policy.major-change.lines: expected a positive whole number, got 0",
      '3:29 policy.major-change: unknown key "size"; allowed keys: lines, label',
    ]);
    expect(ok(parseRegistry("policy:\ncomponents: {}\n")).registry.policy).toEqual(DEFAULT_POLICY);
  });

  test("suggestions: off or a duration", () => {
    expect(ok(parseRegistry("policy:\n  suggestions: off\ncomponents: {}\n")).registry.policy.suggestions).toBe("off");
    expect(ok(parseRegistry("policy:\n  suggestions: 6 weeks\ncomponents: {}\n")).registry.policy.suggestions).toEqual({ weeks: 6 });
    expect(errorsOf("policy:\n  suggestions: never\ncomponents: {}\n")).toEqual([
      '2:16 policy.suggestions: expected "off" or a duration such as "1 week", "3 days", "12 hours", "1 month", "12h", "7d", "2w" or "1mo", got "never"',
    ]);
  });

  test("DEFAULT_POLICY follows the spec", () => {
    expect(DEFAULT_POLICY).toEqual({
      responseWindow: { weeks: 1 },
      removalWindow: { months: 1 },
      mode: "enforce",
      // "Tier 2 features are not turned off or disabled for very long": two weeks, then the alarm.
      tier2: { maintainers: [], demotionBreaches: 3, figuresWindowDays: 90, disabledLimit: { weeks: 2 }, report: "off" },
      changes: {
        majorLines: null,
        majorLabel: "major-change",
        rfcLink: String.raw`https://github\.com/[\w.-]+/rfcs/(?:pull|issues)/\d+`,
        rfcOverrideLabel: "rfc-not-needed",
        rfcRepositories: null,
      },
      // A component that meets the tier above (or misses its own) for a month gets one suggestion issue.
      suggestions: { days: 30 },
      behaviours: { prComment: true },
    });
  });
});

describe("validateRegistry", () => {
  const value = { components: { "wasi-nn": { category: "WASI Proposal", tier: 4, owners: ["abrown"], colour: "x" } } };

  test("a valid object, as Probot's config loader returns it", () => {
    const { registry } = ok(validateRegistry({ components: { "wasi-nn": { category: "c", tier: 2, owners: ["a/b"] } } }));
    expect(registry.components[0]).toMatchObject({ id: "wasi-nn", tier: 2, owners: [{ kind: "team", org: "a", slug: "b" }] });
    // Config loaders hand an empty file over as null or {}: both mean "no components yet".
    expect(ok(validateRegistry(null)).registry.components).toEqual([]);
    expect(ok(validateRegistry({})).registry.components).toEqual([]);
    expect(errors(validateRegistry({ policy: {} })).map(formatProblem)).toEqual([
      '.github/tiers.yml:1:1: missing required key "components" (a mapping of component ids to components; {} for none)',
    ]);
  });

  test("without locate: 1:1, the key path in the message", () => {
    expect(errors(validateRegistry(value)).map(formatProblem)).toEqual([
      ".github/tiers.yml:1:1: components.wasi-nn.tier: expected 1, 2 or 3, got 4",
      '.github/tiers.yml:1:1: components.wasi-nn: unknown key "colour"; allowed keys: name, description, category, tier, owners, backup, escalation, paths, checks, fuzzing, implementation, proposal, maintainer, ci, ci-coverage, quality, disable, workflow, missing',
    ]);
  });

  test("with locate: its positions, falling back to the nearest located parent", () => {
    const seen: string[] = [];
    const locate = (path: (string | number)[]) => {
      seen.push(path.join("."));
      return path.join(".") === "components.wasi-nn.tier" ? { line: 9, column: 11 } : path.length === 2 ? { line: 7, column: 3 } : undefined;
    };
    expect(errors(validateRegistry(value, "tiers.yml", locate)).map(brief)).toEqual([
      '7:3 components.wasi-nn: unknown key "colour"; allowed keys: name, description, category, tier, owners, backup, escalation, paths, checks, fuzzing, implementation, proposal, maintainer, ci, ci-coverage, quality, disable, workflow, missing',
      "9:11 components.wasi-nn.tier: expected 1, 2 or 3, got 4",
    ]);
    expect(seen).toContain("components.wasi-nn.colour");
  });
});

describe("registryJsonSchema", () => {
  const schema = registryJsonSchema() as Record<string, any>;
  const ajv = new Ajv({ strict: false });
  const validate = ajv.compile(schema);
  // The JSON Schema sees what an editor sees: the YAML as data.
  const example: unknown = parseYaml(read("examples/wasmtime/tiers.yml"));

  test("describes components and rejects unknown keys", () => {
    expect(schema.properties.components).toBeDefined();
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.policy.anyOf[0].additionalProperties).toBe(false);
  });

  test("accepts the wasmtime example, rejects what the validator rejects", () => {
    expect(validate(example)).toBe(true);
    expect(validate({ components: {}, extra: 1 })).toBe(false);
    expect(validate({ components: { "wasi-nn": { category: "c", tier: 4, owners: [] } } })).toBe(false);
    expect(validate({ components: { WASI: { category: "c", tier: 3, owners: [] } } })).toBe(false);
    expect(validate({ components: { x: { category: "c", tier: 3, owners: ["-x"] } } })).toBe(false);
    expect(validate({ policy: { "response-window": "1 fortnight" }, components: {} })).toBe(false);
    expect(validate({ policy: { "response-window": "2w" }, components: {} })).toBe(true);
  });
});

describe("globs", () => {
  test("check globs: parentheses, spaces and slashes are literal, * crosses them", () => {
    const re = compileCheckGlob("test (wasi-nn*)");
    expect(re.test("test (wasi-nn, ubuntu-latest)")).toBe(true);
    expect(re.test("test wasi-nn")).toBe(false);
    expect(compileCheckGlob("CI / Test *").test("CI / Test Linux x86_64")).toBe(true);
    expect(compileCheckGlob("Test Linux ???64").test("Test Linux arm64")).toBe(true);
    expect(compileCheckGlob("Test [!W]*").test("Test Windows")).toBe(false);
    expect(compileCheckGlob("Test [a-z]*").test("Test linux")).toBe(true);
    expect(compileCheckGlob("a+b|c{1}.$").test("a+b|c{1}.$")).toBe(true);
    expect(compileCheckGlob("\\*").test("*")).toBe(true);
    expect(compileCheckGlob("\\*").test("x")).toBe(false);
    expect(compileCheckGlob("Test").test("test")).toBe(false);
    expect(globError("check", "[z-a]")).toMatch(/invalid character set/);
    expect(globError("check", "")).toBe("empty pattern");
  });

  test("path globs: picomatch over repository paths, dotfiles included", () => {
    const glob = compilePathGlob("crates/wasi-nn/**");
    expect(glob.test("crates/wasi-nn/src/lib.rs")).toBe(true);
    expect(glob.test("crates/wasi-nn-x/src/lib.rs")).toBe(false);
    expect(compilePathGlob("**/*.rs").test("a/.hidden/b.rs")).toBe(true);
    expect(globError("path", "!crates/**")).toBe("negated patterns are not supported");
    expect(globError("path", "crates/[ab")).toMatch(/Missing closing/);
  });
});

describe("policy.requirements", () => {
  test("renames and drops tier requirements, with errors where the maintainer edits", () => {
    const ok = parseRegistry("policy:\n  requirements:\n    tier2:\n      drop: [full-time-maintainer]\ncomponents: {}\n");
    expect(ok.ok && ok.registry.policy.requirements?.tier2?.drop).toEqual(["full-time-maintainer"]);
    const bad = parseRegistry("policy:\n  requirements:\n    tier2:\n      dropp: [x]\ncomponents: {}\n");
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors[0]).toMatchObject({ line: 4, message: expect.stringContaining('unknown key "dropp" (did you mean "drop"?)') });
  });
});
