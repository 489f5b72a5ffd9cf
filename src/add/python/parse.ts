import { parse, registerDynamicLanguage, type SgNode } from '@ast-grep/napi';
import python from '@ast-grep/lang-python';

let registered = false;

/** The Python tree of `text` (tree-sitter through @ast-grep/napi: prebuilt, no compiler, no interpreter needed). */
export function parsePython(text: string): SgNode {
  if (!registered) {
    registerDynamicLanguage({ python });
    registered = true;
  }
  return parse('python', text).root();
}

/** The first syntax error in a Python file, as a 1-based line, or undefined when it parses cleanly. */
export function pythonSyntaxError(text: string): number | undefined {
  const error = parsePython(text).find({ rule: { kind: 'ERROR' } });
  return error ? error.range().start.line + 1 : undefined;
}
