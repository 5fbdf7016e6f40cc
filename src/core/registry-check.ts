import { formatProblem } from "./registry.js";
import type { RegistryParseResult } from "./model.js";

/**
 * The `tierkeeper/registry` check run on a pull request that edits the registry: the file at
 * the PR's head, judged by the same parser the app uses (the rules in force still come from
 * the default branch). Pure: a parse result in, the check run's desired state out.
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

export function decideRegistryCheck(result: RegistryParseResult | "deleted", path: string): CheckRunDesired {
  if (result === "deleted") {
    return {
      name: REGISTRY_CHECK_NAME,
      conclusion: "neutral",
      title: "The registry is removed",
      summary: `This pull request deletes \`${path}\`: once merged, tierkeeper stops acting on this repository.`,
      annotations: [],
    };
  }
  const problems = result.ok ? result.warnings : result.errors;
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
  const errors = result.ok ? 0 : result.errors.length;
  const warnings = result.ok ? result.warnings.length : 0;
  const title = errors ? `${errors} error${errors === 1 ? "" : "s"} in ${path}` : warnings ? `${path} is valid, with ${warnings} warning${warnings === 1 ? "" : "s"}` : `${path} is valid`;
  const summary = [
    errors
      ? "tierkeeper cannot use this registry: once merged, it would act on nothing in this repository until it is fixed."
      : `tierkeeper can use this registry${result.ok ? ` (${result.registry.components.length} components)` : ""}. The rules in force stay those of the default branch until this is merged.`,
    ...(problems.length ? ["", ...problems.map((p) => `- ${formatProblem(p)}`)] : []),
  ].join("\n");
  return { name: REGISTRY_CHECK_NAME, conclusion: errors ? "failure" : "success", title, summary, annotations };
}
