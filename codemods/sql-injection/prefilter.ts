/**
 * The text test that decides whether a file is parsed for sql-injection at all. A repository layer is full
 * of SQL and query calls, nearly all of them safe (`db.query('... $1', [id])`, `SELECT_USER + ' WHERE id = $1'`),
 * so "SQL words and a query call" lets a third of a data-heavy code base through to the parser. Here the first
 * argument of every query-like call is read token by token: the file passes when one of them can carry a
 * run-time value into the SQL text, as the rule itself reads it (pieces.ts: a template substitution, a `+`
 * operand that is not a string constant, a variable built that way, a config object's `text`/`sql`).
 * Anything this reader does not understand counts as "can", so it only ever spares files the rule would
 * find nothing in.
 */

/** Type arguments, which may nest once (`query<Array<Row>>(`). */
const typeArguments = String.raw`(?:<(?:[^<>]|<[^<>]*>)*>)?`;
/** A query-like call up to its `(` (`.get(`, `.all(`, `.exec(` alone are everywhere: Map, Promise, RegExp). */
const sinkCall = new RegExp(
  String.raw`\.(?:literal|where|andWhere|orWhere|having|andHaving|orHaving|query|execute|raw|whereRaw|orWhereRaw|andWhereRaw|havingRaw|orHavingRaw|orderByRaw|groupByRaw|joinRaw|fromRaw|prepare|exec|run|all|get|each|any|one|none|many|oneOrNone|manyOrNone|result|\$queryRawUnsafe|\$executeRawUnsafe)\s*${typeArguments}\s*\(|\b(?:query|execute|literal)\s*\(`,
  'g',
);
const anySinkCall = new RegExp(sinkCall.source);
/** Calls that take SQL fragments whatever the text looks like: the file is parsed whenever one appears. */
const rawSqlCall = new RegExp(
  String.raw`\.(?:literal|raw|whereRaw|orWhereRaw|andWhereRaw|havingRaw|orHavingRaw|orderByRaw|groupByRaw|joinRaw|fromRaw|\$queryRawUnsafe|\$executeRawUnsafe)\s*${typeArguments}\s*\(`,
);
const builderCondition =
  /\.(?:where|andWhere|orWhere|having|andHaving|orHaving)\s*\(\s*(?:`[^`]*\$\{|['"][^'"\n]*['"]\s*\+)/;
/**
 * SQL text as the rule recognises it (sql-text.ts, looksLikeSql): a statement word at the very start of
 * the text, so right after the quote of some literal of the file (`'SELECT`, a template's first line);
 * upper-case, or lower-case with the shape of a statement (`select ... from t`, `insert into t`...).
 */
const upperCaseStatement =
  /['"`](?:\s|\\[nrtfv]|\()*(?:SELECT|INSERT|UPDATE|DELETE|WITH|REPLACE|MERGE|UPSERT|CREATE|DROP|ALTER|TRUNCATE|CALL|EXEC|EXECUTE|PRAGMA|GRANT|REVOKE|SHOW|DESCRIBE|EXPLAIN|VALUES|COPY|LOCK|VACUUM|DECLARE)(?:\s|\\[nrtfv])/;
const statementShape =
  /['"`](?:\s|\\[nrtfv]|\()*(?:select\b[\s\S]*?\bfrom\s+\S|insert\s+(?:ignore\s+)?into\s+\S|update\s+\S+\s+set\s+\S+\s*=|delete\s+from\s+\S|with\s+\w+\s+as\s*\(|replace\s+into|create\s+(?:table|index|view)|drop\s+(?:table|index|view)|alter\s+table|pragma\s|truncate\s)/i;
/** Sinks that need no SQL-looking text: TypeORM's query builders and `literal()` imported from sequelize. */
const textFreeSink = /createQueryBuilder|sequelize/;

const identifierStart = /[A-Za-z_$]/;
const identifierPart = /[\w$]/;
const space = /\s/;

function skipTrivia(text: string, from: number): number {
  let index = from;
  for (;;) {
    while (index < text.length && space.test(text[index])) index++;
    if (text.startsWith('//', index)) {
      const end = text.indexOf('\n', index);
      index = end < 0 ? text.length : end + 1;
    } else if (text.startsWith('/*', index)) {
      const end = text.indexOf('*/', index + 2);
      index = end < 0 ? text.length : end + 2;
    } else return index;
  }
}

/** The index after a quoted string that starts at `from`; -1 if it does not end on its line. */
function stringEnd(text: string, from: number): number {
  const quote = text[from];
  for (let index = from + 1; index < text.length; index++) {
    const char = text[index];
    if (char === '\\') index++;
    else if (char === quote) return index + 1;
    else if (char === '\n') return -1;
  }
  return -1;
}

/** The index after a template without substitutions that starts at `from`; -1 for any other. */
function constantTemplateEnd(text: string, from: number): number {
  for (let index = from + 1; index < text.length; index++) {
    const char = text[index];
    if (char === '\\') index++;
    else if (char === '`') return index + 1;
    else if (char === '$' && text[index + 1] === '{') return -1;
  }
  return -1;
}

/** The index after a string or constant template at `from`, or -1. */
function literalEnd(text: string, from: number): number {
  const char = text[from];
  if (char === "'" || char === '"') return stringEnd(text, from);
  if (char === '`') return constantTemplateEnd(text, from);
  return -1;
}

/**
 * The index after the bracketed group that opens at `from` (`(`, `[` or `{`), reading strings, templates
 * and comments inside it; -1 when the text is not read with certainty (a `/` that may open a regular
 * expression, a string that does not end on its line, no closing bracket).
 */
function groupEnd(text: string, from: number): number {
  const closers: string[] = [];
  for (let index = from; index < text.length; index++) {
    const char = text[index];
    if (char === '(') closers.push(')');
    else if (char === '[') closers.push(']');
    else if (char === '{') closers.push('}');
    else if (char === ')' || char === ']' || char === '}') {
      if (closers.pop() !== char) return -1;
      if (closers.length === 0) return index + 1;
    } else if (char === "'" || char === '"') {
      index = stringEnd(text, index) - 1;
      if (index < 0) return -1;
    } else if (char === '`') {
      index = templateEnd(text, index) - 1;
      if (index < 0) return -1;
    } else if (char === '/') {
      const end = skipTrivia(text, index);
      if (end === index) return -1;
      index = end - 1;
    }
  }
  return -1;
}

/** The index after the template literal (substitutions included) that starts at `from`, or -1. */
function templateEnd(text: string, from: number): number {
  for (let index = from + 1; index < text.length; index++) {
    const char = text[index];
    if (char === '\\') index++;
    else if (char === '`') return index + 1;
    else if (char === '$' && text[index + 1] === '{') {
      index = groupEnd(text, index + 1) - 1;
      if (index < 0) return -1;
    }
  }
  return -1;
}

/**
 * The index after the member accesses and calls that follow a name (`.rows`, `?.sql`, `(plan)`, `[0]`,
 * across line breaks), `from` itself when none does, or -1 when one cannot be read with certainty.
 */
function postfixEnd(text: string, from: number): number {
  let index = from;
  for (;;) {
    const next = skipTrivia(text, index);
    let at = next;
    if (text.startsWith('?.', at)) at += 2;
    else if (text[at] === '.' && text[at + 1] !== '.') {
      at++;
      // `.name`; the `?.` form goes on below with a name, a call or an index
      at = skipTrivia(text, at);
      if (!identifierStart.test(text[at] ?? '')) return -1;
    } else if (text[at] !== '(' && text[at] !== '[') return index;
    at = skipTrivia(text, at);
    if (text[at] === '(' || text[at] === '[') index = groupEnd(text, at);
    else if (identifierStart.test(text[at] ?? '')) {
      index = at + 1;
      while (index < text.length && identifierPart.test(text[index])) index++;
    } else return -1;
    if (index < 0) return -1;
  }
}

function isPlus(text: string, index: number): boolean {
  return text[index] === '+' && text[index + 1] !== '+' && text[index + 1] !== '=';
}

type ArgumentShape =
  | { kind: 'dynamic' }
  /** No text the rule would read: no argument, a spread, an object without `text`/`sql`. */
  | { kind: 'nothing' }
  /** Literals and plain names joined by `+`; `names` are the names among the operands. */
  | { kind: 'chain'; names: string[]; operands: number };

/** An object argument counts only through a `text` or `sql` property (the config form of pg and mysql). */
function objectShape(text: string, from: number): ArgumentShape {
  let depth = 0;
  for (let index = from; index < text.length; index++) {
    const char = text[index];
    if (char === "'" || char === '"' || char === '`') {
      const end = literalEnd(text, index);
      if (end < 0) return { kind: 'dynamic' };
      index = end - 1;
    } else if (char === '{') depth++;
    else if (char === '}' && --depth === 0)
      return /\b(?:text|sql)\b/.test(text.slice(from, index)) ? { kind: 'dynamic' } : { kind: 'nothing' };
  }
  return { kind: 'dynamic' };
}

/** Reads the argument that starts at `from`, up to the `,` or `)` that ends it. */
function argumentShape(text: string, from: number): ArgumentShape {
  const names: string[] = [];
  let operands = 0;
  let index = skipTrivia(text, from);
  if (text[index] === '{') return objectShape(text, index);
  // No argument, or a spread one (`.all(...values)`): the rule reads only a first argument of its own.
  if (text[index] === ')' || text.startsWith('...', index)) return { kind: 'nothing' };
  for (;;) {
    const char = text[index];
    if (char === "'" || char === '"' || char === '`') {
      index = literalEnd(text, index);
      if (index < 0) return { kind: 'dynamic' };
    } else if (char !== undefined && identifierStart.test(char)) {
      let end = index + 1;
      while (end < text.length && identifierPart.test(text[end])) end++;
      const afterPostfix = postfixEnd(text, end);
      if (afterPostfix < 0) return { kind: 'dynamic' };
      if (afterPostfix > end) {
        // Handles: db.query(plan.sql) / db.execute(build(ast)): the rule reads SQL text only from a
        // literal, a `+` chain or a variable, so a member or a call alone gives it nothing; joined to
        // other operands by `+` it is a run-time value in the text.
        const after = skipTrivia(text, afterPostfix);
        const alone = operands === 0 && (text[after] === ',' || text[after] === ')');
        return alone ? { kind: 'nothing' } : { kind: 'dynamic' };
      }
      names.push(text.slice(index, end));
      index = end;
    } else return { kind: 'dynamic' };
    operands++;
    index = skipTrivia(text, index);
    if (isPlus(text, index)) {
      index = skipTrivia(text, index + 1);
      continue;
    }
    // `as`, `!`, an operator...: more than a plain name, so possibly a value.
    return text[index] === ',' || text[index] === ')'
      ? { kind: 'chain', names, operands }
      : { kind: 'dynamic' };
  }
}

const escapeName = (name: string) => name.replace(/\$/g, '\\$');

/**
 * `const NAME = 'text'` (or literals joined by `+`), the only declaration of the name here: the rule reads
 * such a constant as SQL text, not as a value.
 */
function isTextConstant(text: string, name: string): boolean {
  const declarations = text.match(
    new RegExp(`\\b(?:const|let|var|function|class|import)\\s+${escapeName(name)}\\b`, 'g'),
  );
  if (declarations?.length !== 1 || !declarations[0].startsWith('const')) return false;
  const declaration = new RegExp(`\\bconst\\s+${escapeName(name)}\\s*(?::\\s*string\\s*)?=`).exec(text);
  if (!declaration) return false;
  let index = skipTrivia(text, declaration.index + declaration[0].length);
  for (;;) {
    index = literalEnd(text, index);
    if (index < 0) return false;
    const next = skipTrivia(text, index);
    if (isPlus(text, next)) {
      index = skipTrivia(text, next + 1);
      continue;
    }
    // The statement ends here (a `;` or a line break without a continuing `+`).
    let end = index;
    while (text[end] === ' ' || text[end] === '\t') end++;
    return end >= text.length || text[end] === ';' || text[end] === '\n' || text[end] === '\r';
  }
}

/**
 * Whether some assignment to the variable (its declaration included: `name = `, `name += `, `name: T = `)
 * has a `${` or a `+` on its right side, the only ways the rule sees a value in a variable's SQL text.
 */
function mayBeBuiltFromValues(text: string, name: string): boolean {
  // Between the name and its `=` only a type annotation fits (`sql: string =`), not a call or a block.
  const assignment = new RegExp(
    `(?<![\\w$.])${escapeName(name)}\\b[^;=(){\\n]{0,200}?(?<![=!<>])=(?![=>])`,
    'g',
  );
  for (const match of text.matchAll(assignment)) {
    const from = match.index + match[0].length;
    const end = text.indexOf(';', from);
    const right = text.slice(from, end < 0 || end - from > 1000 ? from + 1000 : end);
    if (right.includes('${') || right.includes('+')) return true;
  }
  return false;
}

/** True when some query-like call in the text may be given SQL text that carries a run-time value. */
function mayPassValueIntoSql(text: string): boolean {
  for (const call of text.matchAll(sinkCall)) {
    const shape = argumentShape(text, call.index + call[0].length);
    if (shape.kind === 'dynamic') return true;
    if (shape.kind === 'nothing') continue;
    if (shape.operands === 1 && shape.names.length === 1) {
      if (mayBeBuiltFromValues(text, shape.names[0])) return true;
    } else if (shape.names.some((name) => !isTextConstant(text, name))) return true;
  }
  return false;
}

/**
 * The rule's prefilter: a call that takes SQL fragments (raw calls, query-builder conditions, `literal`),
 * or SQL text in some literal; and, in every case, a query-like call that may be given a value in its SQL
 * text (the rule reports nothing else, whatever the call).
 */
export function mayHoldSqlInjection(text: string): boolean {
  // Every path below needs a query-like call: one pass that fails on most files comes first.
  if (!anySinkCall.test(text)) return false;
  return (
    (rawSqlCall.test(text) ||
      builderCondition.test(text) ||
      textFreeSink.test(text) ||
      upperCaseStatement.test(text) ||
      statementShape.test(text)) &&
    mayPassValueIntoSql(text)
  );
}
