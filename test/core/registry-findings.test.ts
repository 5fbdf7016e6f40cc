import { decideRegistryCheck } from "../../src/core/registry-check.js";
import { OWNER_LOOKUP_LIMIT, ownersToLookUp, registryFindings, type FindingsInput, type OwnerStatus } from "../../src/core/registry-findings.js";
import { parseRegistry } from "../../src/core/registry.js";
import type { Owner } from "../../src/core/model.js";
import { registryFrom, TWO_COMPONENTS } from "../support/registries.js";

const BASE = `${TWO_COMPONENTS}    fuzzing: ["Fuzz threads"]\n`;
const FILES = ["crates/wasi-nn/src/lib.rs", "crates/threads/src/lib.rs", "README.md"];
const SEEN = ["Test wasi-nn (openvino, ubuntu-24.04)", "Test threads", "Fuzz threads"];

/** The findings for `head` judged against BASE, with whatever the shell would have gathered. */
function findings(head: string, extra: Partial<FindingsInput> = {}) {
  const parsed = parseRegistry(head, "tiers.yml");
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join("\n"));
  return registryFindings({ file: "tiers.yml", text: head, head: parsed, base: registryFrom(BASE), ...extra });
}

/** 1-based line and column of the first occurrence of `snippet` after the line containing `after`. */
function at(text: string, snippet: string, after = "") {
  const lines = text.split("\n");
  const from = after ? lines.findIndex((l) => l.includes(after)) : 0;
  const line = lines.findIndex((l, i) => i >= from && l.includes(snippet));
  if (line < 0) throw new Error(`${snippet} not in the text`);
  return { line: line + 1, column: lines[line].indexOf(snippet) + 1 };
}

const lookups = (entries: Record<string, OwnerStatus>, unchecked = 0) => ({ statuses: new Map(Object.entries(entries)), unchecked });

test("an unchanged registry with nothing gathered has no findings beyond the parser's warnings", () => {
  const withWarning = BASE.replace("owners: [alexcrichton]", "owners: []");
  const parsed = parseRegistry(withWarning, "tiers.yml");
  if (!parsed.ok) throw new Error("invalid");
  const out = registryFindings({ file: "tiers.yml", text: withWarning, head: parsed });
  expect(out).toEqual({ problems: parsed.warnings, notes: [], steps: 0 });
  expect(out.problems).toHaveLength(1);
});

describe("path globs against the files at head", () => {
  test("a glob matching no file is a warning on the glob itself", () => {
    const head = BASE.replace('paths: ["crates/wasi-nn/**"]', 'paths: ["crates/wasi-nn/**", "crates/wasi-nnn/**"]');
    const out = findings(head, { tree: { paths: FILES } });
    expect(out.problems).toEqual([
      { file: "tiers.yml", ...at(head, '"crates/wasi-nnn/**"'), severity: "warning", message: 'components.wasi-nn.paths[1]: "crates/wasi-nnn/**" matches no file in the repository' },
    ]);
    expect(out.notes).toEqual([]);
  });

  test("a directory written without /** matches no file, as it matches no changed file either", () => {
    const head = BASE.replace('paths: ["crates/threads/**"]', 'paths: ["crates/threads"]');
    expect(findings(head, { tree: { paths: FILES } }).problems.map((p) => p.message)).toEqual(['components.threads.paths[0]: "crates/threads" matches no file in the repository']);
  });

  test("an unknown tree says nothing about globs, and the summary says why", () => {
    const head = BASE.replace('paths: ["crates/wasi-nn/**"]', 'paths: ["nowhere/**"]');
    const out = findings(head, { tree: { unknown: "the repository has more files than GitHub lists at once" } });
    expect(out.problems).toEqual([]);
    expect(out.notes).toEqual(["Path globs were not compared with the repository's files: the repository has more files than GitHub lists at once."]);
    expect(findings(head).notes).toEqual([]); // not asked for: not mentioned
  });

  test("an aliased list has no text of its own: the finding falls back to its key", () => {
    const head = BASE.replace('paths: ["crates/wasi-nn/**"]', 'paths: &shared ["gone/**"]').replace('paths: ["crates/threads/**"]', "paths: *shared");
    const out = findings(head, { tree: { paths: FILES } });
    expect(out.problems.map((p) => [p.line, p.column, p.message])).toEqual([
      [at(head, '"gone/**"').line, at(head, '"gone/**"').column, 'components.wasi-nn.paths[0]: "gone/**" matches no file in the repository'],
      [at(head, "paths: *shared").line, at(head, "paths: *shared").column, 'components.threads.paths[0]: "gone/**" matches no file in the repository'],
    ]);
  });
});

