import { Node, SyntaxKind, type SourceFile } from 'ts-morph';
import type { Instance } from './find-app.js';

/** Local names bound to a package's default export or the module itself (import or require). */
export function packageBindings(sourceFile: SourceFile, packageName: string): Set<string> {
  const names = new Set<string>();
  for (const declaration of sourceFile.getImportDeclarations()) {
    if (declaration.getModuleSpecifierValue() !== packageName || declaration.isTypeOnly()) continue;
    const local = declaration.getDefaultImport() ?? declaration.getNamespaceImport();
    if (local) names.add(local.getText());
  }
  for (const call of sourceFile.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    if (call.getExpression().getText() !== 'require') continue;
    const [argument] = call.getArguments();
    if (!argument || !Node.isStringLiteral(argument) || argument.getLiteralValue() !== packageName) continue;
    const declaration = call.getParentIfKind(SyntaxKind.VariableDeclaration);
    const nameNode = declaration?.getNameNode();
    if (nameNode && Node.isIdentifier(nameNode)) names.add(nameNode.getText());
  }
  return names;
}

/** What the module exports as its default: `export default x`, `module.exports = x` (parentheses and `as` off). */
export function defaultExport(sourceFile: SourceFile): Node | undefined {
  let exported: Node | undefined;
  for (const statement of sourceFile.getStatements()) {
    if (Node.isExportAssignment(statement) && !statement.isExportEquals())
      exported = statement.getExpression();
    if (Node.isFunctionDeclaration(statement) && statement.isDefaultExport()) exported = statement;
    if (!Node.isExpressionStatement(statement)) continue;
    const expression = statement.getExpression();
    if (
      Node.isBinaryExpression(expression) &&
      expression.getOperatorToken().getKind() === SyntaxKind.EqualsToken &&
      expression.getLeft().getText() === 'module.exports'
    )
      exported = expression.getRight();
  }
  while (exported && (Node.isParenthesizedExpression(exported) || Node.isAsExpression(exported)))
    exported = exported.getExpression();
  return exported;
}

type PluginFunction = Node & {
  getParameters(): { getNameNode(): Node }[];
  getBody(): Node | undefined;
};

/** The function a name or expression stands for: `async function app(...)`, `const app = async (...) => {}`. */
export function functionOf(sourceFile: SourceFile, node: Node | undefined): PluginFunction | undefined {
  if (!node) return undefined;
  if (Node.isFunctionDeclaration(node) || Node.isFunctionExpression(node) || Node.isArrowFunction(node))
    return node;
  if (!Node.isIdentifier(node)) return undefined;
  const name = node.getText();
  const declared = sourceFile.getFunction(name);
  if (declared) return declared;
  const initializer = sourceFile.getVariableDeclaration(name)?.getInitializer();
  return initializer && (Node.isFunctionExpression(initializer) || Node.isArrowFunction(initializer))
    ? initializer
    : undefined;
}

/**
 * The app of fastify-cli's layout: a file that registers @fastify/autoload and exports the plugin function
 * (`module.exports = async function (fastify, opts) {...}`, `export default app`) that `fastify start` loads
 * as the application. Its first parameter is the app; the wiring goes first in its body, before the plugins
 * and routes it loads.
 */
export function findPluginApp(sourceFile: SourceFile): Instance | undefined {
  if (packageBindings(sourceFile, '@fastify/autoload').size === 0) return undefined;
  const plugin = functionOf(sourceFile, defaultExport(sourceFile));
  const body = plugin?.getBody();
  const [first] = plugin?.getParameters() ?? [];
  if (!plugin || !body || !Node.isBlock(body) || !first || !Node.isIdentifier(first.getNameNode()))
    return undefined;
  const [statement] = body.getStatements();
  if (!statement) return undefined;
  return { name: first.getNameNode().getText(), statement, container: body, atStart: true };
}
