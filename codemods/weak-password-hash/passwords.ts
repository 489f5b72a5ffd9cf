import type { Node } from '@babel/types';
import { calleeName, memberPath, propertyName, unwrap } from '../../src/engine/ast-utils.js';

type AnyNode = Node & Record<string, any>;

/**
 * Names that hold a password in clear: `password`, `newPassword`, `user_pwd`, `pass`, `passphrase`.
 * Names about a password that are not one (passwordHash, hashedPassword, passwordResetToken,
 * passwordLength, confirmPassword) are not.
 */
export function isPasswordName(name: string): boolean {
  if (/^(pass|pw|pwd)$/i.test(name)) return true;
  if (!/(password|passwd|passphrase|pwd)s?$/i.test(name)) return false;
  return !/^(hash|hashed|encrypted|enc|crypted|salted|digest|stored|confirm|confirmed|repeat|repeated|retype|retyped|verify|again|check|min|max|show|toggle|is|has|should|validate|valid|forgot|reset|change|update|require|label|placeholder)/i.test(
    name,
  );
}

/** The last name of an identifier or member chain: `password` for `req.body.password`, `rows[0].password`. */
export function lastName(node: AnyNode): string | undefined {
  const n = unwrap(node);
  if (n.type === 'Identifier') return n.name;
  if (n.type === 'MemberExpression' || n.type === 'OptionalMemberExpression')
    return propertyName({ key: n.property, computed: n.computed } as AnyNode);
  return undefined;
}

/** The first name of a member chain: `req` for `req.body.password`, `rows` for `rows[0].password`. */
export function rootName(node: AnyNode): string | undefined {
  let n = unwrap(node);
  while (n.type === 'MemberExpression' || n.type === 'OptionalMemberExpression') n = unwrap(n.object);
  if (n.type === 'Identifier') return n.name;
  if (n.type === 'ThisExpression') return 'this';
  return undefined;
}

/** Where values from the client live. */
const inputRoots =
  /^(req|request|body|ctx|context|args|input|credentials|creds|data|payload|form|formData|values|dto|params|query|fields|event|loginData|login|userInput)$/;
/** Where operators keep configured values (an admin password in an env variable is not a user password). */
const configRoots = /^(process|config|conf|cfg|settings|options|opts|env|secrets|CONFIG|Config|appConfig)$/;

/** A password as typed by a user: `password`, `req.body.password`, `credentials.pass`. */
export function isInputPassword(node: AnyNode): boolean {
  const n = unwrap(node);
  const name = lastName(n);
  if (!name || !isPasswordName(name)) return false;
  if (n.type === 'Identifier') return true;
  const root = rootName(n);
  return root !== undefined && inputRoots.test(root);
}

/** A password read from a stored record: `user.password`, `rows[0].password`, `this.password`. */
export function isStoredPassword(node: AnyNode): boolean {
  const n = unwrap(node);
  if (n.type !== 'MemberExpression' && n.type !== 'OptionalMemberExpression') return false;
  const name = lastName(n);
  const root = rootName(n);
  if (!name || !isPasswordName(name) || root === undefined) return false;
  return !inputRoots.test(root) && !configRoots.test(root);
}

/**
 * An expression that carries a clear password: the name itself, or a value built from it
 * (`salt + password`, `` `${password}${salt}` ``, `String(password)`, `password.trim()`, `Buffer.from(password)`).
 */
export function carriesPassword(node: AnyNode | null | undefined, depth = 0): boolean {
  if (!node || depth > 4) return false;
  const n = unwrap(node);
  const name = lastName(n);
  if (name !== undefined) {
    if (!isPasswordName(name)) return false;
    const root = rootName(n);
    return root === undefined || !configRoots.test(root);
  }
  if (n.type === 'BinaryExpression' && n.operator === '+')
    return carriesPassword(n.left, depth + 1) || carriesPassword(n.right, depth + 1);
  if (n.type === 'TemplateLiteral')
    return n.expressions.some((part: AnyNode) => carriesPassword(part, depth + 1));
  if (n.type === 'CallExpression') {
    const callee = memberPath(n.callee) ?? '';
    if (/^(String|Buffer\.from|encodeURIComponent)$/.test(callee))
      return carriesPassword(n.arguments[0], depth + 1);
    const method = calleeName(n);
    if (
      n.callee.type === 'MemberExpression' &&
      /^(trim|toString|normalize|toLowerCase|concat)$/.test(method ?? '')
    )
      return (
        carriesPassword(n.callee.object, depth + 1) ||
        (method === 'concat' && n.arguments.some((a: AnyNode) => carriesPassword(a, depth + 1)))
      );
  }
  return false;
}
