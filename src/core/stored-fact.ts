import type { Fact } from "./fact-kinds.js";

/**
 * A delivery is stored as the fact it states (facts.ts), not as GitHub's payload: the webhook is
 * read once, at intake, and what is kept is the few fields tierkeeper reasons about. A check run's
 * payload is ~5 KB of JSON, its fact ~0.5 KB: the intake writes a tenth of the bytes before it
 * answers, the worker parses a tenth, and the database holds a tenth (and less of what private
 * repositories say). Pure.
 *
 * The text is `tierkeeper-fact/<format>` on a line of its own, then the fact as JSON, its instants
 * as ISO strings. A GitHub payload is a JSON object, so it starts with `{`: a row stored as a
 * payload (by an earlier version, or a payload kept whole because it was malformed) is told
 * apart by its first character.
 */

/** Bumped whenever a fact kind changes shape: a version never misreads another's facts. */
export const FACT_FORMAT = 1;
const PREFIX = "tierkeeper-fact/";

export function storedFact(fact: Fact): string {
  return `${PREFIX}${FACT_FORMAT}\n${JSON.stringify(fact)}`;
}

/**
 * The fact a stored text states: undefined when the text is a payload (facts.ts reads it), an
 * `invalid` fact when it is a fact this version cannot read (another format, or damaged).
 */
export function readStoredFact(text: string): Fact | undefined {
  if (!text.startsWith(PREFIX)) return undefined;
  const newline = text.indexOf("\n");
  const format = text.slice(PREFIX.length, newline < 0 ? undefined : newline);
  if (format !== String(FACT_FORMAT)) return { kind: "invalid", reason: `stored as fact format ${format.slice(0, 20)}, which this version does not read (it reads ${FACT_FORMAT})` };
  try {
    return revived(JSON.parse(text.slice(newline + 1)) as Fact);
  } catch {
    return { kind: "invalid", reason: "stored fact is not readable" };
  }
}

/** The instants JSON wrote as strings, Dates again: each kind's own, named one by one. */
function revived(fact: Fact): Fact {
  switch (fact.kind) {
    case "pull":
      return { ...fact, updatedAt: instant(fact.updatedAt), mergedAt: fact.mergedAt === null ? null : instant(fact.mergedAt) };
    case "review-request":
    case "activity":
      return { ...fact, at: instant(fact.at) };
    case "ci": {
      const { result } = fact;
      return { ...fact, result: { ...result, completedAt: instant(result.completedAt), ...(result.startedAt !== undefined && { startedAt: instant(result.startedAt) }) } };
    }
    default:
      return fact;
  }
}

function instant(value: unknown): Date {
  const date = new Date(value as string);
  if (typeof value !== "string" || Number.isNaN(date.getTime())) throw new Error("not an instant");
  return date;
}
