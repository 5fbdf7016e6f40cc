import { stringify } from "yaml";
import { md } from "./render/escape.js";
import { MAX_GLOB_LENGTH } from "./glob.js";
import { REGISTRY_LIMITS } from "./registry.js";

/**
 * Onboarding, as Renovate's onboarding pull request does it: a repository with no registry
 * gets one pull request proposing a starter `.github/tiers.yml`, guessed from its top-level
 * folders and the check names recently seen on its default branch. Every guess is marked for
 * review. Pure: what the shell read from GitHub in, the file and the pull request's text out.
 */

export const DOCS_URL = "https://github.com/tierkeeper/tierkeeper#the-registry-githubtiersyml";

/** Folders that are never components of their own. */
const NOT_COMPONENTS = /^(\.|_)|^(docs?|examples?|scripts?|tools?|ci|build|dist|vendor|third_party|node_modules|target|out)$/i;

export interface OnboardingInput {
  /** The repository's top-level folder names. */
  folders: string[];
  /** Check names seen on the default branch (check runs, jobs, statuses). */
  checkNames: string[];
}

export interface GuessedComponent {
  id: string;
  folder: string;
  checks: string[];
}

/**
 * One Tier 3 component per folder; a check belongs to a folder when its name mentions it. Within
 * the registry's limits: folders and checks whose glob would be too long are left out, and each
 * component claims at most as many checks as keeps the registry under the total of globs.
 */
export function guessComponents(input: OnboardingInput): { components: GuessedComponent[]; unmatchedChecks: string[] } {
  const fits = (glob: string) => glob.length <= MAX_GLOB_LENGTH;
  const folders = [...new Set(input.folders)]
    .filter((f) => !NOT_COMPONENTS.test(f) && fits(folderGlob(f)))
    .sort()
    .slice(0, 50);
  const checks = [...new Set(input.checkNames)].filter((c) => fits(escapeGlob(c))).sort();
  const perComponent = Math.min(REGISTRY_LIMITS.globsPerList, Math.floor(REGISTRY_LIMITS.globs / Math.max(1, folders.length)) - 1);
  const mentions = (check: string, folder: string) => check.toLowerCase().includes(folder.toLowerCase());
  const components = folders.map((folder) => ({ id: componentId(folder), folder, checks: checks.filter((c) => mentions(c, folder)).slice(0, perComponent) }));
  const used = new Set(components.flatMap((c) => c.checks));
  return { components, unmatchedChecks: checks.filter((c) => !used.has(c)) };
}

/** A valid registry id from a folder name: lowercase, `.`, `_`, `-` kept, the rest dashed. */
function componentId(folder: string): string {
  const id = folder
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[^a-z0-9]+/, "")
    .slice(0, 64);
  return id || "component";
}

/** The starter registry: valid as written, every guess commented as one. */
export function starterRegistry(input: OnboardingInput): string {
  const { components, unmatchedChecks } = guessComponents(input);
  const lines = [
    "# The support tiers of this repository's components, read by tierkeeper from the default branch.",
    `# Docs: ${DOCS_URL}`,
    "#",
    "# tierkeeper GUESSED what follows from the top-level folders and the check names seen on the",
    "# default branch. Review every entry: the tier (1, 2 or 3), the owners (GitHub logins or",
    "# org/team slugs; a component needs a clear owner), the paths and the checks.",
    "policy:",
    "  mode: shadow   # decide and record, write nothing on GitHub; switch to `enforce` once reviewed",
    components.length ? "components:" : "components: {}",
  ];
  for (const c of components) {
    lines.push(
      `  ${yamlKey(c.id)}:   # guessed from the folder ${inComment(c.folder)}/: review`,
      `    category: misc`,
      `    tier: 3`,
      `    owners: []   # who answers for it?`,
      `    paths: ${flow([folderGlob(c.folder)])}`,
      `    checks: ${flow(c.checks.map(escapeGlob))}${c.checks.length ? "   # checks whose names mention the folder" : "   # which checks test it?"}`,
    );
  }
  if (unmatchedChecks.length) {
    lines.push("", "# Checks seen on the default branch that no guess claims:", ...unmatchedChecks.map((c) => `#   ${inComment(c)}`));
  }
  return lines.join("\n") + "\n";
}

export const ONBOARDING_TITLE = "Add a support-tier registry (.github/tiers.yml) for tierkeeper";

export function onboardingBody(input: OnboardingInput): string {
  const { components } = guessComponents(input);
  return [
    "tierkeeper is installed on this repository, which has no `.github/tiers.yml` yet. This pull request proposes a starter registry.",
    "",
    `It **guessed** ${components.length} component${components.length === 1 ? "" : "s"} from the top-level folders (${components.map((c) => md.code(`${c.folder}/`)).join(", ") || "none found"}), each at Tier 3 with no owner, and matched the check names seen on the default branch to them by name. Every guess is marked in the file: please review the tiers, owners, paths and checks before merging.`,
    "",
    "It starts in `mode: shadow`: tierkeeper decides and records everything but writes nothing on GitHub until you switch to `enforce`.",
    "",
    `Until a registry is on the default branch tierkeeper stays silent here. Close this pull request to decline; it will not be opened again. The registry's format: ${DOCS_URL}`,
  ].join("\n");
}

/** A name inside a YAML comment: a line break in it would start a line of YAML. */
function inComment(name: string): string {
  return name.replace(/[\r\n\u2028\u2029]+/g, " ");
}

/** Everything under a folder; the characters path globs treat as special are escaped in its name. */
function folderGlob(folder: string): string {
  return `${folder.replace(/[\\*?[\]{}(),|!@+]/g, (c) => `\\${c}`)}/**`;
}

/** Check-name globs treat `*`, `?`, `[` and `\` as special: a literal name escapes them. */
function escapeGlob(name: string): string {
  return name.replace(/[\\*?[]/g, (c) => `\\${c}`);
}

function yamlKey(id: string): string {
  return stringify(id).trim();
}

function flow(items: string[]): string {
  return `[${items.map((i) => JSON.stringify(i)).join(", ")}]`;
}
