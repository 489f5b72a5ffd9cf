import type { Node } from '@babel/types';
import type { SourceContext } from '../../../src/engine/rule.js';
import {
  findBinding,
  moduleBindings,
  programOf,
  requireSource,
  unwrap,
} from '../../../src/engine/ast-utils.js';
import { relativeModulePackage } from './project-modules.js';
import type { DriverTraits } from './sql-text.js';

// Babel and recast nodes are read field by field here: a loose type keeps the matching readable
type AnyNode = any;

export type Driver =
  | 'pg'
  | 'mysql'
  | 'sequelize'
  | 'knex'
  | 'prisma'
  | 'better-sqlite3'
  | 'sqlite3'
  | 'typeorm'
  | 'pg-promise';

/** npm package → the driver family whose parameter syntax it uses. */
const packages: Record<string, Driver> = {
  pg: 'pg',
  'pg-pool': 'pg',
  mysql: 'mysql',
  mysql2: 'mysql',
  'mysql2/promise': 'mysql',
  sequelize: 'sequelize',
  'sequelize-typescript': 'sequelize',
  knex: 'knex',
  objection: 'knex',
  '@prisma/client': 'prisma',
  'better-sqlite3': 'better-sqlite3',
  sqlite3: 'sqlite3',
  sqlite: 'sqlite3',
  typeorm: 'typeorm',
  'pg-promise': 'pg-promise',
};

export const driverTraits: Record<Driver, DriverTraits> = {
  pg: { placeholder: 'dollar', bindsLimit: true },
  mysql: { placeholder: 'question', bindsLimit: false },
  sequelize: { placeholder: 'question', bindsLimit: false },
  knex: { placeholder: 'question', bindsLimit: false },
  prisma: { placeholder: 'dollar', bindsLimit: false },
  'better-sqlite3': { placeholder: 'question', bindsLimit: true },
  sqlite3: { placeholder: 'question', bindsLimit: true },
  typeorm: { placeholder: 'question', bindsLimit: false },
  'pg-promise': { placeholder: 'dollar', bindsLimit: true },
};

/** The methods that take SQL text, per driver. */
export const sinkMethods: Record<Driver, readonly string[]> = {
  pg: ['query'],
  mysql: ['query', 'execute'],
  sequelize: ['query', 'literal'],
  knex: [
    'raw',
    'whereRaw',
    'orWhereRaw',
    'andWhereRaw',
    'havingRaw',
    'orHavingRaw',
    'orderByRaw',
    'groupByRaw',
    'joinRaw',
    'fromRaw',
  ],
  prisma: ['$queryRawUnsafe', '$executeRawUnsafe', 'raw'],
  'better-sqlite3': ['prepare', 'exec'],
  sqlite3: ['run', 'all', 'get', 'each', 'exec', 'prepare'],
  typeorm: ['query'],
  'pg-promise': ['query', 'any', 'one', 'none', 'many', 'oneOrNone', 'manyOrNone', 'result', 'each'],
};

/** Methods whose name alone says which API they belong to (knex/objection builders, Prisma). */
export const unambiguousMethods = new Map<string, Driver>([
  ...sinkMethods.knex.filter((name) => name !== 'raw').map((name) => [name, 'knex'] as [string, Driver]),
  ['$queryRawUnsafe', 'prisma'],
  ['$executeRawUnsafe', 'prisma'],
]);

/** Names any SQL client uses; with an unknown receiver they need SQL-looking text to be reported. */
export const genericMethods = new Set(['query', 'execute', 'prepare', 'exec', 'raw']);

const modulesCache = new WeakMap<Node, Map<string, { source: string; imported: string }>>();

function modulesOf(ancestors: readonly Node[]) {
  const program = programOf(ancestors);
  if (!program) return new Map<string, { source: string; imported: string }>();
  let modules = modulesCache.get(program);
  if (!modules) {
    modules = moduleBindings(program);
    modulesCache.set(program, modules);
  }
  return modules;
}

/** Whether the file imports or requires a module whose name passes `test`. */
export function importsModule(ancestors: readonly Node[], test: (source: string) => boolean): boolean {
  for (const { source } of modulesOf(ancestors).values()) if (test(source)) return true;
  return false;
}

/** The drivers the file imports or requires. */
export function importedDrivers(ancestors: readonly Node[]): Set<Driver> {
  const drivers = new Set<Driver>();
  for (const { source } of modulesOf(ancestors).values()) if (packages[source]) drivers.add(packages[source]);
  return drivers;
}

