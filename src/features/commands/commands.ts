import { authorize, parseComment, renderReply, type Command } from "../../core/commands.js";
import type { ActivityFact } from "../../core/facts.js";
import type { Component, Registry } from "../../core/model.js";
import { formatDate } from "../../core/render/dates.js";
import { md } from "../../core/render/escape.js";
import { type Episode, type TimelineEvent } from "../../core/timeline.js";
import { endAway, isAway, recipientsFor, startAway, type AwayPeriod } from "../../core/responsiveness.js";
import { stepStoredRequest } from "../tier2-responsiveness/requests.js";
import type { Deps } from "../deps.js";
import type { EventContext, Rules } from "../feature.js";
import { applyEvent, trackingIssues } from "../tier3-timeline/timeline.js";
import { commentIntent, recordIntents } from "../../intents/index.js";

/**
 * `/tier` commands in issue and PR comments. Permissions are checked with GitHub's API (cached
 * for minutes, see OwnerCheck.permission) and fail closed. A comment gets one reply, keyed by
 * the comment, so a redelivery does not reply twice: one line per command (at most
 * MAX_COMMANDS are acted on; the rest are named as ignored). An unknown command or a refused
 * one changes nothing.
 */
type Loaded = { rules: Rules; parsed: ReturnType<typeof parseComment>; here: string | undefined };

/** The comment's commands, the rules in force, and the component whose tracking issue the thread is. */
export async function loadCommands(ctx: EventContext<ActivityFact>): Promise<Loaded | undefined> {
  const { deps, fact } = ctx;
  if (fact.authorIsBot || fact.commentId === undefined) return undefined;
  const parsed = parseComment(fact.body);
  if (parsed.commands.length === 0) return undefined;
  const rules = await ctx.rules();
  if (!rules) return undefined; // no rules in force here: tierkeeper stays silent
  return { rules, parsed, here: await componentOfThread(deps, fact) };
}

/** Each command in turn, authorized, then carried out; then the one reply. */
export async function runCommands(ctx: EventContext<ActivityFact>, { rules, parsed: { commands: parsed, ignored }, here }: Loaded): Promise<void> {
  const { deps, fact, github } = ctx;
  const { registry, matcher } = rules;
  const answers: { line: number; text: string }[] = [];
  for (const p of parsed) {
    const reply = (text: string) => answers.push({ line: p.line, text });
    if (!p.ok) {
      reply(p.error);
      continue;
    }
    const command = p.command;
    const id = "component" in command && command.component ? command.component : here;
    const component = id ? matcher.component(id) : undefined;
    if (id && !component) {
      reply(`there is no component ${md.code(id)} in the registry`);
      continue;
    }
    const owner = component ? await deps.owners.isOwner(github, component, fact.author) : false;
    const permission = command.name === "freeze" || command.name === "unfreeze" ? await deps.owners.permission(github, fact.repo, fact.author, deps.now().getTime()) : "none";
    const ownsAny = command.name === "away" || command.name === "back" ? owner || (await ownsSomething(deps, fact, registry)) : undefined;
    const verdict = authorize(command, { login: fact.author, permission, ownerOf: (c) => c === component?.id && owner, ownsAny }, here);
    if (!verdict.allowed) {
      reply(`not done: ${verdict.reason}.`);
      continue;
    }
    reply(await execute(deps, fact, registry, component, command));
  }
  await saveReply(deps, fact, registry, renderReply(fact.body, answers, ignored));
}

async function execute(deps: Deps, fact: ActivityFact, registry: Registry, component: Component | undefined, command: Command): Promise<string> {
  if (command.name === "away" || command.name === "back") return awayTime(deps, fact, registry, command);
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
      return e && e.phase !== "closed"
        ? `\`${component.id}\` is frozen: its clocks are stopped until \`/tier unfreeze ${component.id}\`.`
        : `\`${component.id}\` has no open timeline to freeze.`;
    }
    case "unfreeze": {
      const e = await step({ kind: "unfreeze", by: fact.author });
      return e && e.phase !== "closed" ? `\`${component.id}\` is no longer frozen. ${nextStep(e)}` : `\`${component.id}\` has no open timeline.`;
    }
    case "status": {
      const record = await deps.store.episodes.get(fact.repo.id, component.id);
      const e = record ? record.state : undefined;
      const head = `\`${component.id}\`: Tier ${component.tier} (${md.text(component.category)}), CI ${component.facts.ci === "disabled" ? "disabled" : "enabled"}.`;
      return e && e.phase !== "closed" ? `${head} Timeline: ${e.phase}${e.frozen ? " (frozen)" : ""}. ${nextStep(e)}` : `${head} No open timeline.`;
    }
  }
  return "nothing to do";
}

