/**
 * Dates in messages are calendar days in UTC, so every reader sees the same day. Read off the ISO
 * form rather than through a time-zone library: @date-fns/utc builds `Intl.DateTimeFormat`s when it
 * is loaded, and ICU's date data cost the server ~6 MB resident for a day it can slice.
 */
export function formatDate(date: Date): string {
  return `${date.toISOString().slice(0, 10)} (UTC)`;
}
