import type { Node } from '@babel/types';
import type { FixApi } from '../../src/engine/rule.js';
import { findBinding, unwrap } from '../../src/engine/ast-utils.js';
import type { Driver } from '../_shared/sql/drivers.js';
import { isPlainRead } from '../_shared/sql/pieces.js';
import { highestDollarParameter, type RewrittenPiece } from '../_shared/sql/sql-text.js';
import {
  countQuestionMarks,
  expressionFromSource,
  mergePositional,
  parameterNode,
  sourceOf,
} from './rewrite.js';

// Babel and recast nodes are read field by field here: a loose type keeps the matching readable
type AnyNode = any;
type Pieces = RewrittenPiece<AnyNode>[];

/** Statement methods of better-sqlite3 that run a prepared statement with positional values. */
const statementRunners = new Set(['all', 'get', 'run', 'iterate']);
const statementModifiers = new Set(['pluck', 'raw', 'expand', 'safeIntegers']);
export const sqlite3Runners = new Set(['run', 'all', 'get', 'each']);

export const unknownDriverReason =
  'the database driver behind this call cannot be told from this file, so neither is its placeholder syntax ($1 or ?): bind the value as a parameter by hand';
export const typeormReason =
  'with TypeORM the database decides the placeholder syntax ($1 for PostgreSQL, ? for MySQL and SQLite): pass the values as the second argument by hand';

export function isFunction(node: AnyNode | undefined): boolean {
  return Boolean(node) && /^(ArrowFunctionExpression|FunctionExpression)$/.test(node!.type);
}

/** The call a finding is about, with the driver behind it when it is known. */
export interface Sink {
  call: AnyNode;
  method: string;
  driver?: Driver;
  /** Fragments (whereRaw) are SQL by construction; generic names need SQL-looking text. */
  needsSqlText: boolean;
  /** A TypeORM query builder condition (`.where(...)`), which takes named `:parameters`. */
  queryBuilder?: boolean;
}

/** Where the values go, per driver, or why they cannot be placed automatically. */
export type Placement =
  | {
      apply: (
        api: FixApi,
        pieces: Pieces,
        textNode: (placeholder: (index: number) => string) => AnyNode,
      ) => void;
    }
  | { reason: string };

function arrayElements(node: AnyNode | undefined): AnyNode[] | undefined {
  if (!node) return [];
  const value = unwrap(node);
  if (value.type !== 'ArrayExpression') return undefined;
  if (value.elements.some((element: AnyNode | null) => !element || element.type === 'SpreadElement'))
    return undefined;
  return value.elements;
}

function positionalPlacement(
  existing: AnyNode[],
  pieces: Pieces,
  skeletonText: string,
  write: (api: FixApi, values: AnyNode[]) => void,
): Placement {
  if (countQuestionMarks(skeletonText) !== existing.length)
    return { reason: 'the values already passed do not match the `?` already in the text' };
  if (
    existing.length > 0 &&
    !existing.every(isPlainRead) &&
    !pieces.every(
      (piece) =>
        piece.kind !== 'parameter' ||
        piece.value.kind !== 'expression' ||
        isPlainRead(piece.value.expression),
    )
  )
    return {
      reason: 'moving the values next to the existing ones would change the order their side effects run in',
    };
  return {
    apply(api, rewritten, textNode) {
      textNode(() => '?');
      const merged = mergePositional(rewritten, existing, (value) => parameterNode(api, value))!;
      write(api, merged);
    },
  };
}

/** `query(text)`, `query(text, cb)`, `query(text, [values])`, `query(text, [values], cb)`. */
function valuesArgumentPlacement(
  ancestors: readonly Node[],
  call: AnyNode,
  pieces: Pieces,
  skeletonText: string,
  dollar: boolean,
  callbackAllowed: boolean,
): Placement {
  const second = call.arguments[1] as AnyNode | undefined;
  const insertBeforeCallback = isCallback(second, ancestors) && callbackAllowed;
  const existing = insertBeforeCallback ? [] : arrayElements(second);
  if (!existing)
    return { reason: 'the values argument is not an array literal, so the new values cannot be added to it' };
  const write = (api: FixApi, values: AnyNode[]) => {
    const array = api.j.arrayExpression(values);
    if (insertBeforeCallback || !second) call.arguments.splice(1, 0, array);
    else api.pathOf(second).replace(array);
  };
  if (!dollar) return positionalPlacement(existing, pieces, skeletonText, write);
  const highest = highestDollarParameter(skeletonText);
  if (highest !== existing.length)
    return { reason: 'the values already passed do not match the $n already in the text' };
  return {
    apply(api, rewritten, textNode) {
      textNode((index) => `$${highest + index + 1}`);
      const added = rewritten.flatMap((piece) =>
        piece.kind === 'parameter' ? [parameterNode(api, piece.value)] : [],
      );
      write(api, [...existing, ...added]);
    },
  };
}

