import type { SgNode } from '@ast-grep/napi';
import { callArguments, enclosingScope } from '../../src/engine/languages/python-tree.js';
import type { SqlPiece } from '../_shared/sql/sql-text.js';

/** How the SQL text was assembled: decides what the pieces' text means (`{{`, `%%`). */
export type SqlForm = 'f-string' | 'concatenation' | 'percent' | 'format';

/** Python SQL text split into text and values, with how to write it again as one literal. */
export interface PythonSql {
  form: SqlForm;
  /** The expression holding the SQL (replaced by the fix). */
  node: SgNode;
  pieces: SqlPiece<SgNode>[];
  /** Opening delimiter without f/b prefixes (`"`, `'''`, `r"`): undefined when the literals disagree. */
  delimiter?: string;
  /** Set when a piece cannot be moved as it is (`{x!r}`, `{x:>5}`, `%d` with a mapping...). */
  blocker?: string;
  /** Set when the text came from a variable: the `name = ...` assignment whose value is `node`. */
  assignment?: SgNode;
}

/**
 * `name.replace('"', '""')` or `.replace("'", "''")`: quotes doubled for a quoted identifier or literal,
 * so the value cannot end the quotes it stands in.
 */
function escapesQuotes(node: SgNode): boolean {
  if (node.kind() !== 'call' || node.field('function')?.field('attribute')?.text() !== 'replace')
    return false;
  const [from, to] = callArguments(node).positional.map((argument) => argument.text().slice(1, -1));
  return (from === '"' && to === '""') || (from === "'" && to === "''");
}

/** Values that cannot carry SQL: numbers, casts to numbers, lengths, upper-case module constants holding a literal. */
function constantText(node: SgNode, moduleConstants: ReadonlyMap<string, string>): string | undefined {
  const kind = node.kind();
  if (kind === 'integer' || kind === 'float') return node.text();
  if (kind === 'identifier') {
    const known = moduleConstants.get(node.text());
    if (known !== undefined) return known;
    const value = singleAssignment(node)?.field('right');
    return value && escapesQuotes(value) ? 'x' : undefined;
  }
  if (escapesQuotes(node)) return 'x';
  if (kind === 'call') {
    const callee = node.field('function')?.text();
    if (callee === 'int' || callee === 'float' || callee === 'len') return '0';
    // ", ".join("?" * len(ids)) and friends: generated placeholder lists
    if (
      node.field('function')?.kind() === 'attribute' &&
      node.field('function')?.field('attribute')?.text() === 'join' &&
      /^["'](\?|%s)["']/.test(node.field('arguments')?.namedChildren()[0]?.text().replace(/^[[(]/, '') ?? '')
    )
      return '?';
  }
  return undefined;
}

/** Values a program makes up itself: random identifiers cannot carry SQL (`uuid.uuid4().hex[:12]`). */
const generatedIdentifier =
  /^(uuid\.uuid[1-5]\(\)|secrets\.token_(hex|urlsafe)\(\d*\))(\.hex)?(\[[^\]]*\])?$/;

/** The text of a module-level string built only from literals, constants and generated identifiers. */
function constantString(value: SgNode, constants: ReadonlyMap<string, string>): string | undefined {
  if (value.kind() !== 'string') return undefined;
  const formatted = /f/i.test(stringStart(value));
  let text = '';
  for (const child of value.children()) {
    if (child.kind() === 'string_content')
      text += formatted ? child.text().replace(/\{\{/g, '{').replace(/\}\}/g, '}') : child.text();
    else if (child.kind() === 'interpolation') {
      const expression = (child.field('expression') ?? child.namedChildren()[0]).text();
      const known = constants.get(expression) ?? (generatedIdentifier.test(expression) ? 'x' : undefined);
      if (known === undefined) return undefined;
      text += known;
    }
  }
  return text;
}

/**
 * `TABLE = "users"` or `_SCHEMA = f"test_{uuid.uuid4().hex}"` at module level: upper-case names (a constant
 * by convention) assigned once, from literals, other such constants or generated identifiers.
 */
export function moduleConstants(root: SgNode): Map<string, string> {
  const constants = new Map<string, string>();
  const counts = new Map<string, number>();
  for (const statement of root.children()) {
    const assignment = statement.kind() === 'expression_statement' ? statement.child(0) : null;
    if (assignment?.kind() !== 'assignment') continue;
    const name = assignment.field('left');
    const value = assignment.field('right');
    if (name?.kind() !== 'identifier' || !/^_*[A-Z][A-Z0-9_]*$/.test(name.text()) || !value) continue;
    counts.set(name.text(), (counts.get(name.text()) ?? 0) + 1);
    const text = constantString(value, constants);
    if (text !== undefined) constants.set(name.text(), text);
  }
  for (const [name, count] of counts) if (count > 1) constants.delete(name);
  return constants;
}

function stringStart(node: SgNode): string {
  return (
    node
      .children()
      .find((child) => child.kind() === 'string_start')
      ?.text() ?? '"'
  );
}

