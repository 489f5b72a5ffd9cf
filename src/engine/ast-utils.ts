import type { Node } from '@babel/types';

/**
 * Small helpers over the Babel AST shared by the rules. They take the live ancestors array of the
 * visitor call, so scope questions are answered without a second pass.
 */

type AnyNode = Node & Record<string, any>;

/** `a.b.c` for an Identifier or a chain of non-computed (or string-literal) member accesses. */
export function memberPath(node: Node | null | undefined): string | undefined {
  if (!node) return undefined;
  const n = node as AnyNode;
  if (n.type === 'Identifier') return n.name;
  if (n.type === 'ThisExpression') return 'this';
  if (n.type === 'Super') return 'super';
  if (n.type === 'TSNonNullExpression' || n.type === 'TSAsExpression' || n.type === 'ParenthesizedExpression')
    return memberPath(n.expression);
  if (n.type === 'MemberExpression' || n.type === 'OptionalMemberExpression') {
    const object = memberPath(n.object);
    const property = propertyKey(n.property, n.computed);
    return object !== undefined && property !== undefined ? `${object}.${property}` : undefined;
  }
  if (n.type === 'CallExpression' || n.type === 'OptionalCallExpression') {
    const callee = memberPath(n.callee);
    return callee === undefined ? undefined : `${callee}()`;
  }
  return undefined;
}

