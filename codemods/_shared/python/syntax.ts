import type { SgNode } from '@ast-grep/napi';
import type { TextEdit, TextReport } from '../../../src/engine/rule.js';
import type { PythonContext } from '../../../src/engine/languages/python-detector.js';
import { isTestPath, relativeToRoot } from '../secrets/paths.js';

/**
 * What the Python detectors read off the tree-sitter-python tree that @ast-grep/napi gives them: literal
 * values, dotted names, call arguments, and reports and edits in the engine's TextReport / TextEdit shapes.
 */

/** `(x)` -> `x`, as often as it is wrapped. */
export function unwrap(node: SgNode): SgNode {
  let current = node;
  while (current.kind() === 'parenthesized_expression') {
    const inner = current.namedChildren().find((child) => child.kind() !== 'comment');
    if (!inner) break;
    current = inner;
  }
  return current;
}

const simpleEscapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"' };

/**
 * The value of a string literal, or undefined when part of it is computed (an f-string's `{x}`). Adjacent
 * literals (`"a" "b"`) are joined, as Python does.
 */
export function stringValue(node: SgNode | null | undefined): string | undefined {
  if (!node) return undefined;
  const literal = unwrap(node);
  if (literal.kind() === 'concatenated_string') {
    const parts = literal
      .namedChildren()
      .filter((child) => child.kind() !== 'comment')
      .map(stringValue);
    return parts.every((part) => part !== undefined) ? parts.join('') : undefined;
  }
  if (literal.kind() !== 'string') return undefined;
  const children = literal.children();
  if (children.some((child) => child.kind() === 'interpolation')) return undefined;
  const start = children.find((child) => child.kind() === 'string_start');
  const end = children.find((child) => child.kind() === 'string_end');
  if (!start || !end) return undefined;
  const text = literal.getRoot().root().text();
  const body = text.slice(start.range().end.index, end.range().start.index);
  if (/r/i.test(start.text())) return body;
  return body.replace(/\\(.)/gs, (escape, character: string) => simpleEscapes[character] ?? escape);
}

/** True for a string literal with an f-string interpolation (`f"token {token}"`). */
export function isFormattedString(node: SgNode): boolean {
  return node.kind() === 'string' && node.children().some((child) => child.kind() === 'interpolation');
}

/** `settings.jwt.secret` for attributes and names; `get_logger()` ends in `()`; undefined for anything else. */
export function dottedName(node: SgNode | null | undefined): string | undefined {
  if (!node) return undefined;
  const target = unwrap(node);
  switch (target.kind()) {
    case 'identifier':
      return target.text();
    case 'attribute': {
      const object = dottedName(target.field('object'));
      const attribute = target.field('attribute')?.text();
      return object && attribute ? `${object}.${attribute}` : undefined;
    }
    case 'call': {
      const callee = dottedName(target.field('function'));
      return callee ? `${callee}()` : undefined;
    }
    default:
      return undefined;
  }
}

/** The last segment of a dotted name: `hashlib.md5` -> `md5`. */
export function lastName(name: string | undefined): string | undefined {
  return name?.split('.').at(-1);
}

export function calleeName(call: SgNode): string | undefined {
  return dottedName(call.field('function'));
}

function argumentNodes(call: SgNode): SgNode[] {
  const list = call.field('arguments');
  if (!list || list.kind() !== 'argument_list') return [];
  return list.namedChildren().filter((child) => child.kind() !== 'comment');
}

/** Positional arguments, up to the first `*args` (after it positions are unknown). */
export function positionalArguments(call: SgNode): SgNode[] {
  const positional: SgNode[] = [];
  for (const argument of argumentNodes(call)) {
    if (argument.kind() === 'list_splat' || argument.kind() === 'dictionary_splat') break;
    if (argument.kind() !== 'keyword_argument') positional.push(argument);
  }
  return positional;
}

/** The value of `name=...` in a call. */
export function keywordArgument(call: SgNode, name: string): SgNode | undefined {
  for (const argument of argumentNodes(call))
    if (argument.kind() === 'keyword_argument' && argument.field('name')?.text() === name)
      return argument.field('value') ?? undefined;
  return undefined;
}

export function keywordArguments(call: SgNode): { name: string; value: SgNode }[] {
  return argumentNodes(call).flatMap((argument) => {
    if (argument.kind() !== 'keyword_argument') return [];
    const name = argument.field('name')?.text();
    const value = argument.field('value');
    return name && value ? [{ name, value }] : [];
  });
}

/** The argument at a position, or under its keyword (`hashpw(password, salt)` / `hashpw(password=...)`). */
export function argumentAt(call: SgNode, index: number, keyword?: string): SgNode | undefined {
  return positionalArguments(call)[index] ?? (keyword ? keywordArgument(call, keyword) : undefined);
}

