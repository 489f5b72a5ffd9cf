import type { Node } from '@babel/types';
import {
  calleeName,
  findBinding,
  getProperty,
  memberPath,
  staticValue,
  unwrap,
} from '../../../src/engine/ast-utils.js';

type AnyNode = Node & Record<string, any>;

const second = 1;
const minute = 60 * second;
const hour = 60 * minute;
const day = 24 * hour;
const week = 7 * day;
const year = 365.25 * day;

const units: [RegExp, number][] = [
  [/^(milliseconds?|msecs?|ms)$/, second / 1000],
  [/^(seconds?|secs?|s)$/, second],
  [/^(minutes?|mins?|m)$/, minute],
  [/^(hours?|hrs?|h)$/, hour],
  [/^(days?|d)$/, day],
  [/^(weeks?|w)$/, week],
  [/^(years?|yrs?|y)$/, year],
];

function unitSeconds(unit: string): number | undefined {
  return units.find(([pattern]) => pattern.test(unit.toLowerCase()))?.[1];
}

/**
 * Seconds in a jsonwebtoken `expiresIn`: a number counts seconds, a string is read as vercel/ms reads
 * it ('2h', '1 day', '30m'), and a string without a unit counts milliseconds ("120" is 120 ms).
 */
export function jsonwebtokenLifetime(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  const match = /^(-?(?:\d+)?\.?\d+) *([a-z]+)?$/i.exec(value.trim());
  if (!match) return undefined;
  const factor = match[2] === undefined ? second / 1000 : unitSeconds(match[2]);
  return factor === undefined ? undefined : Number(match[1]) * factor;
}

/**
 * Seconds in a jose `setExpirationTime` string ('2h', '30 minutes', '+1d', '1 day from now').
 * Numbers there are absolute timestamps, so only strings are read.
 */
export function joseLifetime(value: string): number | undefined {
  const match = /^([+-]?) ?(\d+|\d+\.\d+) ?([a-z]+)(?: (ago|from now))?$/i.exec(value.trim());
  if (!match) return undefined;
  const factor = unitSeconds(match[3]);
  if (factor === undefined || /^m(s|secs?|illiseconds?)$/i.test(match[3])) return undefined;
  const negative = match[1] === '-' || match[4]?.toLowerCase() === 'ago';
  return (negative ? -1 : 1) * Number(match[2]) * factor;
}

/** `60 * 60 * 24`, `ONE_DAY * 7`: numeric arithmetic over literals and `const` numbers. */
export function staticNumber(
  node: Node | null | undefined,
  ancestors: readonly Node[],
  depth = 0,
): number | undefined {
  if (!node || depth > 8) return undefined;
  const n = unwrap(node);
  if (n.type === 'BinaryExpression' && ['*', '+', '-', '/'].includes(n.operator)) {
    const left = staticNumber(n.left, ancestors, depth + 1);
    const right = left === undefined ? undefined : staticNumber(n.right, ancestors, depth + 1);
    if (left === undefined || right === undefined) return undefined;
    if (n.operator === '*') return left * right;
    if (n.operator === '+') return left + right;
    if (n.operator === '-') return left - right;
    return right === 0 ? undefined : left / right;
  }
  if (n.type === 'Identifier') {
    const binding = findBinding(n.name, ancestors);
    if (binding?.kind !== 'const' || !binding.init) return undefined;
    return staticNumber(binding.init, ancestors, depth + 1);
  }
  const constant = staticValue(n, ancestors, depth);
  return typeof constant?.value === 'number' ? constant.value : undefined;
}

/** The literal value of an expression, string or number (numeric arithmetic included). */
export function staticScalar(
  node: Node | null | undefined,
  ancestors: readonly Node[],
): string | number | undefined {
  const number = staticNumber(node, ancestors);
  if (number !== undefined) return number;
  const value = node ? staticValue(node, ancestors)?.value : undefined;
  return typeof value === 'string' ? value : undefined;
}

/**
 * The object literal an options argument stands for: the literal itself, or a `const` initialised
 * with one. Undefined when it cannot be known here (a parameter, a call result, a mutable variable).
 */
