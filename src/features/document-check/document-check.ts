import type { PullRecord, Registry } from "../../core/model.js";
import type { DocumentAtHead } from "../../core/document-check.js";
import type { PullFact } from "../../core/facts.js";
import type { CheckRunDesired } from "../../core/registry-check.js";
import { parseRegistry, refusedForSize, REGISTRY_LIMITS, REGISTRY_PATH } from "../../core/registry.js";
import { fileAt } from "../../github/file-at.js";
import type { EventContext } from "../feature.js";

import { checkRunIntent, recordIntents } from "../../intents/index.js";

/**
 * `tierkeeper/document` on a pull request that changes the registry or the tier document named by
 * `policy.document`: the document's tables at head against the registry at head (the registry in
 * force when the PR does not edit it). Like `tierkeeper/registry`, it only judges the PR.
 */
export interface DocumentAtHeadInputs {
  pull: PullRecord;
  /** The document's path (as the registry at head names it). */
  path: string;
  document: DocumentAtHead;
  /** The registry at head (the one in force when the PR does not edit it, or its edit does not parse). */
  atHead: Registry;
}

export async function loadDocumentAtHead(ctx: EventContext<PullFact>): Promise<DocumentAtHeadInputs | undefined> {
  const { repo } = ctx.fact;
  const { pull, editsRegistry, editsDocument } = ctx.observed.pull!;
  if (!editsRegistry && !editsDocument) return undefined;
  const registry = (await ctx.rules())!.registry;
  const octokit = await ctx.github();
  let atHead = registry;
  let registryInvalid = false;
  if (editsRegistry) {
    const file = await fileAt(octokit, repo, REGISTRY_PATH, pull.headSha, REGISTRY_LIMITS.bytes);
    const parsed = file === undefined ? undefined : "text" in file ? parseRegistry(file.text, REGISTRY_PATH) : refusedForSize(file.tooLarge);
    if (parsed?.ok) atHead = parsed.registry;
    else if (parsed) registryInvalid = true;
  }
  const path = atHead.policy.document ?? registry.policy.document;
  if (path === undefined) return undefined;
  let document: DocumentAtHead;
  if (registryInvalid) document = { registryInvalid: true };
  else {
    // A tier document is prose and tables: 1 MB (what GitHub's JSON answer carries) is plenty.
    const file = await fileAt(octokit, repo, path, pull.headSha, 1024 * 1024);
    document = file ?? { absent: true };
  }
  return { pull, path, document, atHead };
}

export async function saveDocumentCheck(ctx: EventContext<PullFact>, desired: CheckRunDesired): Promise<void> {
  const { deps } = ctx;
  const { repo, installationId } = ctx.fact;
  const { pull } = ctx.observed.pull!;
  const registry = (await ctx.rules())!.registry;
  await recordIntents(
    deps.store,
    registry.policy,
    [checkRunIntent({ key: `document-check:${repo.id}:${pull.headSha}`, target: { owner: repo.owner, repo: repo.name, headSha: pull.headSha }, desired, installationId })],
    deps.now(),
  );
}
