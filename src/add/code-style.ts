import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ts } from 'ts-morph';
import type { Formatter } from './format.js';

/**
 * How a project without Prettier writes its code: quotes, semicolons, indentation, read from its own
 * sources (the majority wins), else from its .editorconfig and a JSON ESLint config. The generated modules
 * are then printed in that style, so that its linter has nothing to say about them.
 */
export interface CodeStyle {
  singleQuote: boolean;
  semi: boolean;
  /** Spaces per level; ignored with tabs. */
  tabWidth: number;
  useTabs: boolean;
}

/** How the templates are written (.prettierrc of this repository): what needs no reprinting. */
export const templateStyle: CodeStyle = { singleQuote: true, semi: true, tabWidth: 2, useTabs: false };
const templatePrintWidth = 110;

/** Files read for the votes: enough to know the house style, not the whole project. */
const sampledFiles = 40;

interface Votes {
  single: number;
  double: number;
  semi: number;
  bare: number;
  tabs: number;
  widths: Map<number, number>;
}

const statementKinds = new Set([
  ts.SyntaxKind.VariableStatement,
  ts.SyntaxKind.ExpressionStatement,
  ts.SyntaxKind.ReturnStatement,
  ts.SyntaxKind.ImportDeclaration,
  ts.SyntaxKind.ExportDeclaration,
  ts.SyntaxKind.ThrowStatement,
]);

function vote(text: string, file: string, votes: Votes): void {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const visit = (node: ts.Node) => {
    if (ts.isStringLiteral(node) && !ts.isJsxAttribute(node.parent)) {
      const quote = text[node.getStart(source)];
      if (quote === "'") votes.single += 1;
      else if (quote === '"' && !node.text.includes("'")) votes.double += 1;
    }
    if (statementKinds.has(node.kind)) {
      if (text[node.getEnd() - 1] === ';') votes.semi += 1;
      else votes.bare += 1;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  // Handles: a line opening a block, the next line one level deeper: that step is the indentation.
  const lines = text.split(/\r?\n/);
  for (let i = 0; i + 1 < lines.length; i++) {
    if (!/[{([]\s*$/.test(lines[i])) continue;
    const outer = /^[ \t]*/.exec(lines[i])![0];
    const inner = /^[ \t]*/.exec(lines[i + 1])![0];
    if (inner.length <= outer.length || lines[i + 1].trim() === '') continue;
    if (inner.startsWith(`${outer}\t`)) votes.tabs += 1;
    else if (!inner.includes('\t')) {
      const step = inner.length - outer.length;
      votes.widths.set(step, (votes.widths.get(step) ?? 0) + 1);
    }
  }
}

/** `indent_style` / `indent_size` of the section that applies to JavaScript files. */
function editorConfigIndent(root: string): Partial<CodeStyle> {
  const file = join(root, '.editorconfig');
  if (!existsSync(file)) return {};
  let applies = false;
  const found: Partial<CodeStyle> = {};
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const section = /^\s*\[(.*)\]\s*$/.exec(line);
    if (section) {
      applies = section[1] === '*' || /\bjs\b|\bts\b/.test(section[1]);
      continue;
    }
    const setting = /^\s*(indent_style|indent_size|quote_type)\s*=\s*(\S+)/.exec(line);
    if (!applies || !setting) continue;
    if (setting[1] === 'indent_style') found.useTabs = setting[2] === 'tab';
    else if (setting[1] === 'indent_size' && /^\d+$/.test(setting[2])) found.tabWidth = Number(setting[2]);
    else if (setting[1] === 'quote_type' && /^(single|double)$/.test(setting[2]))
      found.singleQuote = setting[2] === 'single';
  }
  return found;
}

/** `quotes`, `semi`, `indent` from .eslintrc.json / .eslintrc (JSON form only). */
function eslintStyle(root: string): Partial<CodeStyle> {
  for (const name of ['.eslintrc.json', '.eslintrc']) {
    const file = join(root, name);
    if (!existsSync(file)) continue;
    let rules: Record<string, unknown> | undefined;
    try {
      rules = (JSON.parse(readFileSync(file, 'utf8')) as { rules?: Record<string, unknown> }).rules;
    } catch {
      return {};
    }
    const option = (rule: string) => {
      const value = rules?.[rule];
      return Array.isArray(value) && value[0] !== 'off' && value[0] !== 0 ? value[1] : undefined;
    };
    const found: Partial<CodeStyle> = {};
    const quotes = option('quotes');
    if (quotes === 'single' || quotes === 'double') found.singleQuote = quotes === 'single';
    const semi = option('semi');
    if (semi === 'always' || semi === 'never') found.semi = semi === 'always';
    const indent = option('indent');
    if (indent === 'tab') found.useTabs = true;
    else if (typeof indent === 'number') found.tabWidth = indent;
    return found;
  }
  return {};
}

/** The project's style: its sources' majority where they show one, its configs where they do not. */
export function detectCodeStyle(root: string, files: readonly string[]): CodeStyle {
  const votes: Votes = { single: 0, double: 0, semi: 0, bare: 0, tabs: 0, widths: new Map() };
  for (const file of files.slice(0, sampledFiles)) vote(readFileSync(file, 'utf8'), file, votes);
  const configured = { ...editorConfigIndent(root), ...eslintStyle(root) };
  const [width, widthVotes] = [...votes.widths].sort((a, b) => b[1] - a[1])[0] ?? [undefined, 0];
  return {
    singleQuote:
      votes.single + votes.double > 0
        ? votes.single >= votes.double
        : (configured.singleQuote ?? templateStyle.singleQuote),
    semi: votes.semi + votes.bare > 0 ? votes.semi >= votes.bare : (configured.semi ?? templateStyle.semi),
    useTabs:
      votes.tabs + widthVotes > 0 ? votes.tabs > widthVotes : (configured.useTabs ?? templateStyle.useTabs),
    tabWidth: width ?? configured.tabWidth ?? templateStyle.tabWidth,
  };
}

const sameStyle = (a: CodeStyle, b: CodeStyle) =>
  a.singleQuote === b.singleQuote &&
  a.semi === b.semi &&
  a.useTabs === b.useTabs &&
  (a.useTabs || a.tabWidth === b.tabWidth);

/**
 * Prints generated JavaScript and TypeScript in `style` (with our Prettier, at the templates' width); other
 * files, and everything when the style is the templates' own, pass unchanged.
 */
export function styleFormatter(style: CodeStyle): Formatter {
  if (sameStyle(style, templateStyle)) return async (_path, text) => text;
  return async (path, text) => {
    const parser = /\.[cm]?tsx?$/.test(path) ? 'typescript' : /\.[cm]?jsx?$/.test(path) ? 'babel' : undefined;
    if (!parser) return text;
    const prettier = await import('prettier');
    return prettier.format(text, { parser, printWidth: templatePrintWidth, ...style });
  };
}
