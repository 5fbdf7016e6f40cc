import { parseAction } from "../../src/intents/index.js";
import type { ActionRecord } from "../../src/store/store.js";

/** Reading actions back: the one place the store's JSON becomes typed intents. */
const record = (over: Partial<ActionRecord>): ActionRecord => ({
  key: "k",
  kind: "comment",
  target: JSON.stringify({ owner: "o", repo: "r", issueNumber: 2, marker: "<!-- tierkeeper:k -->" }),
  desired: JSON.stringify({ body: "hello", mentions: ["a:b"], since: { a: "2026-11-23T12:00:00.000Z" } }),
  applied: null,
  githubId: null,
  version: 1,
  appliedVersion: 0,
  installationId: 7,
  shadow: false,
  updatedAt: new Date(0),
  ...over,
});

test("a stored comment is read with its target and desired state typed, keys the schema does not name kept", () => {
  const action = parseAction(record({}));
  expect(action.kind).toBe("comment");
  if (action.kind !== "comment") return;
  expect(action.target.issueNumber).toBe(2);
  expect(action.desired).toEqual({ body: "hello", mentions: ["a:b"], since: { a: "2026-11-23T12:00:00.000Z" } });
  expect(action.desiredJson).toBe(record({}).desired);
  expect(action.installationId).toBe(7);
});

test("an unknown kind or a malformed column is refused, naming the action", () => {
  expect(() => parseAction(record({ kind: "telegram" }))).toThrow("unknown action kind telegram");
  expect(() => parseAction(record({ kind: "issue" }))).toThrow(/action k \(issue\) has a malformed desired/);
  expect(() => parseAction(record({ kind: "workflow-disable", target: JSON.stringify({ owner: "o", repo: "r", workflow: 1 }), desired: '{"enabled":"no"}' }))).toThrow(/malformed desired/);
});
