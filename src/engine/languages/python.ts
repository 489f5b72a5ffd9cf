import { parse, registerDynamicLanguage, type SgNode } from '@ast-grep/napi';
import python from '@ast-grep/lang-python';
import type { ParseFailure } from '../check-source.js';

let registered = false;

/** The grammar is a native library loaded once per thread that parses (main thread or worker). */
function ensureRegistered(): void {
  if (registered) return;
  registerDynamicLanguage({ python });
  registered = true;
}

/**
 * tree-sitter always returns a tree: a syntax error shows as an ERROR node, or as a token the parser
 * had to invent (a MISSING node, which has no text; an empty file is an empty module, and valid).
 * Either means the file is not valid Python.
 */
const brokenSyntax = { rule: { any: [{ kind: 'ERROR' }, { regex: '^$', not: { kind: 'module' } }] } };

function failureAt(node: SgNode): ParseFailure {
  const { start } = node.range();
  const missing = node.text() === '';
  return {
    message: missing ? `a "${node.kind()}" is missing here` : 'invalid Python syntax',
    line: start.line + 1,
    column: start.column + 1,
  };
}

/** Parses Python 3 (tree-sitter's grammar also reads Python 2 print/exec statements). */
export function parsePython(text: string): { root: SgNode } | { failure: ParseFailure } {
  ensureRegistered();
  const root = parse('python', text).root();
  const broken = root.find(brokenSyntax);
  return broken ? { failure: failureAt(broken) } : { root };
}

/** Why a fixed Python text is not valid, or undefined when it parses cleanly. */
export function pythonProblem(text: string): string | undefined {
  const parsed = parsePython(text);
  return 'failure' in parsed
    ? `the change would not parse as Python (line ${parsed.failure.line}: ${parsed.failure.message})`
    : undefined;
}
