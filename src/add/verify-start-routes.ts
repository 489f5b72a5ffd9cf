import { posix } from 'node:path';
import { ts } from 'ts-morph';

/**
 * The route `--verify=start` asks for, read from the syntax tree of the app's sources with the prefixes it is
 * mounted under: Express's `app.use('/v1', router)` (the router required or imported from another file, or
 * declared beside), Fastify's `app.register(plugin, { prefix: '/v1' })` (a plugin imported, or written inline),
 * and NestJS's `app.setGlobalPrefix('api')` with `@Controller('users')` and URI versioning. A route declared in
 * a file no mount reaches, or under a prefix that is not a literal, is never guessed: its real path is unknown.
 */

/** Where a mount sends requests: a variable of the same file, a file it imports, or an inline plugin. */
type Target = { kind: 'name'; name: string } | { kind: 'file'; specifier: string };

interface FileRoutes {
  /** `GET` paths with no parameter, by the variable they are declared on (a router, the app, a plugin's `fastify`). */
  routes: { receiver: string; path: string }[];
  mounts: { receiver: string; prefix: string; target: Target }[];
  /** Local names bound to imports and requires: `routes` → `'../api/routes/v1'` (packages never resolve to a file). */
  imports: Map<string, string>;
}

/** `axios.get('/users', config)` asks another server: never a route of this app. */
const httpClients = new Set(['axios', 'http', 'https', 'got', 'superagent', 'request', 'supertest', 'ky']);

const sourceExtensions = ['.ts', '.js', '.mts', '.mjs', '.cts', '.cjs'];

function literal(node: ts.Node | undefined): string | undefined {
  return node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))
    ? node.text
    : undefined;
}

function isRequire(node: ts.Node): node is ts.CallExpression {
  return (
    ts.isCallExpression(node) &&
    ts.isIdentifier(node.expression) &&
    node.expression.text === 'require' &&
    literal(node.arguments[0]) !== undefined
  );
}

function isDynamicImport(node: ts.Node): node is ts.CallExpression {
  return ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword;
}

/** A literal path with nothing a request must fill in (`/users/:id`, `*`, a regexp group). */
function isProbeable(path: string): boolean {
  return path.startsWith('/') && !/[:*?(){}\s]/.test(path);
}

function joinPaths(...parts: string[]): string {
  const joined = parts
    .map((part) => part.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/');
  return `/${joined}`;
}

function propertyOf(node: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  for (const property of node.properties)
    if (
      ts.isPropertyAssignment(property) &&
      (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name)) &&
      property.name.text === name
    )
      return property.initializer;
  return undefined;
}

function receiverName(call: ts.CallExpression): string | undefined {
  const callee = call.expression;
  return ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression)
    ? callee.expression.text
    : undefined;
}

/** `router.route('/status').get(handler)`: the path and the router, read from the link the chain starts with. */
function routeChain(call: ts.CallExpression): { receiver: string; path: string } | undefined {
  let node: ts.Expression = call.expression;
  while (ts.isPropertyAccessExpression(node) && ts.isCallExpression(node.expression)) {
    const link = node.expression;
    if (ts.isPropertyAccessExpression(link.expression) && link.expression.name.text === 'route') {
      const receiver = receiverName(link);
      const path = literal(link.arguments[0]);
      return receiver && path !== undefined ? { receiver, path } : undefined;
    }
    node = link.expression;
  }
  return undefined;
}

function readImports(file: ts.SourceFile, imports: Map<string, string>): void {
  for (const statement of file.statements) {
    if (!ts.isImportDeclaration(statement)) continue;
    const specifier = literal(statement.moduleSpecifier);
    const clause = statement.importClause;
    if (specifier === undefined || !clause) continue;
    if (clause.name) imports.set(clause.name.text, specifier);
    const bindings = clause.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) imports.set(bindings.name.text, specifier);
    if (bindings && ts.isNamedImports(bindings))
      for (const element of bindings.elements) imports.set(element.name.text, specifier);
  }
}

