import {
  IndentationText,
  NewLineKind,
  Node,
  Project,
  QuoteKind,
  SyntaxKind,
  type SourceFile,
} from 'ts-morph';
import { SecureError } from '../../errors.js';
import { ensureImport } from './ensure-import.js';
import { ensureUse, isWired, parseDeclaredCall } from './ensure-use.js';
import { findApp, findSocketIoServer, type Instance } from './find-app.js';
import { detectStyle, insertLineBefore, requireSpecifier, type SourceStyle } from './source-style.js';
import type { Framework, WireRequest } from './types.js';

const BOM = '\uFEFF';

export interface WireOptions {
  /** Path relative to the project root, for messages. */
  file: string;
  framework: Framework;
  /** The import form to use when the file has no import yet: ESM `import` or CommonJS `require`. */
  moduleSystem: 'esm' | 'cjs';
  requests: readonly WireRequest[];
}

function indentationOf(text: string): IndentationText {
  const indented = /^[ \t]+\S/m.exec(text)?.[0] ?? '  ';
  if (indented.startsWith('\t')) return IndentationText.Tab;
  const width = indented.length - indented.trimStart().length;
  if (width >= 8) return IndentationText.EightSpaces;
  if (width >= 4) return IndentationText.FourSpaces;
  return IndentationText.TwoSpaces;
}

/** A ts-morph view of one file, in memory, set up to write new code the way the file is written. */
export function openSource(file: string, text: string): SourceFile {
  const project = new Project({
    useInMemoryFileSystem: true,
    skipAddingFilesFromTsConfig: true,
    compilerOptions: { allowJs: true },
    manipulationSettings: {
      newLineKind: text.includes('\r\n') ? NewLineKind.CarriageReturnLineFeed : NewLineKind.LineFeed,
      indentationText: indentationOf(text),
      quoteKind: QuoteKind.Single,
      usePrefixAndSuffixTextForRename: false,
    },
  });
  return project.createSourceFile(`/${file}`, text, { overwrite: true });
}

/** A relative import of a module in the generated `security/` folder. */
function isSecurityModule(specifier: string): boolean {
  return specifier.startsWith('.') && specifier.split('/').includes('security');
}

/** Names imported from generated security modules: their calls are the ones new calls go after. */
function securityNames(sourceFile: SourceFile): Set<string> {
  const names = new Set<string>();
  for (const declaration of sourceFile.getImportDeclarations())
    if (isSecurityModule(declaration.getModuleSpecifierValue()))
      for (const named of declaration.getNamedImports())
        names.add(named.getAliasNode()?.getText() ?? named.getName());
  // Handles: const { securityHeaders } = require('./security/headers.js')
  for (const statement of sourceFile.getStatements()) {
    const specifier = requireSpecifier(statement);
    if (specifier === undefined || !isSecurityModule(specifier)) continue;
    for (const identifier of statement.getDescendantsOfKind(SyntaxKind.Identifier))
      if (identifier.getText() !== 'require') names.add(identifier.getText());
  }
  return names;
}

/** Every name the file declares, at any depth (a `settings` parameter of the app's factory included). */
function declaredNames(sourceFile: SourceFile): Set<string> {
  const names = new Set<string>();
  for (const identifier of sourceFile.getDescendantsOfKind(SyntaxKind.Identifier)) {
    const parent = identifier.getParent();
    const declares =
      (Node.isVariableDeclaration(parent) ||
        Node.isParameterDeclaration(parent) ||
        Node.isBindingElement(parent) ||
        Node.isFunctionDeclaration(parent) ||
        Node.isClassDeclaration(parent) ||
        Node.isImportSpecifier(parent) ||
        Node.isImportEqualsDeclaration(parent)) &&
      parent.getNameNode() === identifier;
    if (declares || Node.isImportClause(parent) || Node.isNamespaceImport(parent))
      names.add(identifier.getText());
  }
  return names;
}

/** `getSettings();` above the app's creation, with its import; nothing when the file calls it already. */
function wireBeforeApp(
  sourceFile: SourceFile,
  request: WireRequest,
  style: SourceStyle,
  instance: () => Instance,
): void {
  const called = sourceFile
    .getDescendantsOfKind(SyntaxKind.CallExpression)
    .some((call) => request.names.includes(call.getExpression().getText()));
  if (called) return;
  ensureImport(
    sourceFile,
    { moduleSpecifier: request.moduleSpecifier, names: [...request.names] },
    style,
    instance().statement,
  );
  const statement = request.statement.replace(/;?\s*$/, style.semicolons ? ';' : '');
  insertLineBefore(instance().statement, statement);
}

/** Whether the file holds the instance a step attaches to (the app, or the socket.io server). */
export function hasTarget(
  file: string,
  text: string,
  framework: Framework,
  target: WireRequest['target'],
): boolean {
  const sourceFile = openSource(file, text.startsWith(BOM) ? text.slice(1) : text);
  return (
    (target === 'socket.io' ? findSocketIoServer(sourceFile) : findApp(sourceFile, framework)) !== undefined
  );
}

/**
 * Adds each step's import and call to one file, skipping what is already there. Pure: text in, text out.
 * The BOM and line endings survive; new lines follow the file's quotes, semicolons and import form.
 */
export function wireSource(text: string, options: WireOptions): string {
  const bom = text.startsWith(BOM) ? BOM : '';
  const sourceFile = openSource(options.file, bom ? text.slice(1) : text);
  const style = detectStyle(sourceFile, options.moduleSystem === 'esm' ? 'esm' : 'require');

  for (const request of options.requests) {
    const target = request.target ?? 'app';
    const find = () =>
      target === 'socket.io' ? findSocketIoServer(sourceFile) : findApp(sourceFile, options.framework);
    if (!find())
      throw new SecureError(
        'NOT_FOUND',
        `${options.file}: no ${target === 'socket.io' ? 'socket.io Server' : `${options.framework} app`} is created in this file`,
        { hint: 'Pass the file that creates it with --entry FILE.' },
      );
    if (request.position === 'before-app') {
      wireBeforeApp(sourceFile, request, style, () => find() as Instance);
      continue;
    }
    const call = parseDeclaredCall(request.statement);
    // Already wired (maybe with the user's own arguments, maybe our registration put in place of theirs):
    // only a name bound nowhere in the file is imported, one the user imports from elsewhere is theirs.
    if (isWired(find() as Instance, call, request.names)) {
      const bound = declaredNames(sourceFile);
      for (const { moduleSpecifier, names } of [request, ...(request.alsoImports ?? [])]) {
        const unbound = names.filter((name) => !bound.has(name) && call.freeNames.includes(name));
        if (unbound.length > 0)
          ensureImport(sourceFile, { moduleSpecifier, names: unbound }, style, find()!.statement);
      }
      continue;
    }
    // The new call goes right after the instance is created: the names must be bound above it.
    const names = { moduleSpecifier: request.moduleSpecifier, names: [...request.names] };
    ensureImport(sourceFile, names, style, find()!.statement);
    for (const other of request.alsoImports ?? [])
      ensureImport(
        sourceFile,
        { moduleSpecifier: other.moduleSpecifier, names: [...other.names] },
        style,
        find()!.statement,
      );
    // Found again after the import edit: ts-morph may have replaced the nodes around it.
    ensureUse(find() as Instance, call, request.names, securityNames(sourceFile), style, request.position);
  }
  return bom + sourceFile.getFullText();
}
