import type { SgNode } from '@ast-grep/napi';
import { sortTextFindings, textFinding, type TextFinding } from '../text-finding.js';
import type { ParseFailure } from '../check-source.js';
import { matchesPrefilter, type ProjectInfo, type SourceRule } from '../rule.js';
import type { PythonDetector } from './python-detector.js';
import { parsePython, pythonProblem } from './python.js';

export type { PythonContext, PythonDetector } from './python-detector.js';

/**
 * The languages read through a tree-sitter grammar (@ast-grep/napi), besides JavaScript/TypeScript, which
 * keep the Babel path (file kind `source`: parse.ts, check-source.ts, analyze-source.ts). A rule carries one
 * detector per such language; its findings and fixes are text reports (TextEdit offsets), so they flow
 * through the text rules' output, baseline, cache and fix staging. Adding a language is one entry here.
 */
export interface TreeLanguage {
  /** The file kind discovery gives its files, and the key of its detector on a rule (`rule.python`). */
  id: 'python';
  /** Name suffixes of its files, with the dot. */
  extensions: readonly string[];
  detectorOf(rule: SourceRule): PythonDetector | undefined;
  /** The tree, or where the text stops being valid. */
  parse(text: string): { root: SgNode } | { failure: ParseFailure };
  /** Why a fixed text is not valid in this language, or undefined. */
  problem(text: string): string | undefined;
}

export type TreeLanguageId = TreeLanguage['id'];

export const treeLanguages: readonly TreeLanguage[] = [
  {
    id: 'python',
    extensions: ['.py'],
    detectorOf: (rule) => rule.python,
    parse: parsePython,
    problem: pythonProblem,
  },
];

/** The tree language of a file, by its name. */
export function treeLanguageOfPath(path: string): TreeLanguage | undefined {
  return treeLanguages.find((language) => language.extensions.some((extension) => path.endsWith(extension)));
}

export function treeLanguageOfKind(kind: string): TreeLanguage | undefined {
  return treeLanguages.find((language) => language.id === kind);
}

/** The rules with a detector for this language whose path filter and prefilter let this text through. */
export function treeCandidates(
  language: TreeLanguage,
  text: string,
  relativePath: string,
  rules: readonly SourceRule[],
): SourceRule[] {
  return rules.filter((rule) => {
    const detector = language.detectorOf(rule);
    if (!detector) return false;
    if (rule.appliesTo && !rule.appliesTo(relativePath)) return false;
    if (detector.appliesTo && !detector.appliesTo(relativePath)) return false;
    return matchesPrefilter(detector.prefilter, text);
  });
}

export interface TreeCheck {
  findings: TextFinding[];
  /** Set when some detector could run but the file does not parse: no rule checked it. */
  parseError?: ParseFailure;
  /** Ids of the rules that checked the file (prefilter passed and it parsed). */
  rulesRun: string[];
}

/** Runs a language's detectors over one file (text without the BOM): parsed once, only when some prefilter passes. */
export function checkTreeFile(
  language: TreeLanguage,
  text: string,
  file: string,
  relativePath: string,
  rules: readonly SourceRule[],
  project: ProjectInfo,
): TreeCheck {
  const candidates = treeCandidates(language, text, relativePath, rules);
  if (candidates.length === 0) return { findings: [], rulesRun: [] };
  const parsed = language.parse(text);
  if ('failure' in parsed) return { findings: [], parseError: parsed.failure, rulesRun: [] };
  const findings: TextFinding[] = [];
  for (const rule of candidates)
    language.detectorOf(rule)!.check({
      file,
      text,
      project,
      policy: project.policy,
      root: parsed.root,
      report: (report) => findings.push(textFinding(rule.meta, file, report)),
    });
  return { findings: sortTextFindings(findings), rulesRun: candidates.map((rule) => rule.meta.id) };
}
