import {
  Node,
  SyntaxKind,
  type CallExpression,
  type ObjectLiteralExpression,
  type SourceFile,
} from 'ts-morph';
import { ensureImport } from '../engine/wiring/ensure-import.js';
import type { Instance } from '../engine/wiring/find-app.js';
import { detectStyle } from '../engine/wiring/source-style.js';
import { openSource } from '../engine/wiring/wire.js';
import type { ProjectLayout } from './detect.js';
import type { ExistingAnswer } from './existing.js';

/**
 * An Express app's own express-rate-limit, met by the rate-limit module. The limiter it registers app-wide
 * takes the policy's window, limit and 429 answer in place (`rateLimit({ ...policyRateLimit, ...its store, key
 * and headers })`), so every route has one policy limit and the project's other options stay; limiters it
 * puts on some routes only (a stricter login limit) are kept as they are. With no app-wide limiter, the policy's
 * is added app-wide beside them. A shape that cannot be rewritten safely is refused with the place.
 */

/** The export of the generated module that carries the policy's window, limit and answer. */
export const policyOptionsName = 'policyRateLimit';

/** Options that say how many requests, in what window, and what a refused one reads: the policy's now. */
export const policyKeys = new Set(['windowMs', 'max', 'limit', 'message']);
/** Options that answer the 429 in the project's own way: replacing them could change what its clients rely on. */
const ownAnswerKeys = ['handler', 'statusCode'];

interface Limiter {
  call: CallExpression;
  /** `const loginLimiter = rateLimit(...)`: the name its routes use; undefined for `app.use(rateLimit(...))`. */
  name?: string;
  appWide: boolean;
  /** The `app.use(...)` statement that puts it on every request. */
  use?: Node;
}

/** `app.use(x)` alone in a statement of the app's own block: every request after it goes through x. */
export function isAppWideUse(node: Node, app: Instance): boolean {
  const use = node.getParent();
  if (!use || !Node.isCallExpression(use) || use.getArguments().length !== 1) return false;
  const callee = use.getExpression();
  const statement = use.getParent();
  return (
    Node.isPropertyAccessExpression(callee) &&
    callee.getName() === 'use' &&
    callee.getExpression().getText() === app.name &&
    statement !== undefined &&
    Node.isExpressionStatement(statement) &&
    statement.getParent() === app.container
  );
}

/** Every limiter the file makes with the package's factory, and whether the app uses it for every request. */
function limitersOf(sourceFile: SourceFile, factoryNames: readonly string[], app: Instance): Limiter[] {
  const calls = sourceFile
    .getDescendantsOfKind(SyntaxKind.CallExpression)
    .filter((call) => factoryNames.includes(call.getExpression().getText()));
  // Handles: rateLimit({ keyGenerator: (req) => ipKeyGenerator(req.ip) }) - a helper inside is no limiter.
  const outermost = calls.filter(
    (call) => !calls.some((other) => other !== call && other.containsRange(call.getPos(), call.getEnd())),
  );
  return outermost.map((call) => {
    const declaration = call.getParent();
    if (
      declaration &&
      Node.isVariableDeclaration(declaration) &&
      declaration.getInitializer() === call &&
      Node.isIdentifier(declaration.getNameNode())
    ) {
      const name = declaration.getName();
      const references = sourceFile
        .getDescendantsOfKind(SyntaxKind.Identifier)
        .filter((id) => id.getText() === name && id !== declaration.getNameNode());
      const use = references.find((id) => isAppWideUse(id, app));
      return { call, name, appWide: use !== undefined, use: use?.getParent()?.getParent() };
    }
    const appWide = isAppWideUse(call, app);
    return { call, appWide, use: appWide ? call.getParent()?.getParent() : undefined };
  });
}

const routeMethods = new Set(['get', 'post', 'put', 'patch', 'delete', 'all', 'route']);

/** `app.get('/x', ...)` or `app.use('/api', router)` above `use`: routes the app-wide limiter never sees. */
export function routeAbove(app: Instance, use: Node): Node | undefined {
  for (const statement of app.container.getStatements()) {
    if (statement === use) return undefined;
    const call = Node.isExpressionStatement(statement) ? statement.getExpression() : undefined;
    if (!call || !Node.isCallExpression(call)) continue;
    const callee = call.getExpression();
    if (!Node.isPropertyAccessExpression(callee) || callee.getExpression().getText() !== app.name) continue;
    const [first] = call.getArguments();
    const mountsPath = callee.getName() === 'use' && first !== undefined && Node.isStringLiteral(first);
    if (routeMethods.has(callee.getName()) || mountsPath) return statement;
  }
  return undefined;
}

