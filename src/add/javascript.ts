import { ts } from 'ts-morph';

/**
 * A generated TypeScript module as the JavaScript a person would write: the types erased where they stand
 * (blank lines, comments and indentation kept), and for CommonJS `require` / `module.exports` instead of the
 * compiler's `Object.defineProperty(exports, "__esModule", ...)` and `node_fs_1`. Returns undefined when the
 * module uses TypeScript that has no plain erasure (an enum, a parameter property, `export default`...), or
 * when the erased code would not compile to the same program: the caller then falls back to the compiler.
 */
export function idiomaticJavaScript(text: string, moduleSystem: 'esm' | 'cjs'): string | undefined {
  const erased = eraseTypes(text);
  if (erased === undefined || !sameProgram(text, erased)) return undefined;
  return moduleSystem === 'esm' ? erased : toCommonJs(erased);
}

interface Removal {
  start: number;
  end: number;
  /** Put in place of the range (default: nothing). */
  insert?: string;
}

function parse(text: string, javascript = false): ts.SourceFile {
  return ts.createSourceFile(
    javascript ? 'module.js' : 'module.ts',
    text,
    ts.ScriptTarget.Latest,
    true,
    javascript ? ts.ScriptKind.JS : ts.ScriptKind.TS,
  );
}

function applyRemovals(text: string, removals: Removal[]): string {
  let result = text;
  for (const { start, end, insert } of [...removals].sort((a, b) => b.start - a.start))
    result = result.slice(0, start) + (insert ?? '') + result.slice(end);
  return result;
}

/** A whole statement with its line: from the start of its first line (comments included) to its line end. */
function statementRange(text: string, node: ts.Node): Removal {
  const start = text.lastIndexOf('\n', node.getStart() - 1) + 1;
  const leading = ts.getLeadingCommentRanges(text, node.getFullStart()) ?? [];
  const from = leading.length > 0 ? text.lastIndexOf('\n', leading[0].pos - 1) + 1 : start;
  const lineEnd = text.indexOf('\n', node.getEnd());
  return { start: from, end: lineEnd === -1 ? text.length : lineEnd + 1 };
}

/** `: Type` ending at `type`: from the colon before it. */
function annotation(text: string, type: ts.TypeNode): Removal {
  const colon = text.lastIndexOf(':', type.getStart());
  return { start: colon, end: type.getEnd() };
}

const erasableModifiers = new Set([
  ts.SyntaxKind.PublicKeyword,
  ts.SyntaxKind.PrivateKeyword,
  ts.SyntaxKind.ProtectedKeyword,
  ts.SyntaxKind.ReadonlyKeyword,
  ts.SyntaxKind.OverrideKeyword,
  ts.SyntaxKind.AbstractKeyword,
]);

