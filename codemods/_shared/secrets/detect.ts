import type { Node } from '@babel/types';
import { getProperty } from '../../../src/engine/ast-utils.js';
import { isFakeKey, keyFormats } from '../key-formats.js';
import { envRead, literalSite, stringValue, type LiteralSite } from './locate.js';
import { envNameFor, nameWords, secretKind, type SecretKind } from './names.js';
import {
  isDefaultCredential,
  isHighEntropy,
  isNonSecretShape,
  isPlaceholder,
  knownKeyFormat,
  urlPassword,
} from './values.js';

type AnyNode = Node & Record<string, any>;

export interface SecretLiteral {
  site?: LiteralSite;
  /** The finding's message: `A GitHub token is hard-coded`, `A secret is hard-coded in \`jwtSecret\``. */
  what: string;
  /** The env var the value should come from. */
  envName: string;
  /** The known format, when the value matched one. */
  format?: string;
  /** The scheme kept in front of the lookup: `Bearer ` for `Authorization: 'Bearer abc...'`. */
  prefix?: string;
}

const formatEnvNames = Object.fromEntries(keyFormats.map((format) => [format.label, format.envName]));

/** The variable a connection URL is read from: `DATABASE_URL` for databases, `REDIS_URL`, `AMQP_URL`, ... */
function connectionEnvName(url: string): string {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url.trim())![1].toLowerCase().replace(/\+.*$/, '');
  if (/^(?:postgres(?:ql)?|mysql|mariadb|mongodb|mssql|sqlserver|oracle|cockroachdb)$/.test(scheme))
    return 'DATABASE_URL';
  return `${scheme.replace(/[^a-z0-9]/g, '_').toUpperCase()}_URL`;
}

export const minimumLength: Record<SecretKind, number> = { password: 6, secret: 8, token: 12, key: 12 };

/** `process.env.X || 'literal'` and `const { X = 'literal' } = process.env`: default-password's findings. */
export function isEnvFallback(valueNode: Node, ancestors: readonly Node[]): boolean {
  const parent = ancestors.at(-1) as AnyNode | undefined;
  if (!parent) return false;
  if (
    parent.type === 'LogicalExpression' &&
    parent.right === valueNode &&
    (parent.operator === '||' || parent.operator === '??')
  )
    return envRead(unwrapCast(parent.left)) !== undefined || envFallbackChain(parent.left);
  if (parent.type === 'AssignmentExpression' && parent.right === valueNode)
    return guardedEnvDefault(parent, ancestors.slice(0, -1)) !== undefined;
  if (parent.type === 'AssignmentPattern' && parent.right === valueNode) {
    const declarator = ancestors.findLast((node) => node.type === 'VariableDeclarator') as
      | AnyNode
      | undefined;
    return Boolean(declarator && isProcessEnv(declarator.init));
  }
  return false;
}

/** `!process.env.X`, `process.env.X === undefined`, `typeof process.env.X === 'undefined'`: the variable X is unset. */
function unsetTest(test: AnyNode): string | undefined {
  const condition = unwrapCast(test);
  if (condition.type === 'UnaryExpression' && condition.operator === '!')
    return envRead(unwrapCast(condition.argument));
  if (condition.type !== 'BinaryExpression' || !/^[!=]==?$/.test(condition.operator)) return undefined;
  if (!condition.operator.startsWith('=')) return undefined;
  for (const [read, other] of [
    [condition.left, condition.right],
    [condition.right, condition.left],
  ] as AnyNode[][]) {
    const inner = read.type === 'UnaryExpression' && read.operator === 'typeof' ? read.argument : read;
    const undefinedValue =
      (other.type === 'Identifier' && other.name === 'undefined') ||
      other.type === 'NullLiteral' ||
      (other.type === 'StringLiteral' && (other.value === 'undefined' || other.value === ''));
    const name = envRead(unwrapCast(inner));
    if (name && undefinedValue) return name;
  }
  return undefined;
}

/**
 * Handles: if (!process.env.JWT_SECRET) process.env.JWT_SECRET = 'x'; (braces or not): a fallback written as a
 * statement, the same as `process.env.JWT_SECRET || 'x'`. Returns the variable's name.
 */
