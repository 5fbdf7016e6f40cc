/**
 * `/tier` commands in issue and pull-request comments: parsing and authorization.
 * Pure: text and facts about the sender in, commands and decisions out. Whether a named
 * component exists in the registry, and what a command does, is the handlers' business.
 *
 *   /tier ack [component]              an owner answers: counts as a response, stops nothing
 *   /tier freeze <component> <reason>  write access: stop the component's clocks
 *   /tier unfreeze <component>
 *   /tier status <component>           anyone: reply with the state and the next date
 *   /tier away until <YYYY-MM-DD>      an owner is away until that day: new Tier 2 requests go to
 *                                      the other owners (or the backup list), their clocks stop
 *   /tier back                         the away time ends now
 *
 * A command is a line of its own that starts with `/tier` (any case, leading spaces allowed).
 * Lines inside fenced code blocks (``` or ~~~) and quoted lines (`>`) are never commands, so
 * quoting or pasting someone else's command does not run it again.
 *
 * At most MAX_COMMANDS commands of one comment are acted on: a comment of 500 `/tier` lines
 * costs what ten do, and the rest are counted and answered once as ignored. Words of the
 * comment echoed in an error are shown as code (`md.code`), so they can mention nobody.
 */
import { md } from "./render/escape.js";

export const MAX_COMMANDS = 10;

export type Command =
  | { name: "ack"; component?: string }
  | { name: "freeze"; component: string; reason: string }
  | { name: "unfreeze"; component: string }
  | { name: "status"; component: string }
  | { name: "away"; until: string }
  | { name: "back" };

/** `line` is 1-based in the comment body; `text` is the offending line, trimmed. */
export type ParsedCommand = { ok: true; command: Command; line: number } | { ok: false; error: string; line: number; text: string };

/** Component ids as the registry allows them (`src/core/registry.ts`): lowercase only. */
const COMPONENT_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const COMMAND_LINE = /^[ \t]*\/tier(?=\s|$)(.*)$/i;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const QUOTE = /^[ \t]*>/;
const TRY = "try `ack`, `freeze <component> <reason>`, `unfreeze <component>`, `status <component>`, `away until <YYYY-MM-DD>`, `back`";

/** The first MAX_COMMANDS `/tier` lines of a comment body, in order, each parsed or rejected with a short reason. */
export function parseCommands(body: string): ParsedCommand[] {
  return parseComment(body).commands;
}

/** The commands acted on (at most MAX_COMMANDS), and how many `/tier` lines past them are ignored. */
export function parseComment(body: string): { commands: ParsedCommand[]; ignored: number } {
  const parsed: ParsedCommand[] = [];
  let ignored = 0;
  let fence: { char: string; length: number } | undefined;
  body.split(/\r\n|\r|\n/).forEach((raw, index) => {
    const line = index + 1;
    const fenceMatch = FENCE.exec(raw);
    if (fence) {
      // A fence closes with the same character, at least as long, and nothing after it.
      const closing = fenceMatch && fenceMatch[1][0] === fence.char && fenceMatch[1].length >= fence.length && raw.slice(fenceMatch[0].length).trim() === "";
      if (closing) fence = undefined;
      return;
    }
    if (fenceMatch) {
      fence = { char: fenceMatch[1][0], length: fenceMatch[1].length };
      return;
    }
    if (QUOTE.test(raw)) return;
    const match = COMMAND_LINE.exec(raw);
    if (!match) return;
    if (parsed.length < MAX_COMMANDS) parsed.push(parseLine(match[1], line, raw.trim()));
    else ignored++;
  });
  return { commands: parsed, ignored };
}

