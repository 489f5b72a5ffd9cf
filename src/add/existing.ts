import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { Node, SyntaxKind, type SourceFile, type Statement } from 'ts-morph';
import { findApp } from '../engine/wiring/find-app.js';
import { openSource } from '../engine/wiring/wire.js';
import { projectSourceFiles, toPosix, type ProjectLayout } from './detect.js';
import { lookInAutoloadedPlugins, swaggerUiPlaces } from './existing-fastify-plugins.js';
import { lookInExpressModules } from './existing-loaders.js';
import { luscaHeaderLine, luscaHeaderUses } from './existing-lusca.js';
import { lookForOwnLimiter } from './existing-rate-limit.js';
import type { WiringDeclaration } from './generator-source.js';
import { importSpecifier } from './wire-plan.js';

/**
 * Look before adding: the security middleware a project already has for a module's concern. In the entry,
 * a plain registration (`app.use(cors())`, `await app.register(cors, {...})`) is replaced in place by the
 * generated one; anywhere else, or used in a way we cannot replace safely, the module is refused with the
 * place, so that no concern ever gets two answers.
 */

interface Concern {
  /** Packages that answer the concern, per framework. */
  packages: Record<ProjectLayout['framework'], readonly string[]>;
  /** Code that answers it by hand (headers set one by one). */
  byHand?: RegExp;
  /** A package that answers it in part, outside the entry: only these lines of it count. */
  partly?: { pattern: RegExp; label: string };
  /** Whether an entry registration can be replaced by the module's own (else: refused). */
  replaceable: boolean;
  /** What the user keeps when the module is refused. */
  advice: string;
  /** Advice that replaces `advice` when the answer found is one of these packages. */
  adviceFor?: Record<string, string>;
}

