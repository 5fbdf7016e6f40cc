/**
 * The `tierkeeper/document` check run: with `policy.document` set, a pull request that changes
 * the registry or the tier document gets this check, failing where the document's tables and the
 * registry's status tables disagree, each disagreement annotated on its document line.
 * Pure: the document text (or why there is none) and the registry in, the check run out.
 */
import type { Registry } from "./model.js";
import type { CheckRunDesired } from "./registry-check.js";
import { statusRows } from "./render/status-tables.js";
import { documentFindings, parseTierDocument } from "./tier-document.js";

export const DOCUMENT_CHECK_NAME = "tierkeeper/document";

const SUMMARY_FINDINGS = 100;

export type DocumentAtHead = { text: string } | { absent: true } | { tooLarge: number } | { registryInvalid: true };

export function decideDocumentCheck(path: string, registryPath: string, document: DocumentAtHead, registry: Registry): CheckRunDesired {
  const base = { name: DOCUMENT_CHECK_NAME, annotations: [] };
  if ("registryInvalid" in document) {
    return {
      ...base,
      conclusion: "neutral",
      title: "Not compared: the registry at head is not valid",
      summary: `\`${registryPath}\` does not parse at this pull request's head (see \`tierkeeper/registry\`), so \`${path}\` was not compared with it.`,
    };
  }
  if ("tooLarge" in document) {
    return {
      ...base,
      conclusion: "failure",
      title: `${path} is too large to compare`,
      summary: `\`${path}\` is ${Math.ceil(document.tooLarge / 1024)} KB at this pull request's head; tierkeeper compares tier documents of at most 1 MB.`,
    };
  }
  if ("absent" in document) {
    return {
      ...base,
      conclusion: "failure",
      title: `${path} does not exist`,
      summary: `The registry's \`policy.document\` names \`${path}\`, which this pull request's head does not have. Restore it, or change \`policy.document\`.`,
    };
  }
  const findings = documentFindings(parseTierDocument(document.text), statusRows(registry, { overrides: registry.policy.requirements }));
  if (findings.length === 0) {
    return {
      ...base,
      conclusion: "success",
      title: `${path} matches the registry`,
      summary: `The tier tables of \`${path}\` say what \`${registryPath}\` says: the same rows, tiers, categories and Missing cells.`,
    };
  }
  const listed = findings.slice(0, SUMMARY_FINDINGS).map((f) => `- ${path}:${f.line}: ${f.message}`);
  if (findings.length > SUMMARY_FINDINGS) listed.push(`- ... and ${findings.length - SUMMARY_FINDINGS} more (see the annotations)`);
  return {
    name: DOCUMENT_CHECK_NAME,
    conclusion: "failure",
    title: `${findings.length} difference${findings.length === 1 ? "" : "s"} between ${path} and the registry`,
    summary: [
      `The tier tables of \`${path}\` and \`${registryPath}\` disagree. Change whichever is wrong; \`npx tierkeeper status --write-document\` rewrites the document's tables from the registry (and nothing else in the file).`,
      "",
      ...listed,
    ].join("\n"),
    annotations: findings.map((f) => ({ path, start_line: f.line, end_line: f.line, annotation_level: "failure", message: f.message })),
  };
}
