import jscodeshift from 'jscodeshift';
import type { Node } from '@babel/types';
import { BOM, parseFailure, runRules, type ParseFailure } from './check-source.js';
import { nodePathFinder } from './node-paths.js';
import { OffsetMap } from './offset-map.js';
import { parseSource, recastParser } from './parse.js';
import { sourceStyle } from './source-style.js';
import { applyTextEdits } from './text-edits.js';
import { TreeEdits, writtenStyle } from './tree-edits.js';
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

function findingKey(finding: Pick<Finding, 'rule' | 'line' | 'column'>): string {
  return `${finding.rule}:${finding.line}:${finding.column}`;
}

interface Attempt {
  output: string;
  applied: Finding[];
  unfixed: Finding[];
  sideEffects: FixSideEffects;
  parseError?: ParseFailure;
  /** Why the fixes' edits could not be applied together. */
  problem?: string;
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
  const parser = recastParser(file);
  const j = jscodeshift.withParser(parser);
  let root;
  try {
    root = j(text);
  } catch (error) {
    return { output: text, applied: [], unfixed: [], sideEffects, parseError: parseFailure(error) };
  }
  const fileNode = root.paths()[0].node as unknown as Node;
  // Node offsets count in the text recast gave the parser (tabs and CRLF re-rendered): rules read that one.
  const parsedText = parser.parsedText ?? text;
  const reported = runRules(fileNode, parsedText, file, rules, project).filter((entry) =>
    accept(entry.finding),
  );
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
    parsedText,
    ...sideEffects,
    pathOf(node) {
      const path = findPath(node);
      if (!path) throw new Error(`internal: no path for a ${node.type} reported in ${file}`);
      return path;
    },
  };
  for (const entry of fixable) entry.fix!(api);
  const program = (fileNode as unknown as { program: Node & { original?: Node } }).program;
  const style = sourceStyle(text, writtenStyle(program.original ?? program, parsedText));
  const applied = fixable.map((entry) => entry.finding);
  try {
    const edits = new TreeEdits(text, style, new OffsetMap(text, parsedText)).of(program);
    const output = applyTextEdits(text, edits);
    return { output, applied, unfixed, sideEffects };
  } catch (error) {
    return { output: text, applied, unfixed, sideEffects, problem: (error as Error).message };
  }
}

/** Why a fixed text must not be written: it does not parse, or the caller's verifier refuses it. */
function problemOf(attempt: Attempt, file: string, verify?: (output: string) => string | undefined) {
  if (attempt.problem) return attempt.problem;
  const output = attempt.output;
  try {
    parseSource(output, file);
  } catch (error) {
    return `the automatic fix did not produce valid code (${parseFailure(error).message})`;
  }
  return verify?.(output);
}

/**
 * Parses with recast (through jscodeshift), runs the same rules, lets their fixes change the tree, and
 * writes the changes back as text edits at the original offsets (TreeEdits): bytes outside a changed node
 * are never printed again. `accept` lets the caller
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
  const problem = problemOf(all, file, verify);
  if (!problem) return result(all);

  const refused = new Map<string, string>();
  // One fix alone is the attempt just made.
  if (all.applied.length === 1) refused.set(findingKey(all.applied[0]), problem);
  else
    for (const finding of all.applied) {
      const key = findingKey(finding);
      const alone = attemptFixes(text, file, rules, project, accept, (other) => findingKey(other) === key);
      const aloneProblem = alone.applied.length > 0 ? problemOf(alone, file, verify) : undefined;
      if (aloneProblem) refused.set(key, aloneProblem);
    }
  let rest = attemptFixes(text, file, rules, project, accept, (finding) => !refused.has(findingKey(finding)));
  const together = rest.applied.length > 0 ? problemOf(rest, file, verify) : undefined;
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
