import fc from "fast-check";
import { compileCheckGlob, compilePathGlob, MAX_GLOB_LENGTH, type StepMeter } from "../../src/core/glob.js";
import { matcherFor } from "../../src/core/match.js";
import { decideRegistryCheck } from "../../src/core/registry-check.js";
import { FINDINGS_STEP_BUDGET, registryFindings } from "../../src/core/registry-findings.js";
import { parseRegistry, REGISTRY_LIMITS } from "../../src/core/registry.js";
import type { RegistryParseResult } from "../../src/core/model.js";

/**
 * A pull request can put any text in `.github/tiers.yml`. The attack that froze the server: globs
 * such as `*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b` beside a file named with 300 a's (the old RegExps
 * backtracked for ever). Work is asserted in automaton steps, never in time.
 */
const HOSTILE = `${"*a".repeat(14)}*b`;
const A300 = "a".repeat(300);

const hostileRegistry = (globs: number) => `components:
  evil:
    category: misc
    tier: 3
    owners: [mallory]
    paths: [${Array.from({ length: globs }, (_, i) => JSON.stringify(`${HOSTILE}${i}`)).join(", ")}]
    checks: [${JSON.stringify(HOSTILE)}]
`;

function valid(result: RegistryParseResult) {
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.line}:${e.column} ${e.message}`).join("\n"));
  return result;
}

test("the attack: hostile globs against a file and a check named with 300 a's are judged, within bounded work", () => {
  const text = hostileRegistry(REGISTRY_LIMITS.globsPerList);
  const head = valid(parseRegistry(text));
  const findings = registryFindings({ file: ".github/tiers.yml", text, head, tree: { paths: [A300, `dir/${A300}`, "README.md"] }, seenChecks: [A300] });
  // Every glob was compared (none matches: no "b" after the a's) and said so, well within the budget.
  expect(findings.problems.filter((p) => p.message.includes("matches no file"))).toHaveLength(REGISTRY_LIMITS.globsPerList);
  expect(findings.problems.filter((p) => p.message.includes("matches no check"))).toHaveLength(1);
  expect(findings.notes).toEqual([]);
  const perMatch = (A300.length + 1) * (2 * compilePathGlob(`${HOSTILE}00`).size + 1);
  expect(findings.steps).toBeLessThanOrEqual((3 * REGISTRY_LIMITS.globsPerList + 1) * perMatch);
  expect(decideRegistryCheck(head, ".github/tiers.yml", findings).conclusion).toBe("success");

  // The matcher the app uses on CI results and pull requests: same automaton, same bound.
  const matcher = matcherFor(head.registry);
  expect(matcher.componentsForCheck(A300)).toEqual([]);
  expect(matcher.componentsForCheck(`${A300}b`).map((c) => c.id)).toEqual(["evil"]);
  expect([...matcher.componentsForPaths([A300, `${A300}b7`])]).toEqual(["evil"]);
  const meter: StepMeter = { steps: 0 };
  compileCheckGlob(HOSTILE).test(A300, meter);
  expect(meter.steps).toBeLessThanOrEqual((A300.length + 1) * (2 * compileCheckGlob(HOSTILE).size + 1));
});

test("past the step budget the remaining globs are not judged, and the summary says so; nothing unjudged is reported", () => {
  const text = hostileRegistry(REGISTRY_LIMITS.globsPerList);
  const head = valid(parseRegistry(text));
  // Thousands of long files whose names every glob has to read to the end.
  const tree = Array.from({ length: 2000 }, (_, i) => `${A300}/${"a".repeat(200)}${i}`);
  const findings = registryFindings({ file: ".github/tiers.yml", text, head, tree: { paths: tree } });
  const perMatch = (tree[0].length + 1) * (2 * compilePathGlob(`${HOSTILE}00`).size + 1);
  expect(findings.steps).toBeGreaterThan(FINDINGS_STEP_BUDGET);
  expect(findings.steps).toBeLessThanOrEqual(FINDINGS_STEP_BUDGET + perMatch);
  const judged = findings.problems.filter((p) => p.message.includes("matches no file")).length;
  expect(judged).toBeLessThan(REGISTRY_LIMITS.globsPerList);
  const unjudged = REGISTRY_LIMITS.globsPerList - judged;
  expect(findings.notes).toEqual([`${unjudged} globs were not compared with the files or check names: the comparison stops after 4,000,000 matching steps.`]);
  expect(decideRegistryCheck(head, ".github/tiers.yml", findings).summary).toContain(`- ${unjudged} globs were not compared`);
});

describe("limits, refused with the place and the reason", () => {
  const component = (lines: string) => `components:\n  c:\n    category: misc\n    tier: 3\n    owners: [x]\n${lines}`;
  const errors = (text: string) => {
    const result = parseRegistry(text);
    return result.ok ? [] : result.errors.map((e) => `${e.line}:${e.column} ${e.message}`);
  };

  test("a glob longer than the limit", () => {
    expect(errors(component(`    paths: ["${"a".repeat(MAX_GLOB_LENGTH + 1)}"]\n`))).toEqual([
      `6:13 components.c.paths[0]: invalid path glob "${"a".repeat(MAX_GLOB_LENGTH + 1)}": longer than 200 characters (201)`,
    ]);
  });

  test("more globs in a list, or in all, than the limits", () => {
    const list = (n: number, prefix: string) => `[${Array.from({ length: n }, (_, i) => `"${prefix}${i}"`).join(", ")}]`;
    expect(errors(component(`    checks: ${list(REGISTRY_LIMITS.globsPerList + 1, "c")}\n`))).toEqual(["6:13 components.c.checks: at most 50 globs per list"]);
    const many = Array.from({ length: 11 }, (_, i) => `  c${i}:\n    category: misc\n    tier: 3\n    owners: [x]\n    paths: ${list(50, "p")}\n`).join("");
    expect(errors(`components:\n${many}`)).toEqual(["2:3 components: at most 500 globs in all (paths, checks and fuzzing), got 550"]);
  });

  test(`a registry over ${REGISTRY_LIMITS.bytes / 1024} KB is refused unread; one just under is read`, () => {
    const padding = (bytes: number) => `# ${"é".repeat(Math.floor((bytes - 3) / 2))}\n`;
    const over = `${padding(REGISTRY_LIMITS.bytes)}components: {}\n`;
    expect(errors(over)).toEqual(["1:1 the registry is larger than 256 KB (256 KB or more): tierkeeper refuses it"]);
    expect(errors(`components: {}\n${"x".repeat(REGISTRY_LIMITS.bytes)}`)).toEqual(["1:1 the registry is larger than 256 KB (256 KB or more): tierkeeper refuses it"]);
    expect(parseRegistry(`${padding(REGISTRY_LIMITS.bytes - 100)}components: {}\n`).ok).toBe(true);
  });
});

