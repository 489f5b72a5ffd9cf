import { Node, SyntaxKind, type SourceFile, type Statement, type VariableDeclaration } from 'ts-morph';
import { findPluginApp } from './fastify-plugin-app.js';
import { findNestApp } from './nest-app.js';
import type { Framework } from './types.js';

/** Where an app (or a socket.io server) is created: its variable, and the statement list that holds it. */
export interface Instance {
  name: string;
  /** The statement declaring it (`const app = express();`), or the first of the plugin function's body. */
  statement: Statement;
  /**
   * A fastify-cli app (the exported plugin function, its first parameter the app): nothing declares it in the
   * body, so the wiring goes before `statement` rather than after it.
   */
  atStart?: boolean;
  /** The statements of the block or file that declares it; the wiring goes right after `statement`. */
  container: Node & {
    getStatements(): Statement[];
    getStatementsWithComments(): Node[];
    insertStatements(index: number, text: string): unknown;
  };
}

const factoryModules: Record<Framework | 'socket.io', string> = {
  express: 'express',
  fastify: 'fastify',
  'socket.io': 'socket.io',
};

/** Local names bound to a module's default export, namespace, or the named export `exportName`. */
function localNamesOf(sourceFile: SourceFile, moduleName: string, exportNames: string[]): Set<string> {
  const names = new Set<string>();
  for (const declaration of sourceFile.getImportDeclarations()) {
    if (declaration.getModuleSpecifierValue() !== moduleName) continue;
    const defaultImport = declaration.getDefaultImport();
    if (defaultImport) names.add(defaultImport.getText());
    const namespace = declaration.getNamespaceImport();
    if (namespace) names.add(namespace.getText());
    for (const named of declaration.getNamedImports())
      if (exportNames.includes(named.getName()))
        names.add(named.getAliasNode()?.getText() ?? named.getName());
  }
  // Handles: import express = require('express')
  for (const equals of sourceFile.getDescendantsOfKind(SyntaxKind.ImportEqualsDeclaration)) {
    const reference = equals.getModuleReference();
    if (
      Node.isExternalModuleReference(reference) &&
      reference.getExpression()?.getText().slice(1, -1) === moduleName
    )
      names.add(equals.getName());
  }
  // Handles: const express = require('express'); const { Server } = require('socket.io')
  for (const call of sourceFile.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    if (call.getExpression().getText() !== 'require') continue;
    const [argument] = call.getArguments();
    if (!argument || !Node.isStringLiteral(argument) || argument.getLiteralValue() !== moduleName) continue;
    const declaration = call.getParentIfKind(SyntaxKind.VariableDeclaration);
    const nameNode = declaration?.getNameNode();
    if (Node.isIdentifier(nameNode)) names.add(nameNode.getText());
    if (Node.isObjectBindingPattern(nameNode))
      for (const element of nameNode.getElements())
        if (exportNames.includes(element.getPropertyNameNode()?.getText() ?? element.getName()))
          names.add(element.getName());
  }
  return names;
}

/** `express()`, `Fastify({...})`, `await fastify()`, `fastify().withTypeProvider<T>()`, `new Server(http)`. */
function createdBy(declaration: VariableDeclaration, factories: Set<string>, modules: Set<string>): boolean {
  let expression: Node | undefined = declaration.getInitializer();
  while (expression) {
    if (Node.isAwaitExpression(expression) || Node.isParenthesizedExpression(expression)) {
      expression = expression.getExpression();
    } else if (Node.isAsExpression(expression) || Node.isSatisfiesExpression(expression)) {
      expression = expression.getExpression();
    } else if (Node.isCallExpression(expression) || Node.isNewExpression(expression)) {
      const callee = expression.getExpression();
      if (Node.isIdentifier(callee)) return factories.has(callee.getText());
      // Handles: const app = require('express')()
      if (Node.isCallExpression(callee) && callee.getExpression().getText() === 'require') {
        const [argument] = callee.getArguments();
        return Boolean(argument && Node.isStringLiteral(argument) && modules.has(argument.getLiteralValue()));
      }
      // Handles: express.default(), fastify.fastify() and a chained call on the instance; not express.Router()
      if (Node.isPropertyAccessExpression(callee)) {
        const object = callee.getExpression();
        if (Node.isIdentifier(object) && factories.has(object.getText()))
          return ['default', 'fastify'].includes(callee.getName());
        expression = object;
      } else return false;
    } else return false;
  }
  return false;
}

function instanceOf(declaration: VariableDeclaration): Instance | undefined {
  const statement = declaration.getVariableStatement();
  const container = statement?.getParent();
  if (!statement || !container) return undefined;
  if (!Node.isSourceFile(container) && !Node.isBlock(container)) return undefined;
  const nameNode = declaration.getNameNode();
  if (!Node.isIdentifier(nameNode)) return undefined;
  return { name: nameNode.getText(), statement, container };
}

function findCreated(
  sourceFile: SourceFile,
  factories: Set<string>,
  moduleName: string,
): Instance | undefined {
  for (const declaration of sourceFile.getDescendantsOfKind(SyntaxKind.VariableDeclaration)) {
    if (!createdBy(declaration, factories, new Set([moduleName]))) continue;
    const instance = instanceOf(declaration);
    if (instance) return instance;
  }
  return undefined;
}

/**
 * The Express app or Fastify instance this file creates, if it creates one (a NestJS app on Express too), else
 * the app fastify-cli's `fastify start` loads: the plugin function the file exports.
 */
export function findApp(sourceFile: SourceFile, framework: Framework): Instance | undefined {
  const exportNames = framework === 'fastify' ? ['fastify', 'default', 'Fastify'] : ['default'];
  return (
    findCreated(
      sourceFile,
      localNamesOf(sourceFile, factoryModules[framework], exportNames),
      factoryModules[framework],
    ) ?? (framework === 'express' ? findNestApp(sourceFile) : findPluginApp(sourceFile))
  );
}

/** The socket.io `Server` this file creates, if any. */
export function findSocketIoServer(sourceFile: SourceFile): Instance | undefined {
  return findCreated(
    sourceFile,
    localNamesOf(sourceFile, factoryModules['socket.io'], ['Server']),
    'socket.io',
  );
}
