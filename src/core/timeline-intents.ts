import type { Component, RepoRef } from "./model.js";
import { disablePrTitle, removalIssueTitle, renderDisablePr, renderNote, renderRemovalIssue, renderTrackingIssue, trackingIssueTitle, type Tier3View } from "./render/tier3.js";
import type { Episode } from "./timeline.js";
import type { PlannedIntent } from "../intents/kinds.js";

/**
 * What GitHub should show for an episode, derived from its state alone (like
 * repository-settings: desired state in, the executor sends the difference). Deriving
 * instead of emitting one-off commands is what makes every step safe to repeat.
 */

/** Typed by action kind (src/intents holds the kinds: pure types); the handler places them in an installation. */
export type Intent = PlannedIntent<"issue" | "comment" | "file-pr" | "workflow-disable">;

export const LABELS = { tracking: ["tierkeeper", "tier-3"], removal: ["tierkeeper", "tier-3", "removal-proposal"] };

/** The prefix of every action key of a component's episodes in a repository. */
export const episodeKeyPrefix = (repoId: number, componentId: string) => `tier3:${repoId}:${componentId}:`;
export const episodeKey = (repoId: number, e: Pick<Episode, "component" | "seq">, what: string) => `${episodeKeyPrefix(repoId, e.component)}${e.seq}:${what}`;

export interface IntentContext extends Omit<Tier3View, "episode" | "component"> {
  repo: RepoRef;
}

export function timelineIntents(episode: Episode, component: Component, ctx: IntentContext): Intent[] {
  const view: Tier3View = { ...ctx, episode, component };
  const { repo } = ctx;
  const base = { owner: repo.owner, repo: repo.name };
  const key = (what: string) => episodeKey(repo.id, episode, what);
  const note = (what: "disabled" | "landed" | "declined" | "removal" | "closed"): Intent => ({
    key: key(`note-${what}`),
    kind: "comment",
    target: { ...base, issueKey: key("tracking"), marker: `<!-- tierkeeper:${key(`note-${what}`)} -->` },
    desired: { body: renderNote(what, view) },
  });

  const intents: Intent[] = [
    {
      key: key("tracking"),
      kind: "issue",
      target: { ...base, marker: `<!-- tierkeeper:${key("tracking")} -->` },
      desired: {
        title: trackingIssueTitle(component),
        body: renderTrackingIssue(view),
        labels: LABELS.tracking,
        state: episode.phase === "closed" ? "closed" : "open",
      },
    },
  ];
  // Asked for since the sweep found silence; legacy episodes knew only `disabledAt`.
  const proposedAt = episode.disableProposedAt ?? episode.disabledAt;
  if (proposedAt && component.facts.disable === "workflow" && component.facts.workflow) {
    // The component has a workflow of its own: turn it off through the Actions API instead.
    intents.push({
      key: key("disable"),
      kind: "workflow-disable",
      target: { ...base, workflow: component.facts.workflow },
      desired: { enabled: false },
    });
    if (episode.disabledAt) intents.push(note("disabled"));
  } else if (episode.disableProposedAt) {
    intents.push({
      key: key("disable"),
      kind: "file-pr",
      target: {
        ...base,
        marker: `<!-- tierkeeper:${key("disable")} -->`,
        baseBranch: repo.defaultBranch,
        branch: `tierkeeper/disable-${component.id}-${episode.seq}`,
        path: ctx.registryPath,
      },
      desired: {
        title: disablePrTitle(component),
        body: renderDisablePr(view),
        edit: {
          op: "set-ci",
          component: component.id,
          value: "disabled",
          // The proposal's date, as the PR always said: an edit that changed would push to the PR again.
          note: `disabled by tierkeeper on ${episode.disableProposedAt.slice(0, 10)}${ctx.trackingIssue ? `: see issue #${ctx.trackingIssue}` : ""}`,
        },
        // Open while pending (merged, it stays as it is); closed when declined, or no longer needed (recovered).
        state: episode.phase === "disabling" || episode.disabledAt ? "open" : "closed",
      },
    });
    intents.push(note("disabled"));
    if (episode.disableDeclined) intents.push(note("declined"));
  }
  if (episode.disabledVia && !(component.facts.disable === "workflow" && component.facts.workflow)) intents.push(note("landed"));
  if (episode.removalProposedAt) {
    intents.push({
      key: key("removal"),
      kind: "issue",
      target: { ...base, marker: `<!-- tierkeeper:${key("removal")} -->` },
      desired: {
        title: removalIssueTitle(component),
        body: renderRemovalIssue(view),
        labels: LABELS.removal,
        // A response after the proposal withdraws it: the issue says so and closes.
        state: episode.phase === "removal-proposed" ? "open" : "closed",
      },
    });
    intents.push(note("removal"));
  }
  if (episode.phase === "closed") intents.push(note("closed"));
  return intents;
}
