import type { Node } from '@babel/types';
import {
  calleeName,
  findBinding,
  memberPath,
  propertyName,
  staticValue,
  unwrap,
} from '../../src/engine/ast-utils.js';
import { projectSources } from '../_shared/project/files.js';
import { isTestPath } from '../_shared/secrets/paths.js';
import { isInputPassword, isPasswordName, lastName, rootName } from './passwords.js';
import { noteWholeProject } from '../_shared/project/dependencies.js';

type AnyNode = Node & Record<string, any>;

/**
 * Passwords kept in clear where the project never hashes one: a record built with the typed password and
 * written (`insert({ ..., password })`, `this.password = password`), two password fields compared with `===`,
 * or a `comparePassword(a, b)` helper that is `a === b`. These shapes are ordinary when a model hook or a
 * helper hashes the password elsewhere, so they are reported only in projects with no password hashing at all.
 */

/** Calls that hash or check a password with a slow hash, anywhere in the project's own code. */
const hashingCall =
  /\b(?:bcrypt\w*|argon2\w*|Bcrypt|Argon2)\s*\.\s*(?:hash|hashSync|genSalt|genSaltSync|compare|compareSync|verify)\s*\(|\b(?:scrypt|scryptSync|pbkdf2|pbkdf2Sync)\s*\(|\b(?:hash|hashSync|compare|compareSync|verify)\s*\(\s*[\w.]*pass|\b(?:hashPassword|encryptPassword|passwordHash)\s*\(/i;
const comments = /\/\*[\s\S]*?\*\/|(?<![:'"`\\])\/\/[^\n]*/g;

const hashingByRoot = new Map<string, boolean>();

/** Whether any non-test source of the project hashes passwords (comments do not count). */
export function projectHashesPasswords(root: string, fileText: string): boolean {
  if (hashingCall.test(fileText.replace(comments, ''))) return true;
  // Served from memory below, the answer still rests on every source of the project.
  noteWholeProject();
  let found = hashingByRoot.get(root);
  if (found === undefined) {
    found = projectSources(root).some(
      (source) => !isTestPath(source.path) && hashingCall.test(source.text.replace(comments, '')),
    );
    hashingByRoot.set(root, found);
  }
  return found;
}

/** `user.password`, `customer.get('password')`, `data.passwords.newPass`: a password-named field. */
function passwordField(node: AnyNode): string | undefined {
  const n = unwrap(node);
  if (n.type === 'CallExpression' && calleeName(n) === 'get' && n.arguments.length === 1) {
    const key = unwrap(n.arguments[0]);
    if (key.type === 'StringLiteral' && isPasswordName(key.value) && n.callee.type === 'MemberExpression')
      return rootName(n.callee.object);
    return undefined;
  }
  if (n.type !== 'MemberExpression' && n.type !== 'OptionalMemberExpression') return undefined;
  const name = lastName(n);
  return name && isPasswordName(name) ? rootName(n) : undefined;
}

/** A typed password: the inputs passwords.ts knows, or a password field of the enclosing function's parameter. */
function clearInput(node: AnyNode, ancestors: readonly Node[]): boolean {
  if (isInputPassword(node)) return true;
  const path = memberPath(unwrap(node));
  if (!path || !path.split('.').some((segment) => /passw(or)?ds?$/i.test(segment) || isPasswordName(segment)))
    return false;
  const root = path.split('.')[0];
  return findBinding(root, ancestors)?.kind === 'param';
}

const storageCalls =
  /^(?:insert|insertOne|insertMany|create|save|update|updateOne|updateMany|findOneAndUpdate|findByIdAndUpdate|upsert|set|add|push|put)$/;

/** Whether an object literal is written to storage: a storage call's argument, directly or through a variable. */
function isStored(object: AnyNode, ancestors: readonly Node[]): boolean {
  const parent = ancestors[ancestors.length - 1] as AnyNode | undefined;
  const isStorageCall = (call: AnyNode) =>
    (call.type === 'CallExpression' && storageCalls.test(calleeName(call) ?? '')) ||
    (call.type === 'NewExpression' && /^[A-Z]/.test(lastName(call.callee) ?? ''));
  if (parent && isStorageCall(parent) && parent.arguments.includes(object)) return true;
  // Handles: prisma.user.create({ data: { email, password } }): the record is the call's `data`
  const holder = ancestors[ancestors.length - 2] as AnyNode | undefined;
  const call = ancestors[ancestors.length - 3] as AnyNode | undefined;
  if (
    parent?.type === 'ObjectProperty' &&
    /^(data|create|update)$/.test(propertyName(parent) ?? '') &&
    holder?.type === 'ObjectExpression' &&
    call &&
    isStorageCall(call) &&
    call.arguments.includes(holder)
  )
    return true;
  if (parent?.type !== 'VariableDeclarator' || parent.id.type !== 'Identifier') return false;
  const name = parent.id.name;
  const scope = findBinding(name, ancestors)?.scope as AnyNode | undefined;
  if (!scope) return false;
  let stored = false;
  const visit = (node: AnyNode | null | undefined): void => {
    if (!node || typeof node.type !== 'string' || stored) return;
    if (
      isStorageCall(node) &&
      node.arguments.some((argument: AnyNode) => argument.type === 'Identifier' && argument.name === name)
    )
      stored = true;
    for (const key of Object.keys(node)) {
      if (key === 'loc' || key === 'start' || key === 'end' || key === 'extra' || key.endsWith('Comments'))
        continue;
      const child = node[key];
      if (Array.isArray(child)) child.forEach(visit);
      else if (child && typeof child === 'object') visit(child);
    }
  };
  visit(scope);
  return stored;
}

export interface ClearTextFinding {
  node: AnyNode;
  message: string;
}

// Handles: usersCol.insertOne({ userName, password }), knex('users').update({ password: data.passwords.new_pass })
export function storedInClear(object: AnyNode, ancestors: readonly Node[]): ClearTextFinding | undefined {
  for (const property of object.properties as AnyNode[]) {
    if (property.type !== 'ObjectProperty') continue;
    const key = propertyName(property);
    if (!key || !isPasswordName(key) || !clearInput(property.value, ancestors)) continue;
    if (!isStored(object, ancestors)) return undefined;
    return { node: property, message: 'the typed password is written to storage as it is: stored in clear' };
  }
  return undefined;
}

// Handles: this.password = password in a constructor or setter
export function assignedInClear(
  assignment: AnyNode,
  ancestors: readonly Node[],
): ClearTextFinding | undefined {
  if (assignment.operator !== '=') return undefined;
  const left = unwrap(assignment.left);
  if (left.type !== 'MemberExpression' || unwrap(left.object).type !== 'ThisExpression') return undefined;
  const name = lastName(left);
  const right = unwrap(assignment.right);
  if (!name || !isPasswordName(name) || right.type !== 'Identifier' || !isPasswordName(right.name))
    return undefined;
  if (findBinding(right.name, ancestors)?.kind !== 'param') return undefined;
  return { node: assignment, message: 'the typed password is kept on the record as it is: stored in clear' };
}

/** The name of the innermost function around the node: declaration, variable, property or method. */
function functionName(fn: AnyNode, parent: AnyNode | undefined): string | undefined {
  if (fn.id?.name) return fn.id.name;
  if (parent?.type === 'VariableDeclarator' && parent.id.type === 'Identifier') return parent.id.name;
  if (parent && (parent.type === 'ObjectProperty' || parent.type === 'ClassProperty'))
    return propertyName(parent);
  if (fn.type === 'ObjectMethod' || fn.type === 'ClassMethod') return propertyName(fn);
  return undefined;
}

// Handles: customer.password !== user.password, and comparePassword = (fromDB, fromUser) => fromDB === fromUser
export function comparedInClear(
  comparison: AnyNode,
  ancestors: readonly Node[],
): ClearTextFinding | undefined {
  if (!['===', '==', '!==', '!='].includes(comparison.operator)) return undefined;
  const left = unwrap(comparison.left);
  const right = unwrap(comparison.right);
  const leftRoot = passwordField(left);
  const rightRoot = passwordField(right);
  if (leftRoot && rightRoot && leftRoot !== rightRoot && leftRoot !== 'this' && rightRoot !== 'this')
    return {
      node: comparison,
      message: 'two password fields compared in plain text: passwords are stored in clear',
    };
  if (left.type !== 'Identifier' || right.type !== 'Identifier') return undefined;
  for (let index = ancestors.length - 1; index >= 0; index--) {
    const fn = ancestors[index] as AnyNode;
    if (!/Function|Method/.test(fn.type)) continue;
    const params = (fn.params as AnyNode[]).map((param) => param.name);
    const name = functionName(fn, ancestors[index - 1] as AnyNode | undefined) ?? '';
    if (
      params.length === 2 &&
      params.includes(left.name) &&
      params.includes(right.name) &&
      /pass|pwd/i.test(name)
    )
      return {
        node: comparison,
        message: `\`${name}\` compares passwords in plain text: passwords are stored in clear`,
      };
    return undefined;
  }
  return undefined;
}

/** The password column's placeholder in an INSERT's column list or an UPDATE's SET: `?`, `$2`. */
function passwordPlaceholder(sql: string): { index: number } | undefined {
  const column = String.raw`(?:password|passwd|pwd|user_password|pass)`;
  // Handles: UPDATE users SET password = $1 WHERE id = $2, UPDATE users SET name = ?, password = ? WHERE ...
  const set = new RegExp(
    String.raw`^\s*update\b[\s\S]*?\bset\b([\s\S]*?)\b${column}\s*=\s*(\?|\$(\d+))`,
    'i',
  ).exec(sql);
  if (set) return { index: set[3] ? Number(set[3]) - 1 : (set[1].match(/\?/g) ?? []).length };
  // Handles: INSERT INTO users (username, password, email) VALUES ($1, $2, $3)
  const insert = /^\s*insert\s+into\s+[\w."`]+\s*\(([^)]*)\)\s*values\s*\(([^)]*)\)/i.exec(sql);
  if (!insert) return undefined;
  const columns = insert[1].split(',').map((name) => name.trim().replace(/["`]/g, ''));
  const position = columns.findIndex((name) => new RegExp(`^${column}$`, 'i').test(name));
  if (position < 0) return undefined;
  const slot = insert[2].split(',')[position]?.trim() ?? '';
  if (slot === '?') return { index: position };
  const numbered = /^\$(\d+)$/.exec(slot);
  return numbered ? { index: Number(numbered[1]) - 1 } : undefined;
}

// Handles: pool.query('UPDATE users SET password = $1 WHERE id = $2', [newPassword, user.id]) and the INSERT alike
export function sqlWrittenInClear(call: AnyNode, ancestors: readonly Node[]): ClearTextFinding | undefined {
  const [text, values] = call.arguments as AnyNode[];
  if (!text || values?.type !== 'ArrayExpression') return undefined;
  const sql = staticValue(text, ancestors)?.value;
  if (typeof sql !== 'string') return undefined;
  const placeholder = passwordPlaceholder(sql);
  const value = placeholder && (values.elements[placeholder.index] as AnyNode | null);
  if (!value || !clearInput(value, ancestors)) return undefined;
  return { node: value, message: 'the typed password is bound into the SQL that writes it: stored in clear' };
}

// Handles: `UPDATE users SET password = '${newPassword}' WHERE email = '${email}'` (interpolated, not bound)
export function sqlTemplateWritesClear(
  template: AnyNode,
  ancestors: readonly Node[],
): ClearTextFinding | undefined {
  const quasis = (template.quasis as AnyNode[]).map((quasi) => quasi.value.cooked ?? quasi.value.raw);
  if (!/^\s*update\b/i.test(quasis[0] ?? '')) return undefined;
  let before = '';
  for (const [index, expression] of (template.expressions as AnyNode[]).entries()) {
    before += quasis[index];
    if (!/\bset\b[^;]*?\b(?:password|passwd|pwd|user_password|pass)\s*=\s*['"]?$/i.test(before)) continue;
    if (!clearInput(expression, ancestors)) return undefined;
    return {
      node: template,
      message: 'the typed password is written into the SQL that updates it: stored in clear',
    };
  }
  return undefined;
}
