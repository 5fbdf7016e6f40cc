/** `tierkeeper import <document.md> [--out file]`: a tier document's tables as a starter registry. */
import { isAbsolute, relative, resolve, sep } from "node:path";
import { importDocument } from "../core/import-document.js";
import { parseRegistry } from "../core/registry.js";
import { formatProblem } from "../core/registry.js";
import { parseArgs, UsageError, type CommandSpec } from "./args.js";
import { EXIT, type Io } from "./io.js";

export const importSpec: CommandSpec = {
  name: "import",
  usage: "tierkeeper import <document.md> [--out file] [--owner login|org/team[,...]]",
  brief: "turn a tier document's tables (docs/stability-tiers.md) into a registry",
  summary: `Reads a Markdown tier document in Wasmtime's layout ("Tier 1/2/3" headings, each followed by a
Category | Description | Missing Tier N Requirements table, footnotes, link references) and prints a
registry whose \`tierkeeper status\` gives the same rows back: same order, same Category and
Description, same Missing cells. Missing cells are written as the facts that produce them; what no
requirement expresses is kept verbatim as declared notes (\`missing: [...]\`). Owners, paths, check
names and fuzzing jobs are guessed, each line marked \`# guess\` (\`tierkeeper validate\` warns about
every one left), and the registry starts in shadow mode. A relative document path under the current
directory is recorded as \`policy.document\`, so that \`tierkeeper/document\` keeps the two in step.`,
  options: {
    out: { type: "string", value: "<file>", description: "write the registry there instead of printing it" },
    owner: { type: "string", value: "<owners>", description: "comma-separated owners to guess for every component (default TODO/owners)" },
  },
  maxPositionals: 1,
};

export async function importCommand(argv: readonly string[], io: Io): Promise<number> {
  const args = parseArgs(argv, importSpec);
  const file = args.positionals[0];
  if (file === undefined) throw new UsageError("a document to import is required, such as docs/stability-tiers.md");
  const owners =
    typeof args.options.owner === "string"
      ? args.options.owner
          .split(",")
          .map((o) => o.trim())
          .filter(Boolean)
      : undefined;
  let text: string;
  try {
    text = await io.readFile(resolve(io.cwd, file));
  } catch (e) {
    io.stderr(`tierkeeper import: cannot read ${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}\n`);
    return EXIT.findings;
  }
  const inside = relative(io.cwd, resolve(io.cwd, file));
  const documentPath = !isAbsolute(file) && !inside.startsWith("..") && !isAbsolute(inside) ? inside.split(sep).join("/") : undefined;
  const result = importDocument(text, { documentPath, owners });
  if (result.components === 0) {
    io.stderr(`tierkeeper import: ${file} has no "Tier 1", "Tier 2" or "Tier 3" heading followed by a Category | Description table\n`);
    return EXIT.findings;
  }
  // What is written must be a registry tierkeeper accepts (an --owner that is no login, say).
  const parsed = parseRegistry(result.yaml, typeof args.options.out === "string" ? args.options.out : "<import>");
  if (!parsed.ok) {
    for (const problem of parsed.errors) io.stderr(`${formatProblem(problem)}\n`);
    io.stderr("tierkeeper import: the imported registry is not valid (see above); nothing written\n");
    return EXIT.findings;
  }
  if (typeof args.options.out === "string") {
    if (!io.writeFile) throw new Error("this environment cannot write files");
    await io.writeFile(resolve(io.cwd, args.options.out), result.yaml);
  } else {
    io.stdout(result.yaml);
  }
  io.stderr(`tierkeeper import: ${result.components} components, ${result.notes} with declared notes, ${result.guesses} guessed lines to confirm\n`);
  return EXIT.ok;
}
