import { formatProblem } from "./registry.js";
import { md } from "./render/escape.js";
import type { RegistryParseResult } from "./model.js";
import type { RegistryFindings } from "./registry-findings.js";

/**
 * The `tierkeeper/registry` check run on a pull request that edits the registry: the file at
 * the PR's head, judged by the same parser the app uses (the rules in force still come from
 * the default branch), and the findings about what the edit means for this repository.
 * Pure: a parse result and the findings in, the check run's desired state out.
 */

export const REGISTRY_CHECK_NAME = "tierkeeper/registry";

export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: "failure" | "warning" | "notice";
  message: string;
}

export interface CheckRunDesired {
  name: string;
  conclusion: "success" | "failure" | "neutral";
  title: string;
  summary: string;
  annotations: CheckAnnotation[];
}

/** Lines of problems listed in the summary; the annotations carry them all. */
const SUMMARY_PROBLEMS = 100;

/**
 * `findings` (from registry-findings.ts) replace the parser's warnings of a valid registry: they
 * include them. A registry that does not parse has no findings: its errors are all there is.
 */
export function decideRegistryCheck(result: RegistryParseResult | "deleted", path: string, findings?: RegistryFindings): CheckRunDesired {
  if (result === "deleted") {
    return {
      name: REGISTRY_CHECK_NAME,
      conclusion: "neutral",
      title: "The registry is removed",
      summary: `This pull request deletes ${md.code(path)}: once merged, tierkeeper stops acting on this repository.`,
      annotations: [],
    };
  }
  const problems = result.ok ? (findings?.problems ?? result.warnings) : result.errors;
  const annotations = problems.map((p): CheckAnnotation => ({
    path,
    start_line: p.line,
    end_line: p.line,
    // GitHub accepts columns only on single-line annotations, which these are.
    start_column: p.column,
    end_column: p.column,
    annotation_level: p.severity === "error" ? "failure" : "warning",
    message: p.message,
  }));
  const errors = result.ok ? problems.filter((p) => p.severity === "error").length : result.errors.length;
  const warnings = problems.length - errors;
  const title = errors ? `${errors} error${errors === 1 ? "" : "s"} in ${path}` : warnings ? `${path} is valid, with ${warnings} warning${warnings === 1 ? "" : "s"}` : `${path} is valid`;
  const usable = `tierkeeper can use this registry${result.ok ? ` (${result.registry.components.length} components)` : ""}`;
  // A problem quotes the edited file (keys, owners, globs): shown as code, it can mention or link nothing.
  const listed = problems.slice(0, SUMMARY_PROBLEMS).map((p) => `- ${md.code(formatProblem(p))}`);
  if (problems.length > SUMMARY_PROBLEMS) listed.push(`- ... and ${problems.length - SUMMARY_PROBLEMS} more (see the annotations)`);
  const summary = [
    !result.ok
      ? "tierkeeper cannot use this registry: once merged, it would act on nothing in this repository until it is fixed."
      : errors
        ? `${usable}, but this edit goes against the policy: see the errors. The rules in force stay those of the default branch until this is merged.`
        : `${usable}. The rules in force stay those of the default branch until this is merged.`,
    ...(listed.length ? ["", ...listed] : []),
    ...(result.ok && findings?.notes.length ? ["", "Not checked:", ...findings.notes.map((n) => `- ${n}`)] : []),
  ].join("\n");
  return { name: REGISTRY_CHECK_NAME, conclusion: errors ? "failure" : "success", title, summary, annotations };
}
