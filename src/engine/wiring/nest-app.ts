import { Node, SyntaxKind, type SourceFile } from 'ts-morph';
import type { Instance } from './find-app.js';

/** Local names of `NestFactory` imported from @nestjs/core (`import { NestFactory as Factory }` included). */
function nestFactoryNames(sourceFile: SourceFile): Set<string> {
  const names = new Set<string>();
  for (const declaration of sourceFile.getImportDeclarations()) {
    if (declaration.getModuleSpecifierValue() !== '@nestjs/core') continue;
    for (const named of declaration.getNamedImports())
      if (named.getName() === 'NestFactory') names.add(named.getAliasNode()?.getText() ?? named.getName());
  }
  return names;
}

/**
 * The NestJS application this file creates, as an instance to wire: the variable assigned
 * `await NestFactory.create(AppModule, ...)` (also `create<NestExpressApplication>`), in the file or in the
 * function that bootstraps it. Its `app.use(...)` hands middleware to the Express adapter before any route.
 */
export function findNestApp(sourceFile: SourceFile): Instance | undefined {
  const factories = nestFactoryNames(sourceFile);
  if (factories.size === 0) return undefined;
  for (const declaration of sourceFile.getDescendantsOfKind(SyntaxKind.VariableDeclaration)) {
    let expression: Node | undefined = declaration.getInitializer();
    while (
      expression &&
      (Node.isAwaitExpression(expression) ||
        Node.isParenthesizedExpression(expression) ||
        Node.isAsExpression(expression))
    )
      expression = expression.getExpression();
    if (!expression || !Node.isCallExpression(expression)) continue;
    const callee = expression.getExpression();
    // Handles: NestFactory.create(AppModule), NestFactory.create<NestExpressApplication>(AppModule, { cors: true })
    if (
      !Node.isPropertyAccessExpression(callee) ||
      callee.getName() !== 'create' ||
      !factories.has(callee.getExpression().getText())
    )
      continue;
    const statement = declaration.getVariableStatement();
    const container = statement?.getParent();
    const nameNode = declaration.getNameNode();
    if (!statement || !container || !Node.isIdentifier(nameNode)) continue;
    if (!Node.isSourceFile(container) && !Node.isBlock(container)) continue;
    return { name: nameNode.getText(), statement, container };
  }
  return undefined;
}

/** The `NestFactory.create(...)` call that makes the app, for reading its options (`{ cors: true }`). */
export function nestCreateCall(instance: Instance) {
  return instance.statement
    .getDescendantsOfKind(SyntaxKind.CallExpression)
    .find((call) => /\.create$/.test(call.getExpression().getText()));
}
