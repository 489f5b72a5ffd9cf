import { readFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { Node, SyntaxKind, type CallExpression, type Identifier, type SourceFile } from 'ts-morph';
import type { Instance } from '../engine/wiring/find-app.js';
import { openSource } from '../engine/wiring/wire.js';
import { projectSourceFiles, toPosix, type ProjectLayout } from './detect.js';
import { bindingsOf, type ExistingAnswer } from './existing.js';
import {
  alreadyPolicy,
  gone,
  isAppWideUse,
  policyLimiterRewrite,
  policyKeys,
  policyOptionsName,
  routeAbove,
  unsafeOptions,
} from './existing-rate-limit.js';
import { moduleResolver, type ModuleResolver } from './module-graph.js';
import { importSpecifier } from './wire-plan.js';

/**
 * An Express app's own express-rate-limit made in a module of its own and mounted by the entry
 * (edwinhern/express-typescript-2024: `src/common/middleware/rateLimiter.ts` exports `rateLimit({...})`, the
 * entry `app.use(rateLimiter)`s it). The limiter the app mounts for every request takes the policy's window,
 * limit and 429 answer where it is made; limiters routes use (a stricter login limit) are kept, and with no
 * app-wide one the policy's is added beside them. A use we cannot classify refuses, naming the place.
 */

const routeMethods = new Set(['get', 'post', 'put', 'patch', 'delete', 'all', 'head', 'options']);

interface ModuleLimiter {
  file: string;
  call: CallExpression;
  /** `const authLimiter = rateLimit(...)`; undefined for `export default rateLimit(...)`. */
  local?: string;
  /** The names other modules import it by (`default` for the default export). */
  exported: Set<string>;
  /** The entry's `app.use(limiter)` statements. */
  appWide: Node[];
  /** Uses that are neither app-wide nor on some routes: `file:line`. */
  unknown: string[];
}

/** `router.post('/login', limiter, handler)`, `app.use('/auth', limiter)`, `[limiter, validate]` in a route. */
function isRouteUse(id: Identifier): boolean {
  let argument: Node = id;
  const holder = id.getParent();
  if (holder && Node.isArrayLiteralExpression(holder)) argument = holder;
  const call = argument.getParent();
  if (!call || !Node.isCallExpression(call) || call.getExpression() === argument) return false;
  const callee = call.getExpression();
  if (!Node.isPropertyAccessExpression(callee)) return false;
  const [first] = call.getArguments();
  if (routeMethods.has(callee.getName())) return true;
  return (
    callee.getName() === 'use' &&
    first !== argument &&
    first !== undefined &&
    (Node.isStringLiteral(first) || Node.isNoSubstitutionTemplateLiteral(first))
  );
}

/** The names a top-level `const name = ...` is exported by: `export const`, `export { name as x }`, `export default name`. */
function exportNames(sourceFile: SourceFile, name: string): Set<string> {
  const names = new Set<string>();
  for (const statement of sourceFile.getStatements()) {
    if (Node.isVariableStatement(statement) && statement.isExported())
      for (const declaration of statement.getDeclarations())
        if (declaration.getName() === name) names.add(name);
    if (Node.isExportAssignment(statement) && statement.getExpression().getText() === name)
      names.add('default');
    if (Node.isExportDeclaration(statement) && !statement.getModuleSpecifier())
      for (const named of statement.getNamedExports())
        if (named.getName() === name) names.add(named.getAliasNode()?.getText() ?? name);
    // Handles: module.exports = limiter; exports.loginLimiter = loginLimiter
    const assigned = /^(module\.exports|(?:module\.)?exports\.(\w+))\s*=\s*(\w+);?$/.exec(
      statement.getText(),
    );
    if (assigned && assigned[3] === name) names.add(assigned[2] ?? 'default');
  }
  return names;
}

/** Every limiter `file` makes with express-rate-limit; undefined when one is made where no name reaches it. */
function limitersIn(file: string, sourceFile: SourceFile): ModuleLimiter[] | string {
  // ipKeyGenerator is the package's helper for keys, not a limiter.
  const factories = bindingsOf(sourceFile, 'express-rate-limit')
    .map((binding) => binding.name)
    .filter((name) => name !== 'ipKeyGenerator');
  const calls = sourceFile
    .getDescendantsOfKind(SyntaxKind.CallExpression)
    .filter((call) => factories.includes(call.getExpression().getText()));
  const outermost = calls.filter(
    (call) => !calls.some((other) => other !== call && other.containsRange(call.getPos(), call.getEnd())),
  );
  const limiters: ModuleLimiter[] = [];
  for (const call of outermost) {
    const parent = call.getParent();
    const base = { file, call, appWide: [], unknown: [] };
    // Handles: export default rateLimit({...})
    if (Node.isExportAssignment(parent) && !parent.isExportEquals()) {
      limiters.push({ ...base, exported: new Set(['default']) });
      continue;
    }
    const statement = parent?.getParent()?.getParent();
    if (
      !parent ||
      !Node.isVariableDeclaration(parent) ||
      !Node.isIdentifier(parent.getNameNode()) ||
      !statement ||
      statement.getParent() !== sourceFile
    )
      return `${file}:${call.getStartLineNumber()}`;
    const local = parent.getName();
    limiters.push({ ...base, local, exported: exportNames(sourceFile, local) });
  }
  return limiters;
}

/** The local names `sourceFile` binds to `target`'s exports, or false when it loads it some other way too. */
function importedFrom(
  resolver: ModuleResolver,
  file: string,
  sourceFile: SourceFile,
  target: string,
): Map<string, string> | false {
  const locals = new Map<string, string>();
  for (const statement of sourceFile.getStatements()) {
    if (Node.isImportDeclaration(statement)) {
      if (resolver.resolve(file, statement.getModuleSpecifierValue()) !== target) continue;
      if (statement.getNamespaceImport()) return false;
      const fallback = statement.getDefaultImport();
      if (fallback) locals.set(fallback.getText(), 'default');
      for (const named of statement.getNamedImports())
        locals.set(named.getAliasNode()?.getText() ?? named.getName(), named.getName());
      continue;
    }
    const specifier = Node.isExportDeclaration(statement) ? statement.getModuleSpecifierValue() : undefined;
    // Handles: export { default as rateLimiter } from './rateLimiter' - its users are out of sight.
    if (specifier && resolver.resolve(file, specifier) === target) return false;
  }
  for (const call of sourceFile.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const [argument] = call.getArguments();
    if (!['require', 'import'].includes(call.getExpression().getText())) continue;
    if (!argument || !Node.isStringLiteral(argument)) continue;
    if (resolver.resolve(file, argument.getLiteralValue()) !== target) continue;
    const declaration = call.getParent();
    if (!declaration || !Node.isVariableDeclaration(declaration)) return false;
    const nameNode = declaration.getNameNode();
    if (Node.isIdentifier(nameNode)) locals.set(nameNode.getText(), 'default');
    else if (Node.isObjectBindingPattern(nameNode))
      for (const element of nameNode.getElements())
        locals.set(element.getName(), element.getPropertyNameNode()?.getText() ?? element.getName());
    else return false;
  }
  return locals;
}

/** Sorts each reference to a limiter: the entry's `app.use(x)`, a route's argument, or unknown. */
function classify(limiter: ModuleLimiter, id: Identifier, file: string, app: Instance | undefined): void {
  if (app && isAppWideUse(id, app)) limiter.appWide.push(id.getParentOrThrow().getParentOrThrow());
  else if (!isRouteUse(id)) limiter.unknown.push(`${file}:${id.getStartLineNumber()}`);
}

function referencesTo(sourceFile: SourceFile, name: string): Identifier[] {
  return sourceFile.getDescendantsOfKind(SyntaxKind.Identifier).filter((id) => {
    if (id.getText() !== name) return false;
    const parent = id.getParent();
    // The binding itself, and the statements exporting it, are no use.
    if (Node.isVariableDeclaration(parent) && parent.getNameNode() === id) return false;
    if (Node.isImportSpecifier(parent) || Node.isImportClause(parent) || Node.isExportSpecifier(parent))
      return false;
    if (Node.isBindingElement(parent)) return false;
    if (Node.isExportAssignment(parent)) return false;
    const statement = id.getFirstAncestor((each) => each.getParent() === sourceFile);
    return !(statement && /^(?:module\.)?exports\b/.test(statement.getText()));
  });
}

export interface LimiterModuleContext {
  project: ProjectLayout;
  entrySource: SourceFile;
  app: Instance | undefined;
  generated: ReadonlySet<string>;
  /** The generated module's path under the source folder (`security/rate-limit`). */
  module: string;
}

/**
 * The answer when express-rate-limit is used in project modules only (not the entry): reconfigured in place,
 * added beside per-route limiters, refused with the place, or undefined (the caller refuses as before).
 */
export function lookForModuleLimiter(context: LimiterModuleContext): ExistingAnswer | undefined {
  const { project, entrySource, app, generated } = context;
  if (!app) return undefined;
  const root = project.root;
  const texts = new Map<string, string>();
  for (const path of projectSourceFiles(root)) {
    const file = toPosix(relative(root, path));
    if (!generated.has(file) && file !== project.entry) texts.set(file, readFileSync(path, 'utf8'));
  }
  const opened = new Map<string, SourceFile>([[project.entry, entrySource]]);
  const source = (file: string) => {
    if (!opened.has(file)) opened.set(file, openSource(file, texts.get(file)!.replace(/^\uFEFF/, '')));
    return opened.get(file)!;
  };
  const limiters: ModuleLimiter[] = [];
  for (const [file, text] of texts) {
    if (!text.includes('express-rate-limit') || bindingsOf(source(file), 'express-rate-limit').length === 0)
      continue;
    const found = limitersIn(file, source(file));
    if (typeof found === 'string') {
      const [binding] = bindingsOf(source(file), 'express-rate-limit');
      return {
        kind: 'refuse',
        reason: `the app already has it (express-rate-limit in ${file}:${binding.statement.getStartLineNumber()}; its limiter at ${found} is made where secure add cannot follow it to the requests it limits): keep yours, or remove it and run again to use the policy limiter`,
      };
    }
    limiters.push(...found);
  }
  if (limiters.length === 0) return undefined;
  const resolver = moduleResolver(root);
  for (const limiter of limiters)
    if (limiter.local)
      for (const id of referencesTo(source(limiter.file), limiter.local))
        classify(limiter, id, limiter.file, undefined);
  for (const target of new Set(limiters.map((limiter) => limiter.file))) {
    // Only a file naming the module (`./rateLimiter`, `../middleware` for an index) can import it.
    const stem = posix.basename(target).replace(/\.[cm]?[jt]s$/, '');
    const hint = stem === 'index' ? posix.basename(posix.dirname(target)) : stem;
    for (const file of [project.entry, ...texts.keys()]) {
      if (file === target) continue;
      const text = file === project.entry ? entrySource.getFullText() : texts.get(file)!;
      if (!text.includes(hint) || !resolver.importsOf(file).includes(target)) continue;
      const locals = importedFrom(resolver, file, source(file), target);
      for (const limiter of limiters.filter((each) => each.file === target)) {
        if (locals === false) {
          limiter.unknown.push(`${file} (which loads ${target})`);
          continue;
        }
        for (const [local, exported] of locals)
          if (limiter.exported.has(exported))
            for (const id of referencesTo(source(file), local))
              classify(limiter, id, file, file === project.entry ? app : undefined);
      }
    }
  }
  return decide(context, limiters);
}

function decide(context: LimiterModuleContext, limiters: ModuleLimiter[]): ExistingAnswer {
  const { project, app, module } = context;
  const describe = (limiter: ModuleLimiter) =>
    `\`${limiter.local ?? 'rateLimit(...)'}\` (${limiter.file}:${limiter.call.getStartLineNumber()})`;
  const unclear = limiters.find((limiter) => limiter.unknown.length > 0);
  if (unclear)
    return {
      kind: 'refuse',
      reason: `your limiter ${describe(unclear)} is used at ${unclear.unknown.join(', ')}, where secure add cannot tell whether it limits some routes or every request: keep yours, or remove it and run again to use the policy limiter`,
    };
  const appWide = limiters.filter((limiter) => limiter.appWide.length > 0);
  if (appWide.length === 0) {
    const kept = limiters.map(describe).join(', ');
    return {
      kind: 'replace',
      place: `${limiters[0].file}:${limiters[0].call.getStartLineNumber()}`,
      what: kept,
      replace: (text) => text,
      note: `rate-limit: kept your limiters on some routes (${kept}) and added the policy's limit for every request`,
    };
  }
  const [limiter] = appWide;
  if (appWide.length > 1 || limiter.appWide.length > 1)
    return {
      kind: 'refuse',
      reason: `the app limits every request twice already (${appWide.map(describe).join(', ')}): keep yours, or leave one \`${app!.name}.use(...)\` limiter and run again to give it the policy's window and limit`,
    };
  const [use] = limiter.appWide;
  const route = routeAbove(app!, use);
  if (route)
    return {
      kind: 'refuse',
      reason: `your limiter ${describe(limiter)} is put on every request (${project.entry}:${use.getStartLineNumber()}) after the routes at ${project.entry}:${route.getStartLineNumber()}, which it never limits: move its \`${app!.name}.use(...)\` above them and run again, or keep yours`,
    };
  const unsafe = unsafeOptions(limiter.call);
  if (unsafe)
    return {
      kind: 'refuse',
      reason: `your limiter ${describe(limiter)} limits every request, and ${unsafe}: keep yours, or remove it and run again to use the policy limiter`,
    };
  const file = limiter.file;
  const placeOf = `${file}:${limiter.call.getStartLineNumber()}`;
  const what = limiter.call.getText();
  if (alreadyPolicy(limiter.call))
    return {
      kind: 'replace',
      file,
      place: placeOf,
      what,
      replace: (text) => text,
      wiredInPlace: true,
      note: `rate-limit: your limiter ${describe(limiter)} already takes the policy's window, limit and answer`,
    };
  const perRoute = limiters.filter((each) => each !== limiter);
  // Handles: limit: env.RATE_LIMIT_MAX - the project's variable is read no more, which its users should know.
  const [options] = limiter.call.getArguments();
  const unread =
    options && Node.isObjectLiteralExpression(options)
      ? options
          .getProperties()
          .filter((property) => Node.isPropertyNamed(property) && policyKeys.has(property.getName()))
          .flatMap((property) => property.getDescendantsOfKind(SyntaxKind.PropertyAccessExpression))
          .map((access) => access.getText())
          .filter((text) => /^(?:process\.)?env\.\w+$/.test(text))
      : [];
  const reconfigure = policyLimiterRewrite(
    file,
    what,
    importSpecifier(file, project.srcDir, module, project.importSuffix),
    project.moduleSystem,
  );
  const original = readFileSync(join(project.root, file), 'utf8');
  let removed: string[] = [];
  try {
    const trial = reconfigure(original.replace(/^\uFEFF/, ''));
    if (!trial)
      return {
        kind: 'refuse',
        reason: `your limiter ${describe(limiter)} limits every request, and its options share lines with comments secure add cannot move safely: put each option on its own line, or keep yours`,
      };
    removed = trial.removed;
  } catch (error) {
    // ensureImport refuses a `policyRateLimit` the file already declares for something else.
    return {
      kind: 'refuse',
      reason: `your limiter ${describe(limiter)} limits every request, and ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  return {
    kind: 'replace',
    file,
    place: placeOf,
    what,
    wiredInPlace: true,
    note: `rate-limit: your limiter ${describe(limiter)}, which ${project.entry}:${use.getStartLineNumber()} puts on every request, now takes the policy's window, limit and 429 answer (\`...${policyOptionsName}\` from ${module}); its other options are kept${perRoute.length > 0 ? `, and so are your limiters on some routes (${perRoute.map(describe).join(', ')})` : ''}${gone(removed)}${unread.length > 0 ? `; ${[...new Set(unread)].map((each) => `\`${each}\``).join(', ')} no longer set its limit` : ''}`,
    replace: (text) => {
      const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
      return bom + (reconfigure(text.slice(bom.length))?.text ?? text.slice(bom.length));
    },
  };
}
