import type { Node } from '@babel/types';
import type { FixApi, FixFunction, SourceContext, SourceRule } from '../../src/engine/rule.js';
import { calleeName, findBinding, memberPath, unwrap } from '../../src/engine/ast-utils.js';
import {
  driverTraits,
  expressionDriver,
  genericMethods,
  importsModule,
  sinkMethods,
  unambiguousMethods,
} from '../_shared/sql/drivers.js';
import {
  assignmentsTo,
  hasValue,
  isPlainRead,
  referenceCount,
  rootNames,
  sqlSource,
  sqlVariable,
  type SqlSource,
} from '../_shared/sql/pieces.js';
import { looksLikeSql, planParameters, skeleton, type RewrittenPiece } from '../_shared/sql/sql-text.js';
import { prismaTemplate, sqlTextNode } from './rewrite.js';
import { projectDependencies } from '../_shared/project/files.js';
import { typeormPlaceholders } from '../_shared/sql/project-dialect.js';
import { placementFor, sqlite3Runners, unknownDriverReason, type Sink } from './placement.js';
import { mayHoldSqlInjection } from './prefilter.js';

// Babel and recast nodes are read field by field here: a loose type keeps the matching readable
type AnyNode = any;
type Pieces = RewrittenPiece<AnyNode>[];

function isNotDatabase(receiver: AnyNode, context: SourceContext): boolean {
  const node = unwrap(receiver);
  if (node.type === 'RegExpLiteral') return true;
  if (node.type === 'NewExpression' && memberPath(node.callee) === 'RegExp') return true;
  const path = memberPath(node);
  if (path === 'String' || path === 'JSON' || path === 'Promise') return true;
  if (node.type === 'Identifier') {
    const init = findBinding(node.name, context.ancestors)?.init;
    if (init && (unwrap(init).type === 'RegExpLiteral' || memberPath(unwrap(init).callee) === 'RegExp'))
      return true;
  }
  return false;
}

const queryBuilderConditions = new Set(['where', 'andWhere', 'orWhere', 'having', 'andHaving', 'orHaving']);

/** `repo.createQueryBuilder('u').where(...)`, or a variable holding such a builder. */
function isQueryBuilder(expression: AnyNode, context: SourceContext, depth = 0): boolean {
  const node = unwrap(expression);
  if (depth > 8) return false;
  if (node.type === 'CallExpression') {
    if (calleeName(node) === 'createQueryBuilder') return true;
    const callee = node.callee;
    return callee.type === 'MemberExpression' && isQueryBuilder(callee.object, context, depth + 1);
  }
  if (node.type === 'AwaitExpression') return isQueryBuilder(node.argument, context, depth + 1);
  if (node.type === 'Identifier') {
    const init = findBinding(node.name, context.ancestors)?.init;
    return Boolean(init) && isQueryBuilder(init, context, depth + 1);
  }
  return false;
}

/** `db.sequelize.query(...)` in a file that imports sequelize: the models index's instance, by its conventional name. */
function sequelizeByName(receiver: AnyNode, context: SourceContext): 'sequelize' | undefined {
  const path = memberPath(receiver);
  if (!path || !/(^|\.)sequelize$/.test(path)) return undefined;
  const isSequelize = (source: string) => source === 'sequelize' || source === 'sequelize-typescript';
  // Handles: const db = require('../models'); db.sequelize.query(...) in a project that depends on sequelize
  return importsModule(context.ancestors, isSequelize) ||
    [...projectDependencies(context.project.root)].some(isSequelize)
    ? 'sequelize'
    : undefined;
}

/**
 * `manager.query(sql, params)` in a TypeORM project: its one configured database decides the placeholders,
 * so the call is placed like pg's (`$1`) or mysql's (`?`) query(text, values).
 */
function typeormDialect(sink: Sink, context: SourceContext): Sink {
  if (sink.driver !== 'typeorm' || sink.queryBuilder || sink.method !== 'query') return sink;
  const placeholders = typeormPlaceholders(context.project.root);
  if (!placeholders) return sink;
  return { ...sink, driver: placeholders === 'dollar' ? 'pg' : 'mysql' };
}

