import { readFileSync } from 'node:fs';
import { posix, relative } from 'node:path';
import { Node, SyntaxKind, type CallExpression, type SourceFile, type Statement } from 'ts-morph';
import { ensureImport } from '../engine/wiring/ensure-import.js';
import { parseDeclaredCall } from '../engine/wiring/ensure-use.js';
import { defaultExport, functionOf, packageBindings } from '../engine/wiring/fastify-plugin-app.js';
import { detectStyle } from '../engine/wiring/source-style.js';
import { openSource } from '../engine/wiring/wire.js';
import { projectSourceFiles, toPosix, type ProjectLayout } from './detect.js';
import type { ExistingAnswer } from './existing.js';
import type { WiringDeclaration } from './generator-source.js';
import { importSpecifier } from './wire-plan.js';

/**
 * fastify-cli's layout: the app autoloads `plugins/`, and each file there registers one of the security
 * plugins inside fastify-plugin (`fastify.register(require('@fastify/cors'), {...})`). Such a registration is
 * the app's one answer to the concern: it is replaced, where it is, by the generated module's registration
 * (which registers the same package with the policy's options), or the module is refused with the place.
 * Registering ours in the app as well would be two answers (or a boot crash: a decorator added twice).
 */

/** The options each module's replacement takes over; any other option is the project's own answer. */
const ownOptionsAllowed: Record<string, readonly string[] | undefined> = {
  'rate-limit': ['max', 'timeWindow', 'global'],
};

/** Where the generated modules' other free names come from (`settings` in `corsAllowlist(settings)`). */
const sharedExports: Record<string, string> = { settings: 'security/config' };

interface AutoloadFolder {
  /** Relative to the project root, with `/`. */
  dir: string;
  ignore?: RegExp;
  /** The file registering @fastify/autoload: the plugin's registrations reach what that file's app holds. */
  from: string;
}

const quotedLoad = (packageName: string) =>
  new RegExp(`(?:from\\s*|require\\(\\s*|import\\(\\s*)['"]${packageName.replace('/', '\\/')}['"]`);

/** `path.join(__dirname, 'plugins')`, `join(import.meta.dirname, 'plugins')`, `resolve(__dirname, 'x', 'y')`. */
function folderOf(file: string, node: Node | undefined): string | undefined {
  if (
    !node ||
    !Node.isCallExpression(node) ||
    !/(?:^|\.)(?:join|resolve)$/.test(node.getExpression().getText())
  )
    return undefined;
  const [base, ...parts] = node.getArguments();
  if (!base || !['__dirname', 'import.meta.dirname'].includes(base.getText())) return undefined;
  if (parts.length === 0 || !parts.every((part) => Node.isStringLiteral(part))) return undefined;
  return posix.normalize(
    posix.join(
      posix.dirname(file),
      ...parts.map((part) => (part as Node & { getLiteralValue(): string }).getLiteralValue()),
    ),
  );
}

/** The folders the project hands to @fastify/autoload, with the files it is told to skip. */
function autoloadFolders(project: ProjectLayout, files: readonly string[]): AutoloadFolder[] {
  const folders: AutoloadFolder[] = [];
  for (const path of files) {
    const text = readFileSync(posix.join(toPosix(project.root), path), 'utf8');
    if (!text.includes('@fastify/autoload')) continue;
    const sourceFile = openSource(path, text.replace(/^\uFEFF/, ''));
    const names = packageBindings(sourceFile, '@fastify/autoload');
    for (const call of sourceFile.getDescendantsOfKind(SyntaxKind.CallExpression)) {
      const [plugin, options] = call.getArguments();
      const callee = call.getExpression();
      if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== 'register') continue;
      if (!plugin || !names.has(plugin.getText()) || !options || !Node.isObjectLiteralExpression(options))
        continue;
      const property = (key: string) => {
        const found = options.getProperty(key);
        return found && Node.isPropertyAssignment(found) ? found.getInitializer() : undefined;
      };
      const dir = folderOf(path, property('dir'));
      if (!dir) continue;
      const ignore = property('ignorePattern');
      folders.push({
        dir,
        from: path,
        ...(ignore && Node.isRegularExpressionLiteral(ignore) ? { ignore: ignore.getLiteralValue() } : {}),
      });
    }
  }
  return folders;
}

