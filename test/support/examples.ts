import { createRequire } from "node:module";

/** GitHub's published example payloads (@octokit/webhooks-examples), as real App deliveries carry them. */
const require = createRequire(import.meta.url);
const index = require("@octokit/webhooks-examples/api.github.com/index.json") as { name: string; examples: Record<string, any>[] }[];

/** A deep copy of the first published example of `name` (and `action`), with an installation added. */
export function example(name: string, action?: string, installationId = 1): Record<string, any> {
  const group = index.find((g) => g.name === name);
  const found = group?.examples.find((e) => action === undefined || e.action === action);
  if (!found) throw new Error(`no published example for ${name}${action ? "." + action : ""}`);
  // Example payloads of issue-style events carry no installation; App deliveries do.
  return { ...structuredClone(found), installation: { id: installationId, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==" } };
}

/** Every published example of `name`, for table-driven tests. */
export function allExamples(name: string): Record<string, any>[] {
  return (index.find((g) => g.name === name)?.examples ?? []).map((e) => structuredClone(e));
}
