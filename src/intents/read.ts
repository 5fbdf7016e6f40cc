import { z } from "zod";
import type { ActionRecord } from "../store/store.js";
import type { ActionKind, ActionShapes, Intent } from "./kinds.js";

/**
 * Reading actions back: the store's JSON columns are parsed and checked here, once, so that the
 * executor works on typed targets and desired states. Unknown keys are kept (a breaking-PR
 * comment's desired state carries the core's `since`, for instance).
 */

/** An action as stored, with its target and desired state parsed; `desiredJson` is the column as stored. */
export type StoredAction<K extends ActionKind = ActionKind> = {
  [P in K]: Intent<P> & Omit<ActionRecord, "kind" | "target" | "desired" | "installationId"> & { desiredJson: string };
}[K];

const repoRef = { owner: z.string(), repo: z.string() };
const labels = z.array(z.string());
const openOrClosed = z.enum(["open", "closed"]);

type Schemas = { [K in ActionKind]: { target: z.ZodType<ActionShapes[K]["target"]>; desired: z.ZodType<ActionShapes[K]["desired"]> } };

const SCHEMAS: Schemas = {
  comment: {
    target: z.looseObject({ ...repoRef, issueNumber: z.number().optional(), issueKey: z.string().optional(), marker: z.string() }),
    desired: z.looseObject({ body: z.string(), mentions: z.array(z.string()).optional() }),
  },
  issue: {
    target: z.looseObject({ ...repoRef, marker: z.string() }),
    desired: z.looseObject({ title: z.string(), body: z.string(), labels, state: openOrClosed }),
  },
  "file-pr": {
    target: z.looseObject({ ...repoRef, marker: z.string(), baseBranch: z.string(), branch: z.string(), path: z.string(), issueKey: z.string().optional() }),
    desired: z.looseObject({
      title: z.string(),
      body: z.string(),
      edit: z.discriminatedUnion("op", [
        z.looseObject({ op: z.literal("set-ci"), component: z.string(), value: z.enum(["disabled", "enabled"]), note: z.string().optional() }),
        z.looseObject({ op: z.literal("create"), content: z.string(), message: z.string() }),
      ]),
      state: openOrClosed,
    }),
  },
  "check-run": {
    target: z.looseObject({ ...repoRef, headSha: z.string() }),
    desired: z.looseObject({
      name: z.string(),
      conclusion: z.enum(["success", "failure", "neutral"]),
      title: z.string(),
      summary: z.string(),
      annotations: z.array(
        z.looseObject({
          path: z.string(),
          start_line: z.number(),
          end_line: z.number(),
          start_column: z.number().optional(),
          end_column: z.number().optional(),
          annotation_level: z.enum(["failure", "warning", "notice"]),
          message: z.string(),
        }),
      ),
    }),
  },
  "workflow-disable": {
    target: z.looseObject({ ...repoRef, workflow: z.union([z.string(), z.number()]) }),
    desired: z.looseObject({ enabled: z.boolean() }),
  },
  "review-request": {
    target: z.looseObject({ ...repoRef, pullNumber: z.number() }),
    desired: z.looseObject({ reviewers: labels, teamReviewers: labels }),
  },
};

export const isActionKind = (kind: string): kind is ActionKind => Object.hasOwn(SCHEMAS, kind);

/** The stored action with its JSON parsed and checked; throws on an unknown kind or a malformed column. */
export function parseAction(record: ActionRecord): StoredAction {
  const { kind } = record;
  if (!isActionKind(kind)) throw new Error(`unknown action kind ${kind}`);
  const schemas: { target: z.ZodType<unknown>; desired: z.ZodType<unknown> } = SCHEMAS[kind];
  return {
    ...record,
    kind,
    target: column(schemas.target, record, "target"),
    desired: column(schemas.desired, record, "desired"),
    desiredJson: record.desired,
  } as StoredAction;
}

function column<T>(schema: z.ZodType<T>, record: ActionRecord, name: "target" | "desired"): T {
  const value: unknown = JSON.parse(record[name]);
  const checked = schema.safeParse(value);
  if (!checked.success) throw new Error(`action ${record.key} (${record.kind}) has a malformed ${name}: ${z.prettifyError(checked.error)}`);
  // The value as stored, not the schema's copy: its keys keep their order, which JSON comparisons see.
  return value as T;
}