/** Why the options cannot be rewritten safely, or undefined when they can. */
export function unsafeOptions(call: CallExpression): string | undefined {
  const args = call.getArguments();
  if (args.length === 0) return undefined;
  const [options] = args;
  if (args.length > 1 || !Node.isObjectLiteralExpression(options))
    return 'its options are not written out where it is made';
  for (const property of options.getProperties()) {
    if (Node.isSpreadAssignment(property)) {
      if (property.getExpression().getText() === policyOptionsName) continue;
      return `its options spread \`${property.getExpression().getText()}\`, which may set the window and limit again`;
    }
    if (!Node.isPropertyNamed(property) || Node.isComputedPropertyName(property.getNameNode()))
      return 'its options have a computed name';
    if (ownAnswerKeys.includes(property.getName()))
      return `it answers with its own \`${property.getName()}\``;
  }
  return undefined;
}

const lineOf = (node: Node) => node.getStartLineNumber();

export function alreadyPolicy(call: CallExpression): boolean {
  const [options] = call.getArguments();
  if (options && Node.isIdentifier(options)) return options.getText() === policyOptionsName;
  return (
    options !== undefined &&
    Node.isObjectLiteralExpression(options) &&
    options
      .getProperties()
      .some(
        (property) =>
          Node.isSpreadAssignment(property) && property.getExpression().getText() === policyOptionsName,
      )
  );
}

/** The start of the line `position` is on, when only blanks precede it there; else undefined. */
function ownLineStart(text: string, position: number): number | undefined {
  const lineStart = text.lastIndexOf('\n', position - 1) + 1;
  return /^[ \t]*$/.test(text.slice(lineStart, position)) ? lineStart : undefined;
}

/** Where a property's lines begin (its leading comments included) and end (its comma and trailing comment). */
function lineSpan(text: string, property: Node): { start: number; end: number } | undefined {
  const comments = property.getLeadingCommentRanges();
  const start = ownLineStart(text, comments.length > 0 ? comments[0].getPos() : property.getStart());
  const rest = /^,?[ \t]*(?:\/\/[^\n]*)?(?:\r?\n|$)/.exec(text.slice(property.getEnd()));
  if (start === undefined || !rest) return undefined;
  return { start, end: property.getEnd() + rest[0].length };
}

/**
 * The options object with the policy's keys taken out and `...policyRateLimit` put first: line by line when
 * each property has lines of its own (their comments go with them), else the object on one line. Undefined
 * when neither fits (properties sharing lines with comments around them).
 */
function rewriteOptions(text: string, options: ObjectLiteralExpression): string | undefined {
  const properties = options.getProperties();
  const removed = properties.filter(
    (property) => Node.isPropertyNamed(property) && policyKeys.has(property.getName()),
  );
  const spans = properties.map((property) => lineSpan(text, property));
  const spread = `...${policyOptionsName}`;
  const replaceRange = (start: number, end: number, insert: string) =>
    text.slice(0, start) + insert + text.slice(end);
  if (properties.length > 0 && spans.every((span) => span !== undefined)) {
    // Handles: `  windowMs: 15 * 60 * 1000, // 15 minutes` - the line goes, its trailing comment with it.
    let result = text;
    for (const [index, property] of [...properties.entries()].reverse())
      if (removed.includes(property))
        result = result.slice(0, spans[index]!.start) + result.slice(spans[index]!.end);
    const first = spans[0]!.start;
    const indent = /^[ \t]*/.exec(text.slice(first))![0];
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    return result.slice(0, first) + `${indent}${spread},${eol}` + result.slice(first);
  }
  // Handles: rateLimit({ windowMs: 60000, max: 5 }) - rebuilt on one line, when nothing but code is in it.
  if (/\/\/|\/\*/.test(options.getText()) || options.getText().includes('\n')) return undefined;
  const kept = properties.filter((property) => !removed.includes(property)).map((each) => each.getText());
  return replaceRange(options.getStart(), options.getEnd(), `{ ${[spread, ...kept].join(', ')} }`);
}