/** The source text between a plain literal's quotes. */
function stringBody(node: SgNode): string {
  const start = stringStart(node);
  const endLength =
    node
      .children()
      .find((child) => child.kind() === 'string_end')
      ?.text().length ?? 1;
  return node.text().slice(start.length, node.text().length - endLength);
}

function literalsOf(node: SgNode): SgNode[] | undefined {
  if (node.kind() === 'string') return [node];
  if (node.kind() === 'concatenated_string') {
    const parts = node.namedChildren().filter((child) => child.kind() !== 'comment');
    return parts.every((part) => part.kind() === 'string') ? parts : undefined;
  }
  return undefined;
}

function delimiterOf(literals: SgNode[]): { delimiter?: string; blocker?: string } {
  const starts = literals.map((literal) => stringStart(literal));
  if (starts.some((start) => /b/i.test(start))) return { blocker: 'it is a bytes literal' };
  const bare = starts.map((start) => start.replace(/[fFuU]/g, ''));
  return bare.every((start) => start === bare[0])
    ? { delimiter: bare[0] }
    : { blocker: 'its literals use different quotes or prefixes' };
}

type Pieces = { pieces: SqlPiece<SgNode>[]; blocker?: string };

/** f-strings and plain literals, in order (`{{` is one brace in the SQL text). */
function literalPieces(literals: SgNode[], constants: ReadonlyMap<string, string>): Pieces {
  const pieces: SqlPiece<SgNode>[] = [];
  let blocker: string | undefined;
  for (const literal of literals) {
    const formatted = /f/i.test(stringStart(literal));
    for (const child of literal.children()) {
      const kind = child.kind();
      if (kind === 'string_content' || kind === 'escape_sequence')
        pieces.push({
          kind: 'text',
          text: formatted ? child.text().replace(/\{\{/g, '{').replace(/\}\}/g, '}') : child.text(),
        });
      else if (kind === 'interpolation') {
        const expression = child.field('expression') ?? child.namedChildren()[0];
        if (
          child
            .children()
            .some((part) => part.kind() === 'type_conversion' || part.kind() === 'format_specifier')
        )
          blocker ??= 'a value is formatted (`!r`, `:>5`) as it is written into the text';
        const text = constantText(expression, constants);
        pieces.push(
          text === undefined ? { kind: 'value', expression } : { kind: 'constant', text, expression },
        );
      }
    }
  }
  return { pieces, ...(blocker ? { blocker } : {}) };
}

function valuePiece(node: SgNode, constants: ReadonlyMap<string, string>): SqlPiece<SgNode> {
  const text = constantText(node, constants);
  return text === undefined
    ? { kind: 'value', expression: node }
    : { kind: 'constant', text, expression: node };
}

/** `"..." + x + "..."`, flattened left to right. */
function concatenationPieces(
  node: SgNode,
  constants: ReadonlyMap<string, string>,
  literals: SgNode[],
): Pieces {
  if (node.kind() === 'binary_operator' && node.field('operator')?.text() === '+') {
    const left = concatenationPieces(node.field('left')!, constants, literals);
    const right = concatenationPieces(node.field('right')!, constants, literals);
    return { pieces: [...left.pieces, ...right.pieces], blocker: left.blocker ?? right.blocker };
  }
  if (node.kind() === 'parenthesized_expression' && node.namedChildren().length === 1)
    return concatenationPieces(node.namedChildren()[0], constants, literals);
  const own = literalsOf(node);
  if (own) {
    literals.push(...own);
    return literalPieces(own, constants);
  }
  return { pieces: [valuePiece(node, constants)] };
}

