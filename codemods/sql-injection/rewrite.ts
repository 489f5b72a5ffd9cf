import type { FixApi } from '../../src/engine/rule.js';
import type { ParameterValue, RewrittenPiece } from '../_shared/sql/sql-text.js';

// recast nodes are built and spliced by hand here; their static types do not help
type AnyNode = any;

function escapeTemplate(text: string, controls = false): string {
  const escaped = text.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');
  return controls ? escaped.replace(/\t/g, '\\t').replace(/\r/g, '\\r') : escaped;
}

function templateLiteral(
  api: FixApi,
  parts: ({ text: string } | { expression: AnyNode })[],
  controls = false,
): AnyNode {
  const { j } = api;
  const quasis: AnyNode[] = [];
  const expressions: AnyNode[] = [];
  let text = '';
  for (const part of parts) {
    if ('text' in part) text += part.text;
    else {
      quasis.push(j.templateElement({ raw: escapeTemplate(text, controls), cooked: text }, false));
      expressions.push(part.expression);
      text = '';
    }
  }
  quasis.push(j.templateElement({ raw: escapeTemplate(text, controls), cooked: text }, true));
  return j.templateLiteral(quasis, expressions);
}

function isLiteral(node: AnyNode): boolean {
  return /^(StringLiteral|NumericLiteral|BooleanLiteral)$/.test(node.type);
}

/** The bound value: the expression itself, or a template such as `%${term}%`. */
export function parameterNode(api: FixApi, value: ParameterValue<AnyNode>): AnyNode {
  if (value.kind === 'expression') return value.expression;
  return templateLiteral(api, value.pieces);
}

/**
 * The parameterised SQL text: a string literal when it is one line of plain text, else a template
 * literal (kept constants stay interpolated, `${TABLE}`).
 */
export function sqlTextNode(
  api: FixApi,
  pieces: RewrittenPiece<AnyNode>[],
  placeholder: (index: number) => string,
  preferTemplate: boolean,
  escapeControls = false,
): AnyNode {
  const parts: ({ text: string } | { expression: AnyNode })[] = [];
  let parameter = 0;
  for (const piece of pieces) {
    if (piece.kind === 'text') parts.push({ text: piece.text });
    // A literal operand (`' LIMIT ' + 10`) becomes text; a named constant stays `${TABLE}`
    else if (piece.kind === 'constant')
      parts.push(isLiteral(piece.expression) ? { text: piece.text } : { expression: piece.expression });
    else parts.push({ text: placeholder(parameter++) });
  }
  const plain = parts.every((part) => 'text' in part);
  const text = parts.map((part) => ('text' in part ? part.text : '')).join('');
  if (plain && !preferTemplate && !text.includes('\n')) return api.j.stringLiteral(text);
  return templateLiteral(api, parts, escapeControls);
}

/** Prisma's `$queryRaw` template: values interpolate (Prisma binds them); constants are written out. */
export function prismaTemplate(api: FixApi, pieces: RewrittenPiece<AnyNode>[]): AnyNode {
  return templateLiteral(
    api,
    pieces.map((piece) =>
      piece.kind === 'parameter' ? { expression: parameterNode(api, piece.value) } : { text: piece.text },
    ),
  );
}

/** Counts the `?` placeholders (`??` once) in text that has no `?` inside quotes. */
export function countQuestionMarks(text: string): number {
  return text.match(/\?\??/g)?.length ?? 0;
}

/**
 * Merges existing positional values with the new ones in the order their `?` appear in the text.
 * Undefined when the existing values do not match the existing placeholders.
 */
export function mergePositional(
  pieces: RewrittenPiece<AnyNode>[],
  existing: AnyNode[],
  newValue: (value: ParameterValue<AnyNode>) => AnyNode,
): AnyNode[] | undefined {
  const merged: AnyNode[] = [];
  let next = 0;
  for (const piece of pieces) {
    if (piece.kind === 'parameter') merged.push(newValue(piece.value));
    else {
      const count = countQuestionMarks(piece.text);
      for (let index = 0; index < count; index++) {
        if (next >= existing.length) return undefined;
        merged.push(existing[next++]);
      }
    }
  }
  return next === existing.length ? merged : undefined;
}

/** Parses `code` as an expression the way the file was parsed, so recast prints it as written here. */
export function expressionFromSource(api: FixApi, code: string): AnyNode {
  const program = api.j(`[${code}];`).find(api.j.Program).paths()[0].node as AnyNode;
  return program.body[0].expression.elements[0];
}

/** The source text of a node (its original text when it comes from the file). */
export function sourceOf(api: FixApi, node: AnyNode): string {
  return api.j(node).toSource();
}
