import type { Node } from '@babel/types';
import { VISITOR_KEYS } from '../../../src/engine/babel.js';
import {
  calleeName,
  findBinding,
  memberPath,
  staticValue,
  unwrap,
  type Binding,
} from '../../../src/engine/ast-utils.js';
import { constantFragmentList } from './built-values.js';
import type { SqlPiece } from './sql-text.js';

// Babel and recast nodes are read field by field here: a loose type keeps the matching readable
type AnyNode = any;

export interface SqlSource {
  pieces: SqlPiece<AnyNode>[];
  /** The template literal or `+` chain the pieces were read from. */
  node: AnyNode;
  how: 'interpolation' | 'concatenation';
}

function addText(pieces: SqlPiece<AnyNode>[], text: string): void {
  const last = pieces[pieces.length - 1];
  if (last?.kind === 'text') last.text += text;
  else pieces.push({ kind: 'text', text });
}

const numericCalls = new Set([
  'Number',
  'parseInt',
  'parseFloat',
  'BigInt',
  'Math.floor',
  'Math.ceil',
  'Math.round',
  'Math.trunc',
  'Math.min',
  'Math.max',
  'Math.abs',
  'Number.parseInt',
  'Number.parseFloat',
]);
/** `connection.escape(x)`, `escapeId`, `escapeLiteral`, `quoteIdentifier`, `this.escapePath(x)`, `quote_ident`... */
const escapeCalls = /^(escape|quote)[A-Za-z_]*$/i;
/** `ids.map(() => '?').join(',')`, `Array(n).fill('?')`, `` ids.map((_, i) => `$${i + 1}`) ``: a list of placeholders. */
const placeholderList =
  /(=>\s*['"`](\?|\$)|fill\(\s*['"`]\?|['"`]\?,?\s*['"`]\s*\)?\.repeat\(|['"`],?\s*\?['"`]\.repeat\()/;

/**
 * A value that cannot carry SQL: a number (`Number(x)`, `parseInt(x)`, `+x`, `.length`), a choice
 * between constants (`asc ? 'ASC' : 'DESC'`), a value passed through the driver's escaping function,
 * or a generated list of placeholders. Returns the text it stands for in the SQL, for reading context.
 */
export function harmlessText(
  node: AnyNode,
  ancestors: readonly Node[],
  text: string,
  depth = 0,
): string | undefined {
  const value: AnyNode = unwrap(node);
  if (depth > 4) return undefined;
  if (
    value.type === 'UnaryExpression' &&
    (value.operator === '+' || value.operator === '-' || value.operator === '~')
  )
    return '0';
  if (value.type === 'BinaryExpression' && ['|', '*', '/', '-', '%'].includes(value.operator)) return '0';
  if (value.type === 'CallExpression') {
    const callee = memberPath(value.callee);
    if (callee && numericCalls.has(callee)) return '0';
    const name = calleeName(value);
    if (name && escapeCalls.test(name)) return "'escaped'";
    // Handles: sets.join(', ') where sets only ever got 'col = ?' fragments (columns from a constant allowlist)
    const fragment = constantFragmentList(
      value,
      ancestors,
      (inner, innerAncestors) => harmlessText(inner, innerAncestors, text, depth + 1) !== undefined,
      (list) => isConstantList(list, ancestors),
    );
    if (fragment !== undefined) return fragment;
    // pg-format: format('... %L ... %I', value, name) escapes what it interpolates
    const pattern = value.arguments[0] && staticValue(value.arguments[0], ancestors)?.value;
    if (name === 'format' && typeof pattern === 'string' && /%[LI]/.test(pattern) && !/%s/.test(pattern))
      return "'escaped'";
  }
  if (
    (value.type === 'MemberExpression' || value.type === 'OptionalMemberExpression') &&
    !value.computed &&
    ['length', 'size'].includes(value.property.name)
  )
    return '0';
  const branch = (node: AnyNode) =>
    staticValue(node, ancestors)?.value ?? harmlessText(node, ancestors, text, depth + 1);
  // Handles: ascending ? 'ASC' : 'DESC'
  if (value.type === 'ConditionalExpression') {
    const consequent = branch(value.consequent);
    if (consequent !== undefined && branch(value.alternate) !== undefined) return String(consequent);
    // Handles: SORTABLE.includes(sort) ? sort : 'created_at', the allowlist the fix hint asks for
    const allowed = allowlisted(value.test, ancestors);
    const source = (node: AnyNode) => text.slice(unwrap(node).start ?? 0, unwrap(node).end ?? 0);
    if (allowed && source(allowed.checked) === source(allowed.negated ? value.alternate : value.consequent)) {
      const fallback = branch(allowed.negated ? value.consequent : value.alternate);
      if (fallback !== undefined) return String(fallback);
    }
  }
  // Handles: Number(offset) || 0, parseInt(limit, 10) ?? 20: either side is the result
  if (value.type === 'LogicalExpression') {
    const left = branch(value.left);
    if (left !== undefined && branch(value.right) !== undefined) return String(left);
  }
  const source = typeof value.start === 'number' ? text.slice(value.start, value.end) : '';
  if (placeholderList.test(source)) return '?';
  if (value.type === 'Identifier') {
    const binding = findBinding(value.name, ancestors);
    const assignments = binding ? assignmentsTo(value.name, binding.scope) : [];
    if ((binding?.kind === 'const' || binding?.kind === 'let') && binding.init && assignments.length === 0)
      return harmlessText(binding.init, ancestors, text, depth + 1);
    // Handles: for (const constraintName of CONSTRAINT_NAMES), a loop over a constant list
    const loop = binding?.scope as AnyNode | undefined;
    if (
      loop?.type === 'ForOfStatement' &&
      assignments.length === 0 &&
      loop.left.type === 'VariableDeclaration' &&
      loop.left.declarations[0]?.id.type === 'Identifier' &&
      isConstantList(loop.right, ancestors)
    )
      return constantListFirst(loop.right, ancestors);
    // Handles: let tableName; tableName = 'users'; ... tableName = 'groups', only ever given constants
    if (
      (binding?.kind === 'let' || binding?.kind === 'var') &&
      loop?.type !== 'ForOfStatement' &&
      loop?.type !== 'ForInStatement' &&
      binding.node.type === 'VariableDeclarator' &&
      binding.node.id.type === 'Identifier' &&
      assignments.length > 0
    ) {
      const values = [
        binding.init,
        ...assignments.map((assignment) => (assignment.operator === '=' ? assignment.right : undefined)),
      ];
      const constants = values.map((candidate, index) =>
        candidate === undefined
          ? index === 0
            ? { value: '' }
            : undefined
          : staticValue(candidate, ancestors),
      );
      if (constants.every(Boolean)) return String(constants.find((constant, index) => index > 0)!.value);
    }
  }
  return undefined;
}

/** The first value of a constant list, for reading the SQL around it. */
function constantListFirst(node: AnyNode, ancestors: readonly Node[], depth = 0): string {
  const n = unwrap(node);
  if (depth > 2) return '';
  if (n.type === 'ArrayExpression') return String(staticValue(n.elements[0], ancestors)?.value ?? '');
  if (n.type === 'NewExpression') return constantListFirst(n.arguments[0], ancestors, depth + 1);
  if (n.type === 'Identifier') {
    const init = findBinding(n.name, ancestors)?.init;
    return init ? constantListFirst(init, ancestors, depth + 1) : '';
  }
  return '';
}

/** A constant list: `['a', 'b']`, or a never-reassigned const holding one (or `new Set([...])` of one). */
function isConstantList(node: AnyNode, ancestors: readonly Node[], depth = 0): boolean {
  const n = unwrap(node);
  if (depth > 2) return false;
  if (n.type === 'ArrayExpression')
    return n.elements.length > 0 && n.elements.every((e: AnyNode) => e && staticValue(e, ancestors));
  if (n.type === 'NewExpression' && memberPath(n.callee) === 'Set' && n.arguments.length === 1)
    return isConstantList(n.arguments[0], ancestors, depth + 1);
  if (n.type === 'CallExpression' && memberPath(n.callee) === 'Object.keys' && n.arguments.length === 1) {
    const object = unwrap(n.arguments[0]);
    if (object.type !== 'Identifier') return false;
    const binding = findBinding(object.name, ancestors);
    return (
      binding?.kind === 'const' && Boolean(binding.init) && unwrap(binding.init!).type === 'ObjectExpression'
    );
  }
  if (n.type === 'Identifier') {
    const binding = findBinding(n.name, ancestors);
    return (
      binding?.kind === 'const' &&
      Boolean(binding.init) &&
      assignmentsTo(n.name, binding.scope).length === 0 &&
      isConstantList(binding.init, ancestors, depth + 1)
    );
  }
  return false;
}

/** `LIST.includes(x)` / `SET.has(x)` over a constant list, possibly negated: `x` is checked against it. */
function allowlisted(
  test: AnyNode,
  ancestors: readonly Node[],
): { checked: AnyNode; negated: boolean } | undefined {
  let node = unwrap(test);
  let negated = false;
  if (node.type === 'UnaryExpression' && node.operator === '!') {
    node = unwrap(node.argument);
    negated = true;
  }
  if (
    node.type !== 'CallExpression' ||
    node.callee.type !== 'MemberExpression' ||
    !['includes', 'has'].includes(calleeName(node) ?? '') ||
    node.arguments.length !== 1 ||
    !isConstantList(node.callee.object, ancestors)
  )
    return undefined;
  return { checked: node.arguments[0], negated };
}

function classify(
  pieces: SqlPiece<AnyNode>[],
  expression: AnyNode,
  ancestors: readonly Node[],
  text: string,
): void {
  const constant = staticValue(expression, ancestors);
  if (constant) return void pieces.push({ kind: 'constant', text: String(constant.value), expression });
  const harmless = harmlessText(expression, ancestors, text);
  if (harmless !== undefined) return void pieces.push({ kind: 'constant', text: harmless, expression });
  pieces.push({ kind: 'value', expression });
}

function addOperand(
  pieces: SqlPiece<AnyNode>[],
  operand: AnyNode,
  ancestors: readonly Node[],
  text: string,
): boolean {
  const node = unwrap(operand);
  if (node.type === 'StringLiteral') {
    addText(pieces, node.value);
    return true;
  }
  if (node.type === 'TemplateLiteral') return addTemplate(pieces, node, ancestors, text);
  if (node.type === 'BinaryExpression' && node.operator === '+')
    return addOperand(pieces, node.left, ancestors, text) && addOperand(pieces, node.right, ancestors, text);
  classify(pieces, operand, ancestors, text);
  return true;
}

function addTemplate(
  pieces: SqlPiece<AnyNode>[],
  template: AnyNode,
  ancestors: readonly Node[],
  text: string,
): boolean {
  template.quasis.forEach((quasi: AnyNode, index: number) => {
    addText(pieces, quasi.value.cooked ?? quasi.value.raw);
    const expression = template.expressions[index];
    if (expression) classify(pieces, expression, ancestors, text);
  });
  return true;
}

/** The pieces of a template literal or `+` chain; undefined for anything else (a call, a parameter...). */
export function sqlSource(
  expression: AnyNode,
  ancestors: readonly Node[],
  text: string,
): SqlSource | undefined {
  const node = unwrap(expression);
  const pieces: SqlPiece<AnyNode>[] = [];
  if (node.type === 'TemplateLiteral') {
    addTemplate(pieces, node, ancestors, text);
    return { pieces, node, how: 'interpolation' };
  }
  if (node.type === 'StringLiteral')
    return { pieces: [{ kind: 'text', text: node.value }], node, how: 'concatenation' };
  if (node.type === 'BinaryExpression' && node.operator === '+') {
    addOperand(pieces, node, ancestors, text);
    return { pieces, node, how: 'concatenation' };
  }
  return undefined;
}

export function hasValue(source: SqlSource | undefined): boolean {
  return Boolean(source?.pieces.some((piece) => piece.kind === 'value'));
}

/** Every node under `root` (depth first), for the few whole-scope questions a rule asks. */
export function* descendants(root: AnyNode): Generator<AnyNode> {
  const stack: AnyNode[] = [root];
  while (stack.length) {
    const node = stack.pop()!;
    yield node;
    for (const key of VISITOR_KEYS[node.type] ?? []) {
      const child = node[key];
      if (Array.isArray(child)) {
        for (let index = child.length - 1; index >= 0; index--)
          if (child[index] && typeof child[index].type === 'string') stack.push(child[index]);
      } else if (child && typeof child.type === 'string') stack.push(child);
    }
  }
}

/** The assignments (`x = ...`, `x += ...`, `x++`) to a name inside a scope. */
export function assignmentsTo(name: string, scope: AnyNode): AnyNode[] {
  const found: AnyNode[] = [];
  for (const node of descendants(scope)) {
    if (node.type === 'AssignmentExpression' && node.left.type === 'Identifier' && node.left.name === name)
      found.push(node);
    if (
      node.type === 'UpdateExpression' &&
      node.argument.type === 'Identifier' &&
      node.argument.name === name
    )
      found.push(node);
  }
  return found;
}

/** How many times an identifier is read in a scope (object keys and `.name` accesses do not count). */
export function referenceCount(name: string, scope: AnyNode): number {
  let count = 0;
  for (const node of descendants(scope)) {
    for (const key of VISITOR_KEYS[node.type] ?? []) {
      const child = node[key];
      const children: AnyNode[] = Array.isArray(child) ? child : child ? [child] : [];
      for (const item of children) {
        if (item?.type !== 'Identifier' || item.name !== name) continue;
        if (
          (node.type === 'MemberExpression' || node.type === 'OptionalMemberExpression') &&
          key === 'property' &&
          !node.computed
        )
          continue;
        if (
          (node.type === 'ObjectProperty' || node.type === 'ObjectMethod') &&
          key === 'key' &&
          !node.computed
        )
          continue;
        if (node.type === 'VariableDeclarator' && key === 'id') continue;
        count++;
      }
    }
  }
  return count;
}

/** `a`, `a.b.c`, `a['b']`, literals, and templates of those: reads with no side effects. */
export function isPlainRead(node: AnyNode): boolean {
  const value = unwrap(node);
  switch (value.type) {
    case 'Identifier':
    case 'StringLiteral':
    case 'NumericLiteral':
    case 'BooleanLiteral':
    case 'NullLiteral':
    case 'ThisExpression':
      return true;
    case 'MemberExpression':
    case 'OptionalMemberExpression':
      return isPlainRead(value.object) && (!value.computed || isPlainRead(value.property));
    case 'TemplateLiteral':
      return value.expressions.every(isPlainRead);
    default:
      return false;
  }
}

/** The identifiers an expression reads at its root (`req` for `req.body.name`). */
export function rootNames(node: AnyNode, out: string[] = []): string[] {
  const value = unwrap(node);
  if (value.type === 'Identifier') out.push(value.name);
  else if (value.type === 'MemberExpression' || value.type === 'OptionalMemberExpression') {
    rootNames(value.object, out);
    if (value.computed) rootNames(value.property, out);
  } else if (value.type === 'TemplateLiteral')
    for (const expression of value.expressions) rootNames(expression, out);
  return out;
}

/** A variable holding SQL text: its binding and where its text was built. */
export interface SqlVariable {
  name: string;
  binding: Binding;
  source?: SqlSource;
  /** Assignments after the declaration (`sql += ...`): the text is built across statements. */
  assignments: AnyNode[];
}

export function sqlVariable(
  identifier: AnyNode,
  ancestors: readonly Node[],
  text: string,
): SqlVariable | undefined {
  const binding = findBinding(identifier.name, ancestors);
  if (!binding || !['const', 'let', 'var'].includes(binding.kind)) return undefined;
  const assignments = binding.kind === 'const' ? [] : assignmentsTo(identifier.name, binding.scope);
  const source = binding.init ? sqlSource(binding.init, ancestors, text) : undefined;
  return { name: identifier.name, binding, source, assignments };
}
