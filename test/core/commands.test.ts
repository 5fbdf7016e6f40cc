import { authorize, onlyCommandsToTierkeeper, parseCommands, type Command, type ParsedCommand, type Permission } from "../../src/core/commands.js";

const commands = (body: string) => parseCommands(body).map((p) => (p.ok ? p.command : p));
const one = (line: string): ParsedCommand => {
  const parsed = parseCommands(line);
  expect(parsed).toHaveLength(1);
  return parsed[0];
};
const error = (line: string): string => {
  const p = one(line);
  if (p.ok) throw new Error(`expected an error for ${JSON.stringify(line)}, got ${JSON.stringify(p.command)}`);
  return p.error;
};

describe("parseCommands", () => {
  test("each command, with its arguments", () => {
    expect(
      commands(
        [
          "/tier ack",
          "/tier ack wasi-nn",
          "/tier freeze wasi-nn waiting for the OpenVINO 2026 release",
          "/tier unfreeze wasi-nn",
          "/tier status wasi-nn",
          "/tier away until 2026-12-24",
          "/tier back",
        ].join("\n"),
      ),
    ).toEqual([
      { name: "ack" },
      { name: "ack", component: "wasi-nn" },
      { name: "freeze", component: "wasi-nn", reason: "waiting for the OpenVINO 2026 release" },
      { name: "unfreeze", component: "wasi-nn" },
      { name: "status", component: "wasi-nn" },
      { name: "away", until: "2026-12-24" },
      { name: "back" },
    ]);
  });

  test("reports 1-based line numbers among ordinary text", () => {
    const parsed = parseCommands("Thanks for the report!\n\n  /tier ack\nI'll look at it tomorrow.\r\n/tier status threads");
    expect(parsed.map((p) => p.line)).toEqual([3, 5]);
  });

  test("case-insensitive keyword and command, leading spaces and tabs allowed; ids are lowercased", () => {
    expect(commands("  /TIER ACK\n\t/Tier Status WASI-NN")).toEqual([{ name: "ack" }, { name: "status", component: "wasi-nn" }]);
  });

  test("a freeze reason keeps its text as written", () => {
    expect(commands("/tier freeze   wasi-nn   Blocked on  #1234 (upstream) ")).toEqual([{ name: "freeze", component: "wasi-nn", reason: "Blocked on  #1234 (upstream)" }]);
  });

  test("`away` also takes the date without `until`", () => {
    expect(commands("/tier away 2027-01-05")).toEqual([{ name: "away", until: "2027-01-05" }]);
  });

  test("only lines that start with /tier: mentions in prose and /tiers are not commands", () => {
    expect(parseCommands("please run /tier ack\n/tiers ack\n/tier-ack\nsee `/tier status x`")).toEqual([]);
  });

  test("lines inside fenced code blocks are ignored, until the fence closes", () => {
    const body = [
      "Here is how to acknowledge:",
      "```",
      "/tier ack wasi-nn",
      "```",
      "~~~md",
      "/tier freeze wasi-nn example",
      "```",
      "/tier unfreeze wasi-nn",
      "~~~",
      "  ````",
      "/tier back",
      "```",
      "````",
      "/tier status wasi-nn",
    ].join("\n");
    expect(parseCommands(body)).toEqual([{ ok: true, command: { name: "status", component: "wasi-nn" }, line: 14 }]);
  });

  test("an unclosed fence hides the rest of the comment", () => {
    expect(parseCommands("```\n/tier ack\n")).toEqual([]);
  });

  test("quoted lines are ignored, so quoting a command does not run it again", () => {
    expect(parseCommands("> /tier freeze wasi-nn broken\n  > /tier ack\n>> /tier back\n/tier ack")).toEqual([{ ok: true, command: { name: "ack" }, line: 4 }]);
  });

  test("several commands in one comment, errors among them", () => {
    const parsed = parseCommands("/tier ack\n/tier bogus\n/tier status threads");
    expect(parsed.map((p) => p.ok)).toEqual([true, false, true]);
  });

  describe("errors", () => {
    test("unknown command", () => {
      expect(error("/tier foo")).toBe(
        "unknown command `/tier foo`: try `ack`, `freeze <component> <reason>`, `unfreeze <component>`, `status <component>`, `away until <YYYY-MM-DD>`, `back`",
      );
      expect(one("  /tier foo bar ")).toEqual({
        ok: false,
        line: 1,
        text: "/tier foo bar",
        error: "unknown command `/tier foo`: try `ack`, `freeze <component> <reason>`, `unfreeze <component>`, `status <component>`, `away until <YYYY-MM-DD>`, `back`",
      });
    });

    test("no command at all", () => {
      expect(error("/tier")).toBe("`/tier` needs a command: try `ack`, `freeze <component> <reason>`, `unfreeze <component>`, `status <component>`, `away until <YYYY-MM-DD>`, `back`");
    });

    test("missing component", () => {
      expect(error("/tier freeze")).toBe("`/tier freeze` needs a component: `/tier freeze <component> <reason>`");
      expect(error("/tier unfreeze")).toBe("`/tier unfreeze` needs a component: `/tier unfreeze <component>`");
      expect(error("/tier status")).toBe("`/tier status` needs a component: `/tier status <component>`");
    });

    test("a freeze needs a reason", () => {
      expect(error("/tier freeze wasi-nn")).toBe("a freeze needs a reason: `/tier freeze wasi-nn <reason>`");
      expect(error("/tier freeze wasi-nn   ")).toBe("a freeze needs a reason: `/tier freeze wasi-nn <reason>`");
    });

    test("not a component id", () => {
      expect(error("/tier status @abrown")).toBe('`@abrown` is not a component id (lowercase letters, digits, ".", "_" and "-"): `/tier status <component>`');
      expect(error("/tier ack wasi/nn")).toMatch(/^`wasi\/nn` is not a component id/);
    });

    test("unexpected words after a complete command", () => {
      expect(error("/tier ack wasi-nn looking into it")).toBe("unexpected `looking`: `/tier ack [component]`");
      expect(error("/tier unfreeze wasi-nn now")).toBe("unexpected `now`: `/tier unfreeze <component>`");
      expect(error("/tier status a b")).toBe("unexpected `b`: `/tier status <component>`");
      expect(error("/tier back soon")).toBe("unexpected `soon`: `/tier back`");
      expect(error("/tier away until 2026-12-24 maybe")).toBe("unexpected `maybe`: `/tier away until <YYYY-MM-DD>`");
    });

    test("away: missing or invalid date", () => {
      expect(error("/tier away")).toBe("`/tier away` needs a date: `/tier away until <YYYY-MM-DD>`");
      expect(error("/tier away until")).toBe("`/tier away` needs a date: `/tier away until <YYYY-MM-DD>`");
      for (const date of ["2026-02-30", "2026-13-01", "2026-00-10", "24.12.2026", "2026-12-24T10:00:00Z", "tomorrow", "2026-2-3"]) {
        expect(error(`/tier away until ${date}`)).toBe(`invalid date \`${date}\`: use YYYY-MM-DD, as in \`/tier away until 2026-12-24\``);
      }
      expect(one("/tier away until 2028-02-29").ok).toBe(true);
    });
  });
});

