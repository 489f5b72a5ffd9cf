import { diffArrays } from 'diff';
import type { TextEdit } from './rule.js';

/** Applies non-overlapping edits to a text; overlapping edits after the first are dropped. */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let result = '';
  let cursor = 0;
  for (const edit of sorted) {
    if (edit.start < cursor) continue;
    result += text.slice(cursor, edit.start) + edit.text;
    cursor = edit.end;
  }
  return result + text.slice(cursor);
}

/** Lines with their own terminator (`\n`, `\r\n` or none on the last line). */
function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

const withoutTerminator = (line: string) => line.replace(/\r?\n$/, '');
const terminatorOf = (line: string) => line.slice(withoutTerminator(line).length);

/**
 * A printer writes every line with one terminator; a file may mix `\n` and `\r\n`, or lack the final
 * newline. Every line the fix left equal (ignoring its terminator) gets its original bytes back, so only
 * the changed lines differ from the file as it was.
 */
export function keepUntouchedLines(original: string, printed: string): string {
  if (original === printed) return printed;
  const before = splitLines(original);
  const after = splitLines(printed);
  let result = '';
  let oldIndex = 0;
  let newIndex = 0;
  // Changed lines take the terminators of the lines they replace, else of the line before them.
  let replaced: string[] = [];
  let lastTerminator = terminatorOf(before[0] ?? '\n') || '\n';
  const parts = diffArrays(before, after, {
    comparator: (left, right) => withoutTerminator(left) === withoutTerminator(right),
  });
  for (const part of parts) {
    const count = part.count ?? part.value.length;
    if (part.removed) {
      replaced = before.slice(oldIndex, oldIndex + count);
      oldIndex += count;
      continue;
    }
    if (part.added) {
      after.slice(newIndex, newIndex + count).forEach((line, offset) => {
        const terminator = terminatorOf(line);
        const wanted =
          offset < replaced.length ? terminatorOf(replaced[offset]) || terminator : lastTerminator;
        result += terminator ? withoutTerminator(line) + (wanted || terminator) : line;
        if (terminator) lastTerminator = wanted || terminator;
      });
      newIndex += count;
      replaced = [];
      continue;
    }
    replaced = [];
    for (let offset = 0; offset < count; offset += 1) {
      const old = before[oldIndex + offset];
      const printedLine = after[newIndex + offset];
      const lastOfOutput = newIndex + offset === after.length - 1;
      // A last line without a newline that the fix followed with new lines needs a terminator now.
      result += old === withoutTerminator(old) && !lastOfOutput ? old + terminatorOf(printedLine) : old;
      if (terminatorOf(old)) lastTerminator = terminatorOf(old);
    }
    oldIndex += count;
    newIndex += count;
  }
  return result;
}
