import jscodeshift from 'jscodeshift';
import type { Node } from '@babel/types';
import { BOM, parseFailure, runRules, type ParseFailure } from './check-source.js';
import { nodePathFinder } from './node-paths.js';
import { parseSource, recastParser } from './parse.js';
import { keepUntouchedLines } from './text-edits.js';
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

function findingKey(finding: Pick<Finding, 'rule' | 'line' | 'column'>): string {
  return `${finding.rule}:${finding.line}:${finding.column}`;
}

interface Attempt {
  output: string;
  applied: Finding[];
  unfixed: Finding[];
  sideEffects: FixSideEffects;
  parseError?: ParseFailure;
}

/** One recast pass: parse, run the rules, apply the fixes of the accepted findings, print. */
function attemptFixes(
  text: string,
  file: string,
  rules: SourceRule[],
  project: ProjectInfo,
  accept: (finding: Finding) => boolean,
  applyFix: (finding: Finding) => boolean,
): Attempt {
  const sideEffects: FixSideEffects = { envExampleVars: new Set(), notes: [] };
  const j = jscodeshift.withParser(recastParser(file));
  let root;
  try {
    root = j(text);
  } catch (error) {
    return { output: text, applied: [], unfixed: [], sideEffects, parseError: parseFailure(error) };
  }
  const fileNode = root.paths()[0].node as unknown as Node;
  const reported = runRules(fileNode, text, file, rules, project).filter((entry) => accept(entry.finding));
  const fixable = reported.filter((entry) => entry.fix && entry.finding.fixable && applyFix(entry.finding));
  // Generator-backed findings are applied by the fix runner, project-wide, not in this file.
  const unfixed = reported
    .filter((entry) => !(entry.fix && entry.finding.fixable) && !entry.finding.generatorFix)
    .map((entry) => entry.finding);
  if (fixable.length === 0) return { output: text, applied: [], unfixed, sideEffects };

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
  for (const entry of fixable) entry.fix!(api);
  const lineTerminator = text.includes('\r\n') ? '\r\n' : '\n';
  const printed = root.toSource({ lineTerminator, quote: dominantQuote(text) });
  return {
    output: keepUntouchedLines(text, printed),
    applied: fixable.map((entry) => entry.finding),
    unfixed,
    sideEffects,
  };
}

/** Why a fixed text must not be written: it does not parse, or the caller's verifier refuses it. */
function problemOf(output: string, file: string, verify?: (output: string) => string | undefined) {
  try {
    parseSource(output, file);
  } catch (error) {
    return `the automatic fix did not produce valid code (${parseFailure(error).message})`;
  }
  return verify?.(output);
}

/**
 * Parses with recast (through jscodeshift) so untouched code keeps its formatting, runs the same rules,
 * and applies the fixes they offered; lines no fix changed keep their exact text. `accept` lets the caller
 * drop findings (suppressed, baselined). The result must parse and pass `verify`; when it does not, each
 * fix is tried alone, the failing ones are left for a human with the reason, and the others still apply.
 */
export function fixSource(
  rawText: string,
  file: string,
  rules: SourceRule[],
  project: ProjectInfo,
  accept: (finding: Finding) => boolean = () => true,
  verify?: (output: string) => string | undefined,
): SourceFixResult {
  const hasBom = rawText.startsWith(BOM);
  const text = hasBom ? rawText.slice(1) : rawText;
  const result = (attempt: Attempt, dropped: Finding[] = []): SourceFixResult => {
    const output = (hasBom ? BOM : '') + attempt.output;
    return {
      output,
      changed: output !== rawText,
      applied: attempt.applied,
      unfixed: [...attempt.unfixed, ...dropped].sort((a, b) => a.line - b.line || a.column - b.column),
      sideEffects: attempt.sideEffects,
      ...(attempt.parseError ? { parseError: attempt.parseError } : {}),
    };
  };
  const all = attemptFixes(text, file, rules, project, accept, () => true);
  if (all.parseError || all.applied.length === 0) return result(all);
  const problem = problemOf(all.output, file, verify);
  if (!problem) return result(all);

  const refused = new Map<string, string>();
  // One fix alone is the attempt just made.
  if (all.applied.length === 1) refused.set(findingKey(all.applied[0]), problem);
  else
    for (const finding of all.applied) {
      const key = findingKey(finding);
      const alone = attemptFixes(text, file, rules, project, accept, (other) => findingKey(other) === key);
      const aloneProblem = alone.applied.length > 0 ? problemOf(alone.output, file, verify) : undefined;
      if (aloneProblem) refused.set(key, aloneProblem);
    }
  let rest = attemptFixes(text, file, rules, project, accept, (finding) => !refused.has(findingKey(finding)));
  const together = rest.applied.length > 0 ? problemOf(rest.output, file, verify) : undefined;
  if (together) {
    // Each passes alone but not together: none is written.
    for (const finding of rest.applied) refused.set(findingKey(finding), together);
    rest = attemptFixes(text, file, rules, project, accept, () => false);
  }
  const dropped = all.applied
    .filter((finding) => refused.has(findingKey(finding)))
    .map((finding) => ({
      ...finding,
      fixable: false,
      unfixableReason: `${refused.get(findingKey(finding))}; the fix was not applied, fix by hand`,
    }));
  return result(rest, dropped);
}