/** Registry-like texts: valid structure with random globs, and random edits of it. */
const globPart = fc.constantFrom("a", "b", "/", ".", "*", "**", "?", "[ab]", "[^a]", "[!a]", "{a,b}", "\\", "(", "]", "[", "{", "}", ",", "-", " ", '"', "'", ":", "#", "é", "😀");
const glob = fc.array(globPart, { minLength: 0, maxLength: 12 }).map((p) => p.join(""));
const componentText = fc.record({
  id: fc.constantFrom("a", "b-c", "x.y", "Bad", "1"),
  tier: fc.constantFrom("1", "2", "3", "4", "x"),
  paths: fc.array(glob, { maxLength: 4 }),
  checks: fc.array(glob, { maxLength: 4 }),
});
const registryText = fc
  .tuple(fc.array(componentText, { maxLength: 4 }), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 8 }), fc.string({ maxLength: 6 })), { maxLength: 4 }))
  .map(([components, edits]) => {
    let text = `components:\n${components
      .map(
        (c) =>
          `  ${c.id}:\n    category: misc\n    tier: ${c.tier}\n    owners: [x]\n    paths: [${c.paths.map((g) => JSON.stringify(g)).join(", ")}]\n    checks: [${c.checks.map((g) => JSON.stringify(g)).join(", ")}]\n`,
      )
      .join("")}`;
    // Random splices: a deleted run, an inserted string (YAML syntax errors, odd indentation, stray quotes).
    for (const [at, cut, insert] of edits) {
      const i = at % (text.length + 1);
      text = text.slice(0, i) + insert + text.slice(i + cut);
    }
    return text;
  });
const inputs = fc.array(fc.string({ maxLength: 40, unit: fc.constantFrom("a", "b", "/", ".", "é", "😀", "[", "*") }), { maxLength: 5 });

test("fuzz: random registries are parsed into a registry or located problems, never a throw; matching their globs takes bounded steps", () => {
  fc.assert(
    fc.property(registryText, inputs, (text, names) => {
      const result = parseRegistry(text);
      if (!result.ok) {
        expect(result.errors.length).toBeGreaterThan(0);
        for (const e of result.errors) {
          expect(e.line).toBeGreaterThanOrEqual(1);
          expect(e.column).toBeGreaterThanOrEqual(1);
          expect(e.message.length).toBeGreaterThan(0);
        }
        return;
      }
      const findings = registryFindings({ file: ".github/tiers.yml", text, head: result, tree: { paths: names }, seenChecks: names });
      for (const c of result.registry.components) {
        for (const [compile, globs] of [
          [compilePathGlob, c.paths],
          [compileCheckGlob, c.checks],
        ] as const) {
          for (const g of globs) {
            const compiled = compile(g);
            expect(compiled.size).toBeLessThanOrEqual(4 * MAX_GLOB_LENGTH + 1);
            for (const name of names) {
              const meter: StepMeter = { steps: 0 };
              compiled.test(name, meter);
              expect(meter.steps).toBeLessThanOrEqual((Array.from(name).length + 1) * (2 * compiled.size + 1));
            }
          }
        }
      }
      expect(findings.steps).toBeLessThanOrEqual(FINDINGS_STEP_BUDGET);
      matcherFor(result.registry).componentsForPaths(names);
    }),
    { numRuns: 400, seed: 11 },
  );
});