export function resolveObject(
  node: Node | null | undefined,
  ancestors: readonly Node[],
): AnyNode | undefined {
  if (!node) return undefined;
  const n = unwrap(node);
  if (n.type === 'ObjectExpression') return n;
  if (n.type === 'Identifier') {
    const binding = findBinding(n.name, ancestors);
    if (binding?.kind === 'const' && binding.init && unwrap(binding.init).type === 'ObjectExpression')
      return unwrap(binding.init);
  }
  return undefined;
}

/** True when the object may carry properties nobody can see here (`{ ...defaults }`). */
export function hasSpread(object: AnyNode): boolean {
  return object.properties.some((property: AnyNode) => property.type === 'SpreadElement');
}

/** A property of an object literal that is known to be absent or present; `unknown` behind a spread. */
export function lookup(object: AnyNode, name: string): AnyNode | 'absent' | 'unknown' {
  const property = getProperty(object, name);
  if (property) {
    const index = object.properties.indexOf(property);
    const spreadAfter = object.properties
      .slice(index + 1)
      .some((other: AnyNode) => other.type === 'SpreadElement');
    return spreadAfter ? 'unknown' : property;
  }
  return hasSpread(object) ? 'unknown' : 'absent';
}

export function isFunction(node: Node | null | undefined): boolean {
  if (!node) return false;
  const n = unwrap(node);
  return n.type === 'ArrowFunctionExpression' || n.type === 'FunctionExpression';
}

export type KeyKind = 'secret' | 'asymmetric' | 'unknown';

const asymmetricName =
  /public|private|cert|pem|jwks?\b|jwks|pubkey|rsa|ecdsa|spki|pkcs|x509|keypair|keystore|\bkid\b/i;
const secretName = /secret|hmac|(^|[^a-z])pass(word|phrase)?([^a-z]|$)|signing_?key|sign(ing)?key/i;

/**
 * What kind of key an argument of sign/verify/jwtVerify is, judged by its names and shape: only a
 * key that is plainly a shared secret lets a fix pin an HMAC algorithm without breaking verification.
 */
export function keyKind(node: Node | null | undefined, ancestors: readonly Node[], depth = 0): KeyKind {
  if (!node || depth > 4) return 'unknown';
  const n = unwrap(node);
  if (n.type === 'StringLiteral' || n.type === 'TemplateLiteral')
    return /-----BEGIN/.test(
      n.type === 'StringLiteral' ? n.value : n.quasis.map((q: AnyNode) => q.value.raw).join(''),
    )
      ? 'asymmetric'
      : 'secret';
  if (n.type === 'ArrowFunctionExpression' || n.type === 'FunctionExpression') return 'asymmetric';
  if (n.type === 'LogicalExpression') {
    const left = keyKind(n.left, ancestors, depth + 1);
    const right = keyKind(n.right, ancestors, depth + 1);
    return left === right ? left : left === 'unknown' ? right : right === 'unknown' ? left : 'unknown';
  }
  if (n.type === 'CallExpression' || n.type === 'NewExpression' || n.type === 'AwaitExpression') {
    const text = memberPath(n.type === 'AwaitExpression' ? (n.argument as AnyNode)?.callee : n.callee) ?? '';
    if (
      /createRemoteJWKSet|createLocalJWKSet|JwtSecret|jwksClient|import(SPKI|PKCS8|X509|JWK)|createPublicKey|createPrivateKey|readFileSync|readFile/.test(
        text,
      )
    )
      return 'asymmetric';
    if (/createSecretKey/.test(text)) return 'secret';
    // new TextEncoder().encode(secret), Buffer.from(secret, 'base64')
    if (/^(encode|from)$/.test(calleeName(n) ?? '') && n.arguments?.length >= 1)
      return keyKind(n.arguments[0], ancestors, depth + 1);
    return 'unknown';
  }
  const path = memberPath(n);
  if (!path) return 'unknown';
  if (asymmetricName.test(path)) return 'asymmetric';
  if (secretName.test(path)) return 'secret';
  if (n.type === 'Identifier') {
    const binding = findBinding(n.name, ancestors);
    if (binding?.init) return keyKind(binding.init, ancestors, depth + 1);
  }
  return 'unknown';
}