/** `"... %s ..." % value` or `% (a, b)`: only `%s` conversions map one value each. */
function percentPieces(format: string, values: SgNode, constants: ReadonlyMap<string, string>): Pieces {
  const items =
    values.kind() === 'tuple'
      ? values.namedChildren().filter((child) => child.kind() !== 'comment')
      : [values];
  const pieces: SqlPiece<SgNode>[] = [];
  let blocker: string | undefined;
  let next = 0;
  let last = 0;
  for (const match of format.matchAll(/%(\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?([a-zA-Z%])/g)) {
    pieces.push({ kind: 'text', text: format.slice(last, match.index) });
    last = match.index + match[0].length;
    if (match[2] === '%') {
      pieces.push({ kind: 'text', text: '%' });
      continue;
    }
    if (match[1] || match[2] !== 's') blocker ??= `the text uses the ${match[0]} conversion, not a plain %s`;
    const item = items[next++];
    if (!item) return { pieces, blocker: 'the values do not match the %s in the text' };
    pieces.push(valuePiece(item, constants));
  }
  pieces.push({ kind: 'text', text: format.slice(last) });
  if (next !== items.length || (values.kind() !== 'tuple' && next !== 1))
    blocker ??= 'the values do not match the %s in the text';
  return { pieces, ...(blocker ? { blocker } : {}) };
}

/** `"... {} ... {name}".format(a, name=b)`. */
function formatPieces(format: string, call: SgNode, constants: ReadonlyMap<string, string>): Pieces {
  const { positional, keywords, open } = callArguments(call);
  const pieces: SqlPiece<SgNode>[] = [];
  let blocker: string | undefined = open ? 'the values are passed with * or **' : undefined;
  let automatic = 0;
  let last = 0;
  for (const match of format.matchAll(/\{\{|\}\}|\{([^{}]*)\}/g)) {
    pieces.push({ kind: 'text', text: format.slice(last, match.index) });
    last = match.index + match[0].length;
    if (match[0] === '{{' || match[0] === '}}') {
      pieces.push({ kind: 'text', text: match[0][0] });
      continue;
    }
    const field = match[1];
    if (!/^\w*$/.test(field))
      blocker ??= 'a field is formatted (`{0!r}`, `{x:>5}`, `{a.b}`) as it is written';
    const value =
      field === '' ? positional[automatic++] : /^\d+$/.test(field) ? positional[+field] : keywords.get(field);
    if (!value) return { pieces, blocker: 'a field of the text has no value in .format()' };
    pieces.push(valuePiece(value, constants));
  }
  pieces.push({ kind: 'text', text: format.slice(last) });
  return { pieces, ...(blocker ? { blocker } : {}) };
}

/** SQL text built by f-string, `+`, `%` or `.format()`, or a variable assigned once from one of those. */
export function pythonSql(
  node: SgNode,
  constants: ReadonlyMap<string, string>,
  followVariable = true,
): PythonSql | undefined {
  const kind = node.kind();
  // Handles: q = ("INSERT ... '%(name)s')" % {...}) — parentheses around the text
  if (kind === 'parenthesized_expression' && node.namedChildren().length === 1)
    return pythonSql(node.namedChildren()[0], constants, followVariable);
  if (kind === 'identifier' && followVariable) {
    const assignment = singleAssignment(node);
    const value = assignment?.field('right');
    const built = value ? pythonSql(value, constants, false) : undefined;
    return built && assignment ? { ...built, assignment } : undefined;
  }
  const literals = literalsOf(node);
  if (literals) {
    if (!literals.some((literal) => literal.children().some((child) => child.kind() === 'interpolation')))
      return undefined;
    return { form: 'f-string', node, ...literalPieces(literals, constants), ...delimiterOf(literals) };
  }
  if (kind === 'binary_operator') {
    const operator = node.field('operator')?.text();
    if (operator === '+') {
      const seen: SgNode[] = [];
      const result = concatenationPieces(node, constants, seen);
      if (seen.length === 0) return undefined;
      const { delimiter, blocker } = delimiterOf(seen);
      return { form: 'concatenation', node, ...result, delimiter, blocker: result.blocker ?? blocker };
    }
    const format = literalsOf(node.field('left')!);
    if (operator === '%' && format && !format.some((literal) => /f/i.test(stringStart(literal)))) {
      const body = format.map(stringBody).join('');
      const result = percentPieces(body, node.field('right')!, constants);
      const { delimiter, blocker } = delimiterOf(format);
      return { form: 'percent', node, ...result, delimiter, blocker: result.blocker ?? blocker };
    }
    return undefined;
  }
  if (kind === 'call') {
    const callee = node.field('function');
    const format = callee?.kind() === 'attribute' ? literalsOf(callee.field('object')!) : undefined;
    if (callee?.field('attribute')?.text() !== 'format' || !format) return undefined;
    if (format.some((literal) => /f/i.test(stringStart(literal)))) return undefined;
    const result = formatPieces(format.map(stringBody).join(''), node, constants);
    const { delimiter, blocker } = delimiterOf(format);
    return { form: 'format', node, ...result, delimiter, blocker: result.blocker ?? blocker };
  }
  return undefined;
}

/** `name = value`, the only binding of `name` in its function (no `+=`, no loop target, no parameter). */
export function singleAssignment(identifier: SgNode): SgNode | undefined {
  const name = identifier.text();
  const scope = enclosingScope(identifier);
  const bindings = scope.findAll({
    rule: {
      any: [
        { kind: 'assignment', has: { field: 'left', kind: 'identifier', regex: `^${name}$` } },
        { kind: 'augmented_assignment', has: { field: 'left', kind: 'identifier', regex: `^${name}$` } },
        { kind: 'for_statement', has: { field: 'left', regex: `\\b${name}\\b` } },
        { kind: 'parameters', has: { regex: `^\\*{0,2}${name}\\b` } },
      ],
    },
  });
  if (bindings.length !== 1 || bindings[0].kind() !== 'assignment') return undefined;
  const assignment = bindings[0];
  if (enclosingScope(assignment).id() !== scope.id()) return undefined;
  return assignment.range().end.index <= identifier.range().start.index ? assignment : undefined;
}

/** How many times a name is read or written in the function the node is in. */
export function usesInScope(identifier: SgNode): number {
  return enclosingScope(identifier).findAll({ rule: { kind: 'identifier', regex: `^${identifier.text()}$` } })
    .length;
}