/** Every descendant of a kind, the node itself included. */
export function nodesOfKind(root: SgNode, kind: string): SgNode[] {
  return root.findAll({ rule: { kind } });
}

/** The class or function the node sits in, nearest first. */
export function enclosing(
  node: SgNode,
  kind: 'class_definition' | 'function_definition',
): SgNode | undefined {
  return node.ancestors().find((ancestor) => ancestor.kind() === kind);
}

/** The names of a class's bases: `class Settings(BaseSettings)` -> [`BaseSettings`]. */
export function baseNames(classNode: SgNode): string[] {
  const bases = classNode.field('superclasses');
  if (!bases) return [];
  return bases.namedChildren().flatMap((base) => {
    const name = dottedName(base);
    return name ? [name] : [];
  });
}

/** The decorators of a function or class definition (`@app.websocket("/ws")` -> its expression). */
export function decoratorsOf(definition: SgNode): SgNode[] {
  const parent = definition.parent();
  if (!parent || parent.kind() !== 'decorated_definition') return [];
  return parent
    .children()
    .filter((child) => child.kind() === 'decorator')
    .flatMap((decorator) => decorator.namedChildren().filter((child) => child.kind() !== 'comment'));
}

/** 1-based line and column of an offset, columns in UTF-16 code units like the JS rules'. */
export function positionAt(text: string, index: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let at = text.indexOf('\n'); at !== -1 && at < index; at = text.indexOf('\n', at + 1)) {
    line += 1;
    lineStart = at + 1;
  }
  return { line, column: index - lineStart + 1 };
}

/** A TextReport spanning a node. */
export function reportOf(
  context: PythonContext,
  node: SgNode,
  message: string,
  remedy: { fix: TextEdit[]; note?: string } | { unfixableReason: string } | Record<string, never> = {},
): TextReport {
  const start = positionAt(context.text, node.range().start.index);
  const end = positionAt(context.text, node.range().end.index);
  return {
    line: start.line,
    column: start.column,
    endLine: end.line,
    endColumn: end.column,
    message,
    ...remedy,
  };
}

export function replaceNode(node: SgNode, text: string): TextEdit {
  return { start: node.range().start.index, end: node.range().end.index, text };
}

/** Test modules by Python's conventions (pytest, unittest) besides the shared test folders. */
const pythonTestFile = /(?:^|\/)(?:test_[^/]*|[^/]*_tests?|conftest)\.py$/;

export function isPythonTestPath(context: PythonContext): boolean {
  return isPythonTestFile(context.file, context.project.root);
}

export function isPythonTestFile(file: string, root: string): boolean {
  const path = relativeToRoot(file, root);
  return isTestPath(path) || pythonTestFile.test(path);
}

/** Module-level `import x` / `import x as y` / `from x import y`: the local name of each imported module. */
export function importedNames(root: SgNode): Map<string, string> {
  const names = new Map<string, string>();
  for (const statement of root.children()) {
    if (statement.kind() === 'import_statement') {
      for (const child of statement.namedChildren()) {
        if (child.kind() === 'dotted_name') names.set(child.text(), child.text());
        if (child.kind() === 'aliased_import') {
          const module = child.field('name')?.text();
          const alias = child.field('alias')?.text();
          if (module && alias) names.set(alias, module);
        }
      }
    }
    if (statement.kind() === 'import_from_statement') {
      const module = statement.field('module_name')?.text();
      if (!module) continue;
      for (const child of statement.fieldChildren('name')) {
        if (child.kind() === 'dotted_name') names.set(child.text(), `${module}.${child.text()}`);
        if (child.kind() === 'aliased_import') {
          const name = child.field('name')?.text();
          const alias = child.field('alias')?.text();
          if (name && alias) names.set(alias, `${module}.${name}`);
        }
      }
    }
  }
  return names;
}

/** The full dotted name a local name stands for, through the module's imports (`md5` -> `hashlib.md5`). */
export function resolveName(name: string | undefined, imports: Map<string, string>): string | undefined {
  if (!name) return undefined;
  const [head, ...rest] = name.split('.');
  const module = imports.get(head);
  return module ? [module, ...rest].join('.') : name;
}

/** Every module path the file imports from (`fastapi.middleware.cors`, `slowapi`), nested imports included. */
export function importedModules(root: SgNode): string[] {
  const modules: string[] = [];
  for (const statement of root.findAll({
    rule: { any: [{ kind: 'import_statement' }, { kind: 'import_from_statement' }] },
  })) {
    if (statement.kind() === 'import_from_statement') {
      const module = statement.field('module_name')?.text();
      if (module) modules.push(module);
      continue;
    }
    for (const child of statement.namedChildren()) {
      if (child.kind() === 'dotted_name') modules.push(child.text());
      if (child.kind() === 'aliased_import' && child.field('name')) modules.push(child.field('name')!.text());
    }
  }
  return modules;
}