function parseLine(rest: string, line: number, text: string): ParsedCommand {
  const ok = (command: Command): ParsedCommand => ({ ok: true, command, line });
  const fail = (error: string): ParsedCommand => ({ ok: false, error, line, text });
  const args = rest.trim();
  const [word = "", ...words] = args.split(/\s+/).filter(Boolean);
  const name = word.toLowerCase();

  const component = (usage: string): string | ParsedCommand => {
    const id = words[0];
    if (id === undefined) return fail(`\`/tier ${name}\` needs a component: \`${usage}\``);
    const normalised = id.toLowerCase();
    if (!COMPONENT_ID.test(normalised)) return fail(`${md.code(id)} is not a component id (lowercase letters, digits, ".", "_" and "-"): \`${usage}\``);
    return normalised;
  };
  const nothingAfter = (count: number, usage: string): ParsedCommand | undefined => (words.length > count ? fail(`unexpected ${md.code(words[count])}: \`${usage}\``) : undefined);

  switch (name) {
    case "": {
      return fail(`\`/tier\` needs a command: ${TRY}`);
    }
    case "ack": {
      const usage = "/tier ack [component]";
      if (words.length === 0) return ok({ name: "ack" });
      const id = component(usage);
      if (typeof id !== "string") return id;
      return nothingAfter(1, usage) ?? ok({ name: "ack", component: id });
    }
    case "freeze": {
      const usage = "/tier freeze <component> <reason>";
      const id = component(usage);
      if (typeof id !== "string") return id;
      // The reason is the rest of the line as written (spacing and case kept).
      const reason = args.slice(word.length).trim().slice(words[0].length).trim();
      if (reason === "") return fail(`a freeze needs a reason: \`/tier freeze ${id} <reason>\``);
      return ok({ name: "freeze", component: id, reason });
    }
    case "unfreeze":
    case "status": {
      const usage = `/tier ${name} <component>`;
      const id = component(usage);
      if (typeof id !== "string") return id;
      return nothingAfter(1, usage) ?? ok({ name, component: id });
    }
    case "away": {
      const usage = "/tier away until <YYYY-MM-DD>";
      const dateWords = words[0]?.toLowerCase() === "until" ? words.slice(1) : words;
      const date = dateWords[0];
      if (date === undefined) return fail(`\`/tier away\` needs a date: \`${usage}\``);
      if (dateWords.length > 1) return fail(`unexpected ${md.code(dateWords[1])}: \`${usage}\``);
      if (!isCalendarDate(date)) return fail(`invalid date ${md.code(date)}: use YYYY-MM-DD, as in \`/tier away until 2026-12-24\``);
      return ok({ name: "away", until: date });
    }
    case "back": {
      return nothingAfter(0, "/tier back") ?? ok({ name: "back" });
    }
    default:
      return fail(`unknown command ${md.code(`/tier ${word}`)}: ${TRY}`);
  }
}

/**
 * The one reply to a comment (after the `@author `): one command's answer alone; several, one
 * line each naming the command it answers (as code), then how many were ignored.
 */
export function renderReply(body: string, answers: { line: number; text: string }[], ignored: number): string {
  const more = ignored ? `${ignored} more \`/tier\` command${ignored === 1 ? " was" : "s were"} ignored: tierkeeper acts on at most ${MAX_COMMANDS} per comment.` : "";
  if (answers.length === 1 && !more) return answers[0].text;
  const lines = body.split(/\r\n|\r|\n/);
  return ["", ...answers.map((a) => `- ${md.code(lines[a.line - 1]?.trim() ?? "")}: ${a.text}`), ...(more ? [`- ${more}`] : [])].join("\n");
}

/**
 * A comment that holds nothing but `/tier` commands other than `ack` (away, back, status,
 * freeze...) talks to tierkeeper, not to the people waiting: it is no reply to a request.
 */
export function onlyCommandsToTierkeeper(body: string): boolean {
  const lines = body.split(/\r\n|\r|\n/).filter((l) => l.trim() !== "");
  if (lines.length === 0 || !lines.every((l) => COMMAND_LINE.test(l))) return false;
  return parseCommands(body).every((p) => !p.ok || p.command.name !== "ack");
}

/** `YYYY-MM-DD` naming a day that exists (no 2026-02-30). */
function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

// ---------------------------------------------------------------------------------------------
// Authorization

/** A collaborator's permission on the repository, as GitHub's API names it. */
export type Permission = "admin" | "maintain" | "write" | "triage" | "read" | "none";

export interface Sender {
  login: string;
  permission: Permission;
  /** Whether the sender owns the component, directly or through a team. */
  ownerOf: (componentId: string) => boolean;
  /** Whether the sender owns any component of the registry (away time is per person, not per component). */
  ownsAny?: boolean;
}

export type Authorization = { allowed: true } | { allowed: false; reason: string };

const WRITERS: ReadonlySet<string> = new Set<Permission>(["write", "maintain", "admin"]);

/**
 * May `who` run `command`? `component` is the one the comment is about (the issue's or pull
 * request's component); a component named in the command itself takes precedence.
 * Fails closed: no component to check, an unknown permission or an `ownerOf` that throws deny.
 */
export function authorize(command: Command, who: Sender, component?: string): Authorization {
  const deny = (reason: string): Authorization => ({ allowed: false, reason });
  const allow: Authorization = { allowed: true };
  const user = `@${who.login}`;
  const owns = (id: string): boolean => {
    try {
      return who.ownerOf(id) === true;
    } catch {
      return false;
    }
  };

  switch (command.name) {
    case "status":
      return allow;
    case "freeze":
    case "unfreeze":
      return WRITERS.has(who.permission) ? allow : deny(`only users with write access can ${command.name} a component (${user} has ${describePermission(who.permission)})`);
    case "ack": {
      const target = command.component ?? component;
      if (target === undefined) return deny("acknowledge which component? Use `/tier ack <component>`");
      return owns(target) ? allow : deny(`only owners of ${target} can acknowledge (${user} is not one)`);
    }
    case "away":
    case "back": {
      if ((component !== undefined && owns(component)) || who.ownsAny === true) return allow;
      return deny(`only component owners can use /tier ${command.name} (${user} owns no component in the registry)`);
    }
    default:
      return deny("unknown command");
  }
}

function describePermission(permission: string): string {
  return ["admin", "maintain", "write", "triage", "read"].includes(permission) ? `${permission} access` : "no access";
}