function eraseTypes(text: string): string | undefined {
  const source = parse(text);
  const removals: Removal[] = [];
  let erasable = true;
  const visit = (node: ts.Node): void => {
    if (!erasable) return;
    if (
      ts.isInterfaceDeclaration(node) ||
      ts.isTypeAliasDeclaration(node) ||
      (ts.isImportDeclaration(node) && node.importClause?.isTypeOnly) ||
      (ts.isExportDeclaration(node) && node.isTypeOnly) ||
      (ts.canHaveModifiers(node) &&
        ts.getModifiers(node)?.some((modifier) => modifier.kind === ts.SyntaxKind.DeclareKeyword))
    ) {
      removals.push(statementRange(text, node));
      return;
    }
    if (
      ts.isEnumDeclaration(node) ||
      ts.isModuleDeclaration(node) ||
      ts.isImportEqualsDeclaration(node) ||
      ts.isExportAssignment(node) ||
      ts.isTypeAssertionExpression(node) ||
      ts.isDecorator(node) ||
      (ts.isParameter(node) && node.modifiers?.some((modifier) => erasableModifiers.has(modifier.kind)))
    ) {
      erasable = false;
      return;
    }
    // Handles: import { a, type B } from 'x' -> import { a } from 'x' (nothing left: no import at all).
    const named =
      ts.isImportDeclaration(node) &&
      node.importClause?.namedBindings &&
      ts.isNamedImports(node.importClause.namedBindings)
        ? node.importClause.namedBindings
        : ts.isExportDeclaration(node) && node.exportClause && ts.isNamedExports(node.exportClause)
          ? node.exportClause
          : undefined;
    if (named && named.elements.some((element) => element.isTypeOnly)) {
      const kept = named.elements.filter((element) => !element.isTypeOnly);
      const defaultImport = ts.isImportDeclaration(node) ? node.importClause?.name : undefined;
      if (kept.length === 0 && !defaultImport) removals.push(statementRange(text, node));
      else
        removals.push({
          start: kept.length === 0 && defaultImport ? defaultImport.getEnd() : named.getStart(),
          end: named.getEnd(),
          insert: kept.length === 0 ? '' : `{ ${kept.map((element) => element.getText()).join(', ')} }`,
        });
      return;
    }
    for (const modifier of (ts.canHaveModifiers(node) ? ts.getModifiers(node) : undefined) ?? [])
      if (erasableModifiers.has(modifier.kind)) {
        const space = text.slice(modifier.getEnd()).match(/^\s*/)?.[0] ?? '';
        removals.push({ start: modifier.getStart(), end: modifier.getEnd() + space.length });
      }
    if (ts.isHeritageClause(node) && node.token === ts.SyntaxKind.ImplementsKeyword) {
      removals.push({ start: node.getFullStart(), end: node.getEnd() });
      return;
    }
    if (ts.isAsExpression(node) || ts.isSatisfiesExpression(node)) {
      removals.push({ start: node.expression.getEnd(), end: node.getEnd() });
      // Handles: (payload.exp as number) - 1 -> payload.exp - 1, the parentheses only held the assertion.
      const parent = node.parent;
      if (
        ts.isParenthesizedExpression(parent) &&
        (ts.isIdentifier(node.expression) ||
          ts.isPropertyAccessExpression(node.expression) ||
          ts.isElementAccessExpression(node.expression) ||
          ts.isCallExpression(node.expression))
      ) {
        removals.push({ start: parent.getStart(), end: parent.getStart() + 1 });
        removals.push({ start: parent.getEnd() - 1, end: parent.getEnd() });
      }
      visit(node.expression);
      return;
    }
    if (ts.isNonNullExpression(node)) {
      removals.push({ start: node.getEnd() - 1, end: node.getEnd() });
      visit(node.expression);
      return;
    }
    if ('typeParameters' in node && (node as ts.SignatureDeclarationBase).typeParameters) {
      const parameters = (node as ts.SignatureDeclarationBase).typeParameters!;
      removals.push({
        start: text.lastIndexOf('<', parameters.pos),
        end: text.indexOf('>', parameters.end) + 1,
      });
    }
    if ((ts.isCallExpression(node) || ts.isNewExpression(node)) && node.typeArguments) {
      removals.push({
        start: text.lastIndexOf('<', node.typeArguments.pos),
        end: text.indexOf('>', node.typeArguments.end) + 1,
      });
      for (const argument of node.arguments ?? []) visit(argument);
      visit(node.expression);
      return;
    }
    if (ts.isParameter(node) && node.questionToken)
      removals.push({ start: node.questionToken.getStart(), end: node.questionToken.getEnd() });
    if (
      (ts.isPropertyDeclaration(node) || ts.isVariableDeclaration(node)) &&
      node.exclamationToken !== undefined
    )
      removals.push({ start: node.exclamationToken.getStart(), end: node.exclamationToken.getEnd() });
    if (ts.isPropertyDeclaration(node) && node.questionToken)
      removals.push({ start: node.questionToken.getStart(), end: node.questionToken.getEnd() });
    if (
      'type' in node &&
      (node as { type?: ts.Node }).type &&
      ts.isTypeNode((node as { type: ts.Node }).type) &&
      (ts.isParameter(node) ||
        ts.isVariableDeclaration(node) ||
        ts.isPropertyDeclaration(node) ||
        ts.isFunctionLike(node))
    ) {
      const type = (node as { type: ts.TypeNode }).type;
      removals.push(annotation(text, type));
      ts.forEachChild(node, (child) => {
        if (child !== type) visit(child);
      });
      return;
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(source, visit);
  if (!erasable) return undefined;
  // A removed declaration leaves at most one blank line behind.
  return withoutUnusedImports(applyRemovals(text, removals).replace(/\n{3,}/g, '\n\n'));
}

/**
 * Names imported only for types (`import { RequestHandler } from 'express'`) are unused once the types
 * are gone, and an ES module importing a name its package does not export fails to load: they go.
 */
function withoutUnusedImports(text: string): string {
  const source = parse(text, true);
  const used = new Set<string>();
  const collect = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) return;
    if (ts.isIdentifier(node)) used.add(node.text);
    ts.forEachChild(node, collect);
  };
  ts.forEachChild(source, collect);
  const removals: Removal[] = [];
  for (const statement of source.statements) {
    const clause = ts.isImportDeclaration(statement) ? statement.importClause : undefined;
    if (!clause) continue;
    const bindings = clause.namedBindings;
    const names = [
      ...(clause.name ? [clause.name] : []),
      ...(bindings && ts.isNamespaceImport(bindings) ? [bindings.name] : []),
      ...(bindings && ts.isNamedImports(bindings) ? bindings.elements.map((element) => element.name) : []),
    ];
    const unused = names.filter((name) => !used.has(name.text));
    if (unused.length === 0) continue;
    if (unused.length === names.length) {
      removals.push(statementRange(text, statement));
      continue;
    }
    if (clause.name && !used.has(clause.name.text)) return text;
    if (bindings && ts.isNamedImports(bindings)) {
      const kept = bindings.elements.filter((element) => used.has(element.name.text));
      removals.push({
        // Handles: import express, { type Request } from 'express' -> import express from 'express'
        start: kept.length === 0 && clause.name ? clause.name.getEnd() : bindings.getStart(),
        end: bindings.getEnd(),
        insert: kept.length === 0 ? '' : `{ ${kept.map((element) => element.getText()).join(', ')} }`,
      });
    }
  }
  return applyRemovals(text, removals);
}

