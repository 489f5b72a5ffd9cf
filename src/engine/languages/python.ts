import { createRequire } from 'node:module';
import type { SgNode } from '@ast-grep/napi';
import type { ParseFailure } from '../check-source.js';

type AstGrep = typeof import('@ast-grep/napi');
let astGrep: AstGrep | undefined;

/**
 * The native parser and the grammar load on the first Python parse, once per thread that parses (main
 * thread or worker): a run over JavaScript only never pays their start-up (about 0.1 s).
 */
function loaded(): AstGrep {
  if (astGrep) return astGrep;
  const require = createRequire(import.meta.url);
  const napi = require('@ast-grep/napi') as AstGrep;
  napi.registerDynamicLanguage({ python: require('@ast-grep/lang-python') });
  astGrep = napi;
  return napi;
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
  const root = loaded().parse('python', text).root();
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