function typeDriver(
  annotation: AnyNode | undefined,
  context: SourceContext,
  depth: number,
): Driver | undefined {
  let type = annotation?.type === 'TSTypeAnnotation' ? annotation.typeAnnotation : annotation;
  if (!type || type.type !== 'TSTypeReference') return undefined;
  type = type.typeName;
  while (type.type === 'TSQualifiedName') type = type.left;
  return type.type === 'Identifier' ? identifierDriver(type.name, context, depth + 1) : undefined;
}

function identifierDriver(name: string, context: SourceContext, depth: number): Driver | undefined {
  const binding = findBinding(name, context.ancestors);
  if (!binding) return undefined;
  if (binding.kind === 'import' || binding.scope.type === 'Program') {
    const module = modulesOf(context.ancestors).get(name);
    // Handles: const knex = require('../knex_connection'), a project module exporting a knex instance
    if (module)
      return (
        packages[module.source] ??
        packages[relativeModulePackage(module.source, context.file, packages) ?? '']
      );
  }
  if (binding.kind === 'param') {
    const node: AnyNode = binding.node;
    const param: AnyNode = node.type === 'AssignmentPattern' ? node.left : node;
    return typeDriver(param.typeAnnotation, context, depth);
  }
  if (binding.node.type === 'VariableDeclarator') {
    const declarator: AnyNode = binding.node;
    const declared = typeDriver(declarator.id.typeAnnotation, context, depth);
    if (declared) return declared;
    if (binding.init) return expressionDriver(binding.init, context, depth + 1);
  }
  return undefined;
}

/**
 * `this.pool` inside a class: the driver of the property's type or initial value, of a constructor
 * parameter property (`constructor(private pool: Pool)`), or of `this.pool = new Pool()` in the constructor.
 */
function classMemberDriver(name: string, context: SourceContext, depth: number): Driver | undefined {
  const owner = [...context.ancestors]
    .reverse()
    .find((node: AnyNode) => /^Class(Declaration|Expression)$/.test(node.type));
  if (!owner) return undefined;
  for (const member of (owner as AnyNode).body.body as AnyNode[]) {
    const key = member.key?.name;
    if ((member.type === 'ClassProperty' || member.type === 'PropertyDefinition') && key === name)
      return (
        typeDriver(member.typeAnnotation, context, depth) ??
        expressionDriver(member.value, context, depth + 1)
      );
    if (member.type !== 'ClassMethod' || member.kind !== 'constructor') continue;
    for (const param of member.params as AnyNode[]) {
      if (param.type === 'TSParameterProperty') {
        const inner = param.parameter.type === 'AssignmentPattern' ? param.parameter.left : param.parameter;
        if (inner.name === name) return typeDriver(inner.typeAnnotation, context, depth);
      }
    }
    for (const statement of member.body.body as AnyNode[]) {
      const expression = statement.type === 'ExpressionStatement' ? statement.expression : undefined;
      if (
        expression?.type === 'AssignmentExpression' &&
        expression.left.type === 'MemberExpression' &&
        expression.left.object.type === 'ThisExpression' &&
        expression.left.property.name === name
      )
        return expressionDriver(expression.right, context, depth + 1);
    }
  }
  return undefined;
}

/**
 * The driver an expression comes from, when it can be told from this file: `new Pool()` from 'pg',
 * `mysql.createPool()`, `await pool.connect()`, `knex(config)`, a parameter typed `PoolClient`...
 */
export function expressionDriver(
  expression: AnyNode | undefined,
  context: SourceContext,
  depth = 0,
): Driver | undefined {
  if (!expression || depth > 6) return undefined;
  const node: AnyNode = unwrap(expression);
  const inline = requireSource(node);
  if (inline) return packages[inline];
  switch (node.type) {
    case 'AwaitExpression':
      return expressionDriver(node.argument, context, depth + 1);
    case 'Identifier':
      return identifierDriver(node.name, context, depth);
    case 'NewExpression':
    case 'CallExpression':
      return expressionDriver(node.callee, context, depth + 1);
    case 'MemberExpression':
    case 'OptionalMemberExpression':
      if (node.object.type === 'ThisExpression')
        return node.computed ? undefined : classMemberDriver(node.property.name, context, depth + 1);
      return expressionDriver(node.object, context, depth + 1);
    default:
      return undefined;
  }
}
