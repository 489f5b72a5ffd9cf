import * as recast from 'recast';
import type { TextEdit } from './rule.js';
import type { OffsetMap } from './offset-map.js';
import { eolAt, indentationAt, lineStart, type SourceStyle } from './source-style.js';
import {
  columns,
  commaListKeys,
  hideCommentsOutside,
  isNode,
  isPlainData,
  keysOf,
  lineListKeys,
  multilineQuasis,
  needsParens,
  onOneLine,
  sameValue,
  statementEndingInSemicolon,
  type AnyNode,
} from './tree-nodes.js';

export { writtenStyle } from './tree-nodes.js';

/**
 * Fixes change the recast tree; this turns the changes into text edits at the original offsets, so that
 * nothing outside a changed node is printed again. Each node of recast's tree keeps the node it was copied
 * from (`original`, with Babel's offsets): a node equal to its original is left as written; a child put in
 * place of another gets the old child's range; a list that gained or lost elements gets insertions and
 * deletions between the elements it kept; only a node whose own fields changed is printed again, alone,
 * in the file's indentation, quotes, semicolon style and line endings.
 */
export class TreeEdits {
  private readonly tabWidth: number;

  constructor(
    private readonly text: string,
    private readonly style: SourceStyle,
    private readonly offsets: OffsetMap,
  ) {
    this.tabWidth = style.indent === '\t' ? 4 : style.indent.length;
  }

  /** Where a node (or comment) of the parse starts in the file. */
  private start(node: AnyNode): number {
    return this.offsets.toOriginal(node.start);
  }

  private end(node: AnyNode): number {
    return this.offsets.toOriginal(node.end);
  }

  /** The edits that turn the original text into the changed tree. */
  of(program: AnyNode): TextEdit[] {
    const original = program.original;
    if (!original)
      return [{ start: 0, end: this.text.length, text: this.print(program, 0, this.text.length) }];
    return this.diff(program, original) ?? [this.replacement(undefined, '', original, program)];
  }

  /** Edits inside a node copied from `original`, or undefined when the node itself must be printed again. */
  private diff(current: AnyNode, original: AnyNode): TextEdit[] | undefined {
    const edits: TextEdit[] = [];
    const childRanges = new Set<string>();
    let sharedRange = false;
    for (const key of keysOf(current, original)) {
      const now = current[key];
      const was = original[key];
      if (Array.isArray(now) || Array.isArray(was)) {
        const listEdits = this.list(current, original, key, now ?? [], was ?? []);
        if (!listEdits) return undefined;
        edits.push(...listEdits);
      } else if (isNode(now) || isNode(was)) {
        // An optional child added or removed (an init, a type annotation): the node is printed again.
        if (!isNode(now) || !isNode(was)) return undefined;
        const range = `${this.start(was)}:${this.end(was)}`;
        if (childRanges.has(range)) sharedRange = true;
        childRanges.add(range);
        edits.push(...this.child(current, key, now, was));
      } else if (!sameValue(now, was)) return undefined;
    }
    // `{ token }`, `import { Pool }`: key and value are one text; a change to either prints the node again.
    if (sharedRange && edits.length > 0) return undefined;
    return edits;
  }

  private child(parent: AnyNode, key: string, now: AnyNode, was: AnyNode): TextEdit[] {
    if (now.original === was) {
      const inner = this.diff(now, was);
      if (inner) return inner;
    }
    return [this.replacement(parent, key, was, now)];
  }

  /** `now` printed over the range of `was`. */
  private replacement(parent: AnyNode, key: string, was: AnyNode, now: AnyNode): TextEdit {
    const ownText = this.text.slice(this.start(was), this.end(was));
    // A string put in place of code that started with a string keeps that string's quote.
    const quote =
      now.type === 'StringLiteral' ? ({ '"': 'double', "'": 'single' } as const)[ownText[0]] : undefined;
    let text = this.print(now, this.start(was), this.end(was), quote);
    if (statementEndingInSemicolon.test(now.type) && !ownText.endsWith(';')) text = text.replace(/;$/, '');
    else if (!ownText.includes('\n') && text.includes('\n') && isPlainData(now)) text = onOneLine(text);
    if (parent && needsParens(parent, key, now) && !was.extra?.parenthesized) text = `(${text})`;
    return { start: this.start(was), end: this.end(was), text };
  }