export function guardedEnvDefault(assignment: AnyNode, ancestors: readonly Node[]): string | undefined {
  if (assignment.operator !== '=' && assignment.operator !== '||=' && assignment.operator !== '??=')
    return undefined;
  const name = envRead(assignment.left);
  if (!name) return undefined;
  if (assignment.operator !== '=') return name;
  let index = ancestors.length - 1;
  if (ancestors[index]?.type !== 'ExpressionStatement') return undefined;
  index--;
  const block = ancestors[index] as AnyNode | undefined;
  if (block?.type === 'BlockStatement') index--;
  const guard = ancestors[index] as AnyNode | undefined;
  if (guard?.type !== 'IfStatement' || guard.alternate) return undefined;
  return unsetTest(guard.test) === name ? name : undefined;
}

/** `process.env.A || process.env.B || 'x'` */
function envFallbackChain(node: AnyNode): boolean {
  return (
    node.type === 'LogicalExpression' &&
    (envRead(unwrapCast(node.right)) !== undefined || envRead(unwrapCast(node.left)) !== undefined)
  );
}

/** `(process.env.X as string)`, `process.env.X!`: a cast changes the type the checker sees, not the value read. */
export function unwrapCast(node: AnyNode): AnyNode {
  let inner = node;
  while (
    inner.type === 'TSAsExpression' ||
    inner.type === 'TSSatisfiesExpression' ||
    inner.type === 'TSNonNullExpression' ||
    inner.type === 'TSTypeAssertion' ||
    inner.type === 'ParenthesizedExpression'
  )
    inner = inner.expression;
  return inner;
}

export function isProcessEnv(node: AnyNode | null | undefined): boolean {
  return Boolean(
    node &&
      node.type === 'MemberExpression' &&
      !node.computed &&
      node.object.type === 'Identifier' &&
      node.object.name === 'process' &&
      node.property.type === 'Identifier' &&
      node.property.name === 'env',
  );
}

const userKeys = ['user', 'username', 'userName', 'login', 'email', 'account', 'name', 'usr'];

/**
 * A default credential (`admin`, `changeme`, `password`) stored under a password-like name. A value equal to
 * its own name (`password: 'password'`) counts only next to a user (`{ user: 'admin', password: 'password' }`),
 * since field maps (`{ username: 'username', password: 'password' }`) look the same.
 */
export function isDefaultCredentialAt(site: LiteralSite, value: string, ancestors: readonly Node[]): boolean {
  const kind = secretKind(site.name) ?? passwordPairKind(site, ancestors);
  if (!kind || !isDefaultCredential(value)) return false;
  // jwt.sign(payload, 'secret'), cookieParser('secret'): the argument is the secret, whatever it says
  if (site.position === 'argument') return true;
  const sameAsName = nameWords(site.name).join('') === value.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (!sameAsName) return kind === 'password' || kind === 'secret' || nameWords(site.name).includes('secret');
  if (site.position !== 'property') return false;
  const object = ancestors.findLast((node) => node.type === 'ObjectExpression') as AnyNode | undefined;
  if (!object) return false;
  // session({ secret: 'secret' }): an options object handed to a library, not a field map
  const owner = ancestors[ancestors.lastIndexOf(object) - 1] as AnyNode | undefined;
  if (kind === 'secret' && owner && (owner.type === 'CallExpression' || owner.type === 'NewExpression'))
    return true;
  return userKeys.some((key) => {
    const property = getProperty(object, key);
    const user = property && stringValue(property.value);
    return (
      user !== undefined &&
      user !== '' &&
      user.toLowerCase() !== key.toLowerCase() &&
      !/^user(?:name)?$/i.test(user)
    );
  });
}

/** `pass` in `{ user: 'mailer', pass: '...' }` (nodemailer, basic auth), not `{ pass: 'passed' }`. */
export function passwordPairKind(site: LiteralSite, ancestors: readonly Node[]): SecretKind | undefined {
  if (site.name !== 'pass' || site.position !== 'property') return undefined;
  const object = ancestors.findLast((node) => node.type === 'ObjectExpression');
  return object && ['user', 'username', 'login'].some((key) => getProperty(object, key))
    ? 'password'
    : undefined;
}

