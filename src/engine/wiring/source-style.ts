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
