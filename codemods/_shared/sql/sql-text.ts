/**
 * Reads SQL text assembled from string pieces and interpolated values, and decides for each value
 * whether a bound parameter can stand where it is interpolated. Pure functions over strings: the
 * rule turns the plan into AST edits.
 */

/** One piece of the SQL text, in order. */
export type SqlPiece<Expr> =
  | { kind: 'text'; text: string }
  /** A compile-time constant kept as it is written (`${TABLE}`); `text` is its value. */
  | { kind: 'constant'; text: string; expression: Expr }
  /** A value known only at run time: the injection. */
  | { kind: 'value'; expression: Expr };

export type PlaceholderStyle = 'dollar' | 'question';

export interface DriverTraits {
  placeholder: PlaceholderStyle;
  /** Whether `LIMIT $1` / `OFFSET ?` works with this driver's binding. */
  bindsLimit: boolean;
}

/** What the fixed text is made of: text, kept constants, and parameters (a value or a template of pieces). */
export type RewrittenPiece<Expr> =
  | { kind: 'text'; text: string }
  | { kind: 'constant'; text: string; expression: Expr }
  | { kind: 'parameter'; value: ParameterValue<Expr> };

/** A bound value: one expression, or a template like `%${term}%` that the quotes surrounded. */
export type ParameterValue<Expr> =
  | { kind: 'expression'; expression: Expr }
  | { kind: 'template'; pieces: ({ text: string } | { expression: Expr })[] };

export type SqlPlan<Expr> =
  | { ok: true; pieces: RewrittenPiece<Expr>[]; parameters: ParameterValue<Expr>[] }
  | { ok: false; reason: string; expression: Expr };