/** `/tier away until <day>` and `/tier back`: the sender's own away time in this repository. */
async function awayTime(deps: Deps, fact: ActivityFact, registry: Registry, command: Extract<Command, { name: "away" | "back" }>): Promise<string> {
  const now = deps.now();
  const before = await deps.store.away.get(fact.repo.id, fact.author);
  if (command.name === "back") {
    if (!isAway(before, now)) return "you were not away; nothing changed.";
    await setAway(deps, fact, registry, endAway(before, now));
    return "welcome back: new requests for your components come to you again, and your reply clocks run again.";
  }
  const periods = startAway(before, command.until, now);
  if (!isAway(periods, now)) return `${command.until} is already over; nothing changed.`;
  await setAway(deps, fact, registry, periods);
  const tier2 = registry.components.filter((c) => c.tier === 2 && c.owners.some((o) => o.kind === "user" && o.login.toLowerCase() === fact.author.toLowerCase()));
  const routing = tier2.map((c) => {
    const { handles } = recipientsFor(c, (login) => login.toLowerCase() === fact.author.toLowerCase());
    return `\`${c.id}\` → ${
      handles
        .filter((h) => h.toLowerCase() !== fact.author.toLowerCase())
        .map((h) => `\`${h}\``)
        .join(", ") || "nobody else (your clock stops instead)"
    }`;
  });
  return [
    `you are away until ${formatDate(new Date(periods.find((p) => p.from <= now.toISOString() && now.toISOString() < p.until)!.until))}: your reply clocks stop meanwhile, and new requests go to the other owners${routing.length ? ` (${routing.join("; ")})` : ""}.`,
    "`/tier back` ends it early.",
  ].join(" ");
}

/** Saves the sender's away time, and moves the deadlines of the requests waiting for them with it. */
async function setAway(deps: Deps, fact: ActivityFact, registry: Registry, periods: AwayPeriod[]) {
  await deps.store.away.put(fact.repo.id, fact.author, periods);
  const login = fact.author.toLowerCase();
  for (const record of await deps.store.requests.openOfRepo(fact.repo.id)) {
    if (record.state.requestee.toLowerCase() !== login) continue;
    await stepStoredRequest(deps, record.key, () => ({ kind: "away", away: periods }), registry.policy);
  }
}

/** Whether the sender owns any component (users by name first: no request; then teams). */
async function ownsSomething(deps: Deps, fact: ActivityFact, registry: Registry): Promise<boolean> {
  const github = () => deps.github(fact.installationId);
  for (const component of registry.components) if (await deps.owners.isOwner(github, component, fact.author)) return true;
  return false;
}

function nextStep(e: Episode): string {
  if (e.phase === "disabling" && !e.frozen) return "Next: disabled in CI once a maintainer merges the disabling pull request.";
  if (e.frozen || !e.dueAt) return "No step is scheduled.";
  const what = e.phase === "notified" ? "disabling in CI proposed" : "removal proposed";
  return `Next: ${what} on ${formatDate(new Date(e.dueAt))} unless an owner responds.`;
}

/** The component whose tracking issue this thread is, if any. */
async function componentOfThread(deps: Deps, fact: ActivityFact): Promise<string | undefined> {
  for (const [component, issue] of await trackingIssues(deps, fact.repo.id)) if (issue === fact.issueNumber) return component;
  return undefined;
}

async function saveReply(deps: Deps, fact: ActivityFact, registry: Registry, text: string) {
  const key = `reply:${fact.repo.id}:${fact.commentId}`;
  await recordIntents(
    deps.store,
    registry.policy,
    [
      commentIntent({
        key,
        target: { owner: fact.repo.owner, repo: fact.repo.name, issueNumber: fact.issueNumber, marker: `<!-- tierkeeper:${key} -->` },
        desired: { body: `@${fact.author} ${text}\n\n<!-- tierkeeper:${key} -->\n` },
        installationId: fact.installationId,
      }),
    ],
    deps.now(),
  );
}