describe("authorize", () => {
  const sender = (permission: Permission, owns: string[] = [], login = "x") => ({
    login,
    permission,
    ownerOf: (id: string) => owns.includes(id),
  });
  const ack: Command = { name: "ack" };
  const everyPermission: Permission[] = ["admin", "maintain", "write", "triage", "read", "none"];

  test("status: anyone", () => {
    for (const p of everyPermission) expect(authorize({ name: "status", component: "wasi-nn" }, sender(p))).toEqual({ allowed: true });
  });

  test("ack: owners of the component only, whatever their permission", () => {
    expect(authorize(ack, sender("read", ["wasi-nn"]), "wasi-nn")).toEqual({ allowed: true });
    expect(authorize(ack, sender("admin", ["threads"]), "wasi-nn")).toEqual({
      allowed: false,
      reason: "only owners of wasi-nn can acknowledge (@x is not one)",
    });
  });

  test("ack: a component named in the command is the one checked", () => {
    expect(authorize({ name: "ack", component: "threads" }, sender("none", ["threads"]), "wasi-nn")).toEqual({ allowed: true });
    expect(authorize({ name: "ack", component: "wasi-nn" }, sender("none", ["threads"]), "threads")).toEqual({
      allowed: false,
      reason: "only owners of wasi-nn can acknowledge (@x is not one)",
    });
    expect(authorize({ name: "ack", component: "wasi-nn" }, sender("none", ["wasi-nn"]))).toEqual({ allowed: true });
  });

  test("ack fails closed: no component, ownerOf throwing or answering something other than true", () => {
    expect(authorize(ack, sender("admin", ["wasi-nn"]))).toEqual({ allowed: false, reason: "acknowledge which component? Use `/tier ack <component>`" });
    const throwing = {
      login: "x",
      permission: "admin" as const,
      ownerOf: () => {
        throw new Error("team lookup failed");
      },
    };
    expect(authorize(ack, throwing, "wasi-nn").allowed).toBe(false);
    const truthy = { login: "x", permission: "admin" as const, ownerOf: () => "yes" as unknown as boolean };
    expect(authorize(ack, truthy, "wasi-nn").allowed).toBe(false);
  });

  test("freeze and unfreeze: write, maintain or admin", () => {
    const freeze: Command = { name: "freeze", component: "wasi-nn", reason: "r" };
    const unfreeze: Command = { name: "unfreeze", component: "wasi-nn" };
    for (const p of ["write", "maintain", "admin"] as const) {
      expect(authorize(freeze, sender(p))).toEqual({ allowed: true });
      expect(authorize(unfreeze, sender(p))).toEqual({ allowed: true });
    }
    expect(authorize(freeze, sender("triage", ["wasi-nn"]), "wasi-nn")).toEqual({
      allowed: false,
      reason: "only users with write access can freeze a component (@x has triage access)",
    });
    expect(authorize(unfreeze, sender("read"))).toEqual({
      allowed: false,
      reason: "only users with write access can unfreeze a component (@x has read access)",
    });
    expect(authorize(freeze, sender("none"))).toEqual({
      allowed: false,
      reason: "only users with write access can freeze a component (@x has no access)",
    });
  });

  test("freeze fails closed on a permission it does not know", () => {
    expect(authorize({ name: "freeze", component: "a", reason: "r" }, sender("WRITE" as Permission)).allowed).toBe(false);
    expect(authorize({ name: "unfreeze", component: "a" }, sender(undefined as unknown as Permission)).allowed).toBe(false);
  });

  test("away and back: an owner of the thread's component, or of any component; admins who own nothing are refused", () => {
    const away: Command = { name: "away", until: "2026-12-24" };
    expect(authorize(away, sender("read", ["wasi-nn"]), "wasi-nn")).toEqual({ allowed: true });
    expect(authorize({ name: "back" }, sender("read", ["wasi-nn"]), "wasi-nn")).toEqual({ allowed: true });
    expect(authorize(away, { ...sender("read", []), ownsAny: true })).toEqual({ allowed: true });
    expect(authorize(away, sender("admin", []), "wasi-nn")).toEqual({
      allowed: false,
      reason: "only component owners can use /tier away (@x owns no component in the registry)",
    });
    expect(authorize({ name: "back" }, sender("admin", ["wasi-nn"])).allowed).toBe(false);
    expect(authorize({ name: "back" }, { ...sender("admin", ["wasi-nn"]), ownsAny: false }).allowed).toBe(false);
  });
});

test("a comment of /tier commands other than ack talks to tierkeeper, not to the people waiting", () => {
  expect(onlyCommandsToTierkeeper("/tier away until 2026-12-04")).toBe(true);
  expect(onlyCommandsToTierkeeper("/tier back\n\n/tier status wasi-nn")).toBe(true);
  expect(onlyCommandsToTierkeeper("/tier ack")).toBe(false);
  expect(onlyCommandsToTierkeeper("Looking into it.\n/tier away until 2026-12-04")).toBe(false);
  expect(onlyCommandsToTierkeeper("")).toBe(false);
});