function authorizationValue(value: string): boolean {
  const match = /^(?:Bearer|Basic|Token|Bot)\s+(\S+)$/i.exec(value.trim());
  return Boolean(match && match[1].length >= 16 && !isPlaceholder(match[1]) && !/[${}<>]/.test(match[1]));
}

/**
 * A hard-coded secret in a string literal: a known key format anywhere, or a real-looking value under a
 * secret's name. Returns undefined for everything a careful reviewer would not call a secret.
 */
export function secretLiteral(node: Node, ancestors: readonly Node[]): SecretLiteral | undefined {
  const value = stringValue(node);
  if (value === undefined || value.trim() === '') return undefined;
  const parent = ancestors.at(-1) as AnyNode | undefined;
  if (
    !parent ||
    parent.type === 'TSLiteralType' ||
    parent.type === 'ImportDeclaration' ||
    parent.type.startsWith('Export')
  )
    return undefined;
  if ((parent.type === 'ObjectProperty' || parent.type === 'ClassProperty') && parent.key === node)
    return undefined;
  if (isEnvFallback(node, ancestors)) return undefined;
  const site = literalSite(node, ancestors);
  const format = knownKeyFormat(value);
  if (format) {
    const envName =
      site && secretKind(site.name) ? envNameFor(site.name, site.context) : formatEnvNames[format];
    return { site, what: `${format[0].toUpperCase()}${format.slice(1)} is hard-coded`, envName, format };
  }
  // mongoose.connect('mongodb://app:...@cluster0.acme.net/db'): a connection string carries its password anywhere
  if (!site && urlPassword(value) !== undefined)
    return { what: 'A password is hard-coded in a connection URL', envName: connectionEnvName(value) };
  if (!site || isFakeKey(value)) return undefined;
  // res.json({ secret: 'the demo answer' }): a value the endpoint shows, which reaches no credential use
  if (site.position === 'property' && isResponseBody(ancestors)) return undefined;
  const named = site.name;
  // jwt.sign(payload, 'shhhhh'): whatever its shape, the argument is the signing secret
  if (site.position === 'argument') {
    if (isDefaultCredentialAt(site, value, ancestors) || value.trim() === '') return undefined;
    return { site, what: `A ${site.context} secret is hard-coded`, envName: envNameFor(named, site.context) };
  }
  if (urlPassword(value) !== undefined)
    return {
      site,
      what: `A password is hard-coded in the URL of \`${named}\``,
      envName: envNameFor(named, site.context),
    };
  if (/^authorization$/i.test(named) && authorizationValue(value)) {
    const prefix = /^\S+\s+/.exec(value.trim())![0];
    return { site, what: 'An Authorization header value is hard-coded', envName: 'API_TOKEN', prefix };
  }
  const kind = secretKind(named) ?? passwordPairKind(site, ancestors);
  if (!kind) {
    const weak = nameWords(named);
    if ((weak.at(-1) === 'credentials' || weak.at(-1) === 'credential') && isHighEntropy(value))
      return {
        site,
        what: `A secret is hard-coded in \`${named}\``,
        envName: envNameFor(named, site.context),
      };
    return undefined;
  }
  const optionSecret = isLibrarySecretOption(site, ancestors);
  if (value.trim().length < minimumLength[kind] && !optionSecret) return undefined;
  if (isPlaceholder(value) || isNonSecretShape(value, named, optionSecret)) return undefined;
  if (isDefaultCredentialAt(site, value, ancestors)) return undefined;
  if (kind === 'password' && isSampleAccount(site, ancestors)) return undefined;
  // A passphrase with spaces ('keyboard cat') is a session secret; under other names spaces mean a message.
  if (/\s/.test(value.trim()) && kind !== 'secret') return undefined;
  return { site, what: `A ${kind} is hard-coded in \`${named}\``, envName: envNameFor(named, site.context) };
}

/**
 * `session({ secret: 'conduit' })`, `new JwtStrategy({ secretOrKey: 'k' })`: the secret option of a library call
 * signs its cookies or tokens, however short it is (like jwt.sign's argument). A default credential there is
 * default-password's.
 */