/** `app.register(x, ...)` awaited or not, as a statement: the call. */
function registerCall(statement: Node): CallExpression | undefined {
  if (!Node.isExpressionStatement(statement)) return undefined;
  let expression = statement.getExpression();
  if (Node.isAwaitExpression(expression)) expression = expression.getExpression();
  if (!Node.isCallExpression(expression)) return undefined;
  const callee = expression.getExpression();
  return Node.isPropertyAccessExpression(callee) && callee.getName() === 'register' ? expression : undefined;
}

/** Whether `node` loads the package: a name bound to it, or `require('pkg')` / `import('pkg')` inline. */
function loads(node: Node, packageName: string, names: ReadonlySet<string>): boolean {
  if (Node.isIdentifier(node)) return names.has(node.getText());
  let call: Node = node;
  if (Node.isAwaitExpression(call)) call = call.getExpression();
  if (!Node.isCallExpression(call)) return false;
  const [argument] = call.getArguments();
  return (
    (call.getExpression().getText() === 'require' ||
      call.getExpression().getKind() === SyntaxKind.ImportKeyword) &&
    argument !== undefined &&
    Node.isStringLiteral(argument) &&
    argument.getLiteralValue() === packageName
  );
}

interface Found {
  file: string;
  statement: Statement;
  call: CallExpression;
  packageName: string;
  sourceFile: SourceFile;
}

/** Every registration of one of the packages in the file; undefined when it is used some other way too. */
function registrationsIn(
  sourceFile: SourceFile,
  file: string,
  packages: readonly string[],
): Found[] | undefined {
  const found: Found[] = [];
  for (const packageName of packages) {
    const names = packageBindings(sourceFile, packageName);
    const plugins = new Set<Node>();
    for (const call of sourceFile.getDescendantsOfKind(SyntaxKind.CallExpression)) {
      const [plugin] = call.getArguments();
      const callee = call.getExpression();
      if (!plugin || !Node.isPropertyAccessExpression(callee) || callee.getName() !== 'register') continue;
      if (!loads(plugin, packageName, names)) continue;
      const statement = call.getFirstAncestorByKind(SyntaxKind.ExpressionStatement);
      // Handles: `const x = fastify.register(cors)`, `.register(cors).after(...)`: not a plain registration.
      if (!statement || registerCall(statement) !== call) return undefined;
      plugins.add(plugin);
      found.push({ file, statement, call, packageName, sourceFile });
    }
    // Handles: `import cors from '@fastify/cors'` read elsewhere than in one register call.
    const readElsewhere = sourceFile.getDescendantsOfKind(SyntaxKind.Identifier).some((id) => {
      const parent = id.getParent();
      const declares =
        Node.isImportClause(parent) ||
        Node.isNamespaceImport(parent) ||
        (Node.isVariableDeclaration(parent) && parent.getNameNode() === id);
      return names.has(id.getText()) && !declares && !plugins.has(id);
    });
    if (readElsewhere) return undefined;
  }
  return found;
}

/** The plugin function fastify-plugin wraps as the file's export: `module.exports = fp(async function (f) {...})`. */
function wrappedPlugin(sourceFile: SourceFile) {
  const exported = defaultExport(sourceFile);
  const fp = packageBindings(sourceFile, 'fastify-plugin');
  if (!exported || !Node.isCallExpression(exported) || !fp.has(exported.getExpression().getText()))
    return undefined;
  return functionOf(sourceFile, exported.getArguments()[0]);
}

export interface PluginLookContext {
  project: ProjectLayout;
  name: string;
  packages: readonly string[];
  wiring: WiringDeclaration;
  generated: ReadonlySet<string>;
  entryText: string;
  /** Where the general look found the concern's packages outside the entry. */
  elsewhere: readonly string[];
}

/**
 * The answer when the concern's only registration is in a plugin file @fastify/autoload loads: replaced in
 * place, or refused naming the file and line. Undefined when the concern is answered some other way (the
 * caller's general look names those places).
 */
