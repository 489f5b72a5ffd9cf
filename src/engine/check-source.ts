import type { File, Node } from '@babel/types';
import { relative, sep } from 'node:path';
import { parseSource } from './parse.js';
import { isTestFile, isTestPath } from './test-files.js';
import { walk, type WalkHandler } from './walk.js';
import {
  matchesPrefilter,
  type FixFunction,
  type Finding,
  type ProjectInfo,
  type ReportDescriptor,
  type SourceContext,
  type SourceRule,
} from './rule.js';

/**
 * Detection only: one Babel parse per file for all the rules. Kept apart from the fixer so that
 * `secure check` never loads recast/jscodeshift.
 */
export interface ParseFailure {
  message: string;
  line: number;
  column: number;
}

export interface Reported {
  finding: Finding;
  node: Node;
  /** From the root (the File) down to the node's parent, as the walk saw them when the rule reported. */
  ancestors: readonly Node[];
  fix?: FixFunction;
  generatorFix?: string;
}

export const BOM = '\uFEFF';

function toFinding(rule: SourceRule, file: string, descriptor: ReportDescriptor): Finding {
  const loc = descriptor.node.loc;
  // A generator-backed fix rewrites other files (the wiring of a `secure add` module), not this one.
  const fixable = Boolean(descriptor.fix || descriptor.generatorFix) && rule.meta.fixable;
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
    ...(fixable && descriptor.generatorFix ? { generatorFix: descriptor.generatorFix } : {}),
    ...(fixable ? {} : descriptor.unfixableReason ? { unfixableReason: descriptor.unfixableReason } : {}),
  };
}

/** Whether this file of the project is test code, which the rules that judge the app never read. */
function inTestCode(file: string, project: ProjectInfo): boolean {
  return isTestFile(relative(project.root, file).split(sep).join('/'), project);
}

/** Runs the rules' visitors over one AST in a single walk. */
export function runRules(
  ast: Node,
  text: string,
  file: string,
  rules: SourceRule[],
  project: ProjectInfo,
): Reported[] {
  const reported: Reported[] = [];
  const handlers = new Map<string, WalkHandler[]>();
  let ancestors: readonly Node[] = [];
  const testCode = rules.some((rule) => rule.productionOnly) && inTestCode(file, project);
  for (const rule of rules) {
    if (rule.productionOnly && testCode) continue;
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
          ancestors: [...ancestors],
          fix: descriptor.fix,
          generatorFix: descriptor.generatorFix,
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

export function parseFailure(error: unknown): ParseFailure {
  const loc = (error as { loc?: { line: number; column: number } }).loc;
  const message = String((error as Error).message ?? error).replace(/\s*\(\d+:\d+\)$/, '');
  return { message, line: loc?.line ?? 1, column: (loc?.column ?? 0) + 1 };
}

/**
 * Rules whose prefilter matches this text (and whose path filter accepts the file). A test file by its name
 * is not parsed for the rules that judge the app; runRules also knows the project's own test files.
 */
export function candidateRules(text: string, relativePath: string, rules: SourceRule[]): SourceRule[] {
  const testPath = rules.some((rule) => rule.productionOnly) && isTestPath(relativePath);
  return rules.filter(
    (rule) =>
      (!rule.appliesTo || rule.appliesTo(relativePath)) &&
      !(rule.productionOnly && testPath) &&
      matchesPrefilter(rule.prefilter, text),
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

/** A file's text and how to turn it back into the same bytes. */
export interface DecodedSource {
  /** Without the BOM. */
  text: string;
  bom: boolean;
  /**
   * `latin1` when the bytes are not valid UTF-8: each byte becomes one character, so every byte a fix does
   * not touch is written back as it was (decoding as UTF-8 would put U+FFFD over them).
   */
  encoding: 'utf8' | 'latin1';
}

const utf8Bom = Buffer.from([0xef, 0xbb, 0xbf]);
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function decodeSource(bytes: Uint8Array): DecodedSource {
  const bom = bytes.length >= 3 && utf8Bom.equals(bytes.subarray(0, 3));
  const body = bom ? bytes.subarray(3) : bytes;
  try {
    return { text: strictUtf8.decode(body), bom, encoding: 'utf8' };
  } catch {
    return {
      text: Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1'),
      bom,
      encoding: 'latin1',
    };
  }
}

/** The bytes of `text` in the file's own encoding, or undefined when a character cannot be written in it. */
export function encodeSource(
  source: Pick<DecodedSource, 'bom' | 'encoding'>,
  text: string,
): Buffer | undefined {
  // eslint-disable-next-line no-control-regex
  if (source.encoding === 'latin1' && /[^\u0000-\u00ff]/.test(text)) return undefined;
  const body = Buffer.from(text, source.encoding);
  return source.bom ? Buffer.concat([utf8Bom, body]) : body;
}