/** `Math.floor(Date.now() / 1000)`, `Date.now() / 1000`, `Math.round(Date.now() / 1000)`: now, in seconds. */
function isNowInSeconds(node: AnyNode, ancestors: readonly Node[], depth: number): boolean {
  const n = unwrap(node);
  if (n.type === 'Identifier') {
    const binding = findBinding(n.name, ancestors);
    return (
      binding?.kind === 'const' &&
      Boolean(binding.init) &&
      isNowInSeconds(binding.init!, ancestors, depth + 1)
    );
  }
  if (n.type === 'CallExpression' && /^Math\.(floor|round|trunc|ceil)$/.test(memberPath(n.callee) ?? ''))
    return n.arguments.length === 1 && isNowInSeconds(n.arguments[0], ancestors, depth + 1);
  return (
    n.type === 'BinaryExpression' &&
    n.operator === '/' &&
    memberPath(unwrap(n.left)) === 'Date.now()' &&
    staticNumber(n.right, ancestors) === 1000
  );
}

/** The Date `d` behind `parseInt(d.getTime() / 1000)`, `Math.floor(d.valueOf() / 1000)`, `d.getTime() / 1000`. */
function dateInSeconds(node: AnyNode, ancestors: readonly Node[]): AnyNode | undefined {
  let n = unwrap(node);
  if (
    n.type === 'CallExpression' &&
    /^(parseInt|Number|Math\.(floor|round|trunc|ceil))$/.test(memberPath(n.callee) ?? '') &&
    n.arguments.length >= 1
  )
    n = unwrap(n.arguments[0]);
  // Handles: (d.getTime() / 1000).toFixed(0), rounded as a string before parseInt
  if (n.type === 'CallExpression' && n.callee.type === 'MemberExpression' && calleeName(n) === 'toFixed')
    n = unwrap(n.callee.object);
  if (n.type !== 'BinaryExpression' || n.operator !== '/' || staticNumber(n.right, ancestors) !== 1000)
    return undefined;
  const left = unwrap(n.left);
  if (
    left.type !== 'CallExpression' ||
    left.arguments.length > 0 ||
    left.callee.type !== 'MemberExpression' ||
    !['getTime', 'valueOf'].includes(calleeName(left) ?? '')
  )
    return undefined;
  const date = unwrap(left.callee.object);
  return date.type === 'Identifier' || date.type === 'CallExpression' ? date : undefined;
}

/** date-fns adders and the seconds one step adds: `addDays(new Date(), 7)`. */
const dateFnsAdders: Record<string, number> = {
  addSeconds: second,
  addMinutes: minute,
  addHours: hour,
  addDays: day,
  addWeeks: 7 * day,
  addMonths: 30 * day,
  addYears: year,
};

/** The lifetime of `addDays(new Date(), 7)` (date-fns, imported or a namespace member), or undefined. */
function addedLifetime(call: AnyNode, ancestors: readonly Node[]): number | undefined {
  const unit = dateFnsAdders[calleeName(call) ?? ''];
  if (!unit || call.arguments.length !== 2 || !isNewDateNow(call.arguments[0], ancestors)) return undefined;
  const amount = staticNumber(call.arguments[1], ancestors);
  return amount === undefined ? undefined : amount * unit;
}

/** `new Date()`, `new Date(Date.now())`, or `new Date(today)` where `today` is itself such a date. */
function isNewDateNow(node: AnyNode | undefined, ancestors: readonly Node[], depth = 0): boolean {
  if (!node || depth > 3) return false;
  const n = unwrap(node);
  if (n.type === 'Identifier') {
    const binding = findBinding(n.name, ancestors);
    return binding?.kind !== 'param' && isNewDateNow(binding?.init, ancestors, depth + 1);
  }
  if (n.type !== 'NewExpression' || memberPath(n.callee) !== 'Date') return false;
  if (n.arguments.length === 0) return true;
  if (n.arguments.length !== 1) return false;
  const argument = unwrap(n.arguments[0]);
  return memberPath(argument) === 'Date.now()' || isNewDateNow(argument, ancestors, depth + 1);
}

