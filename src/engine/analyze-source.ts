import jscodeshift, { type ASTPath } from 'jscodeshift';
import type { File, Node } from '@babel/types';
import { parseSource, recastParser } from './parse.js';
import { walk, type WalkHandler } from './walk.js';
import type {
  FixApi,
  FixFunction,
  Finding,
  FixSideEffects,
  ProjectInfo,
  ReportDescriptor,
  SourceContext,
  SourceRule,
} from './rule.js';

export interface ParseFailure {
  message: string;
  line: number;
  column: number;
}

interface Reported {
  finding: Finding;
  node: Node;
  fix?: FixFunction;
}

const BOM = '\uFEFF';

function toFinding(rule: SourceRule, file: string, descriptor: ReportDescriptor): Finding {
  const loc = descriptor.node.loc;
  const fixable = Boolean(descriptor.fix) && rule.meta.fixable;
  return {
    rule: rule.meta.id,
    file,
    line: loc?.start.line ?? 1,
    column: (loc?.start.column ?? 0) + 1,
    endLine: loc?.end.line ?? loc?.start.line ?? 1,
    endColumn: (loc?.end.column ?? 0) + 1,
    message: descriptor.message,
    severity: rule.meta.severity,
    fixable,
    ...(fixable ? {} : descriptor.unfixableReason ? { unfixableReason: descriptor.unfixableReason } : {}),
  };
}

/** Runs the rules' visitors over one AST in a single walk. */
function runRules(
  ast: Node,
  text: string,
  file: string,
  rules: SourceRule[],
  project: ProjectInfo,
): Reported[] {
  const reported: Reported[] = [];
  const handlers = new Map<string, WalkHandler[]>();
  let ancestors: readonly Node[] = [];
  for (const rule of rules) {
    const context: SourceContext = {
      file,
      text,
      project,
      policy: project.policy,
      get ancestors() {
        return ancestors;
      },
      report(descriptor) {
        reported.push({
          finding: toFinding(rule, file, descriptor),
          node: descriptor.node,
          fix: descriptor.fix,
        });
      },
    };
    for (const [type, visitor] of Object.entries(rule.create(context))) {
      const list = handlers.get(type) ?? [];
      list.push((node, nodeAncestors) => {
        ancestors = nodeAncestors;
        visitor(node, context);
      });
      handlers.set(type, list);
    }
  }
  walk(ast, handlers);
  return reported.sort((a, b) => a.finding.line - b.finding.line || a.finding.column - b.finding.column);
}

function parseFailure(error: unknown): ParseFailure {
  const loc = (error as { loc?: { line: number; column: number } }).loc;
  const message = String((error as Error).message ?? error).replace(/\s*\(\d+:\d+\)$/, '');
  return { message, line: loc?.line ?? 1, column: (loc?.column ?? 0) + 1 };
}

/** Rules whose prefilter matches this text (and whose path filter accepts the file). */
export function candidateRules(text: string, relativePath: string, rules: SourceRule[]): SourceRule[] {
  return rules.filter(
    (rule) => rule.prefilter.test(text) && (!rule.appliesTo || rule.appliesTo(relativePath)),
  );
}

export function checkSource(
  rawText: string,
  file: string,
  rules: SourceRule[],
  project: ProjectInfo,
): { findings: Finding[]; parseError?: ParseFailure } {
  if (rules.length === 0) return { findings: [] };
  const text = rawText.startsWith(BOM) ? rawText.slice(1) : rawText;
  let ast: File;
  try {
    ast = parseSource(text, file);
  } catch (error) {
    return { findings: [], parseError: parseFailure(error) };
  }
  return { findings: runRules(ast, text, file, rules, project).map((entry) => entry.finding) };
}

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
  const unfixed = reported
    .filter((entry) => !(entry.fix && entry.finding.fixable))
    .map((entry) => entry.finding);
  if (fixable.length === 0) return unchanged({ unfixed });

  let paths: Map<Node, ASTPath> | undefined;
  const api: FixApi = {
    j,
    root,
    file,
    project,
    ...sideEffects,
    pathOf(node) {
      if (!paths) {
        paths = new Map();
        root
          .find(j.Node)
          .forEach((path) => paths!.set(path.node as unknown as Node, path as unknown as ASTPath));
      }
      const path = paths.get(node);
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
