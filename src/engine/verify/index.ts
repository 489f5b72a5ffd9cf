import { parseFailure } from '../check-source.js';
import { treeLanguageOfPath } from '../languages/index.js';
import { isSourceFile, parseSource } from '../parse.js';
import { moduleSystemProblem } from './module-system.js';
import { earlyUses, newEarlyUses } from './use-before-declaration.js';
import { isTypeScriptFile, TypeScriptVerifier } from './typescript.js';

export { TypeScriptVerifier, isTypeScriptFile } from './typescript.js';
export { earlyUses, newEarlyUses, type EarlyUse } from './use-before-declaration.js';

/** One file as it would be written: text without the BOM; `before` is undefined for a new file. */
export interface StagedText {
  /** Absolute. */
  path: string;
  before: string | undefined;
  after: string;
}

/**
 * The checks that need no compiler: the file still parses (JSON and Python files too), no module-level statement
 * now reads a const/let/class/require binding before its declaration runs, and a JavaScript file keeps the
 * module system it loads under. Undefined when it passes.
 */
export function staticProblem(file: StagedText): string | undefined {
  if (file.path.endsWith('.json')) {
    try {
      JSON.parse(file.after);
      return undefined;
    } catch (error) {
      return `the change would leave invalid JSON (${(error as Error).message})`;
    }
  }
  const treeLanguage = treeLanguageOfPath(file.path);
  if (treeLanguage) return treeLanguage.problem(file.after);
  if (!isSourceFile(file.path)) return undefined;
  let after;
  try {
    after = parseSource(file.after, file.path);
  } catch (error) {
    const failure = parseFailure(error);
    return `the change would not parse (line ${failure.line}: ${failure.message})`;
  }
  let before;
  try {
    before = file.before === undefined ? undefined : parseSource(file.before, file.path);
  } catch {
    before = undefined;
  }
  const added = newEarlyUses(before ? earlyUses(before.program) : [], earlyUses(after.program));
  if (added.length === 0) return moduleSystemProblem(file.path, before, after);
  const first = added[0];
  return `the change would use ${first.name} on line ${first.line} before its declaration on line ${first.declaredLine} runs (a ReferenceError at start)`;
}

export interface VerifyOptions {
  /** The project root: where tsconfig.json and typescript are looked for. */
  root: string;
  /** Reused across calls of one run, so that the project is type-checked before the change once. */
  typescript?: TypeScriptVerifier | null;
}

/**
 * Verifies staged files before anything is written: each one statically, then, when a TypeScript file
 * changed in a project with a tsconfig.json, `tsc --noEmit` over the overlay against the project as it is.
 * Returns the reason per failing file (absolute path); a new diagnostic in an unchanged file is reported
 * under that file's path.
 */
export function verifyStaged(files: readonly StagedText[], options: VerifyOptions): Map<string, string> {
  const problems = new Map<string, string>();
  for (const file of files) {
    const problem = staticProblem(file);
    if (problem) problems.set(file.path, problem);
  }
  if (!files.some((file) => isTypeScriptFile(file.path))) return problems;
  const typescript =
    options.typescript === undefined ? TypeScriptVerifier.open(options.root) : options.typescript;
  if (!typescript) return problems;
  const overlay = new Map(files.map((file) => [file.path, file.after]));
  const fresh = typescript.newDiagnostics(overlay);
  for (const [path, diagnostics] of fresh)
    if (!problems.has(path))
      problems.set(
        path,
        `the change would add a TypeScript error (${diagnostics[0]}${diagnostics.length > 1 ? `, and ${diagnostics.length - 1} more` : ''})`,
      );
  return problems;
}
