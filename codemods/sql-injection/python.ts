import type { SgNode } from '@ast-grep/napi';
import type { PythonContext, PythonDetector } from '../../src/engine/languages/index.js';
import {
  at,
  callArguments,
  calleeName,
  dottedName,
  importedNames,
  resolvedName,
} from '../../src/engine/languages/python-tree.js';
import type { TextEdit } from '../../src/engine/rule.js';
import { looksLikeSql, planParameters, type SqlPlan } from '../_shared/sql/sql-text.js';
import { moduleConstants, pythonSql, usesInScope, type PythonSql } from './python-pieces.js';

/** Placeholder families of the Python DB-API drivers (PEP 249 paramstyle), and SQLAlchemy's text(). */
type Paramstyle = 'qmark' | 'format' | 'numeric-dollar' | 'named';

/** Top-level modules whose import names the file's driver. */
const driverModules: Record<string, Paramstyle> = {
  sqlite3: 'qmark',
  aiosqlite: 'qmark',
  psycopg2: 'format',
  psycopg: 'format',
  aiopg: 'format',
  aiomysql: 'format',
  pymysql: 'format',
  MySQLdb: 'format',
  mysql: 'format',
  'django.db': 'format',
  asyncpg: 'numeric-dollar',
};

/** Methods that run SQL text given as their first argument (cursors, connections, sessions, Django managers). */
const sinkMethods = new Set([
  'execute',
  'executemany',
  'executescript',
  'exec_driver_sql',
  'raw',
  'fetch',
  'fetchrow',
  'fetchval',
  'read_sql',
  'read_sql_query',
]);

const message = (how: string, sink: string) =>
  `SQL built with ${how} reaches ${sink}: a value written into the SQL text can change the query`;

const formName: Record<PythonSql['form'], string> = {
  'f-string': 'an f-string',
  concatenation: '+',
  percent: '% formatting',
  format: '.format()',
};

function paramstylesOf(imports: ReadonlyMap<string, string>): Set<Paramstyle> {
  const styles = new Set<Paramstyle>();
  for (const module of imports.values())
    for (const [name, style] of Object.entries(driverModules))
      if (module === name || module.startsWith(`${name}.`)) styles.add(style);
  return styles;
}

function isSqlalchemyText(call: SgNode, imports: ReadonlyMap<string, string>): boolean {
  const name = resolvedName(dottedName(call.field('function')), imports);
  return (
    name === 'sqlalchemy.text' || name === 'sqlalchemy.sql.text' || name === 'sqlalchemy.sql.expression.text'
  );
}

/** `name` for a value, unique among those taken and not already a `:name` in the text. */
function bindName(expression: SgNode, taken: Set<string>): string {
  const last = /(\w+)\W*$/.exec(expression.text())?.[1] ?? 'value';
  const base = /^[A-Za-z_]\w*$/.test(last) && !/^\d/.test(last) ? last : 'value';
  let name = base;
  for (let count = 2; taken.has(name); count++) name = `${base}_${count}`;
  taken.add(name);
  return name;
}

/** A Python string literal holding `text` (already escaped for the delimiter's rules). */
function literal(delimiter: string, body: string, formatted: boolean): string {
  const quote = delimiter.replace(/^[rR]/, '');
  const prefix = delimiter.slice(0, delimiter.length - quote.length);
  return `${formatted ? 'f' : ''}${prefix}${quote}${body}${quote}`;
}

interface Rewrite {
  sql: string;
  parameters: string;
}

