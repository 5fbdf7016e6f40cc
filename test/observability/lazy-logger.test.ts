import { jest } from "@jest/globals";
import { pino } from "pino";
import { Writable } from "node:stream";
import { lazyChild } from "../../src/observability/lazy-logger.js";

function logger() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level: "info", redact: { paths: ["*.token"], censor: "[REDACTED]" } }, sink), lines };
}

test("a lazy child is made at its first use, once, and logs with its bindings", () => {
  const { log, lines } = logger();
  const child = jest.spyOn(log, "child");
  const lazy = lazyChild(log, { delivery: "d-1", event: "check_run" });
  expect(child).not.toHaveBeenCalled(); // nothing logged: nothing made

  lazy.info({ step: 1 }, "first");
  lazy.warn("second");
  expect(child).toHaveBeenCalledTimes(1);
  expect(lines).toEqual([
    expect.objectContaining({ delivery: "d-1", event: "check_run", step: 1, msg: "first", level: 30 }),
    expect.objectContaining({ delivery: "d-1", event: "check_run", msg: "second", level: 40 }),
  ]);
  expect(lazy.level).toBe("info");
});

test("a lazy child redacts as its parent does, and its own children keep its bindings", () => {
  const { log, lines } = logger();
  const lazy = lazyChild(log, { delivery: "d-2" });
  lazy.child({ feature: "breakage" }).error({ auth: { token: "ghs_secret" } }, "failed");
  expect(lines).toEqual([expect.objectContaining({ delivery: "d-2", feature: "breakage", auth: { token: "[REDACTED]" }, msg: "failed" })]);
  expect(JSON.stringify(lines)).not.toContain("ghs_secret");
});
