import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { Node, SyntaxKind, type SourceFile } from 'ts-morph';
import type { Instance } from '../engine/wiring/find-app.js';
import { ensureImport } from '../engine/wiring/ensure-import.js';
import { packageBindings } from '../engine/wiring/fastify-plugin-app.js';
import { detectStyle } from '../engine/wiring/source-style.js';
import { openSource } from '../engine/wiring/wire.js';
import { projectSourceFiles, toPosix, type ProjectLayout } from './detect.js';
import { bindingsOf, inlineLoads, type ExistingAnswer } from './existing.js';
import { registeredBefore, withoutUnusedBinding, wiringImports } from './existing-fastify-plugins.js';
import { lookForModuleLimiter } from './existing-limiter-module.js';
import type { WiringDeclaration } from './generator-source.js';
import { moduleResolver, reaches } from './module-graph.js';
import { importSpecifier } from './wire-plan.js';

/**
 * An Express app handed to a loader in another module (santiq/bulletproof-nodejs: `src/loaders/express.ts`
 * exports `({ app }) => { ...; app.use(cors()); ... }`, which the entry reaches through `loaders/index.ts`).
 * The loader's registration is the app's one answer to the concern: it is replaced where it is by the
 * generated module's, imported relative to the loader; wiring ours into the entry as well would be two answers.
 */

const quotedLoad = (packageName: string) =>
  new RegExp(`(?:from\\s*|require\\(\\s*|import\\(\\s*)['"]${packageName.replace('/', '\\/')}['"]`);

/** A parameter type that names the app itself, not a Router (which routes mount under a path). */
const appType = /^(?:express\.)?(?:Application|Express)$/;
/** How an untyped parameter holding the app is usually named. */
const appName = /^(?:app|expressApp|server)$/;

type FunctionLike = Node & {
  getParameters(): { getNameNode(): Node; getTypeNode(): Node | undefined }[];
};

/** The function whose body holds `statement` directly, when the module exports it. */
function exportedFunctionOf(sourceFile: SourceFile, statement: Node): FunctionLike | undefined {
  const block = statement.getParent();
  const fn = block?.getParent();
  if (!block || !Node.isBlock(block) || !fn) return undefined;
  if (!(Node.isFunctionDeclaration(fn) || Node.isArrowFunction(fn) || Node.isFunctionExpression(fn)))
    return undefined;
  if (Node.isFunctionDeclaration(fn)) return fn.isExported() || fn.isDefaultExport() ? fn : undefined;
  const parent = fn.getParent();
  // Handles: export default ({ app }) => {...}; module.exports = function (app) {...}
  if (Node.isExportAssignment(parent)) return fn;
  if (
    Node.isBinaryExpression(parent) &&
    /^(?:module\.)?exports(?:\.\w+)?$/.test(parent.getLeft().getText()) &&
    parent.getRight() === fn
  )
    return fn;
  // Handles: export const loadExpress = (app: Application) => {...}
  if (Node.isVariableDeclaration(parent)) {
    const name = parent.getName();
    const declared = parent.getVariableStatement();
    if (declared?.isExported()) return fn;
    const exported = sourceFile.getStatements().some((each) => {
      if (Node.isExportAssignment(each)) return each.getExpression().getText() === name;
      if (Node.isExportDeclaration(each))
        return each.getNamedExports().some((named) => named.getName() === name);
      return (
        Node.isExpressionStatement(each) &&
        /^(?:module\.)?exports(?:\.\w+)?\s*=\s*(\w+);?$/.exec(each.getText())?.[1] === name
      );
    });
    return exported ? fn : undefined;
  }
  return undefined;
}

/** Whether `receiver` is the loader's app parameter: `(app: Application)`, `({ app }: { app: express.Application })`. */
function isAppParameter(fn: FunctionLike, receiver: string): boolean {
  const [first] = fn.getParameters();
  if (!first) return false;
  const nameNode = first.getNameNode();
  const typeNode = first.getTypeNode();
  if (Node.isIdentifier(nameNode))
    return (
      nameNode.getText() === receiver &&
      (typeNode ? appType.test(typeNode.getText()) : appName.test(receiver))
    );
  if (!Node.isObjectBindingPattern(nameNode)) return false;
  const element = nameNode.getElements().find((each) => each.getName() === receiver);
  if (!element || element.getDotDotDotToken()) return false;
  const key = element.getPropertyNameNode()?.getText() ?? receiver;
  if (!typeNode) return appName.test(key);
  if (!Node.isTypeLiteral(typeNode)) return false;
  const member = typeNode.getProperty(key)?.getTypeNode();
  return member !== undefined && appType.test(member.getText());
}

