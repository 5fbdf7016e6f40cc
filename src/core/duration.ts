/**
 * Policy durations as written in the registry: one positive whole number and one unit,
 * `1 week`, `3 days`, `12 hours`, `1 month`, or the short forms `12h`, `7d`, `2w`, `1mo`.
 * Units are calendar units (date-fns `add`), so `1 month` is a calendar month, not 30 days.
 * `m` is rejected on purpose: it could mean minutes or months.
 */
import type { PolicyDuration } from "./model.js";

const UNITS: Record<string, keyof PolicyDuration> = {
  h: "hours",
  hour: "hours",
  hours: "hours",
  d: "days",
  day: "days",
  days: "days",
  w: "weeks",
  week: "weeks",
  weeks: "weeks",
  mo: "months",
  month: "months",
  months: "months",
};

/** The accepted syntax; also the `pattern` of the generated JSON Schema. */
export const DURATION_PATTERN = new RegExp(`^([1-9][0-9]*) ?(${Object.keys(UNITS).join("|")})$`);

export const DURATION_EXAMPLES = `"1 week", "3 days", "12 hours", "1 month", "12h", "7d", "2w" or "1mo"`;

/** Parses a duration; undefined when the text does not follow DURATION_PATTERN. */
export function parseDuration(text: string): PolicyDuration | undefined {
  const match = DURATION_PATTERN.exec(text);
  if (!match) return undefined;
  return { [UNITS[match[2]]]: Number(match[1]) };
}

/** `{ weeks: 1 }` -> `1 week`; for messages. */
export function formatDuration(duration: PolicyDuration): string {
  return Object.entries(duration)
    .filter(([, n]) => n)
    .map(([unit, n]) => `${n} ${n === 1 ? unit.slice(0, -1) : unit}`)
    .join(" ");
}
