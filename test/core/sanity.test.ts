import { add } from "date-fns";
import type { Tier } from "../../src/core/model.js";
test("toolchain runs TypeScript ESM tests", () => {
  const t: Tier = 3;
  expect(add(new Date("2026-01-01T00:00:00Z"), { weeks: 1 }).toISOString()).toBe("2026-01-08T00:00:00.000Z");
  expect(t).toBe(3);
});
