import type { Logger } from "pino";
import type { ActionKind, StoredAction } from "../../intents/index.js";
import type { Actions } from "../../store/actions.js";
import type { Octokit } from "../octokit.js";

/**
 * What every action kind implements for the executor (see executor.ts for the loop). Like
 * repository-settings' plugins: one general algorithm, compare what is desired with what GitHub
 * last accepted and send only the difference, serving small resource kinds.
 */
export interface ActionHandler<K extends ActionKind = ActionKind, Applied = unknown> {
  readonly kind: K;
  /**
   * After a crash during a create (the action's githubId is CREATING): the object made before it,
   * found again by the marker hidden in its body (or its branch, or its name), or null.
   */
  find?(octokit: Octokit, action: StoredAction<K>, context: ActionContext): Promise<Existing<Applied> | null>;
  /** Sends what differs between the desired state and what GitHub last accepted, and records the new baseline. */
  apply(octokit: Octokit, action: StoredAction<K>, context: ActionContext): Promise<Outcome>;
}

/** "waiting": the action depends on one not applied yet; it stays pending for a later pass. */
export type Outcome = "applied" | "waiting";

/** An object the action made: its GitHub id and the state GitHub last accepted (the diff's baseline). */
export interface Existing<A> {
  id: string;
  applied: A | undefined;
}

/** What the executor lends each kind: the store's action records, the log, and shared steps. */
export interface ActionContext {
  store: { actions: Pick<Actions, "markApplied" | "setGithubId" | "get"> };
  log: Logger;
  /** Labels this process has seen exist, so that each new issue does not ask for them again. */
  knownLabels: Set<string>;
  /**
   * The object this action already made. Only a create that may have happened before a crash
   * (CREATING) costs a search; what the search finds is the baseline the update diffs against.
   */
  existing<A>(action: StoredAction, find: () => Promise<Existing<A> | null>): Promise<Existing<A> | null>;
  /** Saved before a create is sent, so that the next attempt after a crash searches first. */
  creating(action: StoredAction): Promise<void>;
  /** The number of the issue another action made, or undefined while it has none. */
  issueOf(action: StoredAction, issueKey: string): Promise<number | undefined>;
}

/** Saved just before a create: after a crash it means "look for the object before creating it". */
export const CREATING = "creating";
/** The githubId of an action only ever recorded in shadow mode: nothing exists on GitHub. */
export const SHADOW = "shadow";

/**
 * For a create that a repeat would duplicate (a comment, an issue, a pull request): no blind retry by Octokit's
 * retry plugin. GitHub may answer 5xx to a create it applied; the executor then defers the
 * action, and the next attempt, seeing CREATING, searches for the object before creating it.
 * A secondary rate limit (403) is still waited out and repeated: GitHub applied nothing.
 */
export const ONCE = { retries: 0 };

/** What GitHub last accepted; nothing when the action was only ever recorded in shadow mode. */
export function lastApplied<A>(action: Pick<StoredAction, "githubId" | "applied">): A | undefined {
  if (action.githubId === SHADOW || !action.applied) return undefined;
  return (JSON.parse(action.applied) as A | null) ?? undefined;
}

export function withMarker(body: string, marker: string): string {
  return body.includes(marker) ? body : `${body}\n\n${marker}`;
}

/** The fields whose desired value differs from the applied one, or undefined when none does. */
export function changed<T extends object, K extends keyof T>(applied: Partial<Pick<T, K>> | undefined, desired: T, fields: K[]): Pick<T, K> | undefined {
  const out: Partial<Pick<T, K>> = {};
  for (const f of fields) if (applied?.[f] !== desired[f]) out[f] = desired[f];
  return Object.keys(out).length ? (out as Pick<T, K>) : undefined;
}

export const statusOf = (error: unknown) => (error as { status?: number }).status;
/** Deleted (404) or gone for good (410, a deleted issue). */
export const gone = (error: unknown) => statusOf(error) === 404 || statusOf(error) === 410;
