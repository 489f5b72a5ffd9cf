import { Node, SyntaxKind, type Statement } from 'ts-morph';
import type { Instance } from './find-app.js';
import type { SourceStyle } from './source-style.js';

export interface UseRequest {
  /** `use` (Express, socket.io) or `register` (Fastify). */
  method: 'use' | 'register';
  /** The argument: `securityHeaders()`. */
  argument: string;
  /** The names the argument uses; a call on the instance mentioning one of them means "already wired". */
  names: string[];
}

/** `app.use(...)` / `await app.register(...)` as a statement on `instance`, or undefined. */
function callOnInstance(statement: Statement, instance: Instance, method: string) {
  if (!Node.isExpressionStatement(statement)) return undefined;
  let expression = statement.getExpression();
  if (Node.isAwaitExpression(expression)) expression = expression.getExpression();
  if (!Node.isCallExpression(expression)) return undefined;
  const callee = expression.getExpression();
  if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== method) return undefined;
  return callee.getExpression().getText() === instance.name ? expression : undefined;
}

function mentions(node: Node, names: Set<string>): boolean {
  if (Node.isIdentifier(node)) return names.has(node.getText());
  return node
    .getDescendantsOfKind(SyntaxKind.Identifier)
    .some((identifier) => names.has(identifier.getText()));
}

/**
 * Adds `instance.method(argument)` right after the instance is created, so it runs before every route,
 * and after the security calls wired earlier (whose names are `wiredNames`), so several modules keep the
 * order they were added in. Does nothing when a call on the instance already uses one of `names`.
 */
export function ensureUse(
  instance: Instance,
  request: UseRequest,
  wiredNames: Set<string>,
  style: SourceStyle,
): boolean {
  const statements = instance.container.getStatements();
  const own = new Set(request.names);
  const start = statements.indexOf(instance.statement);
  const already = statements.some((statement) => {
    const call = callOnInstance(statement, instance, request.method);
    return call !== undefined && call.getArguments().some((argument) => mentions(argument, own));
  });
  if (already) return false;

  let insertAt = start + 1;
  for (let i = start + 1; i < statements.length; i++) {
    const call = callOnInstance(statements[i], instance, request.method);
    if (call && call.getArguments().some((argument) => mentions(argument, wiredNames))) insertAt = i + 1;
  }
  const semicolon = style.semicolons ? ';' : '';
  instance.container.insertStatements(
    insertAt,
    `${instance.name}.${request.method}(${request.argument})${semicolon}`,
  );
  return true;
}
