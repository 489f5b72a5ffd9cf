import type { Node } from '@babel/types';
import { calleeName, memberPath, propertyName } from '../../../src/engine/ast-utils.js';

type AnyNode = Node & Record<string, any>;

/** Where a literal sits: the name it is stored under, and a word that tells what it belongs to. */
export interface LiteralSite {
  /** `jwtSecret` for `const jwtSecret = '...'`, `password` for `{ password: '...' }`. */
  name: string;
  /** The owner, for naming the env var of a bare `secret`: `session`, `db`, `jwt`. */
  context?: string;
  /** The value position: what a fix may replace (the literal, maybe wrapped in `as string`). */
  valueNode: AnyNode;
  /** Where the value sits, for what a replacement may be (an enum member takes only constants). */
  position: 'variable' | 'property' | 'assignment' | 'default' | 'class-field' | 'argument' | 'jsx' | 'enum';
}

/**
 * Calls whose argument is a secret by position: `jwt.sign(payload, 'shhh')`, `cookieParser('s3cret')`, and
 * jwt-simple's `jwt.encode(payload, 'secret')` / `jwt.decode(token, 'secret')` (jsonwebtoken's decode takes
 * options there, never a string).
 */
const secretArguments: { callee: RegExp; index: number; name: string; context: string }[] = [
  {
    callee: /^(?:jwt|jsonwebtoken|JWT|jsonWebToken|jwtSimple|jwt_simple)\.(?:sign|verify|encode|decode)$/,
    index: 1,
    name: 'secret',
    context: 'JWT',
  },
  { callee: /^(?:cookieParser|cookie_parser)$/, index: 0, name: 'secret', context: 'cookie' },
  { callee: /^(?:crypto\.)?createHmac$/, index: 1, name: 'secret', context: 'HMAC' },
];

function ownerName(object: AnyNode, parent: AnyNode | undefined): string | undefined {
  if (!parent) return undefined;
  if (parent.type === 'ObjectProperty' && parent.value === object) return propertyName(parent);
  if (parent.type === 'VariableDeclarator' && parent.id.type === 'Identifier') return parent.id.name;
  if (parent.type === 'AssignmentExpression') return memberPath(parent.left)?.split('.').pop();
  if (parent.type === 'CallExpression' || parent.type === 'NewExpression') return calleeContext(parent);
  return undefined;
}

/**
 * What an object literal belongs to: `db` for `db: { password }`. Generic holders (`auth`, `options`) look one
 * level further: `createTransport({ auth: { pass } })` is SMTP's; a `connection` object is the database's.
 */
function objectContext(ancestors: readonly Node[], objectIndex: number): string | undefined {
  const owner = ownerName(ancestors[objectIndex] as AnyNode, ancestors[objectIndex - 1] as AnyNode);
  if (owner && /^connection$/i.test(owner)) return 'DB';
  if (!owner || !/^(?:auth|credentials|options|opts|config|settings)$/i.test(owner)) return owner;
  const property = ancestors[objectIndex - 1] as AnyNode;
  const outer = ancestors[objectIndex - 2] as AnyNode | undefined;
  if (property?.type !== 'ObjectProperty' || outer?.type !== 'ObjectExpression') return owner;
  return ownerName(outer, ancestors[objectIndex - 3] as AnyNode) ?? owner;
}

/** Clients whose options hold a database or mail password: their env vars are named for what they reach. */
const calleeContexts: [RegExp, string][] = [
  [/^(?:mysql|mysql2|pg|knex|mongoose|MongoClient|Sequelize|DataSource|Pool|Client|PrismaClient)\b/, 'DB'],
  [/^(?:Redis|IORedis|ioredis|redis)\b/, 'REDIS'],
  [/^(?:nodemailer|createTransport)\b/, 'SMTP'],
];

function calleeContext(call: AnyNode): string | undefined {
  const path = memberPath(call.callee);
  const name = calleeName(call);
  if (!name) return undefined;
  for (const [pattern, context] of calleeContexts) if (path && pattern.test(path)) return context;
  if (/^create(?:Connection|Pool|PoolCluster)$/.test(name) || /^(?:Pool|Client|Sequelize)$/.test(name))
    return 'DB';
  if (name === 'createTransport') return 'SMTP';
  // session(...), cookieSession(...), createClient(...) -> session, cookie session, client
  return name.replace(/^(?:create|new|init|make|build|setup|connect)(?=[A-Z])/, '');
}