const concerns: Record<string, Concern> = {
  cors: {
    packages: { express: ['cors'], fastify: ['@fastify/cors', 'fastify-cors'] },
    replaceable: true,
    advice:
      'register it once, in the file creating the app (`app.use(cors(...))`, `app.register(cors, {...})`) or in one plugin file @fastify/autoload loads, and run again to replace it',
  },
  headers: {
    packages: { express: ['helmet'], fastify: ['@fastify/helmet', 'fastify-helmet'] },
    byHand:
      /\.(?:setHeader|header|set)\(\s*['"](?:X-Frame-Options|Content-Security-Policy|Strict-Transport-Security|X-Content-Type-Options)['"]/i,
    partly: { pattern: luscaHeaderLine, label: 'headers set by lusca' },
    replaceable: true,
    advice: 'remove your own security headers, then run again',
  },
  'rate-limit': {
    packages: {
      express: ['express-rate-limit', 'rate-limiter-flexible', 'express-slow-down', 'express-brute'],
      fastify: ['@fastify/rate-limit', 'fastify-rate-limit', 'rate-limiter-flexible'],
    },
    replaceable: false,
    advice: 'keep yours, or remove it and run again to use the policy limiter',
  },
  auth: {
    packages: {
      express: ['express-jwt', 'passport-jwt', 'jsonwebtoken', 'jose', 'passport-local'],
      fastify: ['@fastify/jwt', 'fastify-jwt', 'jsonwebtoken', 'jose', 'passport-local'],
    },
    replaceable: false,
    advice:
      'a second auth system would sit next to yours; `secure check` reports where your tokens break the policy (lifetime, algorithm)',
    adviceFor: {
      'passport-local':
        'your users sign in with passport-local sessions, and token auth beside them would be a second auth system: keep your login and protect each route with it (`req.isAuthenticated()`); to move to tokens, remove passport-local and run again',
    },
  },
};

/** What the look found for one requested module. */
export type ExistingAnswer =
  | { kind: 'refuse'; reason: string }
  | {
      kind: 'replace';
      place: string;
      what: string;
      replace: (text: string) => string;
      /** The file `replace` edits, relative to the root: the entry unless given (an autoloaded plugin file). */
      file?: string;
      /** What the user is told, when not "replaced your `what` (place) with the policy's". */
      note?: string;
      /** The replacement wires the module itself (the project's own registration now does its work). */
      wiredInPlace?: boolean;
      /** Files other than the entry rewritten in place (a Nest module's `ThrottlerModule.forRoot`), by path. */
      files?: Record<string, (text: string) => string>;
    };

/** `import cors from 'cors'`, `const cors = require('cors')`: the local names bound to a package. */
export function bindingsOf(
  sourceFile: SourceFile,
  packageName: string,
): { name: string; statement: Statement }[] {
  const found: { name: string; statement: Statement }[] = [];
  for (const declaration of sourceFile.getImportDeclarations()) {
    if (declaration.getModuleSpecifierValue() !== packageName) continue;
    const local = declaration.getDefaultImport() ?? declaration.getNamespaceImport();
    if (local) found.push({ name: local.getText(), statement: declaration });
    for (const named of declaration.getNamedImports())
      found.push({ name: named.getAliasNode()?.getText() ?? named.getName(), statement: declaration });
  }
  for (const statement of sourceFile.getStatements()) {
    if (Node.isImportEqualsDeclaration(statement)) {
      const reference = statement.getModuleReference();
      if (
        Node.isExternalModuleReference(reference) &&
        reference.getExpression()?.getText().slice(1, -1) === packageName
      )
        found.push({ name: statement.getName(), statement });
      continue;
    }
    if (!Node.isVariableStatement(statement)) continue;
    for (const declaration of statement.getDeclarations()) {
      let init = declaration.getInitializer();
      // Handles: const rateLimit = require('express-rate-limit').default
      if (init && Node.isPropertyAccessExpression(init)) init = init.getExpression();
      if (!init || !Node.isCallExpression(init) || init.getExpression().getText() !== 'require') continue;
      const [argument] = init.getArguments();
      if (!argument || !Node.isStringLiteral(argument) || argument.getLiteralValue() !== packageName)
        continue;
      const nameNode = declaration.getNameNode();
      if (Node.isIdentifier(nameNode)) found.push({ name: nameNode.getText(), statement });
      else
        for (const id of nameNode.getDescendantsOfKind(SyntaxKind.Identifier))
          found.push({ name: id.getText(), statement });
    }
  }
  return found;
}

/** `require('pkg')` or `import('pkg')` written inline (`app.register(require('@fastify/cors'))`). */
export function inlineLoads(node: Node, packageName: string): boolean {
  return node.getDescendantsOfKind(SyntaxKind.CallExpression).some((call) => {
    const callee = call.getExpression();
    const [argument] = call.getArguments();
    return (
      (callee.getText() === 'require' || callee.getKind() === SyntaxKind.ImportKeyword) &&
      argument !== undefined &&
      Node.isStringLiteral(argument) &&
      argument.getLiteralValue() === packageName
    );
  });
}

function lineOf(node: Node): number {
  return node.getStartLineNumber();
}

/** Where each of the concern's packages (or hand-written answer) is used in the project's sources. */
function usagesElsewhere(
  project: ProjectLayout,
  concern: Concern,
  packages: readonly string[],
  generated: ReadonlySet<string>,
): string[] {
  const places: string[] = [];
  for (const file of projectSourceFiles(project.root)) {
    const path = toPosix(relative(project.root, file));
    if (path === project.entry || generated.has(path)) continue;
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n');
    for (const packageName of packages) {
      const quoted = new RegExp(
        `(?:from\\s*|require\\(\\s*|import\\(\\s*)['"]${packageName.replace('/', '\\/')}['"]`,
      );
      // Handles: import type { FastifyHelmetOptions } from '@fastify/helmet' - types answer nothing.
      const line = lines.findIndex(
        (each) => quoted.test(each) && !/^\s*(?:import|export)\s+type\b/.test(each),
      );
      if (line !== -1) places.push(`${packageName} in ${path}:${line + 1}`);
    }
    if (concern.byHand) {
      const line = lines.findIndex((each) => concern.byHand!.test(each));
      if (line !== -1) places.push(`headers set by hand in ${path}:${line + 1}`);
    }
    if (concern.partly) {
      const match = concern.partly.pattern.exec(text);
      if (match)
        places.push(`${concern.partly.label} in ${path}:${text.slice(0, match.index).split('\n').length}`);
    }
  }
  return places;
}

/**
 * For each requested module with a concern: nothing found (absent from the map), a replacement of the
 * entry's own registration, or a refusal naming where the existing answer is.
 */
export function lookForExisting(
  project: ProjectLayout,
  entryText: string,
  modules: readonly { name: string; wiring: WiringDeclaration | undefined }[],
  /** Files `secure add` wrote (the manifest): ours, not an existing answer. */
  generated: ReadonlySet<string>,
): Map<string, ExistingAnswer> {
  const answers = new Map<string, ExistingAnswer>();
  if (!project.entry) return answers;
  for (const { name, wiring } of modules) {
    const concern = concerns[name];
    if (!concern) continue;
    const packages = concern.packages[project.framework];
    const swaggerUi = name === 'headers' && project.framework === 'fastify' ? swaggerUiPlaces(project) : [];
    if (swaggerUi.length > 0) {
      answers.set(name, {
        kind: 'refuse',
        reason: `the app serves Swagger UI pages (@fastify/swagger-ui in ${swaggerUi.join(', ')}), which the policy's API Content-Security-Policy (default-src 'none') would leave blank: keep your own headers, or serve the docs from another app and run again`,
      });
      continue;
    }
    const elsewhere = usagesElsewhere(project, concern, packages, generated);
    // Handles: plugins/cors.js, autoloaded: module.exports = fp(async (f) => { f.register(require('@fastify/cors')) })
    const inPlugin =
      project.framework === 'fastify' && wiring !== undefined
        ? lookInAutoloadedPlugins({ project, name, packages, wiring, generated, entryText, elsewhere })
        : undefined;
    if (inPlugin) {
      answers.set(name, inPlugin);
      continue;
    }
    const sourceFile = openSource(project.entry, entryText.replace(/^\uFEFF/, ''));
    const app = findApp(sourceFile, project.framework);
    const inModule =
      project.framework === 'express' && !project.nest && wiring !== undefined
        ? lookInExpressModules({
            project,
            name,
            replaceable: concern.replaceable,
            // Handles: res.setHeader('X-Frame-Options', ...) or lusca in the entry - an answer of its own there.
            answeredInEntry: [concern.byHand, concern.partly?.pattern].some((pattern) =>
              pattern?.test(entryText),
            ),
            packages,
            wiring,
            generated,
            sourceFile,
            app,
            elsewhere,
          })
        : undefined;
    if (inModule) {
      answers.set(name, inModule);
      continue;
    }
    // Handles: const limiter = rateLimit({ windowMs, max }); app.use(limiter) - and nothing else limits requests.
    const limiterPackages = packages.filter((packageName) => bindingsOf(sourceFile, packageName).length > 0);
    if (
      name === 'rate-limit' &&
      project.framework === 'express' &&
      !project.nest &&
      wiring !== undefined &&
      elsewhere.length === 0 &&
      limiterPackages.length === 1 &&
      limiterPackages[0] === 'express-rate-limit'
    ) {
      const own = lookForOwnLimiter({
        project,
        sourceFile,
        app,
        factoryNames: bindingsOf(sourceFile, 'express-rate-limit').map((binding) => binding.name),
        module: wiring.module,
        specifier: importSpecifier(project.entry, project.srcDir, wiring.module, project.importSuffix),
      });
      if (own) {
        answers.set(name, own);
        continue;
      }
    }
    const inEntry: string[] = [];
    const registrations: { statement: Statement; binding?: { name: string; statement: Statement } }[] = [];
    for (const packageName of packages) {
      for (const binding of bindingsOf(sourceFile, packageName)) {
        inEntry.push(`${packageName} in ${project.entry}:${lineOf(binding.statement)}`);
        const references = sourceFile
          .getDescendantsOfKind(SyntaxKind.Identifier)
          .filter(
            (id) =>
              id.getText() === binding.name && !binding.statement.containsRange(id.getPos(), id.getEnd()),
          );
        const statements = new Set(
          references.map((id) => id.getFirstAncestor((a) => a.getParent() === app?.container)),
        );
        const [statement] = [...statements];
        if (
          references.length === 1 &&
          statements.size === 1 &&
          statement &&
          isRegistration(statement, app?.name)
        )
          registrations.push({ statement: statement as Statement, binding });
        else registrations.push({ statement: binding.statement });
      }
      for (const statement of app?.container.getStatements() ?? [])
        if (isRegistration(statement, app?.name) && inlineLoads(statement, packageName)) {
          inEntry.push(`${packageName} in ${project.entry}:${lineOf(statement)}`);
          registrations.push({ statement });
        }
    }
    // Handles: app.use(lusca.xframe('SAMEORIGIN')); app.use(lusca.xssProtection(true)); - lusca.csrf() stays.
    const alsoRemove: string[] = [];
    let keepsOwn = false;
    if (concern.partly && project.framework === 'express') {
      const luscaBindings = bindingsOf(sourceFile, 'lusca');
      const uses = luscaHeaderUses(
        sourceFile,
        luscaBindings.map((binding) => binding.name),
        app,
      );
      for (const use of uses) inEntry.push(`${use.label} in ${project.entry}:${use.line}`);
      const [first, ...others] = uses;
      if (first && uses.every((use) => use.statement !== undefined)) {
        registrations.push({ statement: first.statement!, binding: luscaBindings[0] });
        alsoRemove.push(...others.map((use) => use.statement!.getText()));
      } else if (first) keepsOwn = true;
    }
    const byHandLine = concern.byHand
      ? entryText.split('\n').findIndex((line) => concern.byHand!.test(line))
      : -1;
    if (byHandLine !== -1) elsewhere.push(`headers set by hand in ${project.entry}:${byHandLine + 1}`);
    if (inEntry.length === 0 && elsewhere.length === 0) continue;

    const replaceable =
      concern.replaceable &&
      !keepsOwn &&
      wiring !== undefined &&
      app !== undefined &&
      elsewhere.length === 0 &&
      registrations.length === 1 &&
      isRegistration(registrations[0].statement, app.name);
    // Handles: cors({ origin, credentials: true }) - cookies sent cross-origin: the allowlist keeps sending
    // them, to its own origins only (credentials with an exact-origin allowlist is what the rules allow).
    const keepsCredentials =
      name === 'cors' &&
      registrations.some(({ statement }) => /credentials\s*:\s*true/.test(statement.getText()));
    if (!replaceable) {
      answers.set(name, {
        kind: 'refuse',
        reason: `the app already has it (${[...inEntry, ...elsewhere].join(', ')}): ${adviceFor(concern, [...inEntry, ...elsewhere])}`,
      });
      continue;
    }
    const [{ statement, binding }] = registrations;
    const place = `${project.entry}:${lineOf(statement)}`;
    const what = statement.getText();
    const awaited = /^await\s/.test(what);
    const ours = wiring!.statement
      .replace(/^(await\s+)?[A-Za-z_$][\w$]*\./, `${awaited ? 'await ' : ''}${app!.name}.`)
      .replace(/\(settings\)/, keepsCredentials ? '(settings, { credentials: true })' : '(settings)');
    const semicolon = what.trimEnd().endsWith(';') ? '' : undefined;
    answers.set(name, {
      kind: 'replace',
      place,
      what: [what, ...alsoRemove].join(' '),
      ...(keepsCredentials
        ? {
            note: `cors: replaced your \`${what}\` (${place}) with the CORS_ORIGINS allowlist; credentials (cookies) stay on, for those origins only`,
          }
        : {}),
      replace: (text) => {
        const file = openSource(project.entry, text.replace(/^\uFEFF/, ''));
        // Found again by its text: an earlier replacement may have moved it (never changed it).
        const targets = file
          .getDescendantsOfKind(SyntaxKind.ExpressionStatement)
          .filter((each) => each.getText() === what);
        if (targets.length !== 1) return text;
        const [target] = targets;
        const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
        const own = semicolon === undefined ? ours.replace(/;$/, '') : ours;
        let result = file.getFullText();
        const start = target.getStart();
        result = result.slice(0, start) + own + result.slice(target.getEnd());
        for (const other of alsoRemove) {
          const again = openSource(project.entry, result);
          const matches = again.getStatements().filter((each) => each.getText() === other);
          // Never half done: ours beside one of theirs would be two answers.
          if (matches.length !== 1) return text;
          result = withoutLine(again.getFullText(), matches[0]);
        }
        // The package's import goes too when nothing else in the file reads it.
        if (binding && !Node.isImportEqualsDeclaration(binding.statement)) {
          const again = openSource(project.entry, result);
          const declaration = again
            .getStatements()
            .find((each) => each.getText() === binding.statement.getText());
          const stillUsed = again
            .getDescendantsOfKind(SyntaxKind.Identifier)
            .some(
              (id) => id.getText() === binding.name && !declaration?.containsRange(id.getPos(), id.getEnd()),
            );
          const single =
            declaration &&
            (Node.isImportDeclaration(declaration)
              ? declaration.getNamedImports().length +
                  (declaration.getDefaultImport() ? 1 : 0) +
                  (declaration.getNamespaceImport() ? 1 : 0) ===
                1
              : true);
          if (declaration && !stillUsed && single) result = withoutLine(again.getFullText(), declaration);
        }
        return bom + result;
      },
    });
  }
  return answers;
}

/** A package's own advice when every place found is that package (passport-local beside jsonwebtoken signs tokens). */
function adviceFor(concern: Concern, places: readonly string[]): string {
  const own = Object.entries(concern.adviceFor ?? {}).find(([packageName]) =>
    places.every((place) => place.startsWith(`${packageName} in `)),
  );
  return own ? own[1] : concern.advice;
}

/** `app.use(x(...))`, `app.use(x)`, `app.register(x, {...})`, awaited or not, on the app's own variable. */
function isRegistration(statement: Node | undefined, appName: string | undefined): boolean {
  if (!statement || !appName || !Node.isExpressionStatement(statement)) return false;
  let expression = statement.getExpression();
  if (Node.isAwaitExpression(expression)) expression = expression.getExpression();
  if (!Node.isCallExpression(expression)) return false;
  const callee = expression.getExpression();
  return (
    Node.isPropertyAccessExpression(callee) &&
    ['use', 'register'].includes(callee.getName()) &&
    callee.getExpression().getText() === appName &&
    expression.getArguments().length >= 1 &&
    !Node.isStringLiteral(expression.getArguments()[0])
  );
}

/** The text without the lines the statement spans. */
function withoutLine(full: string, statement: Node): string {
  const lineStart = full.lastIndexOf('\n', statement.getStart() - 1) + 1;
  const lineEnd = full.indexOf('\n', statement.getEnd());
  return full.slice(0, lineStart) + full.slice(lineEnd === -1 ? full.length : lineEnd + 1);
}