describe("check patterns against the names seen on the default branch", () => {
  test("a pattern no result matched is a warning, for checks and fuzzing", () => {
    const head = BASE.replace('checks: ["Test threads"]', 'checks: ["Tets threads", "Test thread*"]').replace('fuzzing: ["Fuzz threads"]', 'fuzzing: ["Fuzz threads (nightly)"]');
    const out = findings(head, { seenChecks: SEEN });
    expect(out.problems.map((p) => [p.line, p.column, p.severity, p.message])).toEqual([
      [...Object.values(at(head, '"Tets threads"')), "warning", 'components.threads.checks[0]: "Tets threads" matches no check seen on the default branch'],
      [...Object.values(at(head, '"Fuzz threads (nightly)"')), "warning", 'components.threads.fuzzing[0]: "Fuzz threads (nightly)" matches no check seen on the default branch'],
    ]);
  });

  test("nothing known on the default branch: no finding, and a note", () => {
    const head = BASE.replace('checks: ["Test threads"]', 'checks: ["Tets threads"]');
    expect(findings(head, { seenChecks: [] })).toEqual({ problems: [], notes: ["Check patterns were not compared with CI: no result on the default branch is known yet."], steps: 0 });
  });

  test("a component disabled in CI is not expected to report", () => {
    const head = BASE.replace("    implementation: partial\n", "    implementation: partial\n    ci: disabled\n").replace('checks: ["Test wasi-nn (*)"]', 'checks: ["Test wasi-nn-gpu"]');
    expect(findings(head, { seenChecks: SEEN }).problems).toEqual([]);
  });
});

describe("owners", () => {
  test("a user who is not a collaborator is a warning, a team that does not exist an error; unknown ones are silent", () => {
    const out = findings(BASE, { owners: lookups({ abrown: "not-collaborator", "bytecodealliance/wasi-nn": "no-such-team" }) });
    expect(out.problems.map((p) => [p.line, p.column, p.severity, p.message])).toEqual([
      [...Object.values(at(BASE, "abrown")), "warning", "components.wasi-nn.owners[0]: abrown is not a collaborator on this repository (or has no GitHub account)"],
      [...Object.values(at(BASE, "bytecodealliance/wasi-nn")), "error", "components.wasi-nn.owners[1]: team bytecodealliance/wasi-nn does not exist: nobody would be notified"],
    ]);
  });

  test("owners left out by the lookup limit are named in a note", () => {
    expect(findings(BASE, { owners: lookups({}, 3) }).notes).toEqual([`3 more owners were not checked (at most ${OWNER_LOOKUP_LIMIT} lookups per check).`]);
    expect(findings(BASE, { owners: lookups({}, 1) }).notes).toEqual([`1 more owner was not checked (at most ${OWNER_LOOKUP_LIMIT} lookups per check).`]);
  });

  test("ownersToLookUp: distinct owners, the ones the edit adds first, within the limit; unaskable ones are not counted", () => {
    const head = registryFrom(BASE.replace("owners: [alexcrichton]", "owners: [newcomer, ABrown, other-org/team, alexcrichton]"));
    const keys = (owners: Owner[]) => owners.map((o) => (o.kind === "user" ? o.login : `${o.org}/${o.slug}`));
    expect(keys(ownersToLookUp(head, registryFrom(BASE)).owners)).toEqual(["newcomer", "other-org/team", "abrown", "bytecodealliance/wasi-nn", "alexcrichton"]);
    const ownOrg = (o: Owner) => o.kind === "user" || o.org === "bytecodealliance";
    expect(ownersToLookUp(head, registryFrom(BASE), ownOrg, 2)).toEqual({
      owners: [
        { kind: "user", login: "newcomer" },
        { kind: "user", login: "abrown" },
      ],
      unchecked: 2,
    });
    expect(ownersToLookUp(head, undefined, ownOrg).unchecked).toBe(0);
  });

  test("a component that loses its last owner: one warning that says so, instead of the parser's", () => {
    const head = BASE.replace("owners: [alexcrichton]", "owners: []");
    const out = findings(head);
    expect(out.problems).toEqual([
      {
        file: "tiers.yml",
        ...at(head, "[]", "threads:"),
        severity: "warning",
        message: "components.threads.owners: threads loses its last owner; the policy requires a clearly identified owner",
      },
    ]);
    // A new component without an owner keeps the parser's warning: it loses nothing.
    const added = `${BASE}  orphan:\n    category: misc\n    tier: 3\n    owners: []\n`;
    expect(findings(added).problems.map((p) => p.message)).toEqual(["components.orphan.owners: component orphan has no owner (the policy requires a clearly identified owner)"]);
  });
});