export function lookInAutoloadedPlugins(context: PluginLookContext): ExistingAnswer | undefined {
  const { project, name, packages, wiring, generated, entryText, elsewhere } = context;
  const files = projectSourceFiles(project.root).map((file) => toPosix(relative(project.root, file)));
  if (elsewhere.length === 0) return registeredBefore(project, name, files, wiring, generated);
  if (packages.some((packageName) => quotedLoad(packageName).test(entryText))) return undefined;
  const found: Found[] = [];
  for (const file of files) {
    if (file === project.entry || generated.has(file)) continue;
    const text = readFileSync(posix.join(toPosix(project.root), file), 'utf8');
    if (!packages.some((packageName) => quotedLoad(packageName).test(text))) continue;
    const registrations = registrationsIn(openSource(file, text.replace(/^\uFEFF/, '')), file, packages);
    if (registrations === undefined) return undefined;
    found.push(...registrations);
  }
  if (found.length !== 1) return undefined;
  const [{ file, statement, call, packageName, sourceFile }] = found;
  const place = `${file}:${statement.getStartLineNumber()}`;
  const folder = autoloadFolders(project, files).find(
    (each) => posix.dirname(file) === each.dir && !(each.ignore?.test(posix.basename(file)) ?? false),
  );
  if (!folder) return undefined;
  const refuse = (why: string): ExistingAnswer => ({
    kind: 'refuse',
    reason: `the app already has it (${packageName} in ${place}, a plugin @fastify/autoload loads from ${folder.dir}/), and ${why}`,
  });
  const plugin = wrappedPlugin(sourceFile);
  const body = plugin?.getBody();
  const [app, options] = plugin?.getParameters() ?? [];
  if (!plugin || !body || statement.getParent() !== body || !app)
    return refuse(
      'it is registered inside a plugin fastify-plugin does not wrap, so it covers that plugin only: keep yours, or wrap the plugin with fastify-plugin and run again',
    );
  const receiver = call
    .getExpression()
    .asKindOrThrow(SyntaxKind.PropertyAccessExpression)
    .getExpression()
    .getText();
  if (receiver !== app.getNameNode().getText()) return undefined;
  const [, given, ...rest] = call.getArguments();
  if (rest.length > 0 || (given && !Node.isObjectLiteralExpression(given)))
    return refuse(
      'its options are not written out where it is registered: keep yours, or write them in the register call and run again',
    );
  const allowed = ownOptionsAllowed[name];
  const optionsName = options?.getNameNode().getText();
  for (const property of given && Node.isObjectLiteralExpression(given) ? given.getProperties() : []) {
    // Handles: fastify.register(cors, { ...opts }) - the options autoload hands the plugin, no answer of its own.
    if (Node.isSpreadAssignment(property) && property.getExpression().getText() === optionsName) continue;
    if (Node.isSpreadAssignment(property))
      return refuse(
        `its options spread \`${property.getExpression().getText()}\`: keep yours, or write them out and run again`,
      );
    const key = Node.isPropertyNamed(property) ? property.getName() : property.getText();
    if (allowed && !allowed.includes(key))
      return refuse(
        `it answers with its own \`${key}\`: keep yours, or remove that option and run again to use the policy limiter`,
      );
  }
  const what = statement.getText();
  const credentials =
    name === 'cors' && given !== undefined && /credentials\s*:\s*true/.test(given.getText());
  const awaited = Node.isAwaitExpression(
    statement.asKindOrThrow(SyntaxKind.ExpressionStatement).getExpression(),
  );
  const ours = wiring.statement
    .replace(/^(await\s+)?[A-Za-z_$][\w$]*\./, `${awaited ? 'await ' : ''}${receiver}.`)
    .replace(/\(settings\)/, credentials ? '(settings, { credentials: true })' : '(settings)')
    .replace(/;$/, what.trimEnd().endsWith(';') ? ';' : '');
  // Handles: src/server.ts makes the app and registers src/app.ts, which autoloads plugins/ - the plugin
  // reaches what src/app.ts registers, not the routes src/server.ts adds beside it.
  const reach =
    folder.from === project.entry
      ? ''
      : `; like yours, it covers what ${folder.from} (which autoloads ${folder.dir}/) registers, not routes ${project.entry} adds outside it`;
  const imports = wiringImports(wiring);
  if (!imports) return undefined;
  return {
    kind: 'replace',
    file,
    place,
    what,
    wiredInPlace: true,
    note: `${name}: your ${packageName} registration (${place}, a plugin @fastify/autoload loads) now registers the generated ${wiring.module} with the policy's options${reach}${credentials ? '; credentials (cookies) stay on, for the CORS_ORIGINS allowlist only' : ''}${optionsName && given?.getText().includes(`...${optionsName}`) ? `; the options autoload passes the plugin (\`${optionsName}\`) no longer reach ${packageName}` : ''}`,
    replace: (text) => {
      const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
      const again = openSource(file, text.slice(bom.length));
      const targets = again
        .getDescendantsOfKind(SyntaxKind.ExpressionStatement)
        .filter((each) => each.getText() === what);
      if (targets.length !== 1) return text;
      const [target] = targets;
      target.replaceWithText(ours);
      const style = detectStyle(again, project.moduleSystem === 'esm' ? 'esm' : 'require');
      for (const [module, names] of imports)
        ensureImport(
          again,
          { moduleSpecifier: importSpecifier(file, project.srcDir, module, project.importSuffix), names },
          style,
        );
      return bom + withoutUnusedBinding(file, again.getFullText(), packageName);
    },
  };
}

/** The generated modules a registration's names come from (module -> names); undefined when one is unknown. */
export function wiringImports(wiring: WiringDeclaration): Map<string, string[]> | undefined {
  const imports = new Map<string, string[]>([[wiring.module, [...wiring.imports]]]);
  for (const free of parseDeclaredCall(wiring.statement).freeNames) {
    if (wiring.imports.includes(free)) continue;
    const module = sharedExports[free];
    if (!module) return undefined;
    imports.set(module, [...(imports.get(module) ?? []), free]);
  }
  return imports;
}

/**
 * Where the app loads @fastify/swagger-ui (`file:line`): its page runs scripts and styles, which the policy's
 * API Content-Security-Policy (default-src 'none') would block, leaving the docs blank.
 */
export function swaggerUiPlaces(project: ProjectLayout): string[] {
  const places: string[] = [];
  for (const file of projectSourceFiles(project.root)) {
    const lines = readFileSync(file, 'utf8').split('\n');
    const line = lines.findIndex(
      (each) => quotedLoad('@fastify/swagger-ui').test(each) && !/^\s*import\s+type\b/.test(each),
    );
    if (line !== -1) places.push(`${toPosix(relative(project.root, file))}:${line + 1}`);
  }
  return places;
}

/**
 * A plugin file or Express loader that registers the generated module already (an earlier run replaced the
 * project's own registration there): the module's work is done, nothing is wired again.
 */
export function registeredBefore(
  project: ProjectLayout,
  name: string,
  files: readonly string[],
  wiring: WiringDeclaration,
  generated: ReadonlySet<string>,
): ExistingAnswer | undefined {
  const [exported] = wiring.imports;
  const imported = new RegExp(
    `(?:from\\s*|require\\(\\s*)['"][./]*/${wiring.module.replace('/', '\\/')}(?:\\.[cm]?[jt]s)?['"]`,
  );
  for (const file of files) {
    if (file === project.entry || generated.has(file)) continue;
    const text = readFileSync(posix.join(toPosix(project.root), file), 'utf8');
    if (!imported.test(text)) continue;
    const line = text
      .split('\n')
      .findIndex((each) => each.includes(`.register(${exported}(`) || each.includes(`.use(${exported}(`));
    if (line === -1) continue;
    const place = `${file}:${line + 1}`;
    return {
      kind: 'replace',
      file,
      place,
      what: `${exported}(...)`,
      wiredInPlace: true,
      note: `${name}: ${place} registers the generated ${wiring.module} already`,
      replace: (text) => text,
    };
  }
  return undefined;
}

/** The text without the package's import or require when nothing in the file reads the name any more. */
export function withoutUnusedBinding(file: string, text: string, packageName: string): string {
  const sourceFile = openSource(file, text);
  for (const name of packageBindings(sourceFile, packageName)) {
    const declaration = sourceFile.getStatements().find((statement) => {
      if (Node.isImportDeclaration(statement))
        return (
          statement.getModuleSpecifierValue() === packageName &&
          statement.getNamedImports().length === 0 &&
          (statement.getDefaultImport() ?? statement.getNamespaceImport())?.getText() === name
        );
      return (
        Node.isVariableStatement(statement) &&
        statement.getDeclarations().length === 1 &&
        statement.getDeclarations()[0].getName() === name
      );
    });
    if (!declaration) continue;
    const read = sourceFile
      .getDescendantsOfKind(SyntaxKind.Identifier)
      .some((id) => id.getText() === name && !declaration.containsRange(id.getPos(), id.getEnd()));
    if (read) continue;
    const full = sourceFile.getFullText();
    const lineStart = full.lastIndexOf('\n', declaration.getStart() - 1) + 1;
    const lineEnd = full.indexOf('\n', declaration.getEnd());
    return full.slice(0, lineStart) + full.slice(lineEnd === -1 ? full.length : lineEnd + 1);
  }
  return text;
}
