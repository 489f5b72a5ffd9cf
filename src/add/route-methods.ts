import { ts } from 'ts-morph';

/**
 * The HTTP methods an app's routes answer, read from the syntax tree of its sources: comments between the links
 * of a `router.route('/x').get(...).put(...)` chain, nested calls in a handler list and line breaks all read
 * the same as one line. CORS allows these methods, so a miss refuses the app's own preflights.
 */

const allMethods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'];
const routeMethodNames = new Set(['get', 'post', 'put', 'patch', 'delete', 'options', 'head', 'all']);
const mentionsRoute =
  /\.(?:get|post|put|patch|delete|options|head|all|route)\s*\(|\bmethod\s*:|@(?:Get|Post|Put|Patch|Delete|Options|Head|All)\(/;
/** NestJS and routing-controllers handlers: `@Put(':id')`, `@Delete()` on a controller method. */
const routeDecorators = new Set(['Get', 'Post', 'Put', 'Patch', 'Delete', 'Options', 'Head', 'All']);

function nameOf(node: ts.PropertyName | ts.Expression): string | undefined {
  return ts.isIdentifier(node) || ts.isStringLiteral(node) ? node.text : undefined;
}

function stringValue(node: ts.Expression): string | undefined {
  return ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) ? node.text : undefined;
}

/** `router.route('/x')` at the root of a chain of `.get(...)` / `.put(...)` links. */
function isRouteChain(receiver: ts.Expression): boolean {
  let node = receiver;
  while (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
    const name = node.expression.name.text;
    if (name === 'route') return true;
    if (!routeMethodNames.has(name)) return false;
    node = node.expression.expression;
  }
  return false;
}

function isHandler(node: ts.Expression): boolean {
  return (
    ts.isArrowFunction(node) ||
    ts.isFunctionExpression(node) ||
    ts.isIdentifier(node) ||
    ts.isPropertyAccessExpression(node) ||
    ts.isCallExpression(node) ||
    ts.isArrayLiteralExpression(node)
  );
}

/**
 * Whether `receiver.method(args)` registers a route rather than reading a map or a header:
 * `app.get('/x', h)`, `router.delete(paths.item, auth, h)`, `app.get(/re/, h)`; never `cache.get(key)` or
 * `params.get('page')`.
 */
function isRouteCall(call: ts.CallExpression, receiver: ts.Expression): boolean {
  if (isRouteChain(receiver)) return true;
  const [first, ...rest] = call.arguments;
  if (!first) return false;
  const path = stringValue(first);
  // socket.io's endpoint answers its own CORS: routing it through the app adds no method the API serves.
  if (path !== undefined) return /^[/*]/.test(path) && !path.startsWith('/socket.io');
  if (ts.isRegularExpressionLiteral(first) || ts.isTemplateExpression(first)) return rest.length > 0;
  return rest.length > 0 && isHandler(rest[rest.length - 1]) && !ts.isObjectLiteralExpression(first);
}

/** Handles: fastify.route({ method: ['GET', 'PUT'], url, handler }), or such an object in a routes table. */
function methodsOfRouteObject(node: ts.ObjectLiteralExpression, insideRouteCall: boolean): string[] {
  const names = new Set(
    node.properties.map((property) => (property.name ? nameOf(property.name) : undefined)),
  );
  const looksLikeRoute = insideRouteCall || ((names.has('url') || names.has('path')) && names.has('handler'));
  if (!looksLikeRoute) return [];
  const method = node.properties.find(
    (property): property is ts.PropertyAssignment =>
      ts.isPropertyAssignment(property) && nameOf(property.name) === 'method',
  )?.initializer;
  if (!method) return [];
  const literals = ts.isArrayLiteralExpression(method) ? [...method.elements] : [method];
  return literals.map(stringValue).filter((value): value is string => value !== undefined);
}

export function routeMethodsOf(texts: readonly string[]): string[] {
  const methods = new Set<string>();
  const add = (method: string) => {
    const upper = method.toUpperCase();
    if (upper === 'ALL' || upper === '*') for (const each of allMethods) methods.add(each);
    else if (allMethods.includes(upper)) methods.add(upper);
  };
  for (const text of texts) {
    if (!mentionsRoute.test(text)) continue;
    const file = ts.createSourceFile('routes.ts', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
        const name = node.expression.name.text;
        if (routeMethodNames.has(name) && isRouteCall(node, node.expression.expression)) add(name);
        if (name === 'route')
          for (const argument of node.arguments)
            if (ts.isObjectLiteralExpression(argument)) methodsOfRouteObject(argument, true).forEach(add);
      } else if (ts.isObjectLiteralExpression(node)) {
        methodsOfRouteObject(node, false).forEach(add);
      } else if (
        ts.isDecorator(node) &&
        ts.isCallExpression(node.expression) &&
        ts.isIdentifier(node.expression.expression) &&
        routeDecorators.has(node.expression.expression.text)
      ) {
        add(node.expression.expression.text);
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  return allMethods.filter((method) => methods.has(method));
}