/** Calls nothing but number parsing, assigns nothing: `parseInt(process.env.RATE_LIMIT, 10) || 200`. */
function isPure(node: Node): boolean {
  return node.getDescendants().every((each) => {
    if (Node.isCallExpression(each))
      return ['parseInt', 'parseFloat', 'Number', 'Number.parseInt'].includes(each.getExpression().getText());
    if (Node.isBinaryExpression(each))
      return (
        !each.getOperatorToken().getText().endsWith('=') ||
        /^[!=]==?$/.test(each.getOperatorToken().getText())
      );
    return !(
      Node.isNewExpression(each) ||
      Node.isAwaitExpression(each) ||
      Node.isArrowFunction(each) ||
      Node.isFunctionExpression(each) ||
      Node.isPrefixUnaryExpression(each) ||
      Node.isPostfixUnaryExpression(each)
    );
  });
}

/** The text without the top-level `const NAME = ...` statements that nothing reads any more. */
function withoutUnreadConstants(
  file: string,
  text: string,
  names: readonly string[],
  removed: string[] = [],
): string {
  let result = text;
  for (const name of new Set(names)) {
    const sourceFile = openSource(file, result);
    const statement = sourceFile.getVariableStatements().find((each) => {
      const declarations = each.getDeclarations();
      return declarations.length === 1 && declarations[0].getName() === name;
    });
    const initializer = statement?.getDeclarations()[0].getInitializer();
    if (!statement || !initializer || !isPure(initializer)) continue;
    const read = sourceFile
      .getDescendantsOfKind(SyntaxKind.Identifier)
      .some((id) => id.getText() === name && !statement.containsRange(id.getPos(), id.getEnd()));
    const start = ownLineStart(result, statement.getStart());
    const rest = /^[ \t]*(?:\/\/[^\n]*)?(?:\r?\n|$)/.exec(result.slice(statement.getEnd()));
    if (read || start === undefined || !rest) continue;
    result = result.slice(0, start) + result.slice(statement.getEnd() + rest[0].length);
    removed.push(name);
  }
  return result;
}

