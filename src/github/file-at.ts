import type { RepoRef } from "../core/model.js";
import type { Octokit } from "./octokit.js";

/** GitHub's contents API carries a file's content in its JSON answer up to this size. */
const CONTENT_IN_JSON = 1024 * 1024;

export type FileAt = { text: string } | { tooLarge: number } | undefined;

/**
 * A file's text at a commit (undefined when it does not exist there), read only when it is at most
 * `maxBytes` (at most 1 MB). The JSON answer says the size before any content is decoded, so a pull
 * request's 100 MB file is never downloaded whole: only its size is kept, to refuse it with.
 */
export async function fileAt(octokit: Octokit, repo: RepoRef, path: string, ref: string, maxBytes: number): Promise<FileAt> {
  try {
    const { data } = await octokit.rest.repos.getContent({ owner: repo.owner, repo: repo.name, path, ref });
    if (Array.isArray(data) || data.type !== "file") return undefined;
    if (data.size > Math.min(maxBytes, CONTENT_IN_JSON) || !("content" in data) || data.encoding !== "base64") return { tooLarge: data.size };
    return { text: Buffer.from(data.content, "base64").toString("utf8") };
  } catch (error) {
    if ((error as { status?: number }).status !== 404) throw error;
    return undefined;
  }
}