describe("tier changes against the rules in force", () => {
  test("a promotion whose target tier's requirements are not met is an error on the tier, listing what is missing", () => {
    const head = BASE.replace("    tier: 3\n", "    tier: 2\n").replace('    checks: ["Test wasi-nn (*)"]\n', "");
    const out = findings(head);
    expect(out.problems).toEqual([
      {
        file: "tiers.yml",
        ...at(head, "2", "tier: 2"),
        severity: "error",
        message: "components.wasi-nn.tier: promotion from Tier 3 to Tier 2 is missing: CI testing, complete implementation",
      },
    ]);
  });

  test("the head's own requirement overrides decide, and owners known to be unreachable count", () => {
    const promoted = BASE.replace("    tier: 3\n", "    tier: 2\n");
    const dropped = `policy:\n  requirements:\n    tier2:\n      drop: [complete-implementation]\n${promoted}`;
    expect(findings(dropped).problems).toEqual([]);
    const unreachable = lookups({ abrown: "not-collaborator", "bytecodealliance/wasi-nn": "no-such-team" });
    expect(
      findings(dropped, { owners: unreachable })
        .problems.filter((p) => p.message.includes("promotion"))
        .map((p) => p.message),
    ).toEqual(["components.wasi-nn.tier: promotion from Tier 3 to Tier 2 is missing: clear owner"]);
    // One owner confirmed is enough.
    expect(findings(dropped, { owners: lookups({ abrown: "ok", "bytecodealliance/wasi-nn": "no-such-team" }) }).problems.some((p) => p.message.includes("promotion"))).toBe(false);
  });

  test("a demotion is a warning that says which duties are dropped", () => {
    const toTier2 = BASE.replace("    tier: 1\n", "    tier: 2\n");
    expect(findings(toTier2).problems).toEqual([
      {
        file: "tiers.yml",
        ...at(toTier2, "2", "tier: 2"),
        severity: "warning",
        message:
          "components.threads.tier: demotion from Tier 1 to Tier 2 drops Tier 1's duties (it must never break: a pull request that breaks it has to fix it; it is rarely, if ever, turned off)",
      },
    ]);
    const toTier3 = BASE.replace("    tier: 1\n", "    tier: 3\n");
    const [message] = findings(toTier3).problems.map((p) => p.message);
    expect(message).toMatch(
      /^components\.threads\.tier: demotion from Tier 1 to Tier 3 drops Tier 1's duties \(.*\) and Tier 2's duties \(its maintainers reply to requests within a week; .*\); as Tier 3 it may be disabled in CI after a week without an owner's response when it blocks other work$/,
    );
  });

  test("a new component, or no registry in force, has no tier change", () => {
    const head = `${BASE}  newcomer:\n    category: misc\n    tier: 1\n    owners: [x]\n`;
    expect(findings(head).problems).toEqual([]);
    expect(findings(BASE.replace("    tier: 3\n", "    tier: 1\n"), { base: undefined }).problems).toEqual([]);
  });
});

describe("decideRegistryCheck with findings", () => {
  test("an error finding fails the check of a usable registry, and the summary says what was not checked", () => {
    const head = BASE.replace("    tier: 3\n", "    tier: 2\n");
    const parsed = parseRegistry(head);
    const out = findings(head, { tree: { unknown: "the repository has more files than GitHub lists at once" } });
    const desired = decideRegistryCheck(parsed, ".github/tiers.yml", out);
    expect(desired).toMatchObject({ conclusion: "failure", title: "1 error in .github/tiers.yml" });
    expect(desired.annotations).toEqual([
      expect.objectContaining({
        path: ".github/tiers.yml",
        start_line: at(head, "2", "tier: 2").line,
        annotation_level: "failure",
        message: "components.wasi-nn.tier: promotion from Tier 3 to Tier 2 is missing: complete implementation",
      }),
    ]);
    expect(desired.summary.split("\n")).toEqual([
      "tierkeeper can use this registry (2 components), but this edit goes against the policy: see the errors. The rules in force stay those of the default branch until this is merged.",
      "",
      `- \`tiers.yml:${at(head, "2", "tier: 2").line}:11: components.wasi-nn.tier: promotion from Tier 3 to Tier 2 is missing: complete implementation\``,
      "",
      "Not checked:",
      "- Path globs were not compared with the repository's files: the repository has more files than GitHub lists at once.",
    ]);
  });

  test("warnings alone pass; without findings the parser's warnings are used as before", () => {
    const head = BASE.replace('paths: ["crates/wasi-nn/**"]', 'paths: ["gone/**"]');
    const desired = decideRegistryCheck(parseRegistry(head), ".github/tiers.yml", findings(head, { tree: { paths: FILES } }));
    expect(desired).toMatchObject({ conclusion: "success", title: ".github/tiers.yml is valid, with 1 warning" });
    expect(decideRegistryCheck(parseRegistry(head), ".github/tiers.yml")).toMatchObject({ conclusion: "success", title: ".github/tiers.yml is valid", annotations: [] });
  });

  test("the summary lists at most 100 problems; the annotations carry them all", () => {
    // 130 globs matching nothing, in lists of at most 50.
    const globs = (n: number, from: number) => Array.from({ length: n }, (_, i) => `"gone-${from + i}/**"`).join(", ");
    const head = BASE.replace('paths: ["crates/wasi-nn/**"]', `paths: [${globs(50, 0)}]`)
      .replace('paths: ["crates/threads/**"]', `paths: [${globs(50, 50)}]`)
      .replace('checks: ["Test wasi-nn (*)"]', `checks: [${globs(30, 100)}]`);
    const desired = decideRegistryCheck(parseRegistry(head), ".github/tiers.yml", findings(head, { tree: { paths: FILES }, seenChecks: SEEN }));
    expect(desired.annotations).toHaveLength(130);
    const listed = desired.summary.split("\n").filter((l) => l.startsWith("- "));
    expect(listed).toHaveLength(101);
    expect(listed.at(-1)).toBe("- ... and 30 more (see the annotations)");
  });
});
