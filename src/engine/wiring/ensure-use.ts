import { Node, Project, SyntaxKind, type CallExpression } from 'ts-morph';
import { SecureError } from '../../errors.js';
import type { Instance } from './find-app.js';
import { insertLineAfter, insertLineBefore, type SourceStyle } from './source-style.js';

/** A declared statement taken apart: `app.use(securityHeaders());` -> method `use`, argument texts. */
export interface ParsedCall {
  method: string;
  args: string[];
  /** Identifiers the arguments read from the enclosing scope (`settings`), not property names. */
  freeNames: string[];
}

const scratch = new Project({ useInMemoryFileSystem: true, skipAddingFilesFromTsConfig: true });

/** Reads a generator's `statement`: one call on a receiver, e.g. `app.register(plugin, { prefix })`. */
export function parseDeclaredCall(statement: string): ParsedCall {
  const source = scratch.createSourceFile('/statement.ts', statement, { overwrite: true });
  const [first, ...rest] = source.getStatements();
  let expression = first && Node.isExpressionStatement(first) ? first.getExpression() : undefined;
  if (expression && Node.isAwaitExpression(expression)) expression = expression.getExpression();
  const callee = expression && Node.isCallExpression(expression) ? expression.getExpression() : undefined;
  if (rest.length > 0 || !callee || !Node.isPropertyAccessExpression(callee))
    throw new SecureError('INTERNAL', `generator wiring "${statement}" is not one call like app.use(...)`);
  const args = (expression as CallExpression).getArguments();
  const freeNames = new Set<string>();
  for (const argument of args)
    for (const identifier of [argument, ...argument.getDescendantsOfKind(SyntaxKind.Identifier)]) {
      if (!Node.isIdentifier(identifier)) continue;
      const parent = identifier.getParent();
      const isPropertyName =
        (Node.isPropertyAccessExpression(parent) && parent.getNameNode() === identifier) ||
        (Node.isPropertyAssignment(parent) && parent.getNameNode() === identifier);
      if (!isPropertyName) freeNames.add(identifier.getText());
    }
  return {
    method: callee.getName(),
    args: args.map((argument) => argument.getText()),
    freeNames: [...freeNames],
  };
}

/** `app.use(...)` / `await app.register(...)` as a statement on `instance`, or undefined. */
function callOnInstance(statement: Node, instance: Instance, method?: string) {
  if (!Node.isExpressionStatement(statement)) return undefined;
  let expression = statement.getExpression();
  if (Node.isAwaitExpression(expression)) expression = expression.getExpression();
  if (!Node.isCallExpression(expression)) return undefined;
  const callee = expression.getExpression();
  if (!Node.isPropertyAccessExpression(callee) || (method && callee.getName() !== method)) return undefined;
  return callee.getExpression().getText() === instance.name ? expression : undefined;
}

function mentions(node: Node, names: ReadonlySet<string>): boolean {
  if (Node.isIdentifier(node)) return names.has(node.getText());
  return node
    .getDescendantsOfKind(SyntaxKind.Identifier)
    .some((identifier) => names.has(identifier.getText()));
}

const startsServing = new Set(['listen', 'ready', 'close']);

/** A call with the same method on the instance already uses one of `names` (`app.use(securityHeaders(x))`). */
export function isWired(instance: Instance, call: ParsedCall, names: readonly string[]): boolean {
  const own = new Set(names);
  return instance.container.getStatementsWithComments().some((statement) => {
    const existing = callOnInstance(statement, instance, call.method);
    return existing !== undefined && existing.getArguments().some((argument) => mentions(argument, own));
  });
}

/**
 * Adds the call on the user's instance unless a call with the same method already uses one of `names`.
 * Before the routes: right after the instance is created, after the security calls wired earlier (those
 * using `wiredNames`), so several modules keep the order they were added in. After the routes: after the
 * last call on the instance, before it starts listening.
 */
export function ensureUse(
  instance: Instance,
  call: ParsedCall,
  names: readonly string[],
  wiredNames: ReadonlySet<string>,
  style: SourceStyle,
  position: 'before-routes' | 'after-routes' = 'before-routes',
): boolean {
  // ts-morph counts comment-only lines as statements when inserting: index over the same list.
  if (isWired(instance, call, names)) return false;
  const statements = instance.container.getStatementsWithComments();

  const start = statements.indexOf(instance.statement);
  // Handles: module.exports = async function (fastify, opts) { ... } - the wiring opens the body.
  let insertAt = instance.atStart ? start : start + 1;
  // Handles: `getSettings();` wired first in the body - the registrations go below it, in the order added.
  while (
    instance.atStart &&
    position === 'before-routes' &&
    Node.isExpressionStatement(statements[insertAt]) &&
    mentions(statements[insertAt], wiredNames)
  )
    insertAt++;
  for (let i = insertAt; i < statements.length; i++) {
    const existing = callOnInstance(statements[i], instance);
    if (!existing) continue;
    const method = existing.getExpression().asKindOrThrow(SyntaxKind.PropertyAccessExpression).getName();
    if (position === 'after-routes') {
      if (startsServing.has(method)) break;
      insertAt = i + 1;
    } else if (existing.getArguments().some((argument) => mentions(argument, wiredNames))) insertAt = i + 1;
  }
  const semicolon = style.semicolons ? ';' : '';
  const line = `${instance.name}.${call.method}(${call.args.join(', ')})${semicolon}`;
  if (insertAt === start && instance.atStart) insertLineBefore(statements[start], line);
  else insertLineAfter(statements[insertAt - 1], line);
  return true;
}