/** The parameterised literal and its parameter list, or why there is none. */
function rewrite(
  sql: PythonSql,
  plan: SqlPlan<SgNode> & { ok: true },
  style: Paramstyle,
  djangoRaw: boolean,
): Rewrite | string {
  const delimiter = sql.delimiter!;
  const quote = delimiter.replace(/^[rR]/, '');
  const raw = delimiter !== quote;
  const kept = plan.pieces.some((piece) => piece.kind === 'constant');
  const taken = new Set<string>();
  for (const piece of plan.pieces)
    if (piece.kind === 'text') for (const match of piece.text.matchAll(/:(\w+)/g)) taken.add(match[1]);
  let body = '';
  const values: { name: string; source: string }[] = [];
  for (const piece of plan.pieces) {
    if (piece.kind === 'text') {
      let text = piece.text;
      if (style === 'format') text = text.replace(/%/g, '%%');
      if (kept) text = text.replace(/\{/g, '{{').replace(/\}/g, '}}');
      body += text;
    } else if (piece.kind === 'constant') {
      // Before Python 3.12 an f-string's expression cannot hold its own quote character.
      if (piece.expression.text().includes(quote[0]) || piece.expression.text().includes('\\'))
        return `${piece.expression.text()} would have to move inside the f-string, where its quotes clash`;
      body += `{${piece.expression.text()}}`;
    } else {
      const value = piece.value;
      let source: string;
      if (value.kind === 'expression') source = value.expression.text();
      else {
        const template = value.pieces
          .map((part) =>
            'text' in part
              ? part.text.replace(/\{/g, '{{').replace(/\}/g, '}}')
              : `{${part.expression.text()}}`,
          )
          .join('');
        const quoteChar = template.includes('"') ? "'" : '"';
        if (template.includes(quoteChar) || template.includes('\\'))
          return 'the quoted text around the value holds quotes or backslashes';
        source = `f${quoteChar}${template}${quoteChar}`;
      }
      if (source.includes('\n')) return 'a value spans several lines';
      const first = value.kind === 'expression' ? value.expression : sql.node;
      const name = style === 'named' ? bindName(first, taken) : '';
      values.push({ name, source });
      body +=
        style === 'qmark'
          ? '?'
          : style === 'format'
            ? '%s'
            : style === 'named'
              ? `:${name}`
              : `$${values.length}`;
    }
  }
  if (raw && /\\$/.test(body)) return 'the raw string would end with a backslash';
  const parameters =
    style === 'named'
      ? `{${values.map((value) => `"${value.name}": ${value.source}`).join(', ')}}`
      : djangoRaw
        ? `[${values.map((value) => value.source).join(', ')}]`
        : `(${values.map((value) => value.source).join(', ')}${values.length === 1 ? ',' : ''})`;
  return { sql: literal(delimiter, body, kept), parameters };
}

/** Inserts `, parameters` after the call's only argument. */
function appendArgument(call: SgNode, parameters: string): TextEdit {
  const only = callArguments(call).positional[0];
  const end = only.range().end.index;
  return { start: end, end, text: `, ${parameters}` };
}

interface Sink {
  call: SgNode;
  /** The call that receives the parameters (the execute around `text(...)`). */
  runner?: SgNode;
  argument: SgNode;
  style?: Paramstyle;
  /** Why no fix can be offered whatever the text. */
  refuse?: string;
  djangoRaw?: boolean;
}

function onlyArgument(call: SgNode): boolean {
  const { positional, keywords, open } = callArguments(call);
  return positional.length === 1 && keywords.size === 0 && !open;
}