export function isLibrarySecretOption(site: LiteralSite, ancestors: readonly Node[]): boolean {
  if (site.position !== 'property' || !/^(?:secret|secretOrKey|secretOrPrivateKey)$/.test(site.name))
    return false;
  const index = ancestors.findLastIndex((node) => node.type === 'ObjectExpression');
  const owner = ancestors[index - 1] as AnyNode | undefined;
  return Boolean(
    owner &&
      (owner.type === 'CallExpression' || owner.type === 'NewExpression') &&
      (owner.arguments as Node[]).includes(ancestors[index]),
  );
}

/** `[{ user: 'a', password: '...' }, { ... }]`: seed data, where one env var per value makes no sense. */
export function isRecordInList(ancestors: readonly Node[]): boolean {
  const index = ancestors.findLastIndex((node) => node.type === 'ObjectExpression');
  return index > 0 && ancestors[index - 1].type === 'ArrayExpression';
}

/** `{ email: 'demo@example.com', password: '...' }`: sample data for a documentation domain, not an account. */
function isSampleAccount(site: LiteralSite, ancestors: readonly Node[]): boolean {
  if (site.position !== 'property') return false;
  const object = ancestors.findLast((node) => node.type === 'ObjectExpression');
  if (!object) return false;
  return ['email', 'user', 'username', 'login', 'mail'].some((key) => {
    const property = getProperty(object, key);
    const user = property && stringValue(property.value);
    return (
      user !== undefined &&
      /@(?:[\w-]+\.)*(?:example\.(?:com|org|net)|test|invalid|localhost|local)$/i.test(user)
    );
  });
}

const responseMethods = new Set(['json', 'send', 'jsonp', 'render', 'end']);
const routeDecorators = /^(?:Get|Post|Put|Patch|Delete|All|Head|Options)$/;

/** `res.json`, `res.status(200).send`, `reply.code(201).send`: the callee sends an HTTP response body. */
function isResponseCall(call: AnyNode): boolean {
  const callee = call.callee;
  if (callee?.type !== 'MemberExpression' || callee.computed) return false;
  if (!responseMethods.has(callee.property.name)) return false;
  let receiver = callee.object;
  while (receiver.type === 'CallExpression' && receiver.callee.type === 'MemberExpression')
    receiver = receiver.callee.object;
  return receiver.type === 'Identifier' && /^(?:res|response|reply|resp|h)$/.test(receiver.name);
}

/**
 * True when the literal's object (or an object or list around it) is an HTTP response body: the argument of
 * res.json()/send()/render(), assigned to ctx.body, or returned by a NestJS route method. A value an
 * endpoint returns is data the client is meant to read, not a credential the server uses.
 */
export function isResponseBody(ancestors: readonly Node[]): boolean {
  let index = ancestors.length - 1;
  while (
    index > 0 &&
    /^(?:ObjectProperty|ObjectExpression|ArrayExpression|TSAsExpression|TSSatisfiesExpression)$/.test(
      ancestors[index].type,
    )
  )
    index--;
  const body = ancestors[index + 1] as AnyNode | undefined;
  const owner = ancestors[index] as AnyNode | undefined;
  if (!body || !owner || (body.type !== 'ObjectExpression' && body.type !== 'ArrayExpression')) return false;
  if (owner.type === 'CallExpression') return owner.arguments.includes(body) && isResponseCall(owner);
  // Handles: ctx.body = { secret: '...' } (Koa)
  if (owner.type === 'AssignmentExpression')
    return (
      owner.right === body &&
      owner.left.type === 'MemberExpression' &&
      (owner.left.property as AnyNode).name === 'body' &&
      owner.left.object.type === 'Identifier' &&
      /^(?:ctx|context)$/.test(owner.left.object.name)
    );
  // Handles: @Get() demo() { return { secret: '...' }; }
  if (owner.type === 'ReturnStatement') {
    const method = ancestors.findLast((node) => /Function|Method/.test(node.type)) as AnyNode | undefined;
    return Boolean(
      method?.type === 'ClassMethod' &&
        method.decorators?.some((decorator: AnyNode) => {
          const expression = decorator.expression;
          const name = expression.type === 'CallExpression' ? expression.callee.name : expression.name;
          return routeDecorators.test(name ?? '');
        }),
    );
  }
  return false;
}