/** A call of an imported function (or a required file) with a variable, or an object of them, as argument. */
function handsTheApp(call: ts.CallExpression): boolean {
  let callee = call.expression;
  if (ts.isPropertyAccessExpression(callee)) callee = callee.expression;
  if (!ts.isIdentifier(callee) && !isRequire(callee)) return false;
  return call.arguments.some(
    (argument) =>
      ts.isIdentifier(argument) ||
      (ts.isObjectLiteralExpression(argument) &&
        argument.properties.some(
          (property) =>
            ts.isShorthandPropertyAssignment(property) ||
            (ts.isPropertyAssignment(property) && ts.isIdentifier(property.initializer)),
        )),
  );
}

/** `require('./routes')`, `import('./routes')`, `routes`, `routes()`, `routes.router`: where the mount goes. */
function targetOf(node: ts.Expression, facts: FileRoutes): Target | undefined {
  if (isRequire(node) || isDynamicImport(node)) {
    const specifier = literal(node.arguments[0]);
    return specifier === undefined ? undefined : { kind: 'file', specifier };
  }
  if (ts.isIdentifier(node)) {
    const specifier = facts.imports.get(node.text);
    return specifier ? { kind: 'file', specifier } : { kind: 'name', name: node.text };
  }
  if (ts.isCallExpression(node) || ts.isPropertyAccessExpression(node) || ts.isAwaitExpression(node))
    return targetOf(node.expression, facts);
  return undefined;
}

