import type { Node } from '@babel/types';
import {
  findBinding,
  memberPath,
  moduleBindings,
  programOf,
  requireSource,
  unwrap,
} from '../../../src/engine/ast-utils.js';

type AnyNode = Node & Record<string, any>;

export interface ModuleMember {
  /** The module the callee comes from: `jsonwebtoken`, `jose`, `express-jwt`... */
  source: string;
  /** The export called: `sign` for `jwt.sign(...)` and `import { sign }`; `default` for a default export called directly. */
  member: string;
}

export type ModuleNames = Map<string, { source: string; imported: string }>;

/**
 * Top-level names bound to modules: what `moduleBindings` finds, plus TypeScript's
 * `import jwt = require('jsonwebtoken')` and one export picked from a require
 * (`const JwtStrategy = require('passport-jwt').Strategy`).
 */
export function moduleNames(program: Node): ModuleNames {
  const names = moduleBindings(program);
  for (const statement of (program as AnyNode).body as AnyNode[]) {
    if (statement.type === 'VariableDeclaration')
      for (const declarator of statement.declarations as AnyNode[]) {
        const init = declarator.init ? unwrap(declarator.init) : undefined;
        if (declarator.id.type !== 'Identifier' || init?.type !== 'MemberExpression' || init.computed)
          continue;
        const source = requireSource(init.object);
        if (source && init.property.type === 'Identifier')
          names.set(declarator.id.name, { source, imported: init.property.name });
      }
    if (
      statement.type === 'TSImportEqualsDeclaration' &&
      statement.moduleReference?.type === 'TSExternalModuleReference'
    )
      names.set(statement.id.name, {
        source: statement.moduleReference.expression.value,
        imported: 'default',
      });
  }
  return names;
}

/** The module names of the file an ancestors array belongs to, computed once per Program node. */
const cache = new WeakMap<Node, ModuleNames>();
export function moduleNamesOf(ancestors: readonly Node[]): ModuleNames {
  const program = programOf(ancestors);
  if (!program) return new Map();
  let names = cache.get(program);
  if (!names) {
    names = moduleNames(program);
    cache.set(program, names);
  }
  return names;
}

/** True when `name` still means the top-level import here (no parameter or local shadows it). */
function isModuleLevel(name: string, ancestors: readonly Node[]): boolean {
  const binding = findBinding(name, ancestors);
  return !binding || binding.scope.type === 'Program';
}

/**
 * What module export an expression names: `jwt.sign` (jwt = default or namespace import), `sign`
 * (named import or destructured require), `jwt.default.sign` (CommonJS interop), or `expressjwt`.
 */
export function moduleMemberOf(expression: Node, ancestors: readonly Node[]): ModuleMember | undefined {
  const names = moduleNamesOf(ancestors);
  const callee = unwrap(expression);
  if (callee.type === 'Identifier') {
    const bound = names.get(callee.name);
    if (!bound || !isModuleLevel(callee.name, ancestors)) return undefined;
    return { source: bound.source, member: bound.imported === '*' ? 'default' : bound.imported };
  }
  const path = memberPath(callee);
  if (!path || path.includes('()')) return undefined;
  const segments = path.split('.');
  if (segments.length < 2 || segments.length > 3) return undefined;
  const bound = names.get(segments[0]);
  if (!bound || !isModuleLevel(segments[0], ancestors)) return undefined;
  if (segments.length === 3 && segments[1] !== 'default') return undefined;
  if (bound.imported !== 'default' && bound.imported !== '*') return undefined;
  return { source: bound.source, member: segments[segments.length - 1] };
}

/** The module export a call or `new` expression invokes, when it is one. */
export function calledMember(call: Node, ancestors: readonly Node[]): ModuleMember | undefined {
  const c = call as AnyNode;
  if (c.type !== 'CallExpression' && c.type !== 'NewExpression' && c.type !== 'OptionalCallExpression')
    return undefined;
  return moduleMemberOf(c.callee, ancestors);
}

export const JSONWEBTOKEN = 'jsonwebtoken';
export const JOSE = 'jose';

export function isJsonwebtoken(member: ModuleMember | undefined, name: string): boolean {
  return member?.source === JSONWEBTOKEN && member.member === name;
}

export function isJose(member: ModuleMember | undefined, name: string): boolean {
  return member?.source === JOSE && member.member === name;
}