const routeMethods = new Set(['get', 'post', 'put', 'patch', 'delete', 'all', 'head', 'options', 'route']);

/** The first route the loader registers on the app above `statement` (`app.get('/status', ...)`, `app.use('/api', r)`). */
function routeAbove(statement: Node, receiver: string): Node | undefined {
  const block = statement.getParent();
  if (!block || !Node.isBlock(block)) return undefined;
  for (const each of block.getStatements()) {
    if (each === statement) return undefined;
    const call = Node.isExpressionStatement(each) ? each.getExpression() : undefined;
    if (!call || !Node.isCallExpression(call)) continue;
    const callee = call.getExpression();
    if (!Node.isPropertyAccessExpression(callee) || callee.getExpression().getText() !== receiver) continue;
    const [first] = call.getArguments();
    const mountsPath = callee.getName() === 'use' && first !== undefined && Node.isStringLiteral(first);
    if (routeMethods.has(callee.getName()) || mountsPath) return each;
  }
  return undefined;
}

/** Where a statement's lines begin, its leading comments included. */
function linesStart(full: string, statement: Node): number {
  const comments = statement.getLeadingCommentRanges();
  const position = comments.length > 0 ? comments[0].getPos() : statement.getStart();
  return full.lastIndexOf('\n', position - 1) + 1;
}

/** The text with `statement`'s lines (and its comments) moved above `route`'s, a blank line between. */
function movedAbove(full: string, statement: Node, route: Node): string {
  const from = linesStart(full, statement);
  const lineEnd = full.indexOf('\n', statement.getEnd());
  let to = lineEnd === -1 ? full.length : lineEnd + 1;
  const eol = full.includes('\r\n') ? '\r\n' : '\n';
  // The blank line that set it apart goes with it.
  const blank = /^[ \t]*\r?\n/.exec(full.slice(to));
  if (blank && /\n[ \t]*\r?\n$/.test(full.slice(0, from))) to += blank[0].length;
  const block = full.slice(from, to).replace(/(?:[ \t]*\r?\n)+$/, '') + eol + eol;
  const at = linesStart(full, route);
  return full.slice(0, at) + block + full.slice(at, from) + full.slice(to);
}

export interface LoaderLookContext {
  project: ProjectLayout;
  name: string;
  packages: readonly string[];
  wiring: WiringDeclaration;
  generated: ReadonlySet<string>;
}

/**
 * The answer when the concern's only registration is `app.use(pkg(...))` in a loader the entry reaches, the
 * app one of its parameters: replaced in place, or undefined (the caller refuses, naming the places).
 */