/** The compiler's JavaScript for both, whitespace aside: the erasure removed types and nothing else. */
function sameProgram(typescript: string, javascript: string): boolean {
  const emit = (text: string) =>
    ts
      .transpileModule(text, {
        compilerOptions: {
          target: ts.ScriptTarget.ES2022,
          module: ts.ModuleKind.ESNext,
          removeComments: true,
        },
      })
      .outputText.replace(/\s+/g, '');
  const parsed = parse(javascript, true) as ts.SourceFile & { parseDiagnostics?: unknown[] };
  return (parsed.parseDiagnostics?.length ?? 0) === 0 && emit(typescript) === emit(javascript);
}

/** `import`/`export` as `require`/`module.exports`; undefined for what CommonJS cannot say the same way. */
function toCommonJs(text: string): string | undefined {
  const source = parse(text, true);
  if (/\bimport\.meta\b|\bawait\b/.test(text) && hasTopLevelAwaitOrMeta(source)) return undefined;
  const removals: Removal[] = [];
  const exported: string[] = [];
  const bound = topLevelNames(source);
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const specifier = (statement.moduleSpecifier as ts.StringLiteral).getText();
      const clause = statement.importClause;
      const lines: string[] = [];
      if (!clause) lines.push(`require(${specifier});`);
      else {
        if (clause.name) lines.push(`const ${clause.name.text} = require(${specifier});`);
        const bindings = clause.namedBindings;
        if (bindings && ts.isNamespaceImport(bindings))
          lines.push(`const ${bindings.name.text} = require(${specifier});`);
        if (bindings && ts.isNamedImports(bindings) && bindings.elements.length > 0)
          lines.push(
            `const { ${bindings.elements
              .map((element) =>
                element.propertyName
                  ? `${element.propertyName.text}: ${element.name.text}`
                  : element.name.text,
              )
              .join(', ')} } = require(${specifier});`,
          );
      }
      removals.push({ start: statement.getStart(), end: statement.getEnd(), insert: lines.join('\n') });
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier) {
      // Handles: export { a, b as c } from './x.js'  ->  const { a, b: c } = require('./x.js')
      const clause = statement.exportClause;
      if (!clause || !ts.isNamedExports(clause)) return undefined;
      const names = clause.elements.map((element) => element.name.text);
      if (names.some((name) => bound.has(name))) return undefined;
      const pattern = clause.elements
        .map((element) =>
          element.propertyName ? `${element.propertyName.text}: ${element.name.text}` : element.name.text,
        )
        .join(', ');
      exported.push(...names);
      removals.push({
        start: statement.getStart(),
        end: statement.getEnd(),
        insert: `const { ${pattern} } = require(${statement.moduleSpecifier.getText()});`,
      });
    } else if (ts.isExportDeclaration(statement)) {
      if (!statement.exportClause || !ts.isNamedExports(statement.exportClause)) return undefined;
      for (const element of statement.exportClause.elements)
        exported.push(
          element.propertyName ? `${element.name.text}: ${element.propertyName.text}` : element.name.text,
        );
      removals.push(statementRange(text, statement));
    } else {
      const modifiers = ts.canHaveModifiers(statement) ? ts.getModifiers(statement) : undefined;
      const exportKeyword = modifiers?.find((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword);
      if (!exportKeyword) continue;
      if (modifiers!.some((modifier) => modifier.kind === ts.SyntaxKind.DefaultKeyword)) return undefined;
      const space = text.slice(exportKeyword.getEnd()).match(/^\s*/)?.[0] ?? '';
      removals.push({ start: exportKeyword.getStart(), end: exportKeyword.getEnd() + space.length });
      if (ts.isVariableStatement(statement))
        for (const declaration of statement.declarationList.declarations) {
          if (!ts.isIdentifier(declaration.name)) return undefined;
          exported.push(declaration.name.text);
        }
      else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name)
        exported.push(statement.name.text);
      else return undefined;
    }
  }
  const body = applyRemovals(text, removals).replace(/\n{3,}/g, '\n\n');
  if (exported.length === 0) return body;
  return `${body.replace(/\s*$/, '\n')}\nmodule.exports = { ${exported.join(', ')} };\n`;
}

