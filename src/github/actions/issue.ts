import type { IssueDesired, StoredAction } from "../../intents/index.js";
import type { Octokit } from "../octokit.js";
import { changed, gone, ONCE, statusOf, withMarker, type ActionHandler, type Existing } from "./action.js";

/** The app's issue, by its marker; its first label narrows the listing (newest first: a crashed create is recent). */
async function find(octokit: Octokit, action: StoredAction<"issue">): Promise<Existing<IssueDesired> | null> {
  const { target } = action;
  const label = action.desired.labels[0];
  for await (const page of octokit.paginate.iterator(octokit.rest.issues.listForRepo, {
    owner: target.owner,
    repo: target.repo,
    state: "all",
    ...(label !== undefined && { labels: label }),
    per_page: 100,
  })) {
    const mine = page.data.find((i) => !i.pull_request && i.user?.type === "Bot" && i.body?.includes(target.marker));
    if (mine) {
      const labels = mine.labels.map((l) => (typeof l === "string" ? l : (l.name ?? "")));
      return { id: String(mine.number), applied: { title: mine.title, body: mine.body ?? "", labels, state: mine.state as IssueDesired["state"] } };
    }
  }
  return null;
}

/** An issue the app opens, edits, labels and closes; its body always carries the hidden marker. */
export const issue: ActionHandler<"issue", IssueDesired> = {
  kind: "issue",
  find,

  async apply(octokit, action, context) {
    const { target } = action;
    const desired: IssueDesired = { ...action.desired, body: withMarker(action.desired.body, target.marker) };
    const params = { owner: target.owner, repo: target.repo };

    let found = await context.existing(action, () => find(octokit, action));
    if (found) {
      const applied = found.applied;
      try {
        const changes = changed(applied, desired, ["title", "body", "state"]);
        if (changes) await octokit.rest.issues.update({ ...params, issue_number: Number(found.id), ...changes });
        const added = desired.labels.filter((l) => !applied?.labels.some((a) => a.toLowerCase() === l.toLowerCase()));
        if (added.length) {
          await ensureLabels(octokit, params, added, context.knownLabels);
          await octokit.rest.issues.addLabels({ ...params, issue_number: Number(found.id), labels: added });
        }
      } catch (error) {
        if (!gone(error)) throw error;
        found = null; // deleted: open it again
      }
    }
    let number = found?.id;
    if (!number) {
      await ensureLabels(octokit, params, desired.labels, context.knownLabels);
      await context.creating(action);
      const { data } = await octokit.rest.issues.create({ ...params, title: desired.title, body: desired.body, labels: desired.labels, request: ONCE });
      number = String(data.number);
      // Issues are created open; a crash before this close is repaired by the diff after the search.
      if (desired.state === "closed") await octokit.rest.issues.update({ ...params, issue_number: data.number, state: "closed" });
    }
    await context.store.actions.markApplied(action.key, action.version, JSON.stringify(desired), number);
    context.log.info({ action: action.key, issue: number }, "issue applied");
    return "applied";
  },
};

/**
 * Labels must exist before an issue uses them; one that already does answers 422 already_exists.
 * Creates the labels that are not known to exist; `known` remembers them for this process.
 */
async function ensureLabels(octokit: Octokit, params: { owner: string; repo: string }, labels: string[], known: Set<string>): Promise<void> {
  for (const name of labels) {
    const key = `${params.owner}/${params.repo}:${name}`.toLowerCase();
    if (known.has(key)) continue;
    try {
      await octokit.rest.issues.createLabel({ ...params, name });
    } catch (error) {
      const errors = (error as { response?: { data?: { errors?: { code?: string }[] } } }).response?.data?.errors;
      if (statusOf(error) !== 422 || !errors?.some((e) => e.code === "already_exists")) throw error;
    }
    if (known.size > 10_000) known.clear();
    known.add(key);
  }
}
