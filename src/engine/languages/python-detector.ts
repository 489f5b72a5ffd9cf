import type { SgNode } from '@ast-grep/napi';
import type { Prefilter, TextContext } from '../rule.js';

/**
 * What a rule's Python detector sees: the file's text (BOM removed) and its tree from @ast-grep/napi with the
 * Python grammar. Reports use the text rules' shape: 1-based lines, and fixes as TextEdit offsets into `text`
 * (ast-grep's `range().start.index` counts UTF-16 code units, as JavaScript strings do).
 */
export interface PythonContext extends TextContext {
  readonly root: SgNode;
}

/** One rule's detector for Python (`codemods/<rule>/python.ts`); the rule keeps one id, README and meta. */
export interface PythonDetector {
  /** A file whose text cannot match is never parsed. */
  prefilter: Prefilter;
  /** Narrows the files it reads beyond the rule's own `appliesTo` (paths relative to the project root, with `/`). */
  appliesTo?(relativePath: string): boolean;
  check(context: PythonContext): void;
}