export function lookInExpressLoaders(context: LoaderLookContext): ExistingAnswer | undefined {
  const { project, name, packages, wiring, generated } = context;
  const found: { file: string; packageName: string; text: string }[] = [];
  for (const path of projectSourceFiles(project.root)) {
    const file = toPosix(relative(project.root, path));
    if (file === project.entry || generated.has(file)) continue;
    const text = readFileSync(path, 'utf8');
    for (const packageName of packages)
      if (quotedLoad(packageName).test(text)) found.push({ file, packageName, text });
  }
  if (found.length !== 1) return undefined;
  const [{ file, packageName, text }] = found;
  const sourceFile = openSource(file, text.replace(/^\uFEFF/, ''));
  const names = packageBindings(sourceFile, packageName);
  const references = sourceFile.getDescendantsOfKind(SyntaxKind.Identifier).filter((id) => {
    const parent = id.getParent();
    const declares =
      Node.isImportClause(parent) || (Node.isVariableDeclaration(parent) && parent.getNameNode() === id);
    return names.has(id.getText()) && !declares;
  });
  // Handles: app.use(cors()) - the package called once, as the one argument of a `.use` statement.
  const [reference] = references;
  if (references.length !== 1 || names.size !== 1) return undefined;
  const made = reference.getParent();
  const use = made?.getParent();
  const statement = use?.getParent();
  if (!made || !Node.isCallExpression(made) || made.getExpression() !== reference) return undefined;
  if (!use || !Node.isCallExpression(use) || use.getArguments().length !== 1) return undefined;
  const callee = use.getExpression();
  if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== 'use') return undefined;
  if (!statement || !Node.isExpressionStatement(statement)) return undefined;
  const receiver = callee.getExpression().getText();
  const loader = exportedFunctionOf(sourceFile, statement);
  if (!loader || !isAppParameter(loader, receiver)) return undefined;
  if (!reaches(moduleResolver(project.root), project.entry, file)) return undefined;
  const imports = wiringImports(wiring);
  if (!imports) return undefined;

  const place = `${file}:${statement.getStartLineNumber()}`;
  const routeFirst = routeAbove(statement, receiver);
  const movedNote = routeFirst
    ? `, moved above the route at ${file}:${routeFirst.getStartLineNumber()} so that every route the loader registers has it`
    : ', where yours was';
  const what = statement.getText();
  const credentials = name === 'cors' && /credentials\s*:\s*true/.test(made.getText());
  const ours = wiring.statement
    .replace(/^[A-Za-z_$][\w$]*\./, `${receiver}.`)
    .replace(/\(settings\)/, credentials ? '(settings, { credentials: true })' : '(settings)')
    .replace(/;$/, what.trimEnd().endsWith(';') ? ';' : '');
  const replace = (current: string): string => {
    const bom = current.startsWith('\uFEFF') ? '\uFEFF' : '';
    const find = (source: SourceFile) =>
      source.getDescendantsOfKind(SyntaxKind.ExpressionStatement).filter((each) => each.getText() === what);
    let again = openSource(file, current.slice(bom.length));
    let targets = find(again);
    if (targets.length !== 1) return current;
    // Handles: app.get('/status', ...) above app.use(cors()) - ours goes above it, so every route has CORS.
    const route = routeAbove(targets[0], receiver);
    if (route) {
      again = openSource(file, movedAbove(again.getFullText(), targets[0], route));
      targets = find(again);
      if (targets.length !== 1) return current;
    }
    targets[0].replaceWithText(ours);
    const style = detectStyle(again, project.moduleSystem === 'esm' ? 'esm' : 'require');
    for (const [module, imported] of imports)
      ensureImport(
        again,
        {
          moduleSpecifier: importSpecifier(file, project.srcDir, module, project.importSuffix),
          names: imported,
        },
        style,
      );
    return bom + withoutUnusedBinding(file, again.getFullText(), packageName);
  };
  try {
    replace(text);
  } catch (error) {
    // ensureImport refuses a name the loader already binds to something else (its own `settings`).
    return {
      kind: 'refuse',
      reason: `the app already has it (${packageName} in ${place}, a loader ${project.entry} hands the app to), and ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  return {
    kind: 'replace',
    file,
    place,
    what,
    wiredInPlace: true,
    note: `${name}: your ${packageName} registration (${place}, in the loader ${project.entry} hands the app to) now registers the generated ${wiring.module} with the policy's options${movedNote}${credentials ? '; credentials (cookies) stay on, for the CORS_ORIGINS allowlist only' : ''}`,
    replace,
  };
}

/**
 * An Express app whose only answer to the concern is in a module of its own: a loader the entry hands the app
 * to, an express-rate-limit instance the entry mounts (or an earlier run's replacement there). Undefined when
 * the entry answers it itself or the places are other than the concern's packages (the caller refuses).
 */
export function lookInExpressModules(look: {
  project: ProjectLayout;
  name: string;
  /** Whether the concern's registration can be replaced by the module's own (cors, headers). */
  replaceable: boolean;
  /** The entry answers the concern some other way (headers set by hand, lusca): two answers, not ours to join. */
  answeredInEntry: boolean;
  packages: readonly string[];
  wiring: WiringDeclaration;
  generated: ReadonlySet<string>;
  sourceFile: SourceFile;
  app: Instance | undefined;
  elsewhere: readonly string[];
}): ExistingAnswer | undefined {
  const { project, name, replaceable, packages, wiring, generated, sourceFile, app, elsewhere } = look;
  const inEntry = packages.some(
    (packageName) => bindingsOf(sourceFile, packageName).length > 0 || inlineLoads(sourceFile, packageName),
  );
  if (inEntry || look.answeredInEntry) return undefined;
  if (elsewhere.length === 0) {
    const files = projectSourceFiles(project.root).map((file) => toPosix(relative(project.root, file)));
    return registeredBefore(project, name, files, wiring, generated);
  }
  // Handles: src/common/middleware/rateLimiter.ts exports rateLimit({...}); the entry app.use(rateLimiter)s it.
  if (name === 'rate-limit')
    return elsewhere.every((place) => place.startsWith('express-rate-limit in '))
      ? lookForModuleLimiter({ project, entrySource: sourceFile, app, generated, module: wiring.module })
      : undefined;
  // Handles: src/loaders/express.ts: export default ({ app }) => { app.use(cors()) }, reached from the entry.
  const onlyPackages = elsewhere.every((place) =>
    packages.some((packageName) => place.startsWith(`${packageName} in `)),
  );
  return replaceable && onlyPackages
    ? lookInExpressLoaders({ project, name, packages, wiring, generated })
    : undefined;
}