function readFile(text: string): FileRoutes {
  const facts: FileRoutes = { routes: [], mounts: [], imports: new Map() };
  const file = ts.createSourceFile('routes.ts', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  readImports(file, facts.imports);
  let inline = 0;
  /** `scope` renames an inline plugin's parameter, so its routes do not mix with a same-named outer variable. */
  const visit = (node: ts.Node, scope: ReadonlyMap<string, string>): void => {
    const named = (name: string) => scope.get(name) ?? name;
    if (ts.isVariableDeclaration(node) && node.initializer && isRequire(node.initializer)) {
      const specifier = literal(node.initializer.arguments[0])!;
      if (ts.isIdentifier(node.name)) facts.imports.set(node.name.text, specifier);
      if (ts.isObjectBindingPattern(node.name))
        for (const element of node.name.elements)
          if (ts.isIdentifier(element.name)) facts.imports.set(element.name.text, specifier);
    }
    if (ts.isCallExpression(node)) {
      const receiver = receiverName(node);
      const method = ts.isPropertyAccessExpression(node.expression) ? node.expression.name.text : undefined;
      const [first, second] = node.arguments;
      const path = literal(first);
      if (
        receiver &&
        method === 'get' &&
        path !== undefined &&
        node.arguments.length >= 2 &&
        !httpClients.has(receiver)
      )
        facts.routes.push({ receiver: named(receiver), path });
      const chained = routeChain(node);
      if (method === 'get' && chained) facts.routes.push({ ...chained, receiver: named(chained.receiver) });
      if (receiver && method === 'use' && path !== undefined)
        for (const argument of node.arguments.slice(1)) {
          const target = targetOf(argument, facts);
          if (target)
            facts.mounts.push({
              receiver: named(receiver),
              prefix: path,
              target: target.kind === 'name' ? { kind: 'name', name: named(target.name) } : target,
            });
        }
      // Only `app.use(router)`: in `app.use(config.prefix, router)` the first argument is a prefix not known here.
      if (receiver && method === 'use' && first && path === undefined && node.arguments.length === 1) {
        const target = targetOf(first, facts);
        if (target?.kind === 'file') facts.mounts.push({ receiver: named(receiver), prefix: '', target });
      }
      if (receiver && method === 'register' && first) {
        const options = second && ts.isObjectLiteralExpression(second) ? second : undefined;
        const prefixNode = options && propertyOf(options, 'prefix');
        const prefix = prefixNode ? literal(prefixNode) : '';
        if (prefix !== undefined && (ts.isArrowFunction(first) || ts.isFunctionExpression(first))) {
          const parameter = first.parameters[0]?.name;
          if (parameter && ts.isIdentifier(parameter)) {
            const id = `${parameter.text}#inline${(inline += 1)}`;
            facts.mounts.push({ receiver: named(receiver), prefix, target: { kind: 'name', name: id } });
            visit(first.body, new Map([...scope, [parameter.text, id]]));
            return;
          }
        }
        const target = prefix === undefined ? undefined : targetOf(first, facts);
        if (prefix !== undefined && target?.kind === 'file')
          facts.mounts.push({ receiver: named(receiver), prefix, target });
      }
      // `require('./routes')(app)`, `routes(app)`, `loaders.default({ expressApp: app })`: the file declares its
      // routes on the app it is handed, under no prefix of its own.
      const target = handsTheApp(node) ? targetOf(node.expression, facts) : undefined;
      if (target?.kind === 'file') facts.mounts.push({ receiver: '', prefix: '', target });
    }
    ts.forEachChild(node, (child) => visit(child, scope));
  };
  visit(file, new Map());
  return facts;
}

/** tsconfig's `paths`, relative to the project root: `@/*` → `src/*`. */
export interface PathAlias {
  pattern: string;
  targets: string[];
}

/** Where a specifier may point, before extensions: relative to the importing file, or through a tsconfig alias. */
function basesOf(from: string, specifier: string, aliases: readonly PathAlias[]): string[] {
  if (specifier.startsWith('.')) return [posix.normalize(posix.join(posix.dirname(from), specifier))];
  for (const { pattern, targets } of aliases) {
    const [head, tail = ''] = pattern.split('*');
    const wildcard = pattern.includes('*');
    if (wildcard ? !specifier.startsWith(head) || !specifier.endsWith(tail) : specifier !== pattern) continue;
    const matched = wildcard ? specifier.slice(head.length, specifier.length - tail.length) : '';
    return targets.map((target) => posix.normalize(target.replace('*', matched)));
  }
  return [];
}

/** The file a specifier names, among the sources read: `./routes`, `./routes.js` for `routes.ts`, `./v1/index`, `@/api/x`. */
function resolve(
  from: string,
  specifier: string,
  files: ReadonlyMap<string, string>,
  aliases: readonly PathAlias[],
): string | undefined {
  for (const base of basesOf(from, specifier, aliases)) {
    const stem = base.replace(/\.[cm]?js$/, '');
    const candidates = [
      base,
      ...sourceExtensions.map((extension) => `${stem}${extension}`),
      ...sourceExtensions.map((extension) => `${base}/index${extension}`),
    ];
    const found = candidates.find((candidate) => files.has(candidate));
    if (found) return found;
  }
  return undefined;
}

/** Every probeable GET path of an Express or Fastify app, with its mount prefixes, in the order they are mounted. */
function mountedRoutes(
  files: ReadonlyMap<string, string>,
  entry: string,
  aliases: readonly PathAlias[],
): string[] {
  const parsed = new Map<string, FileRoutes>();
  const factsOf = (path: string) => {
    if (!parsed.has(path)) parsed.set(path, readFile(files.get(path)!));
    return parsed.get(path)!;
  };
  const found: string[] = [];
  const seen = new Set<string>();
  const walk = (path: string, base: string): void => {
    const key = `${path}\0${base}`;
    if (seen.has(key) || seen.size > 500) return;
    seen.add(key);
    const facts = factsOf(path);
    /** A variable's prefix inside this file: a router `app.use('/api', api)` mounts, an inline plugin. */
    const localPrefix = (name: string, depth = 0): string => {
      const mount = facts.mounts.find((each) => each.target.kind === 'name' && each.target.name === name);
      if (!mount || depth > 10) return '';
      return joinPaths(localPrefix(mount.receiver, depth + 1), mount.prefix);
    };
    for (const route of facts.routes)
      found.push(joinPaths(base, localPrefix(route.receiver), route.path).replace(/(.)\/$/, '$1'));
    for (const mount of facts.mounts) {
      if (mount.target.kind !== 'file') continue;
      const target = resolve(path, mount.target.specifier, files, aliases);
      if (target) walk(target, joinPaths(base, localPrefix(mount.receiver), mount.prefix));
    }
  };
  if (files.has(entry)) walk(entry, '/');
  return found.filter(isProbeable);
}

/** A decorator `@Name(...)` on a node, with its call. */
function decoratorCall(node: ts.Node, name: string): ts.CallExpression | undefined {
  const decorators = ts.canHaveDecorators(node) ? (ts.getDecorators(node) ?? []) : [];
  for (const decorator of decorators)
    if (
      ts.isCallExpression(decorator.expression) &&
      ts.isIdentifier(decorator.expression.expression) &&
      decorator.expression.expression.text === name
    )
      return decorator.expression;
  return undefined;
}

interface NestPrefix {
  /** undefined when the global prefix is not a literal: only excluded routes have a known path then. */
  prefix: string | undefined;
  exclude: string[];
  uriVersioning: boolean;
}

function nestPrefix(files: ReadonlyMap<string, string>): NestPrefix {
  const found: NestPrefix = { prefix: '', exclude: [], uriVersioning: false };
  for (const text of files.values()) {
    if (!/setGlobalPrefix|enableVersioning/.test(text)) continue;
    const file = ts.createSourceFile('main.ts', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
        const method = node.expression.name.text;
        const [first, second] = node.arguments;
        if (method === 'setGlobalPrefix') {
          found.prefix = literal(first);
          const exclude = second && ts.isObjectLiteralExpression(second) && propertyOf(second, 'exclude');
          if (exclude && ts.isArrayLiteralExpression(exclude))
            found.exclude = exclude.elements
              .map((element) =>
                ts.isObjectLiteralExpression(element)
                  ? literal(propertyOf(element, 'path'))
                  : literal(element),
              )
              .filter((each): each is string => each !== undefined)
              .map((each) => joinPaths(each));
        }
        if (method === 'enableVersioning') {
          const type = first && ts.isObjectLiteralExpression(first) ? propertyOf(first, 'type') : undefined;
          found.uriVersioning = !type || /URI/.test(type.getText());
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  return found;
}

/** The version a `@Controller({ path, version: '1' })` sets, or undefined. */
function controllerPathAndVersion(call: ts.CallExpression): { path: string; version?: string } {
  const [first] = call.arguments;
  if (first && ts.isObjectLiteralExpression(first)) {
    const version = propertyOf(first, 'version');
    return { path: literal(propertyOf(first, 'path')) ?? '', version: version && literal(version) };
  }
  return { path: literal(first) ?? '' };
}

/** NestJS: `@Controller('users')` classes' `@Get('me')` methods, under the global prefix and the URI version. */
function nestRoutes(files: ReadonlyMap<string, string>): string[] {
  const global = nestPrefix(files);
  const found: string[] = [];
  for (const text of files.values()) {
    if (!text.includes('@Controller')) continue;
    const file = ts.createSourceFile('controller.ts', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    for (const statement of file.statements) {
      const controller = ts.isClassDeclaration(statement) && decoratorCall(statement, 'Controller');
      if (!controller || !ts.isClassDeclaration(statement)) continue;
      const { path: base, version } = controllerPathAndVersion(controller);
      for (const member of statement.members) {
        const get = decoratorCall(member, 'Get');
        if (!get || (get.arguments.length > 0 && literal(get.arguments[0]) === undefined)) continue;
        const route = joinPaths(base, literal(get.arguments[0]) ?? '');
        const versioned = global.uriVersioning && version !== undefined ? `v${version}` : '';
        if (global.exclude.includes(route)) found.push(joinPaths(versioned, route));
        else if (global.prefix !== undefined) found.push(joinPaths(global.prefix, versioned, route));
      }
    }
  }
  return found.filter(isProbeable);
}

/**
 * GET `/` when the app answers it, else the first GET route (no parameters) it declares, with its prefixes;
 * else `/` (an unknown path still goes through every middleware, so the headers are there on the 404).
 * `files` maps each source path (relative to the project, `/` separators) to its text.
 */
export function routeToProbe(
  files: ReadonlyMap<string, string>,
  entry: string,
  options: { nest?: boolean; aliases?: readonly PathAlias[] } = {},
): string {
  const routes = options.nest ? nestRoutes(files) : mountedRoutes(files, entry, options.aliases ?? []);
  return routes.includes('/') ? '/' : (routes[0] ?? '/');
}