/** `d.setDate(x.getDate() + 60)`: the setter, the getter it must read, and the seconds one step adds. */
const dateSetters: Record<string, [string, number]> = {
  setSeconds: ['getSeconds', second],
  setMinutes: ['getMinutes', minute],
  setHours: ['getHours', hour],
  setDate: ['getDate', day],
  setMonth: ['getMonth', 30 * day],
  setFullYear: ['getFullYear', year],
};

/**
 * The lifetime of a Date made now and moved forward with its setters in the scope that declares it
 * (`const exp = new Date(today); exp.setDate(today.getDate() + 60)`). Undefined when any other write is seen.
 */
function dateLifetime(date: AnyNode, ancestors: readonly Node[]): number | undefined {
  const binding = findBinding(date.name, ancestors);
  if (!binding || !['const', 'let', 'var'].includes(binding.kind) || !isNewDateNow(binding.init, ancestors))
    return undefined;
  let seconds = 0;
  let moved = false;
  let unknown = false;
  const visit = (node: AnyNode | null | undefined): void => {
    if (!node || typeof node.type !== 'string' || unknown) return;
    if (
      node.type === 'AssignmentExpression' &&
      node.left.type === 'Identifier' &&
      node.left.name === date.name
    )
      unknown = true;
    if (
      node.type === 'CallExpression' &&
      node.callee.type === 'MemberExpression' &&
      unwrap(node.callee.object).type === 'Identifier' &&
      unwrap(node.callee.object).name === date.name &&
      /^set/.test(calleeName(node) ?? '')
    ) {
      const setter = dateSetters[calleeName(node)!];
      const value = node.arguments[0] ? unwrap(node.arguments[0]) : undefined;
      const reads =
        setter &&
        value?.type === 'BinaryExpression' &&
        value.operator === '+' &&
        unwrap(value.left).type === 'CallExpression' &&
        calleeName(unwrap(value.left)) === setter[0] &&
        isNewDateNow(unwrap(value.left).callee.object, ancestors);
      const step = reads ? staticNumber(value.right, ancestors) : undefined;
      if (step === undefined) unknown = true;
      else {
        seconds += step * setter[1];
        moved = true;
      }
    }
    for (const key of Object.keys(node)) {
      if (key === 'loc' || key === 'start' || key === 'end' || key === 'extra' || key.endsWith('Comments'))
        continue;
      const child = node[key];
      if (Array.isArray(child)) for (const item of child) visit(item);
      else if (child && typeof child === 'object') visit(child);
    }
  };
  visit(binding.scope);
  return moved && !unknown ? seconds : undefined;
}

/**
 * The lifetime in seconds of an absolute expiry written as now plus a constant
 * (`Math.floor(Date.now() / 1000) + 60 * 60`, `iat + ONE_WEEK` with `const iat = Math.floor(Date.now() / 1000)`).
 */
export function lifetimeFromNow(
  node: Node | null | undefined,
  ancestors: readonly Node[],
  depth = 0,
): number | undefined {
  if (!node || depth > 4) return undefined;
  const n = unwrap(node);
  if (n.type === 'Identifier') {
    const binding = findBinding(n.name, ancestors);
    return binding?.kind === 'const' && binding.init
      ? lifetimeFromNow(binding.init, ancestors, depth + 1)
      : undefined;
  }
  // Handles: exp: parseInt(expiry.getTime() / 1000) after expiry.setDate(today.getDate() + 60)
  const date = dateInSeconds(n, ancestors);
  if (date)
    return date.type === 'CallExpression' ? addedLifetime(date, ancestors) : dateLifetime(date, ancestors);
  if (n.type !== 'BinaryExpression' || n.operator !== '+') return undefined;
  if (isNowInSeconds(n.left, ancestors, depth)) return staticNumber(n.right, ancestors);
  if (isNowInSeconds(n.right, ancestors, depth)) return staticNumber(n.left, ancestors);
  return undefined;
}