/** `sequelize.query(text, { replacements: [...] })`. */
function sequelizePlacement(call: AnyNode, pieces: Pieces, skeletonText: string): Placement {
  const options: AnyNode = call.arguments[1] ? unwrap(call.arguments[1]) : undefined;
  if (options && options.type !== 'ObjectExpression')
    return { reason: 'the query options are not an object literal' };
  const properties: AnyNode[] = options?.properties ?? [];
  if (properties.some((property) => property.type === 'SpreadElement'))
    return { reason: 'the query options are spread from elsewhere' };
  const named = (name: string) =>
    properties.find((property) => property.key?.name === name || property.key?.value === name);
  if (named('bind'))
    return { reason: 'the query already uses `bind` parameters; add the value there by hand' };
  const replacements = named('replacements');
  const existing = replacements ? arrayElements(replacements.value) : [];
  if (!existing)
    return {
      reason: 'the replacements are not an array literal (named replacements?); add the value there by hand',
    };
  return positionalPlacement(existing, pieces, skeletonText, (api, values) => {
    const array = api.j.arrayExpression(values);
    const entry = `replacements: [${values.map((value) => sourceOf(api, value)).join(', ')}]`;
    if (replacements) replacements.value = array;
    else if (options && sourceOf(api, options).includes('\n'))
      options.properties.push(api.j.objectProperty(api.j.identifier('replacements'), array));
    else if (options) {
      // A one-line options object stays on one line
      const kept = options.properties.map((property: AnyNode) => sourceOf(api, property));
      api.pathOf(options).replace(expressionFromSource(api, `{ ${[...kept, entry].join(', ')} }`));
    } else call.arguments.splice(1, 0, expressionFromSource(api, `{ ${entry} }`));
  });
}

