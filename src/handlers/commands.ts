import { authorize, parseCommands, type Command, type Permission } from "../core/commands.js";
import type { ActivityFact } from "../core/facts.js";
import { matcherFor } from "../core/match.js";
import type { Component, Registry } from "../core/model.js";
import { formatDate } from "../core/render/dates.js";
import type { Episode, TimelineEvent } from "../core/timeline.js";
import type { Deps } from "./deps.js";
import { applyEvent, trackingIssues } from "./tier3-timeline.js";

/**
 * `/tier` commands in issue and PR comments. Permissions are checked with GitHub's API and fail
 * closed; every command gets one short reply (keyed by the comment and line it answers, so a
 * redelivery does not reply twice); an unknown command or a refused one changes nothing.
 */
export async function onCommands(deps: Deps, fact: ActivityFact): Promise<void> {
  if (fact.authorIsBot || fact.commentId === undefined) return;
  const parsed = parseCommands(fact.body);
  if (parsed.length === 0) return;
  const github = () => deps.github(fact.installationId);
  const registry = await deps.registries.get(fact.repo, github);
  if (!registry) return; // no rules in force here: tierkeeper stays silent
  const here = await componentOfThread(deps, fact);

  for (const p of parsed) {
    const reply = (text: string) => saveReply(deps, fact, registry, p.line, text);
    if (!p.ok) {
      await reply(p.error);
      continue;
    }
    const command = p.command;
    const id = "component" in command && command.component ? command.component : here;
    const component = id ? matcherFor(registry).component(id) : undefined;
    if (id && !component) {
      await reply(`there is no component \`${id}\` in the registry`);
      continue;
    }
    const owner = component ? await deps.owners.isOwner(github, component, fact.author) : false;
    const permission = command.name === "freeze" || command.name === "unfreeze" ? await permissionOf(deps, fact) : "none";
    const verdict = authorize(command, { login: fact.author, permission, ownerOf: (c) => c === component?.id && owner }, here);
    if (!verdict.allowed) {
      await reply(`not done: ${verdict.reason}.`);
      continue;
    }
    await reply(await execute(deps, fact, registry, component, command));
  }
}

async function execute(deps: Deps, fact: ActivityFact, registry: Registry, component: Component | undefined, command: Command): Promise<string> {
  if (!component) return "this command needs a component";
  const target = { repo: fact.repo, installationId: fact.installationId, registry, component };
  const step = (event: TimelineEvent) => applyEvent(deps, target, event);
  switch (command.name) {
    case "ack": {
      const e = await step({ kind: "response", response: { by: fact.author, at: fact.at.toISOString(), via: "/tier ack" } });
      return e && e.phase !== "closed" ? `acknowledged for \`${component.id}\`. ${nextStep(e)}` : `acknowledged; \`${component.id}\` has no open timeline.`;
    }
    case "freeze": {
      const e = await step({ kind: "freeze", by: fact.author, reason: command.reason });
      return e && e.phase !== "closed" ? `\`${component.id}\` is frozen: its clocks are stopped until \`/tier unfreeze ${component.id}\`.` : `\`${component.id}\` has no open timeline to freeze.`;
    }
    case "unfreeze": {
      const e = await step({ kind: "unfreeze", by: fact.author });
      return e && e.phase !== "closed" ? `\`${component.id}\` is no longer frozen. ${nextStep(e)}` : `\`${component.id}\` has no open timeline.`;
    }
    case "status": {
      const record = await deps.store.getEpisode(fact.repo.id, component.id);
      const e = record ? (JSON.parse(record.state) as Episode) : undefined;
      const head = `\`${component.id}\`: Tier ${component.tier} (${component.category}), CI ${component.facts.ci === "disabled" ? "disabled" : "enabled"}.`;
      return e && e.phase !== "closed" ? `${head} Timeline: ${e.phase}${e.frozen ? " (frozen)" : ""}. ${nextStep(e)}` : `${head} No open timeline.`;
    }
    case "away":
    case "back":
      return "away time applies to Tier 2 responsiveness, which this version does not track yet.";
  }
}

function nextStep(e: Episode): string {
  if (e.frozen || !e.dueAt) return "No step is scheduled.";
  const what = e.phase === "notified" ? "disabled in CI" : "removal proposed";
  return `Next: ${what} on ${formatDate(new Date(e.dueAt))} unless an owner responds.`;
}

/** The component whose tracking issue this thread is, if any. */
async function componentOfThread(deps: Deps, fact: ActivityFact): Promise<string | undefined> {
  for (const [component, issue] of await trackingIssues(deps, fact.repo.id)) if (issue === fact.issueNumber) return component;
  return undefined;
}

async function permissionOf(deps: Deps, fact: ActivityFact): Promise<Permission> {
  try {
    const octokit = await deps.github(fact.installationId);
    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ owner: fact.repo.owner, repo: fact.repo.name, username: fact.author });
    // role_name tells maintain and triage apart; custom roles fall back to the base permission.
    const roles: Permission[] = ["admin", "maintain", "write", "triage", "read"];
    return roles.includes(data.role_name as Permission) ? (data.role_name as Permission) : (data.permission as Permission);
  } catch {
    return "none"; // unverifiable: fail closed
  }
}

async function saveReply(deps: Deps, fact: ActivityFact, registry: Registry, line: number, text: string) {
  const key = `reply:${fact.repo.id}:${fact.commentId}:${line}`;
  await deps.store.saveIntent({
    key,
    kind: "comment",
    target: JSON.stringify({ owner: fact.repo.owner, repo: fact.repo.name, issueNumber: fact.issueNumber, marker: `<!-- tierkeeper:${key} -->` }),
    desired: JSON.stringify({ body: `@${fact.author} ${text}\n\n<!-- tierkeeper:${key} -->\n` }),
    installationId: fact.installationId,
    now: deps.now(),
    shadow: registry.policy.mode === "shadow",
  });
}