function sinkOf(
  call: SgNode,
  imports: ReadonlyMap<string, string>,
  styles: Set<Paramstyle>,
): Sink | undefined {
  const argument = callArguments(call).positional[0];
  if (!argument) return undefined;
  if (isSqlalchemyText(call, imports)) {
    // text(...) passed straight to execute(): its parameters go there
    const list = call.parent();
    const runner = list?.kind() === 'argument_list' ? list.parent() : null;
    const runnerOk =
      runner?.kind() === 'call' &&
      /^(execute|exec_driver_sql|scalar|scalars)$/.test(calleeName(runner) ?? '') &&
      onlyArgument(runner);
    return {
      call,
      argument,
      style: 'named',
      ...(runnerOk
        ? { runner: runner! }
        : {
            refuse:
              'the text() is not passed alone to an execute() call, so there is no one place to bind its values',
          }),
    };
  }
  const method = calleeName(call);
  if (!method || !sinkMethods.has(method) || call.field('function')?.kind() !== 'attribute') return undefined;
  // execute(text(...)) is reported at the text() call
  if (argument.kind() === 'call' && isSqlalchemyText(argument, imports)) return undefined;
  const sink: Sink = { call, runner: call, argument };
  if (method === 'executescript')
    return { ...sink, refuse: 'executescript() takes no parameters; run each statement with execute()' };
  if (method === 'executemany')
    return { ...sink, refuse: 'executemany() already binds each row; move the value into the rows by hand' };
  if (method === 'read_sql' || method === 'read_sql_query')
    return { ...sink, refuse: 'pass the value in params= (the placeholder depends on the connection)' };
  if (!onlyArgument(call))
    return { ...sink, refuse: 'the call already passes parameters; merge the value into them by hand' };
  // Handles: Model.objects.raw(sql): Django's manager, whose placeholder is %s whatever the database
  const receiver = call.field('function')?.field('object');
  if (method === 'raw' && (styles.has('format') || /(^|\.)objects$/.test(dottedName(receiver ?? null) ?? '')))
    return { ...sink, style: 'format', djangoRaw: true };
  if (styles.size !== 1)
    return {
      ...sink,
      refuse:
        styles.size === 0
          ? 'the driver cannot be told from the imports of this file, so neither is its placeholder'
          : 'the file imports several database drivers, so the placeholder cannot be told',
    };
  const style = [...styles][0];
  if (style === 'numeric-dollar')
    return {
      ...sink,
      refuse: 'asyncpg checks each parameter’s type: bind it as $1 with a value of the column’s type',
    };
  return { ...sink, style };
}

function check(context: PythonContext): void {
  const { root } = context;
  const imports = importedNames(root);
  const styles = paramstylesOf(imports);
  const constants = moduleConstants(root);
  for (const call of root.findAll({ rule: { kind: 'call' } })) {
    const sink = sinkOf(call, imports, styles);
    if (!sink) continue;
    const sql = pythonSql(sink.argument, constants);
    if (!sql || !sql.pieces.some((piece) => piece.kind === 'value') || !looksLikeSql(sql.pieces)) continue;
    const sinkName = dottedName(call.field('function')) ?? calleeName(call) ?? 'a SQL call';
    // SQL built in a variable is reported where the value is written into the text, not where it runs
    const report = {
      ...at(sql.assignment ? sql.node : call),
      message: message(formName[sql.form], sinkName),
    };
    const unfixable = (reason: string) => context.report({ ...report, unfixableReason: reason });
    // The reason about the text itself first (a name where no parameter can stand), then the call's.
    if (sql.blocker || !sql.delimiter) {
      unfixable(sql.blocker ?? 'the text is not one literal');
      continue;
    }
    const plan = planParameters(sql.pieces, { placeholder: 'question', bindsLimit: true });
    if (!plan.ok) {
      unfixable(`${plan.expression.text()}: ${plan.reason}`);
      continue;
    }
    if (sql.assignment && usesInScope(sink.argument) !== 2) {
      unfixable(
        `${sink.argument.text()} is used elsewhere too, where the placeholders would change its meaning`,
      );
      continue;
    }
    if (sink.refuse || !sink.style || !sink.runner) {
      unfixable(sink.refuse ?? 'no place to bind the values');
      continue;
    }
    const fixed = rewrite(sql, plan, sink.style, sink.djangoRaw ?? false);
    if (typeof fixed === 'string') {
      unfixable(fixed);
      continue;
    }
    const { start, end } = sql.node.range();
    context.report({
      ...report,
      fix: [
        { start: start.index, end: end.index, text: fixed.sql },
        appendArgument(sink.runner, fixed.parameters),
      ],
    });
  }
}

export default {
  prefilter: (text: string) =>
    /\b(execute|executemany|executescript|exec_driver_sql|raw|fetch|fetchrow|fetchval|read_sql|read_sql_query|text)\s*\(/.test(
      text,
    ) && /\b(select|insert|update|delete|with|replace|create|drop|alter|pragma|truncate)\b/i.test(text),
  check,
} satisfies PythonDetector;