function sinkOf(call: AnyNode, context: SourceContext): Sink | undefined {
  const method = calleeName(call);
  if (!method || call.arguments.length === 0) return undefined;
  const callee = call.callee as AnyNode;
  const receiver =
    callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression'
      ? callee.object
      : undefined;
  // Handles: repo.createQueryBuilder('user').where(`user.name = '${name}'`)
  if (queryBuilderConditions.has(method) && receiver && isQueryBuilder(receiver, context)) {
    // MikroORM's builders look the same but bind `?`: only TypeORM's get named parameters
    const mikro = importsModule(context.ancestors, (source) => source.startsWith('@mikro-orm/'));
    return { call, method, driver: mikro ? undefined : 'typeorm', needsSqlText: false, queryBuilder: true };
  }
  const certain = unambiguousMethods.get(method);
  if (certain) return { call, method, driver: certain, needsSqlText: false };
  const generic = genericMethods.has(method);
  if (!generic && !sqlite3Runners.has(method) && !sinkMethods['pg-promise'].includes(method))
    return undefined;
  // Handles: import { literal } from 'sequelize'; literal(`... ${id}`)
  if (!receiver && method === 'literal' && expressionDriver(callee, context) === 'sequelize')
    return { call, method, driver: 'sequelize', needsSqlText: false };
  if (!receiver) {
    // A bare `query(sql)` is a project helper around some client: reported when the text is SQL.
    return method === 'query' || method === 'execute' ? { call, method, needsSqlText: true } : undefined;
  }
  if (isNotDatabase(receiver, context)) return undefined;
  const driver = expressionDriver(receiver, context) ?? sequelizeByName(receiver, context);
  if (driver) {
    if (!sinkMethods[driver].includes(method)) return undefined;
    // knex.raw, Prisma.raw and sequelize.literal take fragments as well as whole statements
    const fragments = method === 'raw' || method === 'literal';
    return typeormDialect({ call, method, driver, needsSqlText: !fragments }, context);
  }
  // db.all(`SELECT ...`) on a client from another module: the SQL-looking text is the evidence
  return generic || sqlite3Runners.has(method) ? { call, method, needsSqlText: true } : undefined;
}

function describe(node: AnyNode, text: string): string {
  const source =
    typeof node.start === 'number' ? text.slice(node.start, node.end).replace(/\s+/g, ' ') : 'a value';
  return source.length > 40 ? `${source.slice(0, 37)}...` : source;
}

/** The values read at the call instead of where the variable was built: safe only for plain reads nobody reassigns in between. */
function movableValues(
  pieces: Pieces,
  declaration: AnyNode,
  call: AnyNode,
  ancestors: readonly Node[],
): string | undefined {
  for (const piece of pieces) {
    if (piece.kind !== 'parameter') continue;
    const expressions =
      piece.value.kind === 'expression'
        ? [piece.value.expression]
        : piece.value.pieces.flatMap((part) => ('expression' in part ? [part.expression] : []));
    for (const expression of expressions) {
      if (!isPlainRead(expression))
        return 'a value is computed where the variable is built (a call or an operation); move it by hand';
      for (const name of rootNames(expression)) {
        const binding = findBinding(name, ancestors);
        const scope = binding?.scope ?? (ancestors[0] as AnyNode);
        if (binding && !(scope.start <= declaration.start && declaration.end <= scope.end))
          return `\`${name}\` means something else where the query runs`;
        const changed = assignmentsTo(name, scope).some(
          (assignment) => assignment.start > declaration.end && assignment.start < call.start,
        );
        if (changed) return `\`${name}\` is reassigned between building the SQL and running it`;
      }
    }
  }
  return undefined;
}

