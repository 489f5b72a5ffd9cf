import type { SgNode } from '@ast-grep/napi';
import type { TextReport } from '../rule.js';

/** Where a node is, as a text report wants it (1-based lines and columns). */
export function at(node: SgNode): Pick<TextReport, 'line' | 'column' | 'endLine' | 'endColumn'> {
  const { start, end } = node.range();
  return { line: start.line + 1, column: start.column + 1, endLine: end.line + 1, endColumn: end.column + 1 };
}

/** `cur.execute` -> `cur.execute`; `jwt.decode` -> `jwt.decode`; anything else (a call's result) -> undefined. */
export function dottedName(node: SgNode | null): string | undefined {
  if (!node) return undefined;
  if (node.kind() === 'identifier') return node.text();
  if (node.kind() !== 'attribute') return undefined;
  const object = dottedName(node.field('object'));
  const attribute = node.field('attribute')?.text();
  return object && attribute ? `${object}.${attribute}` : undefined;
}

/** The method or function name a call ends with: `execute` for `db.cursor().execute(...)`. */
export function calleeName(call: SgNode): string | undefined {
  const callee = call.field('function');
  if (!callee) return undefined;
  if (callee.kind() === 'identifier') return callee.text();
  if (callee.kind() === 'attribute') return callee.field('attribute')?.text();
  return undefined;
}

/** A call's arguments: positional ones in order, keyword ones by name (`**kwargs` and `*args` make it `open`). */
export function callArguments(call: SgNode): {
  positional: SgNode[];
  keywords: Map<string, SgNode>;
  /** `*args` or `**kwargs`: more arguments than the source shows. */
  open: boolean;
  list: SgNode | null;
} {
  const list = call.field('arguments');
  const positional: SgNode[] = [];
  const keywords = new Map<string, SgNode>();
  let open = false;
  for (const child of list?.namedChildren() ?? []) {
    const kind = child.kind();
    if (kind === 'comment') continue;
    if (kind === 'keyword_argument') {
      const name = child.field('name')?.text();
      const value = child.field('value');
      if (name && value) keywords.set(name, value);
    } else if (kind === 'list_splat' || kind === 'dictionary_splat') open = true;
    else positional.push(child);
  }
  return { positional, keywords, open, list };
}

/** The body of a plain string literal (no f-string interpolation, no implicit concatenation), unescaped for simple cases. */
export function stringValue(node: SgNode | null): string | undefined {
  if (!node || node.kind() !== 'string') return undefined;
  if (node.children().some((child) => child.kind() === 'interpolation')) return undefined;
  const start =
    node
      .children()
      .find((child) => child.kind() === 'string_start')
      ?.text() ?? '';
  if (/[bf]/i.test(start)) return undefined;
  return node
    .children()
    .filter((child) => child.kind() === 'string_content' || child.kind() === 'escape_sequence')
    .map((child) => child.text())
    .join('');
}

/** Names the file imports, as `module` or `module.member` (`from jose import jwt` gives `jose.jwt`), by local name. */
export function importedNames(root: SgNode): Map<string, string> {
  const names = new Map<string, string>();
  for (const statement of root.findAll({ rule: { kind: 'import_statement' } }))
    for (const child of statement.namedChildren()) {
      if (child.kind() === 'dotted_name') names.set(child.text().split('.')[0], child.text().split('.')[0]);
      else if (child.kind() === 'aliased_import') {
        const alias = child.field('alias')?.text();
        const name = child.field('name')?.text();
        if (alias && name) names.set(alias, name);
      }
    }
  for (const statement of root.findAll({ rule: { kind: 'import_from_statement' } })) {
    const module = statement.field('module_name')?.text();
    if (!module) continue;
    for (const child of statement.fieldChildren('name')) {
      if (child.kind() === 'dotted_name') names.set(child.text(), `${module}.${child.text()}`);
      else if (child.kind() === 'aliased_import') {
        const alias = child.field('alias')?.text();
        const name = child.field('name')?.text();
        if (alias && name) names.set(alias, `${module}.${name}`);
      }
    }
  }
  return names;
}

/** A dotted name with its first part resolved through the file's imports: `jwt.decode` -> `jose.jwt.decode`. */
export function resolvedName(
  name: string | undefined,
  imports: ReadonlyMap<string, string>,
): string | undefined {
  if (!name) return undefined;
  const [first, ...rest] = name.split('.');
  const module = imports.get(first);
  return module ? [module, ...rest].join('.') : undefined;
}

/** The function (or the module) a node is in. */
export function enclosingScope(node: SgNode): SgNode {
  return (
    node.ancestors().find((ancestor) => ancestor.kind() === 'function_definition') ?? node.getRoot().root()
  );
}

/** Statements' indentation: the text from the line start up to the node. */
export function indentOf(node: SgNode, text: string): string {
  const index = node.range().start.index;
  const lineStart = text.lastIndexOf('\n', index - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart, index))![0];
}

/** `origins = ["*"]` at module level, for a use such as `allow_origins=origins`: the last assignment before the use. */
export function moduleAssignedValue(name: SgNode, root: SgNode): SgNode | undefined {
  if (name.kind() !== 'identifier') return undefined;
  const before = name.range().start.index;
  const assignments = root
    .children()
    .map((statement) => statement.child(0))
    .filter(
      (node): node is SgNode =>
        node?.kind() === 'assignment' &&
        node.field('left')?.text() === name.text() &&
        node.range().end.index < before,
    );
  return assignments.at(-1)?.field('right') ?? undefined;
}