  private list(
    parent: AnyNode,
    originalParent: AnyNode,
    key: string,
    now: AnyNode[],
    was: AnyNode[],
  ): TextEdit[] | undefined {
    if (now.some((item) => !isNode(item)) || was.some((item) => !isNode(item))) {
      const same = now.length === was.length && now.every((item, index) => sameValue(item, was[index]));
      return same ? [] : undefined;
    }
    const from = now.map((item) => (item.original ? was.indexOf(item.original) : -1));
    let last = -1;
    for (const index of from) {
      if (index < 0) continue;
      if (index <= last) return undefined; // reordered: printed again
      last = index;
    }
    const edits: TextEdit[] = [];
    const kept = from.flatMap((index, position) => (index >= 0 ? [[position, index] as const] : []));
    const lines = lineListKeys.has(key);
    if (!lines && !commaListKeys.has(key) && (now.length !== was.length || kept.length !== now.length))
      return undefined;
    // Gaps between kept elements: [now start, now end, was start, was end]
    const bounds: (readonly [number, number])[] = [[-1, -1], ...kept, [now.length, was.length]];
    for (let gap = 0; gap + 1 < bounds.length; gap++) {
      const [nowBefore, wasBefore] = bounds[gap];
      const [nowAfter, wasAfter] = bounds[gap + 1];
      const added = now.slice(nowBefore + 1, nowAfter);
      const removed = was.slice(wasBefore + 1, wasAfter);
      if (added.length === 0 && removed.length === 0) continue;
      if (added.length === removed.length) {
        added.forEach((item, index) => edits.push(this.replacement(parent, key, removed[index], item)));
        continue;
      }
      const previous = was[wasBefore] as AnyNode | undefined;
      const next = was[wasAfter] as AnyNode | undefined;
      const gapEdit = this.gap(originalParent, key, lines, previous, next, removed, added, was);
      if (!gapEdit) return undefined;
      edits.push(gapEdit);
    }
    for (const [position, index] of kept) edits.push(...this.child(parent, key, now[position], was[index]));
    return edits;
  }

  /** The separator before an element next to `neighbour` in a list. */
  private separator(lines: boolean, neighbour: AnyNode, multiline: boolean): string {
    const eol = eolAt(this.text, this.start(neighbour), this.style);
    if (lines) return eol + indentationAt(this.text, this.start(neighbour));
    return multiline ? `,${eol}${indentationAt(this.text, this.start(neighbour))}` : ', ';
  }

  /** Whether a comma list puts its elements on separate lines. */
  private multiline(parent: AnyNode, key: string, was: AnyNode[]): boolean {
    const lineOf = (offset: number) => lineStart(this.text, offset);
    if (was.length >= 2)
      return was.some(
        (item, index) => index > 0 && lineOf(this.start(item)) !== lineOf(this.end(was[index - 1])),
      );
    return (
      was.length === 1 &&
      lineOf(this.start(was[0])) !== lineOf(this.listOpening(parent, key) ?? this.start(was[0]))
    );
  }

  /** The offset of the bracket that opens a list: a call's `(` comes after its callee, which may span lines. */
  private listOpening(parent: AnyNode, key: string): number | undefined {
    if (key !== 'arguments') return this.start(parent);
    const open = this.text.indexOf(
      '(',
      this.end(parent.typeArguments ?? parent.typeParameters ?? parent.callee),
    );
    return open >= 0 && open < this.end(parent) ? open : undefined;
  }

  private gap(
    parent: AnyNode,
    key: string,
    lines: boolean,
    previous: AnyNode | undefined,
    next: AnyNode | undefined,
    removed: AnyNode[],
    added: AnyNode[],
    was: AnyNode[],
  ): TextEdit | undefined {
    const multiline = lines || this.multiline(parent, key, was);
    const printAll = (at: number, neighbour: AnyNode) =>
      added
        .map((item) => this.printElement(item, at, !multiline))
        .join(this.separator(lines, neighbour, multiline));
    if (removed.length > 0 && added.length > 0) {
      const start = this.start(removed[0]);
      return { start, end: this.end(removed[removed.length - 1]), text: printAll(start, removed[0]) };
    }
    if (removed.length > 0) return this.removal(lines, previous, next, removed);
    if (previous) {
      const at = lines ? this.afterStatement(previous) : this.end(previous);
      return {
        start: at,
        end: at,
        text: this.separator(lines, previous, multiline) + printAll(this.start(previous), previous),
      };
    }
    if (next) {
      const at = lines ? this.beforeStatement(next) : this.start(next);
      return {
        start: at,
        end: at,
        text: printAll(this.start(next), next) + this.separator(lines, next, multiline),
      };
    }
    const open = key === 'arguments' ? this.listOpening(parent, key) : undefined;
    if (open === undefined) return undefined;
    const text = added.map((item) => this.printElement(item, open, true)).join(', ');
    return { start: open + 1, end: open + 1, text };
  }