const rule: SourceRule = {
  kind: 'source',
  meta: {
    id: 'sql-injection',
    title: 'SQL built from strings must use bound parameters',
    description:
      'SQL text assembled with template literals or `+` from run-time values lets the value change the query itself ' +
      '(SQL injection). Drivers bind values separately when they are passed as parameters.',
    checklist: 'input-validation',
    severity: 'critical',
    cwe: [89],
    fixable: true,
    hint: 'Pass the value as a bound parameter ($1 / ?) instead of writing it into the SQL text; names and keywords must come from an allowlist.',
  },
  prefilter: mayHoldSqlInjection,
  create(context) {
    return {
      CallExpression(call: AnyNode) {
        const sink = sinkOf(call, context);
        if (!sink) return;
        const argument = call.arguments[0] as AnyNode;
        if (argument.type === 'SpreadElement') return;
        let textArgument: AnyNode = unwrap(argument);
        let objectForm = false;
        // Handles: client.query({ text: `... ${id}`, values: [] }) / connection.query({ sql: ... })
        if (textArgument.type === 'ObjectExpression') {
          const property = textArgument.properties.find(
            (candidate: AnyNode) =>
              candidate.type === 'ObjectProperty' && ['text', 'sql'].includes(candidate.key?.name),
          );
          if (!property) return;
          textArgument = unwrap(property.value);
          objectForm = true;
        }
        let source: SqlSource | undefined;
        let variable: ReturnType<typeof sqlVariable>;
        if (textArgument.type === 'Identifier') {
          // Handles: const sql = `SELECT ... ${id}`; db.query(sql)
          variable = sqlVariable(textArgument, context.ancestors, context.text);
          if (!variable) return;
          source = variable.source;
          const assigned = variable.assignments.flatMap((assignment) =>
            assignment.type === 'AssignmentExpression'
              ? [sqlSource(assignment.right, context.ancestors, context.text)]
              : [],
          );
          const dynamicAssignment = variable.assignments.some(
            (assignment, index) => assignment.type === 'AssignmentExpression' && hasValue(assigned[index]),
          );
          if (!hasValue(source) && !dynamicAssignment) return;
          const readable = [source, ...assigned].filter((candidate): candidate is SqlSource =>
            Boolean(candidate),
          );
          if (readable.length === 0) return;
          if (sink.needsSqlText && !readable.some((candidate) => looksLikeSql(candidate.pieces))) return;
          source = source ?? readable[0];
          if (variable.assignments.length > 0) {
            context.report({
              node: argument,
              message: `SQL text \`${variable.name}\` is assembled from run-time values across several statements: pass the values as bound parameters`,
              unfixableReason:
                'the SQL text is built across several statements (the variable is reassigned); parameterise it by hand',
            });
            return;
          }
        } else {
          source = sqlSource(textArgument, context.ancestors, context.text);
          if (!hasValue(source)) return;
          if (sink.needsSqlText && !looksLikeSql(source!.pieces)) return;
        }
        const sql = source!;
        const firstValue = sql.pieces.find((piece) => piece.kind === 'value') as { expression: AnyNode };
        const message = variable
          ? `SQL text \`${variable.name}\` is built from \`${describe(firstValue.expression, context.text)}\` by ${sql.how}: pass the value as a bound parameter`
          : `SQL text built from \`${describe(firstValue.expression, context.text)}\` by ${sql.how}: pass the value as a bound parameter`;
        const report = (unfixableReason: string) =>
          context.report({ node: argument, message, unfixableReason });

        const driver = sink.driver;
        const traits = driverTraits[driver ?? 'mysql'];
        const plan = planParameters(sql.pieces, traits);
        if (!plan.ok)
          return report(
            `\`${describe(plan.expression, context.text)}\` cannot become a parameter: ${plan.reason}`,
          );
        if (!driver) return report(unknownDriverReason);
        if (objectForm)
          return report('the query is given as a config object; move the values into its `values` by hand');
        const skeletonText = skeleton(sql.pieces.filter((piece) => piece.kind !== 'value'));
        const keepTemplate = sql.node.type === 'TemplateLiteral';
        // `\t` written as an escape stays an escape; a real tab in the text stays a tab
        const escapeControls =
          keepTemplate && sql.node.quasis.some((quasi: AnyNode) => /\\[trbfv]/.test(quasi.value.raw));
        const replaceText = (api: FixApi, node: AnyNode) => (placeholder: (index: number) => string) => {
          const textNode = sqlTextNode(api, plan.pieces, placeholder, keepTemplate, escapeControls);
          api.pathOf(node).replace(textNode);
          return textNode;
        };
        let fix: FixFunction;
        if (driver === 'prisma' && sink.method === 'raw')
          return report(
            'Prisma.raw() is never parameterised: build the fragment with Prisma.sql`...` instead',
          );
        if (driver === 'prisma') {
          // Handles: prisma.$queryRawUnsafe(`... ${id}`) → prisma.$queryRaw`... ${id}`
          if (variable)
            return report(
              'the SQL text is built in a variable: write it as a Prisma.sql`...` template by hand',
            );
          if (call.arguments.length !== 1)
            return report('the call already passes values; write it as a $queryRaw`...` template by hand');
          if (call.callee.type !== 'MemberExpression' || call.callee.computed)
            return report('the client is not called as `prisma.$queryRawUnsafe(...)`; rewrite it by hand');
          fix = (api) => {
            const tag = api.j.memberExpression(
              call.callee.object,
              api.j.identifier(sink.method.replace('Unsafe', '')),
            );
            const tagged: AnyNode = api.j.taggedTemplateExpression(tag, prismaTemplate(api, plan.pieces));
            // $queryRawUnsafe<User[]>(...) keeps its result type: $queryRaw<User[]>`...`
            if (call.typeParameters) tagged.typeParameters = call.typeParameters;
            api.pathOf(call).replace(tagged);
          };
        } else {
          const placement = placementFor(sink, context.ancestors.slice(), plan.pieces, skeletonText);
          if ('reason' in placement) return report(placement.reason);
          if (variable) {
            const declaration = variable.binding.node;
            if (referenceCount(variable.name, variable.binding.scope) !== 1)
              return report(`\`${variable.name}\` is used elsewhere too; parameterise it by hand`);
            const unmovable = movableValues(plan.pieces, declaration, call, context.ancestors.slice());
            if (unmovable) return report(unmovable);
          }
          fix = (api) => placement.apply(api, plan.pieces, replaceText(api, sql.node));
        }
        context.report({ node: argument, message, fix });
      },
    };
  },
};

export default rule;