const statementStart =
  /^[\s(]*(SELECT|INSERT|UPDATE|DELETE|WITH|REPLACE|MERGE|UPSERT|CREATE|DROP|ALTER|TRUNCATE|CALL|EXEC|EXECUTE|PRAGMA|GRANT|REVOKE|SHOW|DESCRIBE|EXPLAIN|VALUES|COPY|LOCK|VACUUM|DECLARE)\s/i;
const clauseWord =
  /\b(FROM|INTO|SET|WHERE|VALUES|TABLE|JOIN|LIMIT|RETURNING|INDEX|VIEW|DATABASE|SCHEMA|PROCEDURE|FUNCTION|TRIGGER|BY)\b/i;
/** `select ... from t`, `insert into t`, `update t set a =`, `delete from t`, `with x as (`: statement structure. */
const statementShape =
  /^[\s(]*(select\b[\s\S]*\bfrom\s+\S|insert\s+(ignore\s+)?into\s+\S|update\s+\S+\s+set\s+\S+\s*=|delete\s+from\s+\S|with\s+\w+\s+as\s*\(|replace\s+into|create\s+(table|index|view)|drop\s+(table|index|view)|alter\s+table|pragma\s|truncate\s)/i;
const standaloneStatements = /^[\s(]*(PRAGMA|TRUNCATE|VACUUM|EXPLAIN|DESCRIBE|CALL|EXEC|EXECUTE)\s/i;

/** A marker standing for a value inside the text while it is scanned (never in real SQL text). */
const HOLE = '\u0000';

interface Atom {
  char: string;
  /** Index of the piece this character comes from. */
  piece: number;
}

function atomsOf<Expr>(pieces: SqlPiece<Expr>[]): Atom[] {
  const atoms: Atom[] = [];
  pieces.forEach((piece, index) => {
    if (piece.kind === 'value') atoms.push({ char: HOLE, piece: index });
    else for (const char of piece.text) atoms.push({ char, piece: index });
  });
  return atoms;
}

/** The text with each value as a NUL character: what the scanners below read. */
export function skeleton<Expr>(pieces: SqlPiece<Expr>[]): string {
  return atomsOf(pieces)
    .map((atom) => atom.char)
    .join('');
}

/** Whether the text reads as a SQL statement (for receivers that are not certainly a database). */
export function looksLikeSql<Expr>(pieces: SqlPiece<Expr>[]): boolean {
  const text = skeleton(pieces);
  if (!statementStart.test(text) || !(clauseWord.test(text) || standaloneStatements.test(text))) return false;
  // Upper-case keywords are SQL; lower-case ones must also read like a statement, not like a sentence
  const end = scan(text).endState;
  if (end === "'" || end === '"') return false;
  const keyword = statementStart.exec(text)![1];
  return keyword === keyword.toUpperCase() || statementShape.test(text);
}

type QuoteState = 'none' | "'" | '"' | '`' | 'line-comment' | 'block-comment';

interface ScanResult {
  /** Quote state at each position (before the character is read). */
  states: QuoteState[];
  /** For positions inside a single-quoted string: where that string opened. */
  openedAt: number[];
  /** For an opening quote position: where the string closes (or -1). */
  closesAt: Map<number, number>;
  /** Innermost open parenthesis at each position (-1 when none). */
  paren: number[];
  dollarQuoted: boolean;
  /** The quote state after the last character: a string left open means this is not SQL text. */
  endState: QuoteState;
}

function scan(text: string): ScanResult {
  const states: QuoteState[] = [];
  const openedAt: number[] = [];
  const closesAt = new Map<number, number>();
  const paren: number[] = [];
  const parens: number[] = [];
  let state: QuoteState = 'none';
  let opened = -1;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    const next = text[index + 1];
    states.push(state);
    openedAt.push(opened);
    paren.push(parens.length ? parens[parens.length - 1] : -1);
    if (state === 'none') {
      if (char === "'" || char === '"' || char === '`') {
        state = char;
        opened = index;
      } else if (char === '-' && next === '-') state = 'line-comment';
      else if (char === '/' && next === '*') state = 'block-comment';
      else if (char === '(') parens.push(index);
      else if (char === ')') parens.pop();
    } else if (state === 'line-comment') {
      if (char === '\n') state = 'none';
    } else if (state === 'block-comment') {
      if (char === '/' && text[index - 1] === '*') state = 'none';
    } else if (char === state) {
      if (next === state) {
        // '' inside a string is an escaped quote, not its end
        states.push(state);
        openedAt.push(opened);
        paren.push(paren[paren.length - 1]);
        index++;
        continue;
      }
      closesAt.set(opened, index);
      state = 'none';
      opened = -1;
    }
  }
  return { states, openedAt, closesAt, paren, dollarQuoted: /\$[A-Za-z_]*\$/.test(text), endState: state };
}

const identifierChar = /[A-Za-z0-9_$.]/;

function previousWord(text: string, end: number): string {
  const before = text.slice(0, end).trimEnd();
  const match = /([A-Za-z_]+|<>|!=|<=|>=|[=<>(,]|::)$/.exec(before);
  return match ? match[1].toUpperCase() : '';
}

/** `'%${term}%'` → `%${term}%`: the characters between the quotes, as text and expressions. */
function templateBetween<Expr>(
  atoms: Atom[],
  pieces: SqlPiece<Expr>[],
  start: number,
  end: number,
): ParameterValue<Expr> | string {
  const inner = atoms.slice(start, end);
  if (inner.length === 1 && inner[0].char === HOLE) {
    return { kind: 'expression', expression: (pieces[inner[0].piece] as { expression: Expr }).expression };
  }
  const out: ({ text: string } | { expression: Expr })[] = [];
  let lastPiece = -1;
  for (let index = 0; index < inner.length; index++) {
    const atom = inner[index];
    const piece = pieces[atom.piece];
    if (piece.kind === 'text') {
      // 'it''s ${x}': the doubled quote is one quote in the value
      if (atom.char === "'" && inner[index + 1]?.char === "'" && inner[index + 1].piece === atom.piece)
        index++;
      else if (atom.char === "'" || atom.char === '\\')
        return 'the quoted text around the value holds quotes or backslashes';
      const last = out[out.length - 1];
      if (last && 'text' in last && lastPiece === atom.piece) last.text += atom.char;
      else out.push({ text: atom.char });
    } else if (atom.piece !== lastPiece) {
      if (piece.kind === 'constant' && /['\\]/.test(piece.text))
        return 'the quoted text around the value holds quotes or backslashes';
      out.push({ expression: piece.expression });
    }
    lastPiece = atom.piece;
  }
  return { kind: 'template', pieces: out };
}

/**
 * Plans the parameterised text. Every value must sit where a bound parameter can stand: inside a
 * '...' string (the quotes go away and the string's content becomes the value) or after a comparison,
 * in a VALUES tuple, an IN list of several items, BETWEEN, or LIMIT/OFFSET where the driver allows it.
 */
export function planParameters<Expr>(pieces: SqlPiece<Expr>[], driver: DriverTraits): SqlPlan<Expr> {
  const atoms = atomsOf(pieces);
  const text = atoms.map((atom) => atom.char).join('');
  const scanned = scan(text);
  const firstValue = pieces.find((piece) => piece.kind === 'value') as { expression: Expr };
  const fail = (reason: string, expression: Expr = firstValue.expression): SqlPlan<Expr> => ({
    ok: false,
    reason,
    expression,
  });
  if (scanned.dollarQuoted && driver.placeholder === 'dollar')
    return fail('the text uses $-quoting, which a parameter number could be confused with');

  // Existing `?` placeholders inside quotes or comments would be taken for parameters once values are bound.
  if (driver.placeholder === 'question') {
    for (let index = 0; index < text.length; index++)
      if (text[index] === '?' && scanned.states[index] !== 'none')
        return fail('a `?` inside a quoted string or comment would be taken for a parameter');
  }

  const rewritten: RewrittenPiece<Expr>[] = [];
  const parameters: ParameterValue<Expr>[] = [];
  const pushText = (char: string) => {
    const last = rewritten[rewritten.length - 1];
    if (last?.kind === 'text') last.text += char;
    else rewritten.push({ kind: 'text', text: char });
  };
  let index = 0;
  while (index < atoms.length) {
    const atom = atoms[index];
    const piece = pieces[atom.piece];
    if (piece.kind === 'text') {
      pushText(atom.char);
      index++;
      continue;
    }
    if (piece.kind === 'constant') {
      const start = index;
      while (index < atoms.length && atoms[index].piece === atom.piece) index++;
      const state = scanned.states[start];
      if (state === "'" && scanned.openedAt[start] >= 0) {
        // A constant inside a string that also holds a value is handled with the string below.
        const opened = scanned.openedAt[start];
        const closes = scanned.closesAt.get(opened) ?? -1;
        const hasValue = atoms.slice(opened, closes).some((inner) => inner.char === HOLE);
        if (hasValue) {
          index = start;
          const result = quotedString(opened, closes);
          if (typeof result === 'object' && 'ok' in result) return result;
          continue;
        }
      }
      rewritten.push({ kind: 'constant', text: piece.text, expression: piece.expression });
      continue;
    }
    const expression = piece.expression;
    const state = scanned.states[index];
    if (state === "'") {
      const opened = scanned.openedAt[index];
      const closes = scanned.closesAt.get(opened) ?? -1;
      const result = quotedString(opened, closes);
      if (typeof result === 'object' && 'ok' in result) return result;
      continue;
    }
    if (state === '"' || state === '`')
      return fail('it is interpolated inside a quoted identifier (a table or column name)', expression);
    if (state !== 'none') return fail('it is interpolated inside a SQL comment', expression);

    const before = text[index - 1] ?? '';
    const after = text[index + 1] ?? '';
    if (identifierChar.test(before) || identifierChar.test(after) || after === '(')
      return fail('it is part of a name or keyword, where no parameter can stand', expression);
    const word = previousWord(text, index);
    const openParen = scanned.paren[index];
    let isValue = ['=', '<>', '!=', '<', '>', '<=', '>=', 'LIKE', 'ILIKE', 'BETWEEN'].includes(word);
    if (word === 'AND' && /\bBETWEEN\s+\S+\s+AND\s*$/i.test(text.slice(0, index))) isValue = true;
    if (word === 'LIMIT' || word === 'OFFSET') {
      if (!driver.bindsLimit)
        return fail(
          `this driver may not accept a bound ${word} value; check it is an integer (Number.parseInt) instead`,
          expression,
        );
      isValue = true;
    }
    if ((word === '(' || word === ',') && openParen >= 0) {
      const opener = text.slice(0, openParen).trimEnd();
      const close = text.indexOf(')', index);
      const group = text.slice(openParen + 1, close < 0 ? undefined : close).trim();
      if (/\bVALUES\s*(\([^()]*\)\s*,\s*)*$/i.test(opener)) isValue = true;
      else if (/\bIN$/i.test(opener)) {
        if (group === HOLE)
          return fail(
            'it is a whole IN (...) list; bind one parameter per item (or `= ANY($1)` with PostgreSQL)',
            expression,
          );
        isValue = true;
      }
    }
    if (!isValue)
      return fail(
        'it stands where a name, keyword or SQL fragment goes (a table, a column, ORDER BY, a direction); check it against an allowlist of known values',
        expression,
      );
    parameters.push({ kind: 'expression', expression });
    rewritten.push({ kind: 'parameter', value: { kind: 'expression', expression } });
    index++;
  }
  return { ok: true, pieces: rewritten, parameters };

  /** Replaces the whole '...' string that holds a value by one parameter; advances `index` past it. */
  function quotedString(opened: number, closes: number): SqlPlan<Expr> | undefined {
    const firstHole = atoms.slice(opened).find((inner) => inner.char === HOLE);
    const expression = firstHole
      ? (pieces[firstHole.piece] as { expression: Expr }).expression
      : firstValue.expression;
    if (closes < 0) return fail('the quote around it is not closed in this text', expression);
    if (/[A-Za-z0-9_]/.test(text[opened - 1] ?? ''))
      return fail("it is inside a prefixed string (E'...', N'...'), left as written", expression);
    if (/\b(INTERVAL|DATE|TIME|TIMESTAMP|TIMESTAMPTZ)\s*$/i.test(text.slice(0, opened)))
      return fail(
        "it is inside a typed literal (INTERVAL '...', DATE '...'), where a parameter needs a cast ($1::interval); rewrite it by hand",
        expression,
      );
    // The constant pieces cut by the quotes cannot be split: leave such text to a human.
    const startPiece = atoms[opened].piece;
    const endPiece = atoms[closes].piece;
    if (pieces[startPiece].kind !== 'text' || pieces[endPiece].kind !== 'text')
      return fail('the quotes around it come from a constant', expression);
    const value = templateBetween(atoms, pieces, opened + 1, closes);
    if (typeof value === 'string') return fail(value, expression);
    // Drop what was already emitted of this string (the opening quote and text before the value).
    let toRemove = index - opened;
    while (toRemove > 0) {
      const last = rewritten[rewritten.length - 1];
      if (last?.kind !== 'text')
        return fail('the quoted text around it holds other interpolations', expression);
      const cut = Math.min(toRemove, last.text.length);
      last.text = last.text.slice(0, last.text.length - cut);
      toRemove -= cut;
      if (last.text === '') rewritten.pop();
    }
    parameters.push(value);
    rewritten.push({ kind: 'parameter', value });
    index = closes + 1;
    return undefined;
  }
}

/** The highest `$n` in the text outside quotes (0 when none). */
export function highestDollarParameter(text: string): number {
  const scanned = scan(text);
  let highest = 0;
  for (const match of text.matchAll(/\$(\d+)/g)) {
    if (scanned.states[match.index] === 'none') highest = Math.max(highest, Number(match[1]));
  }
  return highest;
}

/** How many `?` placeholders (`??` counts once) stand before each position, outside quotes. */
export function questionMarksBefore(text: string): (position: number) => number {
  const scanned = scan(text);
  const positions: number[] = [];
  for (let index = 0; index < text.length; index++) {
    if (text[index] === '?' && scanned.states[index] === 'none') {
      positions.push(index);
      if (text[index + 1] === '?') index++;
    }
  }
  return (position) => positions.filter((at) => at < position).length;
}
