import type { Node } from '@babel/types';
import { VISITOR_KEYS } from '../babel.js';

type AnyNode = Node & Record<string, any>;

/** A module-level statement that reads a binding declared further down (a TDZ ReferenceError at load). */
export interface EarlyUse {
  name: string;
  line: number;
  declaredLine: number;
}

/** Code that does not run while the module loads: its uses cannot hit the TDZ at load time. */
const deferred = new Set([
  'FunctionDeclaration',
  'FunctionExpression',
  'ArrowFunctionExpression',
  'ObjectMethod',
  'ClassMethod',
  'ClassPrivateMethod',
  'ClassBody',
  'ImportDeclaration',
  'TSInterfaceDeclaration',
  'TSTypeAliasDeclaration',
  'TSDeclareFunction',
  'TSModuleDeclaration',
  'TSEnumDeclaration',
  'TSTypeAnnotation',
  'TSTypeParameterInstantiation',
  'TSTypeParameterDeclaration',
]);

function isRequireCall(node: AnyNode | null | undefined): boolean {
  if (!node) return false;
  if (node.type === 'MemberExpression') return isRequireCall(node.object);
  if (node.type === 'AwaitExpression' || node.type === 'TSAsExpression')
    return isRequireCall(node.expression);
  return (
    node.type === 'CallExpression' && node.callee.type === 'Identifier' && node.callee.name === 'require'
  );
}

function patternNames(pattern: AnyNode | null | undefined, names: string[] = []): string[] {
  if (!pattern) return names;
  switch (pattern.type) {
    case 'Identifier':
      names.push(pattern.name);
      break;
    case 'ObjectPattern':
      for (const property of pattern.properties)
        patternNames(property.type === 'RestElement' ? property.argument : property.value, names);
      break;
    case 'ArrayPattern':
      for (const element of pattern.elements) patternNames(element, names);
      break;
    case 'AssignmentPattern':
      patternNames(pattern.left, names);
      break;
    case 'RestElement':
      patternNames(pattern.argument, names);
      break;
  }
  return names;
}

/** Names a module-level statement declares that are unusable before it runs: const, let, class, `var x = require()`. */
function lateBindings(statement: AnyNode): string[] {
  const declaration =
    statement.type === 'ExportNamedDeclaration' || statement.type === 'ExportDefaultDeclaration'
      ? statement.declaration
      : statement;
  if (!declaration) return [];
  if (declaration.type === 'ClassDeclaration' && declaration.id) return [declaration.id.name];
  if (declaration.type !== 'VariableDeclaration') return [];
  return declaration.declarations.flatMap((declarator: AnyNode) =>
    declaration.kind !== 'var' || isRequireCall(declarator.init) ? patternNames(declarator.id) : [],
  );
}

/** Whether the identifier at `key` of `parent` reads a binding (not a property name, label or declaration). */
function isRead(parent: AnyNode, key: string): boolean {
  switch (parent.type) {
    case 'MemberExpression':
    case 'OptionalMemberExpression':
    case 'JSXMemberExpression':
      return key !== 'property' || parent.computed;
    case 'ObjectProperty':
    case 'ClassProperty':
    case 'ClassPrivateProperty':
      return key !== 'key' || parent.computed;
    case 'VariableDeclarator':
      return key !== 'id';
    case 'LabeledStatement':
    case 'BreakStatement':
    case 'ContinueStatement':
    case 'CatchClause':
    case 'ExportSpecifier':
    case 'MetaProperty':
      return false;
    default:
      return true;
  }
}

function collectReads(node: AnyNode, parent: AnyNode | undefined, key: string, found: AnyNode[]): void {
  if (deferred.has(node.type)) return;
  if (node.type === 'Identifier') {
    if (!parent || isRead(parent, key)) found.push(node);
    return;
  }
  // `export { a }` is a live binding, read later by importers.
  if (node.type === 'ExportNamedDeclaration' && !node.declaration) return;
  for (const childKey of VISITOR_KEYS[node.type] ?? []) {
    const child = node[childKey];
    if (Array.isArray(child)) {
      for (const item of child)
        if (item && typeof item.type === 'string') collectReads(item, node, childKey, found);
    } else if (child && typeof child.type === 'string') collectReads(child, node, childKey, found);
  }
}

/** Every read, at module level, of a const/let/class/require binding declared by a later statement. */
export function earlyUses(program: Node): EarlyUse[] {
  const body = (program as AnyNode).body as AnyNode[];
  const declaredAt = new Map<string, number>();
  body.forEach((statement, index) => {
    for (const name of lateBindings(statement)) if (!declaredAt.has(name)) declaredAt.set(name, index);
  });
  const uses: EarlyUse[] = [];
  body.forEach((statement, index) => {
    const reads: AnyNode[] = [];
    collectReads(statement, undefined, '', reads);
    for (const read of reads) {
      const declared = declaredAt.get(read.name);
      if (declared === undefined || declared <= index) continue;
      uses.push({
        name: read.name,
        line: read.loc?.start.line ?? 1,
        declaredLine: body[declared].loc?.start.line ?? 1,
      });
    }
  });
  return uses;
}

/** The early uses in `after` that `before` did not have (counted per name, since lines move). */
export function newEarlyUses(before: readonly EarlyUse[], after: readonly EarlyUse[]): EarlyUse[] {
  const remaining = new Map<string, number>();
  for (const use of before) remaining.set(use.name, (remaining.get(use.name) ?? 0) + 1);
  return after.filter((use) => {
    const left = remaining.get(use.name) ?? 0;
    remaining.set(use.name, left - 1);
    return left <= 0;
  });
}
