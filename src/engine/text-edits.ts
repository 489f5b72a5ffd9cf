import type { TextEdit } from './rule.js';

/** Two findings that ask for the very same change (one line rewritten for both) ask for it once. */
function sameEdit(first: TextEdit, second: TextEdit): boolean {
  return first.start === second.start && first.end === second.end && first.text === second.text;
}

/**
 * Two edits that change the same bytes, or an insertion inside a replaced range: which text wins is not
 * knowable. Insertions at one offset do not overlap; they go in the order given.
 */
export function editsOverlap(first: TextEdit, second: TextEdit): boolean {
  if (sameEdit(first, second)) return false;
  const inserts = (edit: TextEdit) => edit.start === edit.end;
  if (inserts(first) && inserts(second)) return false;
  if (inserts(first)) return second.start < first.start && first.start < second.end;
  if (inserts(second)) return first.start < second.start && second.start < first.end;
  return first.start < second.end && second.start < first.end;
}

/**
 * Applies edits given as offsets into `text`. Overlapping edits are refused (an Error naming the two
 * ranges), never merged or dropped: the caller leaves the fixes behind them for a human.
 */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let result = '';
  let cursor = 0;
  sorted.forEach((edit, index) => {
    if (index > 0 && sameEdit(sorted[index - 1], edit)) return;
    if (edit.start > edit.end || edit.end > text.length)
      throw new Error(`an edit of the fix falls outside the file (${edit.start}-${edit.end})`);
    if (index > 0 && editsOverlap(sorted[index - 1], edit))
      throw new Error(
        `two edits of the fixes overlap (${sorted[index - 1].start}-${sorted[index - 1].end} and ${edit.start}-${edit.end})`,
      );
    result += text.slice(cursor, edit.start) + edit.text;
    cursor = edit.end;
  });
  return result + text.slice(cursor);
}