/** The constants removed with the window and limit, for the note (an env variable they read is no longer read). */
export function gone(constants: readonly string[]): string {
  if (constants.length === 0) return '';
  return `; ${constants.map((constant) => `\`${constant}\``).join(', ')}, read only by its old limit, removed`;
}

/**
 * Rewrites the one call in `file` whose text is `what` to take the policy's window, limit and answer
 * (`...policyRateLimit`, imported from `specifier`), with the constants only its old limit read removed.
 * Undefined when the call is not there once, or its options share lines with comments.
 */
export function policyLimiterRewrite(
  file: string,
  what: string,
  specifier: string,
  moduleSystem: ProjectLayout['moduleSystem'],
): (text: string) => { text: string; removed: string[] } | undefined {
  return (text) => {
    const sourceFile = openSource(file, text);
    const calls = sourceFile
      .getDescendantsOfKind(SyntaxKind.CallExpression)
      .filter((call) => call.getText() === what);
    if (calls.length !== 1) return undefined;
    const [call] = calls;
    const [options] = call.getArguments();
    const read =
      options && Node.isObjectLiteralExpression(options)
        ? options
            .getProperties()
            .filter((property) => Node.isPropertyNamed(property) && policyKeys.has(property.getName()))
            .flatMap((property) =>
              property.getDescendantsOfKind(SyntaxKind.Identifier).map((id) => id.getText()),
            )
        : [];
    const rewritten = options
      ? rewriteOptions(text, options as ObjectLiteralExpression)
      : text.slice(0, call.getEnd() - 1) + policyOptionsName + text.slice(call.getEnd() - 1);
    if (rewritten === undefined) return undefined;
    const removed: string[] = [];
    const cleaned = withoutUnreadConstants(file, rewritten, read, removed);
    const again = openSource(file, cleaned);
    const firstUse = again
      .getDescendantsOfKind(SyntaxKind.Identifier)
      .find((id) => id.getText() === policyOptionsName);
    const style = detectStyle(again, moduleSystem === 'esm' ? 'esm' : 'require');
    ensureImport(again, { moduleSpecifier: specifier, names: [policyOptionsName] }, style, firstUse);
    return { text: again.getFullText(), removed };
  };
}

export interface OwnLimiterContext {
  project: ProjectLayout;
  sourceFile: SourceFile;
  app: Instance | undefined;
  /** The local names bound to express-rate-limit in the entry. */
  factoryNames: readonly string[];
  /** The generated module's path under the source folder (`security/rate-limit`). */
  module: string;
  /** How the entry imports a generated module (wire-plan's importSpecifier). */
  specifier: string;
}

/**
 * The answer for an entry that makes its own limiters with express-rate-limit and nothing else limits
 * requests: reconfigured in place, added beside per-route ones, or refused with the place.
 */
export function lookForOwnLimiter(context: OwnLimiterContext): ExistingAnswer | undefined {
  const { project, sourceFile, app, factoryNames } = context;
  if (!app || factoryNames.length === 0) return undefined;
  const entry = project.entry;
  const limiters = limitersOf(sourceFile, factoryNames, app);
  if (limiters.length === 0) return undefined;
  const describe = (limiter: Limiter) =>
    `\`${limiter.name ?? 'rateLimit(...)'}\` (${entry}:${lineOf(limiter.call)})`;
  const appWide = limiters.filter((limiter) => limiter.appWide);
  if (appWide.length === 0) {
    const kept = limiters.map(describe).join(', ');
    return {
      kind: 'replace',
      place: `${entry}:${lineOf(limiters[0].call)}`,
      what: kept,
      replace: (text) => text,
      note: `rate-limit: kept your limiters on some routes (${kept}) and added the policy's limit for every request`,
    };
  }
  if (appWide.length > 1)
    return {
      kind: 'refuse',
      reason: `the app limits every request twice already (${appWide.map(describe).join(', ')}): keep yours, or leave one \`${app.name}.use(...)\` limiter and run again to give it the policy's window and limit`,
    };
  const [limiter] = appWide;
  const route = limiter.use && routeAbove(app, limiter.use);
  if (route)
    return {
      kind: 'refuse',
      reason: `your limiter ${describe(limiter)} is put on every request after the routes at ${entry}:${lineOf(route)}, which it never limits: move its \`${app.name}.use(...)\` above them and run again, or keep yours`,
    };
  const unsafe = unsafeOptions(limiter.call);
  if (unsafe)
    return {
      kind: 'refuse',
      reason: `your limiter ${describe(limiter)} limits every request, and ${unsafe}: keep yours, or remove it and run again to use the policy limiter`,
    };
  const place = `${entry}:${lineOf(limiter.call)}`;
  if (alreadyPolicy(limiter.call))
    return {
      kind: 'replace',
      place,
      what: limiter.call.getText(),
      replace: (text) => text,
      wiredInPlace: true,
      note: `rate-limit: your limiter ${describe(limiter)} already takes the policy's window, limit and answer`,
    };
  const what = limiter.call.getText();
  const removedConstants: string[] = [];
  const reconfigure = policyLimiterRewrite(entry, what, context.specifier, project.moduleSystem);
  const rewrite = (text: string): string | undefined => {
    const done = reconfigure(text);
    removedConstants.splice(0, removedConstants.length, ...(done?.removed ?? []));
    return done?.text;
  };
  let unrewritable: string | undefined;
  try {
    if (rewrite(sourceFile.getFullText()) === undefined)
      unrewritable =
        'its options share lines with comments secure add cannot move safely: put each option on its own line, or keep yours';
  } catch (error) {
    // ensureImport refuses a `policyRateLimit` the file already declares for something else.
    unrewritable = error instanceof Error ? error.message : String(error);
  }
  if (unrewritable)
    return {
      kind: 'refuse',
      reason: `your limiter ${describe(limiter)} limits every request, and ${unrewritable}`,
    };
  return {
    kind: 'replace',
    place,
    what,
    wiredInPlace: true,
    note: `rate-limit: your limiter ${describe(limiter)} now takes the policy's window, limit and 429 answer (\`...${policyOptionsName}\` from ${context.module}); its other options and your per-route limiters are kept${gone(removedConstants)}`,
    replace: (text) => {
      const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
      return bom + (rewrite(text.slice(bom.length)) ?? text.slice(bom.length));
    },
  };
}
