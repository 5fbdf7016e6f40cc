import { factFromEvent } from "../../src/core/facts.js";
import { FACT_FORMAT, readStoredFact, storedFact } from "../../src/core/stored-fact.js";
import { allExamples, example } from "../support/examples.js";

/** The events tierkeeper reads a fact from (facts.ts), each with every example GitHub publishes. */
const EVENTS = [
  "pull_request",
  "check_run",
  "check_suite",
  "workflow_job",
  "status",
  "push",
  "issue_comment",
  "installation",
  "installation_repositories",
  "pull_request_review",
  "merge_group",
];

test("every fact of GitHub's published example payloads reads back equal from its stored text, instants as Dates", () => {
  const kinds = new Set<string>();
  const withInstants = new Set<string>();
  for (const name of EVENTS) {
    for (const payload of allExamples(name)) {
      const fact = factFromEvent(name, { ...payload, installation: payload.installation ?? { id: 7 } });
      kinds.add(fact.kind);
      const text = storedFact(fact);
      expect(text.startsWith(`tierkeeper-fact/${FACT_FORMAT}\n`)).toBe(true);
      const read = readStoredFact(text);
      expect(read).toEqual(fact); // toEqual compares Dates by their instant, and a string is not equal to a Date
      if (datesIn(read) > 0) withInstants.add(fact.kind);
    }
  }
  expect([...kinds].sort()).toEqual(expect.arrayContaining(["activity", "ci", "ignored", "installation", "installed", "merge-group", "pull", "push", "review-request"]));
  // Every kind that carries an instant was met with one, so each revival was exercised.
  expect([...withInstants].sort()).toEqual(["activity", "ci", "pull", "review-request"]);
});

/** The Dates anywhere in a value. */
function datesIn(value: unknown): number {
  if (value instanceof Date) return 1;
  if (typeof value !== "object" || value === null) return 0;
  return Object.values(value).reduce((n: number, v) => n + datesIn(v), 0);
}

test("a check run's stored fact is a small part of its payload", () => {
  const payload = example("check_run", "completed");
  const text = storedFact(factFromEvent("check_run", payload));
  expect(text.length).toBeLessThan(JSON.stringify(payload).length / 4);
});

test("a payload is not a stored fact: the worker reads it with facts.ts", () => {
  expect(readStoredFact(JSON.stringify(example("check_run", "completed")))).toBeUndefined();
  expect(readStoredFact("")).toBeUndefined();
  expect(readStoredFact(" tierkeeper-fact/1\n{}")).toBeUndefined();
});

test("a fact of another format, or damaged, reads as invalid with a reason, never as a wrong fact", () => {
  const text = storedFact(factFromEvent("check_run", example("check_run", "completed")));
  expect(readStoredFact(text.replace(`fact/${FACT_FORMAT}`, "fact/999"))).toEqual({
    kind: "invalid",
    reason: `stored as fact format 999, which this version does not read (it reads ${FACT_FORMAT})`,
  });
  expect(readStoredFact(`tierkeeper-fact/${"9".repeat(5000)}`)).toMatchObject({ kind: "invalid", reason: expect.stringMatching(/^stored as fact format 9{20}, /) });
  expect(readStoredFact(text.slice(0, -10))).toEqual({ kind: "invalid", reason: "stored fact is not readable" });
  expect(readStoredFact(text.replace(/"completedAt":"[^"]+"/, '"completedAt":"yesterday"'))).toEqual({ kind: "invalid", reason: "stored fact is not readable" });
  expect(readStoredFact(text.replace(/"completedAt":"[^"]+"/, '"completedAt":12'))).toEqual({ kind: "invalid", reason: "stored fact is not readable" });
});

test("text written by a contributor that looks like an instant stays text", () => {
  const payload = example("pull_request", "opened");
  payload.pull_request.body = "2026-12-02T00:00:00.000Z";
  payload.pull_request.user.login = "2026-12-02T00:00:00Z";
  const fact = factFromEvent("pull_request", payload);
  const read = readStoredFact(storedFact(fact));
  expect(read).toEqual(fact);
  expect(read).toMatchObject({ body: "2026-12-02T00:00:00.000Z", author: "2026-12-02T00:00:00Z" });
});
