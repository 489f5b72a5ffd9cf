import type { ParseFailure } from '../check-source.js';
import type { Finding, ProjectInfo, SourceRule, TextEdit } from '../rule.js';
import { applyTextEdits } from '../text-edits.js';
import { checkTreeFile, type TreeLanguage } from './index.js';

export interface TreeFixResult {
  output: string;
  applied: Finding[];
  /** Findings left for a human, each with the reason. */
  unfixed: Finding[];
  /** The applied findings' notes, for the summary. */
  notes: string[];
  parseError?: ParseFailure;
}

const sameEdit = (a: TextEdit, b: TextEdit) => a.start === b.start && a.end === b.end && a.text === b.text;

/** Two edits that touch the same characters (two inserts at one point do not overlap). */
const overlaps = (a: TextEdit, b: TextEdit) => a.start < b.end && b.start < a.end;

/**
 * Applies the accepted findings' edits of one file, one finding at a time: a finding whose edits overlap
 * an applied one, or whose result `verify` refuses (it no longer parses, say), is left for a human with the
 * reason and the others stay. An edit two findings share (one import both need) is applied once.
 */
export function fixTreeFile(
  language: TreeLanguage,
  text: string,
  file: string,
  relativePath: string,
  rules: readonly SourceRule[],
  project: ProjectInfo,
  accept: (finding: Finding) => boolean,
  verify: (output: string) => string | undefined,
): TreeFixResult {
  const checked = checkTreeFile(language, text, file, relativePath, rules, project);
  const result: TreeFixResult = { output: text, applied: [], unfixed: [], notes: [] };
  if (checked.parseError) return { ...result, parseError: checked.parseError };
  const edits: TextEdit[] = [];
  for (const { finding, edits: own, note } of checked.findings) {
    if (!accept(finding)) continue;
    if (!own) {
      result.unfixed.push(finding);
      continue;
    }
    const added = own.filter((edit) => !edits.some((applied) => sameEdit(applied, edit)));
    if (added.some((edit) => edits.some((applied) => overlaps(applied, edit)))) {
      result.unfixed.push({
        ...finding,
        fixable: false,
        unfixableReason: 'its fix overlaps the fix of another finding; run `secure fix` again',
      });
      continue;
    }
    const trial = applyTextEdits(text, [...edits, ...added]);
    const problem = verify(trial);
    if (problem) {
      result.unfixed.push({ ...finding, fixable: false, unfixableReason: `${problem}; fix by hand` });
      continue;
    }
    edits.push(...added);
    result.applied.push(finding);
    if (note && !result.notes.includes(note)) result.notes.push(note);
    result.output = trial;
  }
  return result;
}