/** Names the module binds at its top level (imports and declarations), which a re-export must not shadow. */
function topLevelNames(source: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  for (const statement of source.statements) {
    const clause = ts.isImportDeclaration(statement) ? statement.importClause : undefined;
    if (clause?.name) names.add(clause.name.text);
    const bindings = clause?.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) names.add(bindings.name.text);
    if (bindings && ts.isNamedImports(bindings))
      for (const element of bindings.elements) names.add(element.name.text);
    if (ts.isVariableStatement(statement))
      for (const declaration of statement.declarationList.declarations)
        if (ts.isIdentifier(declaration.name)) names.add(declaration.name.text);
    if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name)
      names.add(statement.name.text);
  }
  return names;
}

/** CommonJS has neither `import.meta` nor a top-level `await`. */
function hasTopLevelAwaitOrMeta(source: ts.SourceFile): boolean {
  let found = false;
  const visit = (node: ts.Node, topLevel: boolean): void => {
    if (found) return;
    if (
      ts.isMetaProperty(node) ||
      (topLevel && (ts.isAwaitExpression(node) || (ts.isForOfStatement(node) && node.awaitModifier)))
    ) {
      found = true;
      return;
    }
    ts.forEachChild(node, (child) => visit(child, topLevel && !ts.isFunctionLike(node)));
  };
  ts.forEachChild(source, (child) => visit(child, true));
  return found;
}