function wrapped(node: AnyNode): boolean {
  return (
    node.type === 'TSAsExpression' ||
    node.type === 'TSSatisfiesExpression' ||
    node.type === 'TSNonNullExpression' ||
    node.type === 'ParenthesizedExpression'
  );
}

/** The name a string literal is stored under, looking through `as` casts and parentheses. */
export function literalSite(literal: Node, ancestors: readonly Node[]): LiteralSite | undefined {
  let valueNode = literal as AnyNode;
  let index = ancestors.length - 1;
  while (index >= 0 && wrapped(ancestors[index] as AnyNode)) valueNode = ancestors[index--] as AnyNode;
  const parent = ancestors[index] as AnyNode | undefined;
  const grandparent = ancestors[index - 1] as AnyNode | undefined;
  if (!parent) return undefined;
  switch (parent.type) {
    case 'VariableDeclarator':
      if (parent.init === valueNode && parent.id.type === 'Identifier')
        return { name: parent.id.name, valueNode, position: 'variable' };
      return undefined;
    case 'ObjectProperty': {
      if (parent.value !== valueNode || parent.computed) return undefined;
      const name = propertyName(parent);
      if (!name) return undefined;
      const owner =
        grandparent?.type === 'ObjectExpression' ? objectContext(ancestors, index - 1) : undefined;
      return { name, context: owner, valueNode, position: 'property' };
    }
    case 'AssignmentExpression': {
      if (parent.right !== valueNode || parent.operator !== '=') return undefined;
      const path = memberPath(parent.left);
      if (!path) return undefined;
      const segments = path.split('.');
      return {
        name: segments.at(-1)!,
        context: segments.length > 1 ? segments.at(-2) : undefined,
        valueNode,
        position: 'assignment',
      };
    }
    case 'AssignmentPattern':
      if (parent.right !== valueNode) return undefined;
      if (parent.left.type === 'Identifier')
        return { name: parent.left.name, valueNode, position: 'default' };
      return undefined;
    case 'ClassProperty':
    case 'ClassPrivateProperty':
    case 'ClassAccessorProperty': {
      if (parent.value !== valueNode) return undefined;
      const name = parent.type === 'ClassPrivateProperty' ? parent.key.id.name : propertyName(parent);
      return name ? { name, valueNode, position: 'class-field' } : undefined;
    }
    case 'JSXAttribute':
      if (parent.value === valueNode && parent.name.type === 'JSXIdentifier')
        return { name: parent.name.name, valueNode, position: 'jsx' };
      return undefined;
    case 'TSEnumMember': {
      const name = parent.id.type === 'Identifier' ? parent.id.name : parent.id.value;
      return parent.initializer === valueNode ? { name, valueNode, position: 'enum' } : undefined;
    }
    case 'CallExpression': {
      const callee = memberPath(parent.callee);
      const argumentIndex = (parent.arguments as AnyNode[]).indexOf(valueNode);
      const known =
        callee && secretArguments.find((entry) => entry.callee.test(callee) && entry.index === argumentIndex);
      return known
        ? { name: known.name, context: known.context, valueNode, position: 'argument' }
        : undefined;
    }
    default:
      return undefined;
  }
}

/** The text of a string literal or of a template literal without expressions. */
export function stringValue(node: Node): string | undefined {
  const n = node as AnyNode;
  if (n.type === 'StringLiteral') return n.value;
  if (n.type === 'TemplateLiteral' && n.expressions.length === 0)
    return n.quasis[0].value.cooked ?? undefined;
  return undefined;
}

/**
 * `process.env.X`, `process.env['X']` and `import.meta.env.X`: the env var name read, if this node reads one.
 */
export function envRead(node: Node | null | undefined): string | undefined {
  if (!node) return undefined;
  const n = node as AnyNode;
  if (n.type !== 'MemberExpression' && n.type !== 'OptionalMemberExpression') return undefined;
  const object = isImportMetaEnv(n.object) ? 'import.meta.env' : memberPath(n.object);
  if (object !== 'process.env' && object !== 'import.meta.env' && object !== 'Bun.env') return undefined;
  if (!n.computed && n.property.type === 'Identifier') return n.property.name;
  if (n.property.type === 'StringLiteral') return n.property.value;
  return undefined;
}

function isImportMetaEnv(node: AnyNode): boolean {
  return (
    node.type === 'MemberExpression' &&
    node.object.type === 'MetaProperty' &&
    node.object.meta.name === 'import' &&
    !node.computed &&
    node.property.type === 'Identifier' &&
    node.property.name === 'env'
  );
}
