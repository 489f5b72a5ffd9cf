/** Node helpers for TreeEdits: comparing a recast node with its original, and the file's written style. */

// recast and Babel nodes are compared field by field here: their static types do not help
export type AnyNode = any;

export const ignoredKeys = new Set([
  'loc',
  'start',
  'end',
  'range',
  'comments',
  'leadingComments',
  'trailingComments',
  'innerComments',
  'extra',
  'tokens',
  'original',
  'errors',
]);

export const isNode = (value: unknown): value is AnyNode =>
  typeof value === 'object' && value !== null && typeof (value as AnyNode).type === 'string';

/** Lists whose elements stand on their own lines (statements, class members). */
export const lineListKeys = new Set(['body', 'consequent', 'directives']);
/** Lists whose elements are separated by commas. */
export const commaListKeys = new Set([
  'arguments',
  'params',
  'elements',
  'properties',
  'specifiers',
  'declarations',
]);

export const statementEndingInSemicolon =
  /^(ExpressionStatement|VariableDeclaration|ReturnStatement|ThrowStatement|ImportDeclaration|ExportNamedDeclaration|ExportAllDeclaration|BreakStatement|ContinueStatement|DebuggerStatement|TSTypeAliasDeclaration)$/;

export function sameValue(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (left == null && right == null) return true;
  // ast-types fills in defaults Babel leaves out (`optional: false`)
  if (right === undefined && left === false) return true;
  if (typeof left !== 'object' || typeof right !== 'object' || left === null || right === null) return false;
  return JSON.stringify(left) === JSON.stringify(right);
}

export function keysOf(current: AnyNode, original: AnyNode): string[] {
  const keys = new Set([...Object.keys(current), ...Object.keys(original)]);
  return [...keys].filter((key) => !ignoredKeys.has(key));
}

/** An expression that binds more loosely than most places it can be put in, which then need parentheses. */
export function needsParens(parent: AnyNode, key: string, child: AnyNode): boolean {
  const type: string = child.type;
  if (parent.type === 'ExpressionStatement')
    return /^(Object|Function|Class)Expression$/.test(type) || type === 'ObjectPattern';
  if (parent.type === 'ArrowFunctionExpression' && key === 'body') return type === 'ObjectExpression';
  if (type === 'SequenceExpression') return true;
  if (
    !/^(Assignment|Conditional|Logical|Binary|ArrowFunction|Yield|Await|TSAs|TSSatisfies)Expression$/.test(
      type,
    )
  )
    return false;
  const free =
    key === 'arguments' ||
    key === 'elements' ||
    key === 'init' ||
    key === 'expressions' ||
    key === 'body' ||
    (key === 'value' && /^(ObjectProperty|ClassProperty|ClassPrivateProperty)$/.test(parent.type)) ||
    (key === 'right' && /^(AssignmentExpression|AssignmentPattern)$/.test(parent.type)) ||
    (key === 'test' && /^(IfStatement|WhileStatement|DoWhileStatement)$/.test(parent.type)) ||
    /^(ReturnStatement|ThrowStatement|SpreadElement|JSXExpressionContainer)$/.test(parent.type);
  return !free;
}

/** Raw texts of multi-line template quasis in a subtree: their lines must not be re-indented. */
export function multilineQuasis(node: AnyNode, found: string[] = []): string[] {
  if (!isNode(node)) return found;
  if (node.type === 'TemplateElement' && typeof node.value?.raw === 'string' && node.value.raw.includes('\n'))
    found.push(node.value.raw);
  for (const key of Object.keys(node)) {
    if (ignoredKeys.has(key)) continue;
    const value = node[key];
    if (Array.isArray(value)) value.forEach((item) => multilineQuasis(item, found));
    else if (isNode(value)) multilineQuasis(value, found);
  }
  return found;
}

/** Comments attached to nodes of a subtree that lie outside `[start, end)`: the file keeps them where they are. */
export function hideCommentsOutside(
  node: AnyNode,
  inside: (comment: AnyNode) => boolean,
  hidden: [AnyNode, AnyNode[]][],
): void {
  if (!isNode(node)) return;
  if (Array.isArray(node.comments)) {
    const kept = node.comments.filter(
      (comment: AnyNode) => typeof comment.start === 'number' && inside(comment),
    );
    if (kept.length !== node.comments.length) {
      hidden.push([node, node.comments]);
      node.comments = kept;
    }
  }
  for (const key of Object.keys(node)) {
    if (ignoredKeys.has(key)) continue;
    const value = node[key];
    if (Array.isArray(value)) value.forEach((item) => hideCommentsOutside(item, inside, hidden));
    else if (isNode(value)) hideCommentsOutside(value, inside, hidden);
  }
}

/** Literals, names, member reads, arrays and objects of them: no body, comment or multi-line template. */
export function isPlainData(node: AnyNode): boolean {
  if (!isNode(node)) return true;
  if (node.comments?.length) return false;
  if (/Statement|Function|Class|Block/.test(node.type)) return false;
  if (node.type === 'TemplateElement') return !String(node.value?.raw).includes('\n');
  return Object.keys(node).every((key) => {
    if (ignoredKeys.has(key)) return true;
    const value = node[key];
    return Array.isArray(value) ? value.every(isPlainData) : isPlainData(value);
  });
}

/** `{\n  a: [\n    1\n  ]\n}` as `{ a: [1] }` (only for plain data, whose strings hold no line break). */
export function onOneLine(code: string): string {
  return code
    .replace(/([[(])\s*\n\s*/g, '$1')
    .replace(/\s*\n\s*([\])])/g, '$1')
    .replace(/,?\s*\n\s*}/g, ' }')
    .replace(/\s*\n\s*/g, ' ');
}

export function columns(leading: string, tabWidth: number): number {
  let count = 0;
  for (const character of leading)
    count = character === '\t' ? count + tabWidth - (count % tabWidth) : count + 1;
  return count;
}

/**
 * How the parsed file writes statements and strings: whether most statements end with `;`, and the quote
 * most string literals use (comments and templates do not count). Statements and strings a fix adds follow.
 */
export function writtenStyle(
  program: AnyNode,
  text: string,
): { semicolons: boolean; quote: 'single' | 'double' } {
  let withSemicolon = 0;
  let without = 0;
  let single = 0;
  let double = 0;
  const visit = (node: AnyNode, parent: AnyNode | undefined) => {
    if (!isNode(node)) return;
    const inForHead =
      parent && /^For(In|Of)?Statement$/.test(parent.type) && node.type === 'VariableDeclaration';
    if (statementEndingInSemicolon.test(node.type) && !inForHead && typeof node.end === 'number') {
      if (text[node.end - 1] === ';') withSemicolon++;
      else without++;
    }
    if (node.type === 'StringLiteral' && typeof node.start === 'number') {
      if (text[node.start] === "'") single++;
      else if (text[node.start] === '"') double++;
    }
    for (const key of Object.keys(node)) {
      if (ignoredKeys.has(key)) continue;
      const value = node[key];
      if (Array.isArray(value)) value.forEach((item) => visit(item, node));
      else if (isNode(value)) visit(value, node);
    }
  };
  visit(program, undefined);
  return { semicolons: withSemicolon >= without, quote: double > single ? 'double' : 'single' };
}