/** The last segment of a callee: `query` for `db.pool.query(...)`, `cors` for `cors(...)`. */
export function calleeName(call: Node): string | undefined {
  const callee = (call as AnyNode).callee as AnyNode | undefined;
  if (!callee) return undefined;
  if (callee.type === 'Identifier') return callee.name;
  if (callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression')
    return propertyKey(callee.property, callee.computed);
  return undefined;
}

function propertyKey(property: AnyNode, computed: boolean): string | undefined {
  if (!computed && property.type === 'Identifier') return property.name;
  if (property.type === 'StringLiteral') return property.value;
  if (!computed && property.type === 'PrivateName') return `#${property.id.name}`;
  return undefined;
}

/** The key of an object property or class member when it is static. */
export function propertyName(property: Node): string | undefined {
  const p = property as AnyNode;
  if (!('key' in p) || !p.key) return undefined;
  return propertyKey(p.key, Boolean(p.computed));
}

/** The `name: value` property of an object literal (the last one wins, as at run time). */
export function getProperty(object: Node, name: string): AnyNode | undefined {
  const o = object as AnyNode;
  if (o.type !== 'ObjectExpression') return undefined;
  let found: AnyNode | undefined;
  for (const property of o.properties as AnyNode[]) {
    if (
      (property.type === 'ObjectProperty' || property.type === 'ObjectMethod') &&
      propertyName(property) === name
    )
      found = property;
  }
  return found;
}

/** Strips TS-only wrappers and parentheses: `(x as string)!` is `x`. */
export function unwrap(node: Node): AnyNode {
  let n = node as AnyNode;
  while (
    n.type === 'TSAsExpression' ||
    n.type === 'TSNonNullExpression' ||
    n.type === 'TSSatisfiesExpression' ||
    n.type === 'TSTypeAssertion' ||
    n.type === 'ParenthesizedExpression'
  )
    n = n.expression;
  return n;
}

export type BindingKind = 'const' | 'let' | 'var' | 'param' | 'import' | 'function' | 'class' | 'catch';

export interface Binding {
  kind: BindingKind;
  /** The declaring node: a VariableDeclarator, an import specifier, a function, a parameter. */
  node: AnyNode;
  /** The initial value of a variable declarator, when it has one. */
  init?: AnyNode;
  /** The scope node (Program, function or block) the binding belongs to. */
  scope: AnyNode;
}

function patternNames(pattern: AnyNode | null | undefined, out: string[]): string[] {
  if (!pattern) return out;
  switch (pattern.type) {
    case 'Identifier':
      out.push(pattern.name);
      break;
    case 'ObjectPattern':
      for (const property of pattern.properties)
        patternNames(property.type === 'RestElement' ? property.argument : property.value, out);
      break;
    case 'ArrayPattern':
      for (const element of pattern.elements) patternNames(element, out);
      break;
    case 'AssignmentPattern':
      patternNames(pattern.left, out);
      break;
    case 'RestElement':
      patternNames(pattern.argument, out);
      break;
    case 'TSParameterProperty':
      patternNames(pattern.parameter, out);
      break;
  }
  return out;
}

function declarationIn(statement: AnyNode, name: string, scope: AnyNode): Binding | undefined {
  const s =
    statement.type === 'ExportNamedDeclaration' && statement.declaration ? statement.declaration : statement;
  if (s.type === 'VariableDeclaration') {
    for (const declarator of s.declarations) {
      if (patternNames(declarator.id, []).includes(name)) {
        const init = declarator.id.type === 'Identifier' ? (declarator.init ?? undefined) : undefined;
        return {
          kind: s.kind === 'const' ? 'const' : s.kind === 'let' ? 'let' : 'var',
          node: declarator,
          init,
          scope,
        };
      }
    }
  } else if ((s.type === 'FunctionDeclaration' || s.type === 'TSDeclareFunction') && s.id?.name === name) {
    return { kind: 'function', node: s, scope };
  } else if (s.type === 'ClassDeclaration' && s.id?.name === name) {
    return { kind: 'class', node: s, scope };
  } else if (s.type === 'ImportDeclaration') {
    for (const specifier of s.specifiers)
      if (specifier.local.name === name) return { kind: 'import', node: specifier, scope };
  }
  return undefined;
}

function statementsOf(scope: AnyNode): AnyNode[] {
  if (scope.type === 'Program' || scope.type === 'BlockStatement' || scope.type === 'StaticBlock')
    return scope.body;
  if (scope.type === 'SwitchCase') return scope.consequent;
  return [];
}

/**
 * Finds the declaration a name refers to, from the innermost enclosing scope outwards. `var` hoisting
 * and function parameters are handled; `with` and `eval` are not (nobody should rely on them).
 */
export function findBinding(name: string, ancestors: readonly Node[]): Binding | undefined {
  for (let index = ancestors.length - 1; index >= 0; index--) {
    const scope = ancestors[index] as AnyNode;
    for (const statement of statementsOf(scope)) {
      const binding = declarationIn(statement, name, scope);
      if (binding) return binding;
    }
    if (
      scope.type === 'FunctionDeclaration' ||
      scope.type === 'FunctionExpression' ||
      scope.type === 'ArrowFunctionExpression' ||
      scope.type === 'ObjectMethod' ||
      scope.type === 'ClassMethod' ||
      scope.type === 'ClassPrivateMethod'
    ) {
      for (const param of scope.params)
        if (patternNames(param, []).includes(name)) return { kind: 'param', node: param, scope };
      if (scope.type === 'FunctionExpression' && scope.id?.name === name)
        return { kind: 'function', node: scope, scope };
    }
    if (scope.type === 'CatchClause' && patternNames(scope.param, []).includes(name))
      return { kind: 'catch', node: scope.param as AnyNode, scope };
    if (scope.type === 'ForStatement' || scope.type === 'ForOfStatement' || scope.type === 'ForInStatement') {
      const declaration = scope.type === 'ForStatement' ? scope.init : scope.left;
      if (declaration?.type === 'VariableDeclaration') {
        const binding = declarationIn(declaration, name, scope);
        if (binding) return { ...binding, init: scope.type === 'ForStatement' ? binding.init : undefined };
      }
    }
  }
  return undefined;
}

export type StaticValue = { value: string | number | boolean | null };

/**
 * The compile-time value of an expression when it has one: literals, templates without expressions,
 * `+` of constants, and `const` identifiers initialised with constants. Anything else is undefined.
 */
export function staticValue(
  node: Node | null | undefined,
  ancestors: readonly Node[],
  depth = 0,
): StaticValue | undefined {
  if (!node || depth > 8) return undefined;
  const n = unwrap(node);
  switch (n.type) {
    case 'StringLiteral':
    case 'NumericLiteral':
    case 'BooleanLiteral':
      return { value: n.value };
    case 'NullLiteral':
      return { value: null };
    case 'TemplateLiteral': {
      let value = '';
      for (let index = 0; index < n.quasis.length; index++) {
        value += n.quasis[index].value.cooked ?? n.quasis[index].value.raw;
        if (index < n.expressions.length) {
          const part = staticValue(n.expressions[index], ancestors, depth + 1);
          if (!part) return undefined;
          value += String(part.value);
        }
      }
      return { value };
    }
    case 'BinaryExpression': {
      if (n.operator !== '+') return undefined;
      const left = staticValue(n.left, ancestors, depth + 1);
      const right = left && staticValue(n.right, ancestors, depth + 1);
      if (!left || !right) return undefined;
      return { value: (left.value as any) + (right.value as any) };
    }
    case 'Identifier': {
      const binding = findBinding(n.name, ancestors);
      if (binding?.kind !== 'const' || !binding.init) return undefined;
      return staticValue(binding.init, ancestors, depth + 1);
    }
    default:
      return undefined;
  }
}

/** Local names bound to a module, from `import x from 'm'`, `import { a as x }`, and `const x = require('m')`. */
export function moduleBindings(program: Node): Map<string, { source: string; imported: string }> {
  const result = new Map<string, { source: string; imported: string }>();
  for (const statement of (program as AnyNode).body as AnyNode[]) {
    const s: AnyNode = statement;
    if (s.type === 'ImportDeclaration') {
      for (const specifier of s.specifiers as AnyNode[]) {
        const imported =
          specifier.type === 'ImportSpecifier'
            ? ((specifier.imported as AnyNode).name ?? (specifier.imported as AnyNode).value)
            : specifier.type === 'ImportDefaultSpecifier'
              ? 'default'
              : '*';
        result.set(specifier.local.name, { source: s.source.value, imported });
      }
    } else if (s.type === 'VariableDeclaration') {
      for (const declarator of s.declarations as AnyNode[]) {
        const source = requireSource(declarator.init);
        if (!source) continue;
        if (declarator.id.type === 'Identifier')
          result.set(declarator.id.name, { source, imported: 'default' });
        else if (declarator.id.type === 'ObjectPattern') {
          for (const property of declarator.id.properties) {
            if (property.type === 'ObjectProperty' && property.value.type === 'Identifier')
              result.set(property.value.name, { source, imported: propertyName(property) ?? '*' });
          }
        }
      }
    }
  }
  return result;
}

/** `'m'` for `require('m')`, `require('m').x` and `await import('m')`. */
export function requireSource(node: Node | null | undefined): string | undefined {
  if (!node) return undefined;
  let n = unwrap(node);
  if (n.type === 'AwaitExpression') n = unwrap(n.argument);
  if (n.type === 'MemberExpression') n = unwrap(n.object);
  if (n.type === 'CallExpression' && n.arguments.length >= 1 && n.arguments[0].type === 'StringLiteral') {
    if (n.callee.type === 'Identifier' && n.callee.name === 'require') return n.arguments[0].value;
    if (n.callee.type === 'Import') return n.arguments[0].value;
  }
  if (n.type === 'ImportExpression' && n.source?.type === 'StringLiteral') return n.source.value;
  return undefined;
}

/** The Program node at the root of an ancestors array. */
export function programOf(ancestors: readonly Node[]): AnyNode | undefined {
  for (const node of ancestors) if (node.type === 'Program') return node as AnyNode;
  return undefined;
}