  private removal(
    lines: boolean,
    previous: AnyNode | undefined,
    next: AnyNode | undefined,
    removed: AnyNode[],
  ): TextEdit {
    const first = this.start(removed[0]);
    const last = this.end(removed[removed.length - 1]);
    if (lines) {
      const start = lineStart(this.text, first);
      const lineEnd = this.text.indexOf('\n', last);
      const alone =
        !this.text.slice(start, first).trim() &&
        !this.text.slice(last, lineEnd < 0 ? undefined : lineEnd).trim();
      return alone
        ? { start, end: lineEnd < 0 ? this.text.length : lineEnd + 1, text: '' }
        : { start: first, end: last, text: '' };
    }
    if (previous) return { start: this.end(previous), end: last, text: '' };
    if (next) return { start: first, end: this.start(next), text: '' };
    return { start: first, end: last, text: '' };
  }

  /** After a statement and a comment that ends its line (`foo(); // why`). */
  private afterStatement(statement: AnyNode): number {
    const lineEnd = this.text.indexOf('\n', this.end(statement));
    const end = lineEnd < 0 ? this.text.length : this.text[lineEnd - 1] === '\r' ? lineEnd - 1 : lineEnd;
    return /^\s*(\/\/.*)?$/.test(this.text.slice(this.end(statement), end)) ? end : this.end(statement);
  }

  /** Before a statement and the comments right above it, which belong to it. */
  private beforeStatement(statement: AnyNode): number {
    let start = this.start(statement);
    const comments: AnyNode[] = statement.leadingComments ?? [];
    for (let index = comments.length - 1; index >= 0; index--) {
      const between = this.text.slice(this.end(comments[index]), start);
      if ((between.match(/\n/g)?.length ?? 0) > 1 || between.trim()) break;
      start = this.start(comments[index]);
    }
    return start;
  }

  /**
   * An element printed to stand at `at`: a new statement follows the file's semicolon style; in a list
   * written on one line, a plain data value recast lays out over lines (`{\n  algorithms: [...]\n}`) is
   * kept on one line too.
   */
  private printElement(node: AnyNode, at: number, oneLine = false): string {
    const text = this.print(node, at, at);
    if (statementEndingInSemicolon.test(node.type) && !this.style.semicolons) return text.replace(/;$/, '');
    return oneLine && text.includes('\n') && isPlainData(node) ? onOneLine(text) : text;
  }

  /** A node printed alone, laid out for a range starting at `start`. */
  private print(node: AnyNode, start: number, end: number, quote = this.style.quote): string {
    const hidden: [AnyNode, AnyNode[]][] = [];
    hideCommentsOutside(node, (comment) => this.start(comment) >= start && this.end(comment) <= end, hidden);
    let code: string;
    try {
      code = recast.print(node, {
        quote,
        tabWidth: this.tabWidth,
        useTabs: this.style.indent === '\t',
        lineTerminator: '\n',
      }).code;
    } finally {
      for (const [owner, comments] of hidden) owner.comments = comments;
    }
    return this.layout(code, node, start);
  }

  /** Recast indents from column 0; the text goes where the line of `start` is indented, in the file's unit. */
  private layout(code: string, node: AnyNode, start: number): string {
    if (!code.includes('\n')) return code;
    const frozen: [number, number][] = [];
    let searchFrom = 0;
    for (const raw of multilineQuasis(node)) {
      const found = code.indexOf(raw, searchFrom);
      if (found < 0) continue;
      frozen.push([found, found + raw.length]);
      searchFrom = found + raw.length;
    }
    const base = indentationAt(this.text, start);
    const eol = eolAt(this.text, start, this.style);
    const lines = code.split('\n');
    let offset = lines[0].length + 1;
    const out = [lines[0]];
    for (const line of lines.slice(1)) {
      const inTemplate = frozen.some(([from, to]) => offset > from && offset <= to);
      offset += line.length + 1;
      if (inTemplate || !line.trim()) {
        out.push(inTemplate ? line : '');
        continue;
      }
      const leading = /^[ \t]*/.exec(line)![0];
      const width = columns(leading, this.tabWidth);
      const indent =
        this.style.indent === '\t'
          ? '\t'.repeat(Math.floor(width / this.tabWidth)) + ' '.repeat(width % this.tabWidth)
          : ' '.repeat(width);
      out.push(base + indent + line.slice(leading.length));
    }
    return out.join(eol);
  }
}
