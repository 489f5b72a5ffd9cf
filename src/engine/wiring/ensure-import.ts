import { Node, SyntaxKind, type SourceFile } from 'ts-morph';
import { SecureError } from '../../errors.js';
import {
  insertFirstLine,
  insertLineAfter,
  quoted,
  requireSpecifier,
  type SourceStyle,
} from './source-style.js';

export interface ImportRequest {
  /** As written in the import: `./security/headers.js`. */
  moduleSpecifier: string;
  names: string[];
}

/** Names bound at the top level of the file, with the module each was imported from (if imported). */
function topLevelBindings(sourceFile: SourceFile): Map<string, string | undefined> {
  const bindings = new Map<string, string | undefined>();
  for (const declaration of sourceFile.getImportDeclarations()) {
    const from = declaration.getModuleSpecifierValue();
    const defaultImport = declaration.getDefaultImport();
    if (defaultImport) bindings.set(defaultImport.getText(), from);
    const namespace = declaration.getNamespaceImport();
    if (namespace) bindings.set(namespace.getText(), from);
    for (const named of declaration.getNamedImports())
      bindings.set(named.getAliasNode()?.getText() ?? named.getName(), from);
  }
  for (const statement of sourceFile.getStatements()) {
    if (Node.isVariableStatement(statement)) {
      const from = requireSpecifier(statement);
      for (const declaration of statement.getDeclarations()) {
        const nameNode = declaration.getNameNode();
        const identifiers = Node.isIdentifier(nameNode)
          ? [nameNode]
          : nameNode.getDescendantsOfKind(SyntaxKind.Identifier).filter((id) => {
              const parent = id.getParent();
              return Node.isBindingElement(parent) && parent.getNameNode() === id;
            });
        for (const id of identifiers) bindings.set(id.getText(), from);
      }
    } else if (
      Node.isFunctionDeclaration(statement) ||
      Node.isClassDeclaration(statement) ||
      Node.isEnumDeclaration(statement)
    ) {
      const name = statement.getName();
      if (name) bindings.set(name, undefined);
    } else if (Node.isImportEqualsDeclaration(statement)) {
      bindings.set(statement.getName(), undefined);
    }
  }
  return bindings;
}

/**
 * Index after the file's imports / requires (and any directive prologue), counting only those above
 * `firstUse`: a require runs where it stands (and TypeScript compiles an import in a CommonJS file to one),
 * so a name must be bound above the statement that first reads it, not after the file's last require.
 */
function importInsertionIndex(sourceFile: SourceFile, firstUse?: Node): number {
  // ts-morph counts comment-only lines as statements when inserting: index over the same list.
  const statements: Node[] = sourceFile.getStatementsWithComments();
  const useAt = firstUse ? statements.indexOf(topLevelStatementOf(firstUse)) : -1;
  const end = useAt === -1 ? statements.length : useAt;
  let index = 0;
  for (let i = 0; i < end; i++) {
    const statement = statements[i];
    const isImport =
      Node.isImportDeclaration(statement) ||
      Node.isImportEqualsDeclaration(statement) ||
      requireSpecifier(statement) !== undefined;
    const isDirective =
      Node.isExpressionStatement(statement) && Node.isStringLiteral(statement.getExpression()) && i === index;
    if (isImport || isDirective) index = i + 1;
  }
  return index;
}

/** The statement directly in the file that holds `node` (a factory function holding the app, say). */
function topLevelStatementOf(node: Node): Node {
  let current = node;
  for (let parent = current.getParent(); parent && !Node.isSourceFile(parent); parent = parent.getParent())
    current = parent;
  return current;
}

/**
 * Makes `names` available from `moduleSpecifier` in this file: adds what is missing to an existing import
 * of that module, or one new import (or require, in a CommonJS file) after the file's other imports.
 * Refuses when a name is already bound to something else, rather than shadowing the user's code.
 */
export function ensureImport(
  sourceFile: SourceFile,
  request: ImportRequest,
  style: SourceStyle,
  firstUse?: Node,
): boolean {
  const bindings = topLevelBindings(sourceFile);
  const missing: string[] = [];
  for (const name of request.names) {
    if (!bindings.has(name)) missing.push(name);
    else if (bindings.get(name) !== request.moduleSpecifier)
      throw new SecureError(
        'REFUSED',
        `${sourceFile.getFilePath().slice(1)}: \`${name}\` is already declared; it is the name of the generated module's export`,
        { hint: `Rename your \`${name}\`, or wire ${request.moduleSpecifier} by hand.` },
      );
  }
  if (missing.length === 0) return false;

  if (style.imports === 'esm') {
    const existing = sourceFile
      .getImportDeclarations()
      .find(
        (declaration) =>
          declaration.getModuleSpecifierValue() === request.moduleSpecifier && !declaration.isTypeOnly(),
      );
    if (existing && !existing.getNamespaceImport()) {
      for (const name of missing) existing.addNamedImport(name);
      return true;
    }
  } else {
    // Handles: const { a } = require('./security/x.js')  ->  const { a, b } = require(...)
    const pattern = sourceFile
      .getStatements()
      .filter((statement) => requireSpecifier(statement) === request.moduleSpecifier)
      .map((statement) =>
        statement.asKindOrThrow(SyntaxKind.VariableStatement).getDeclarations()[0].getNameNode(),
      )
      .find((nameNode) => Node.isObjectBindingPattern(nameNode));
    if (pattern) {
      const elements = pattern.getElements().map((element) => element.getText());
      pattern.replaceWithText(`{ ${[...elements, ...missing].join(', ')} }`);
      return true;
    }
  }

  const semicolon = style.semicolons ? ';' : '';
  const specifier = quoted(request.moduleSpecifier, style);
  const text =
    style.imports === 'esm'
      ? `import { ${missing.join(', ')} } from ${specifier}${semicolon}`
      : `const { ${missing.join(', ')} } = require(${specifier})${semicolon}`;
  const index = importInsertionIndex(sourceFile, firstUse);
  if (index === 0) insertFirstLine(sourceFile, text);
  else insertLineAfter(sourceFile.getStatementsWithComments()[index - 1], text);
  return true;
}
