import { formatISO } from "date-fns/formatISO";
import { UTCDate } from "@date-fns/utc";

/** Dates in messages are calendar days in UTC, so every reader sees the same day. */
export function formatDate(date: Date): string {
  return formatISO(new UTCDate(date), { representation: "date" }) + " (UTC)";
}