/** `db.prepare(text).all(...values)`: the values go to the statement call. */
function preparedPlacement(
  call: AnyNode,
  ancestors: readonly Node[],
  pieces: Pieces,
  skeletonText: string,
): Placement {
  let current: AnyNode = call;
  for (let index = ancestors.length - 1; index >= 1; index -= 2) {
    const member = ancestors[index] as AnyNode;
    const outer = ancestors[index - 1] as AnyNode;
    if (
      member.type !== 'MemberExpression' ||
      member.object !== current ||
      outer.type !== 'CallExpression' ||
      outer.callee !== member
    )
      break;
    const name = member.property.name;
    if (statementRunners.has(name)) {
      const existing: AnyNode[] = outer.arguments;
      if (
        existing.some(
          (argument) => argument.type === 'SpreadElement' || unwrap(argument).type === 'ObjectExpression',
        )
      )
        return { reason: 'the statement takes named or spread values; add the value there by hand' };
      if (/[@:$][A-Za-z_]/.test(skeletonText.replace(/'[^']*'/g, '')))
        return { reason: 'the statement uses named parameters; add the value there by hand' };
      return positionalPlacement(existing, pieces, skeletonText, (_api, values) => {
        outer.arguments = values;
      });
    }
    if (!statementModifiers.has(name)) break;
    current = outer;
  }
  return {
    reason: 'the prepared statement runs elsewhere: bind the values where it runs (.all, .get, .run)',
  };
}

/** A function written here, or a name bound to one (`function done(err, rows) {}`, `const done = (...) => ...`). */
function isCallback(node: AnyNode | undefined, ancestors: readonly Node[]): boolean {
  if (isFunction(node)) return true;
  if (node?.type !== 'Identifier') return false;
  const binding = findBinding(node.name, ancestors);
  return binding?.kind === 'function' || (binding?.kind === 'const' && isFunction(binding.init));
}

/** `user.id` → `id`, `req.query.name` → `name`, `` `%${term}%` `` → `term`. */
function parameterName(value: AnyNode): string {
  const node: AnyNode = unwrap(value);
  if (node.type === 'Identifier') return node.name;
  if ((node.type === 'MemberExpression' || node.type === 'OptionalMemberExpression') && !node.computed)
    return node.property.name;
  if (node.type === 'TemplateLiteral' && node.expressions.length) return parameterName(node.expressions[0]);
  return 'value';
}

/** TypeORM: `.where('user.name = :name', { name })`, names chosen from the values and never reused. */
function namedPlacement(call: AnyNode, pieces: Pieces, skeletonText: string): Placement {
  const second = call.arguments[1] ? unwrap(call.arguments[1]) : undefined;
  if (second && second.type !== 'ObjectExpression')
    return { reason: 'the parameters are not an object literal, so the new ones cannot be added to it' };
  if (second?.properties.some((property: AnyNode) => property.type !== 'ObjectProperty'))
    return { reason: 'the parameters object is spread or has methods; add the value there by hand' };
  const taken = new Set<string>(
    (second?.properties ?? []).map((property: AnyNode) => property.key.name ?? property.key.value),
  );
  for (const match of skeletonText.matchAll(/:\.{0,3}([A-Za-z_]\w*)/g)) taken.add(match[1]);
  return {
    apply(api, rewritten, textNode) {
      const { j } = api;
      const properties: AnyNode[] = [];
      const entries: string[] = [];
      const names: string[] = [];
      for (const piece of rewritten) {
        if (piece.kind !== 'parameter') continue;
        const value = parameterNode(api, piece.value);
        const base = /^[A-Za-z_]\w*$/.test(parameterName(value)) ? parameterName(value) : 'value';
        let name = base;
        for (let suffix = 2; taken.has(name); suffix++) name = `${base}${suffix}`;
        taken.add(name);
        names.push(name);
        const property = j.objectProperty(j.identifier(name), value);
        const shorthand = value.type === 'Identifier' && value.name === name;
        if (shorthand) property.shorthand = true;
        properties.push(property);
        entries.push(shorthand ? name : `${name}: ${sourceOf(api, value)}`);
      }
      textNode((index) => `:${names[index]}`);
      const original = second ? sourceOf(api, second) : '{}';
      if (second && original.includes('\n')) second.properties.push(...properties);
      else {
        // One-line objects stay on one line: `{ role }` becomes `{ role, minAge }`
        const kept = second ? second.properties.map((property: AnyNode) => sourceOf(api, property)) : [];
        const object = expressionFromSource(api, `{ ${[...kept, ...entries].join(', ')} }`);
        if (second) api.pathOf(second).replace(object);
        else call.arguments.push(object);
      }
    },
  };
}

/**
 * better-sqlite3 `db.exec(sql);` binds nothing: a single statement whose result is unused becomes
 * `db.prepare(sql).run(...values);`.
 */
function execPlacement(call: AnyNode, ancestors: readonly Node[], skeletonText: string): Placement {
  const reason = 'exec() cannot bind values: run the statement with prepare(sql).run(...values)';
  const parent = ancestors[ancestors.length - 1] as AnyNode;
  if (
    parent?.type !== 'ExpressionStatement' ||
    call.arguments.length !== 1 ||
    call.callee.type !== 'MemberExpression'
  )
    return { reason };
  // Several statements (`...; ...`) cannot go through prepare(), which takes exactly one
  const scanned = skeletonText.replace(/'(?:[^']|'')*'/g, "''").replace(/;\s*$/, '');
  if (scanned.includes(';') || countQuestionMarks(skeletonText) > 0) return { reason };
  return {
    apply(api, rewritten, textNode) {
      const { j } = api;
      const text = textNode(() => '?');
      const values = rewritten.flatMap((piece) =>
        piece.kind === 'parameter' ? [parameterNode(api, piece.value)] : [],
      );
      const prepare = j.callExpression(j.memberExpression(call.callee.object, j.identifier('prepare')), [
        text,
      ]);
      api.pathOf(call).replace(j.callExpression(j.memberExpression(prepare, j.identifier('run')), values));
    },
  };
}

export function placementFor(
  sink: Sink,
  ancestors: readonly Node[],
  pieces: Pieces,
  skeletonText: string,
): Placement {
  const { call, driver, method } = sink;
  switch (driver) {
    case 'pg':
      return valuesArgumentPlacement(ancestors, call, pieces, skeletonText, true, true);
    case 'mysql':
      return valuesArgumentPlacement(ancestors, call, pieces, skeletonText, false, true);
    case 'knex':
      return valuesArgumentPlacement(ancestors, call, pieces, skeletonText, false, false);
    case 'sequelize':
      if (method === 'literal')
        return {
          reason:
            'literal() takes no parameters: escape the value with sequelize.escape() or use a where object',
        };
      return sequelizePlacement(call, pieces, skeletonText);
    case 'better-sqlite3':
      if (method === 'exec') return execPlacement(call, ancestors, skeletonText);
      return preparedPlacement(call, ancestors, pieces, skeletonText);
    case 'sqlite3':
      if (!sqlite3Runners.has(method))
        return { reason: 'this sqlite3 method cannot bind values: use run, all, get or each' };
      return valuesArgumentPlacement(ancestors, call, pieces, skeletonText, false, true);
    case 'pg-promise':
      return valuesArgumentPlacement(ancestors, call, pieces, skeletonText, true, false);
    case 'typeorm':
      return sink.queryBuilder ? namedPlacement(call, pieces, skeletonText) : { reason: typeormReason };
    default:
      return { reason: unknownDriverReason };
  }
}
