import jscodeshift from 'jscodeshift';
import type { Node } from '@babel/types';
import { BOM, parseFailure, runRules, type ParseFailure } from './check-source.js';
import { nodePathFinder } from './node-paths.js';
import { parseSource, recastParser } from './parse.js';
import type { FixApi, Finding, FixSideEffects, ProjectInfo, SourceRule } from './rule.js';

export { checkSource, candidateRules, type ParseFailure } from './check-source.js';

export interface SourceFixResult {
  output: string;
  changed: boolean;
  applied: Finding[];
  /** Findings left in place, each with the reason. */
  unfixed: Finding[];
  sideEffects: FixSideEffects;
  parseError?: ParseFailure;
}

function dominantQuote(text: string): 'single' | 'double' {
  const single = text.match(/'[^'\n]*'/g)?.length ?? 0;
  const double = text.match(/"[^"\n]*"/g)?.length ?? 0;
  return single >= double ? 'single' : 'double';
}

/**
 * Parses with recast (through jscodeshift) so untouched code keeps its formatting, runs the same rules,
 * and applies the fixes they offered. `accept` lets the caller drop findings (suppressed, baselined).
 */
export function fixSource(
  rawText: string,
  file: string,
  rules: SourceRule[],
  project: ProjectInfo,
  accept: (finding: Finding) => boolean = () => true,
): SourceFixResult {
  const hasBom = rawText.startsWith(BOM);
  const text = hasBom ? rawText.slice(1) : rawText;
  const sideEffects: FixSideEffects = { envExampleVars: new Set(), notes: [] };
  const unchanged = (extra: Partial<SourceFixResult>): SourceFixResult => ({
    output: rawText,
    changed: false,
    applied: [],
    unfixed: [],
    sideEffects,
    ...extra,
  });
  const j = jscodeshift.withParser(recastParser(file));
  let root;
  try {
    root = j(text);
  } catch (error) {
    return unchanged({ parseError: parseFailure(error) });
  }
  const fileNode = root.paths()[0].node as unknown as Node;
  const reported = runRules(fileNode, text, file, rules, project).filter((entry) => accept(entry.finding));
  const fixable = reported.filter((entry) => entry.fix && entry.finding.fixable);
  // Generator-backed findings are applied by the fix runner, project-wide, not in this file.
  const unfixed = reported
    .filter((entry) => !(entry.fix && entry.finding.fixable) && !entry.finding.generatorFix)
    .map((entry) => entry.finding);
  if (fixable.length === 0) return unchanged({ unfixed });

  const findPath = nodePathFinder(j, root, new Map(reported.map((entry) => [entry.node, entry.ancestors])));
  const api: FixApi = {
    j,
    root,
    file,
    project,
    ...sideEffects,
    pathOf(node) {
      const path = findPath(node);
      if (!path) throw new Error(`internal: no path for a ${node.type} reported in ${file}`);
      return path;
    },
  };
  const applied: Finding[] = [];
  for (const entry of fixable) {
    entry.fix!(api);
    applied.push(entry.finding);
  }
  const lineTerminator = text.includes('\r\n') ? '\r\n' : '\n';
  let output = root.toSource({ lineTerminator, quote: dominantQuote(text) });
  try {
    parseSource(output, file);
  } catch (error) {
    // A fix that breaks the syntax is never written: the findings stay, with the reason.
    const reason = `the automatic fix did not produce valid code (${parseFailure(error).message}); fix by hand`;
    return unchanged({
      unfixed: reported.map((entry) => ({ ...entry.finding, fixable: false, unfixableReason: reason })),
    });
  }
  if (hasBom) output = BOM + output;
  return { output, changed: output !== rawText, applied, unfixed, sideEffects };
}
