import { Node, SyntaxKind, type SourceFile } from 'ts-morph';

/** How the user writes this file, so that inserted lines look like theirs. */
export interface SourceStyle {
  quote: "'" | '"';
  semicolons: boolean;
  /** `import ... from` or `const ... = require(...)`. */
  imports: 'esm' | 'require';
}

/** A top-level `const x = require('m')` (or `const { a } = require('m')`), the CommonJS import form. */
export function requireSpecifier(statement: Node): string | undefined {
  if (!Node.isVariableStatement(statement)) return undefined;
  const declarations = statement.getDeclarations();
  if (declarations.length !== 1) return undefined;
  const init = declarations[0].getInitializer();
  if (!init || !Node.isCallExpression(init)) return undefined;
  if (init.getExpression().getText() !== 'require') return undefined;
  const [argument] = init.getArguments();
  return argument && Node.isStringLiteral(argument) ? argument.getLiteralValue() : undefined;
}

export function detectStyle(sourceFile: SourceFile, fallback: 'esm' | 'require'): SourceStyle {
  const strings = sourceFile.getDescendantsOfKind(SyntaxKind.StringLiteral).filter((literal) => {
    const parent = literal.getParent();
    return Node.isImportDeclaration(parent) || Node.isCallExpression(parent);
  });
  const singles = strings.filter((literal) => literal.getText().startsWith("'")).length;
  const quote = strings.length > 0 && singles * 2 < strings.length ? '"' : "'";

  const statements = sourceFile.getStatements();
  const terminated = statements.filter((statement) => statement.getText().trimEnd().endsWith(';')).length;
  const semicolons = statements.length === 0 || terminated * 2 >= statements.length;

  // `import x = require('x')` is TypeScript's CommonJS import: new imports use TypeScript's import form too.
  const hasImports =
    sourceFile.getImportDeclarations().length > 0 ||
    statements.some((statement) => Node.isImportEqualsDeclaration(statement));
  const hasRequires = statements.some((statement) => requireSpecifier(statement) !== undefined);
  const imports = hasImports ? 'esm' : hasRequires ? 'require' : fallback;
  return { quote, semicolons, imports };
}

export function quoted(value: string, style: SourceStyle): string {
  return `${style.quote}${value.replaceAll('\\', '\\\\').replaceAll(style.quote, `\\${style.quote}`)}${style.quote}`;
}

/**
 * Puts `text` on a new line right after `anchor`, at its indentation. Inserting as text (at a position the
 * AST gives) leaves every other byte of the file as it was: blank lines, comments, line endings.
 */
export function insertLineAfter(anchor: Node, text: string): void {
  const sourceFile = anchor.getSourceFile();
  const full = sourceFile.getFullText();
  const start = anchor.getStart();
  const lineStart = full.lastIndexOf('\n', start - 1) + 1;
  const indentation = /^[ \t]*/.exec(full.slice(lineStart, start))?.[0] ?? '';
  const eol = full.includes('\r\n') ? '\r\n' : '\n';
  // Handles: `const app = express(); // the API` - the new line goes after the trailing comment.
  let end = anchor.getEnd();
  const lineEnd = full.indexOf('\n', end);
  const rest = full.slice(end, lineEnd === -1 ? full.length : lineEnd).replace(/\r$/, '');
  if (/^\s*(\/\/.*|\/\*.*\*\/\s*)?$/.test(rest)) end += rest.length;
  sourceFile.insertText(end, `${eol}${indentation}${text}`);
}

/**
 * Puts `text` on a new line right above `anchor`, at its indentation: above its comments, which stay with the
 * statement they describe, and a blank line apart from them.
 */
export function insertLineBefore(anchor: Node, text: string): void {
  const sourceFile = anchor.getSourceFile();
  const full = sourceFile.getFullText();
  // Handles: `/** Express instance */` or `// the app` on the lines above `const app = express();`.
  const commentStarts = anchor.getLeadingCommentRanges().map((range) => range.getPos());
  const start = Math.min(anchor.getStart(true), ...commentStarts);
  const lineStart = full.lastIndexOf('\n', start - 1) + 1;
  const indentation = /^[ \t]*/.exec(full.slice(lineStart, start))?.[0] ?? '';
  const eol = full.includes('\r\n') ? '\r\n' : '\n';
  const apart = start < anchor.getStart() ? eol : '';
  sourceFile.insertText(lineStart, `${indentation}${text}${eol}${apart}`);
}

/** Puts `text` on the first line of the file, before everything else. */
export function insertFirstLine(sourceFile: SourceFile, text: string): void {
  const eol = sourceFile.getFullText().includes('\r\n') ? '\r\n' : '\n';
  sourceFile.insertText(0, `${text}${eol}`);
}
