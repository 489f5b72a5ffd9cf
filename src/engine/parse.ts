import type { ParserOptions, ParserPlugin } from '@babel/parser';
import { parse } from './babel.js';
import type { File } from '@babel/types';

/**
 * One set of Babel options for detection and for fixes: jscodeshift's own tsx options, so that a rule
 * sees the same node types whether the engine parsed the file for `check` or recast parsed it for `fix`.
 */
const commonPlugins: ParserPlugin[] = [
  'asyncGenerators',
  'decoratorAutoAccessors',
  'bigInt',
  'classPrivateMethods',
  'classPrivateProperties',
  'classProperties',
  'decorators-legacy',
  'doExpressions',
  'dynamicImport',
  'exportDefaultFrom',
  'exportNamespaceFrom',
  'functionBind',
  'functionSent',
  'importAttributes',
  'importMeta',
  'nullishCoalescingOperator',
  'numericSeparator',
  'objectRestSpread',
  'optionalCatchBinding',
  'optionalChaining',
  ['pipelineOperator', { proposal: 'minimal' }],
  'throwExpressions',
];

export const sourceExtensions = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'] as const;

export function isSourceFile(path: string): boolean {
  return sourceExtensions.some((extension) => path.endsWith(extension)) && !/\.d\.[mc]?ts$/.test(path);
}

/** TypeScript for .ts; TypeScript and JSX (the tsx parser) only for .tsx/.jsx; JSX-tolerant JS otherwise. */
export function parserOptions(path: string, tokens: boolean): ParserOptions {
  const plugins: ParserPlugin[] = [...commonPlugins];
  if (/\.[mc]?tsx?$/.test(path)) plugins.push('typescript');
  if (/\.[jt]sx$/.test(path) || /\.[mc]?js$/.test(path)) plugins.push('jsx');
  return {
    sourceType: path.endsWith('.cjs') ? 'script' : 'unambiguous',
    allowImportExportEverywhere: true,
    allowReturnOutsideFunction: true,
    allowAwaitOutsideFunction: true,
    allowUndeclaredExports: true,
    errorRecovery: false,
    startLine: 1,
    tokens,
    plugins,
  };
}

/**
 * The detection parse: rules never read comments from nodes (suppressions are read from the text), so
 * Babel skips attaching them, which is a noticeable share of parse time. Recast's parse keeps them.
 */
export function parseSource(text: string, path: string): File {
  return parse(text, { ...parserOptions(path, false), attachComment: false });
}

/**
 * A parser object for recast/jscodeshift that uses the same options, with the tokens recast needs. recast
 * gives it the file with tabs and line terminators re-rendered; `parsedText` keeps that text, which is the
 * one node offsets count in (see OffsetMap).
 */
export function recastParser(path: string): { parse(code: string): File; parsedText?: string } {
  const options = parserOptions(path, true);
  const parser: { parse(code: string): File; parsedText?: string } = {
    parse(code: string) {
      parser.parsedText = code;
      return parse(code, options);
    },
  };
  return parser;
}
