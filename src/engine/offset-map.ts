/** Line terminators as recast splits lines (and Babel counts them). */
const lineTerminator = /\r\n|\r(?!\n)|\n|\u2028|\u2029/g;

interface LineSpan {
  start: number;
  /** Characters of leading whitespace. */
  indent: number;
}

function spans(text: string): LineSpan[] {
  const result: LineSpan[] = [];
  let start = 0;
  const push = (end: number) =>
    result.push({ start, indent: /^[ \t]*/.exec(text.slice(start, end))![0].length });
  for (const match of text.matchAll(lineTerminator)) {
    push(match.index);
    start = match.index + match[0].length;
  }
  push(text.length);
  return result;
}

/**
 * recast hands Babel the file with its indentation re-rendered as spaces and every line terminator as
 * `\n`, so node offsets count in that text, not in the file. This maps them back: lines correspond one to
 * one, and only leading whitespace and terminators differ.
 */
export class OffsetMap {
  private readonly parsed: LineSpan[];
  private readonly original: LineSpan[];

  constructor(originalText: string, parsedText: string) {
    this.parsed = spans(parsedText);
    this.original = spans(originalText);
  }

  /** The offset in the file of an offset in the text Babel parsed. */
  toOriginal(offset: number): number {
    let low = 0;
    let high = this.parsed.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.parsed[middle].start <= offset) low = middle;
      else high = middle - 1;
    }
    const parsed = this.parsed[low];
    const original = this.original[low] ?? this.original[this.original.length - 1];
    const column = offset - parsed.start;
    if (column >= parsed.indent) return original.start + original.indent + column - parsed.indent;
    // Inside the indentation (an offset no node starts at): the start of the line's code at most.
    return original.start + Math.min(column, original.indent);
  }
}
