import { extractMentions } from "../../src/sim/mentions.js";

test("mentions: users, teams, not code or e-mail", () => {
  const body = "cc @alice and @Org/Team-1, mail bob@example.com\n`@notme` text\n```\n@nope\n```\n@carol.";
  expect(extractMentions(body)).toEqual(["alice", "org/team-1", "carol"]);
  expect(extractMentions("(@x) @x @y-z")).toEqual(["x", "y-z"]);
  expect(extractMentions("@-bad @a--b")).toEqual([]);
  expect(extractMentions(undefined)).toEqual([]);
});
