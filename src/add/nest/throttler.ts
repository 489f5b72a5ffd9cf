import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { Node, SyntaxKind, type CallExpression, type ObjectLiteralExpression } from 'ts-morph';
import { majorOf, throttlerMillisecondsSinceMajor } from '../../engine/module-facts.js';
import { detectStyle } from '../../engine/wiring/source-style.js';
import { ensureImport } from '../../engine/wiring/ensure-import.js';
import { openSource } from '../../engine/wiring/wire.js';
import { projectSourceFiles, toPosix, type ProjectLayout } from '../detect.js';
import type { ExistingAnswer } from '../existing.js';
import { importSpecifier } from '../wire-plan.js';

/**
 * An app's own @nestjs/throttler, reconfigured in place: its one `ThrottlerModule.forRoot(...)` takes the
 * policy's window and limit (`...policyThrottler`, rendered for the installed throttler's API) and keeps its
 * other options (storage, ignoreUserAgents, skipIf). What cannot be read as one literal throttler is refused
 * with its place: a second limiter beside it would be two answers to one concern.
 */

/** The generated module holding `policyThrottler` (templates/rate-limit/nest/security/throttler.ts.hbs). */
export const throttlerModule = 'security/throttler';
const policyName = 'policyThrottler';

interface ForRootCall {
  path: string;
  call: CallExpression;
  line: number;
}

/** The local names of `ThrottlerModule` imported from @nestjs/throttler in a file. */
function throttlerModuleNames(file: ReturnType<typeof openSource>): Set<string> {
  const names = new Set<string>();
  for (const declaration of file.getImportDeclarations())
    if (declaration.getModuleSpecifierValue() === '@nestjs/throttler')
      for (const named of declaration.getNamedImports())
        if (named.getName() === 'ThrottlerModule')
          names.add(named.getAliasNode()?.getText() ?? named.getName());
  return names;
}

/** Every `ThrottlerModule.forRoot(...)` / `.forRootAsync(...)` call in the project's sources. */
function forRootCalls(project: ProjectLayout): ForRootCall[] {
  const found: ForRootCall[] = [];
  for (const absolute of projectSourceFiles(project.root)) {
    const text = readFileSync(absolute, 'utf8');
    if (!text.includes('@nestjs/throttler')) continue;
    const path = toPosix(relative(project.root, absolute));
    const file = openSource(path, text.replace(/^\uFEFF/, ''));
    const names = throttlerModuleNames(file);
    for (const call of file.getDescendantsOfKind(SyntaxKind.CallExpression)) {
      const callee = call.getExpression();
      if (
        Node.isPropertyAccessExpression(callee) &&
        /^forRoot(?:Async)?$/.test(callee.getName()) &&
        names.has(callee.getExpression().getText())
      )
        found.push({ path, call, line: call.getStartLineNumber() });
    }
  }
  return found;
}

/** The app sets up its own @nestjs/throttler: rate-limit renders `policyThrottler` for it, not a limiter. */
export function setsUpThrottler(project: ProjectLayout): boolean {
  return project.nest !== undefined && forRootCalls(project).length > 0;
}

/**
 * Where ThrottlerGuard (or the app's subclass of it) guards every route: `{ provide: APP_GUARD, useClass: X }`
 * with X a ThrottlerGuard. Without it the module limits only the controllers that ask for the guard.
 */
function globalGuardPlaces(project: ProjectLayout): string[] {
  const places: string[] = [];
  for (const absolute of projectSourceFiles(project.root)) {
    const text = readFileSync(absolute, 'utf8');
    const match = /provide\s*:\s*(['"]?)APP_GUARD\1\s*,\s*useClass\s*:\s*\w*Throttler\w*/.exec(text);
    if (match)
      places.push(
        `${toPosix(relative(project.root, absolute))}:${text.slice(0, match.index).split('\n').length}`,
      );
  }
  return places;
}

/**
 * The one throttler's options object in the `forRoot` argument, in the shape of the installed major:
 * Handles: forRoot({ ttl: 60, limit: 10 }) (1-4), forRoot([{ ttl: 60000, limit: 10 }]) and
 * forRoot({ throttlers: [{ ttl: 60000, limit: 10 }], storage }) (5+). A string says why not.
 */
function throttlerOptions(call: CallExpression, listApi: boolean): ObjectLiteralExpression | string {
  const [argument] = call.getArguments();
  if (!argument) return 'it takes no options';
  if (!listApi) {
    if (Node.isObjectLiteralExpression(argument) && !argument.getProperty('throttlers')) return argument;
    return 'its options are not the `{ ttl, limit }` object the installed @nestjs/throttler takes';
  }
  let list: Node | undefined = argument;
  if (Node.isObjectLiteralExpression(argument)) {
    const throttlers = argument.getProperty('throttlers');
    list = throttlers && Node.isPropertyAssignment(throttlers) ? throttlers.getInitializer() : undefined;
  }
  if (!list || !Node.isArrayLiteralExpression(list)) return 'its throttlers are built in code, not listed';
  const elements = list.getElements();
  if (elements.length !== 1) return `it declares ${elements.length} named throttlers`;
  const [only] = elements;
  return Node.isObjectLiteralExpression(only) ? only : 'its throttler is built in code, not written out';
}

const policyKeys = new Set(['ttl', 'limit']);
const isPolicyKey = (property: Node) => Node.isPropertyNamed(property) && policyKeys.has(property.getName());

/**
 * The options' text without `ttl` and `limit`, the policy's spread first: `{ ...policyThrottler, storage }`.
 * Written one option a line, only the lines of `ttl` and `limit` go (with a comment on their own line end) and
 * the spread takes a line above the first option: every other line stays as written. Undefined when an option
 * shares a line with another, or a one-line object holds a comment: no safe edit.
 */
function withPolicy(options: ObjectLiteralExpression): string | undefined {
  const properties = options.getProperties();
  const spread = `...${policyName}`;
  const text = options.getText();
  if (properties.length === 0) return `{ ${spread} }`;
  if (!text.includes('\n')) {
    if (/\/[/*]/.test(text)) return undefined;
    const kept = properties
      .filter((property) => !isPolicyKey(property))
      .map((property) => property.getText());
    return `{ ${[spread, ...kept].join(', ')} }`;
  }
  const start = options.getStart();
  const lines = options.getSourceFile().getFullText().slice(start, options.getEnd()).split('\n');
  const lineOf = (position: number) =>
    options.getSourceFile().getFullText().slice(start, position).split('\n').length - 1;
  const lineUse = new Map<number, number>();
  for (const property of properties)
    for (let line = lineOf(property.getStart()); line <= lineOf(property.getEnd()); line++)
      lineUse.set(line, (lineUse.get(line) ?? 0) + 1);
  if ([...lineUse.keys()].some((line) => line === 0 || line === lines.length - 1 || lineUse.get(line)! > 1))
    return undefined;
  // Where a property's comments above it begin (its leading trivia, past the blank space).
  const leadingLine = (property: Node) =>
    lineOf(
      property.getFullStart() + property.getFullText().length - property.getFullText().trimStart().length,
    );
  const dropped = new Set<number>();
  for (const property of properties.filter(isPolicyKey))
    for (let line = leadingLine(property); line <= lineOf(property.getEnd()); line++)
      if (line >= lineOf(property.getStart()) || !lineUse.has(line)) dropped.add(line);
  const first = properties[0];
  const firstLine = Math.max(1, leadingLine(first));
  const indent = /^[ \t]*/.exec(lines[lineOf(first.getStart())])![0];
  const carriageReturn = lines[0].endsWith('\r') ? '\r' : '';
  return lines
    .flatMap((line, index) => [
      ...(index === firstLine ? [`${indent}${spread},${carriageReturn}`] : []),
      ...(dropped.has(index) ? [] : [line]),
    ])
    .join('\n');
}

/**
 * The answer for rate-limit in a NestJS app that imports @nestjs/throttler: undefined when it never calls
 * `ThrottlerModule.forRoot`, a refusal naming the place, or its in-place reconfiguration (wired in place).
 */
export function lookForThrottler(
  project: ProjectLayout,
  installed: string | undefined,
): ExistingAnswer | undefined {
  const calls = forRootCalls(project);
  if (calls.length === 0) return undefined;
  const places = calls.map(({ path, line }) => `${path}:${line}`);
  const orRemove = 'remove it and run again to use the policy limiter';
  const keep = `keep it, or ${orRemove}`;
  if (calls.length > 1)
    return {
      kind: 'refuse',
      reason: `the app sets up @nestjs/throttler ${calls.length} times (${places.join(', ')}): ${keep}`,
    };
  const [{ path, call }] = calls;
  const place = places[0];
  const what = call.getText();
  if (/Async$/.test(call.getExpression().getText()))
    return {
      kind: 'refuse',
      reason: `the app configures @nestjs/throttler from its own code (\`forRootAsync\`, ${place}): set its limit to the policy's there, or ${orRemove}`,
    };
  const guards = globalGuardPlaces(project);
  if (guards.length === 0)
    return {
      kind: 'refuse',
      reason: `the app sets up @nestjs/throttler (${place}) but registers no ThrottlerGuard as APP_GUARD, so only the routes that ask for it are limited: register it for every route and run again, or ${orRemove}`,
    };
  const major = majorOf(installed);
  if (major === undefined)
    return {
      kind: 'refuse',
      reason: `the app sets up @nestjs/throttler (${place}) but it is not installed, so its API (ttl in seconds before 5, milliseconds since) is unknown: run npm install and run again`,
    };
  const listApi = major >= throttlerMillisecondsSinceMajor;
  const options = throttlerOptions(call, listApi);
  if (typeof options === 'string')
    return {
      kind: 'refuse',
      reason: `the app sets up @nestjs/throttler ${installed} (${place}) and ${options}: set its limit to the policy's there, or ${orRemove}`,
    };
  // Handles: forRoot([{ ...policyThrottler }]) from an earlier run - nothing left to change.
  if (
    options.getProperties().some((property) => property.getText() === `...${policyName}`) &&
    !options.getProperty('ttl') &&
    !options.getProperty('limit')
  )
    return {
      kind: 'replace',
      place,
      what,
      replace: (text) => text,
      wiredInPlace: true,
      note: `rate-limit: your @nestjs/throttler (${place}) already takes the policy's window and limit`,
    };
  if (withPolicy(options) === undefined)
    return {
      kind: 'refuse',
      reason: `the app sets up @nestjs/throttler ${installed} (${place}) with options sharing a line (or a one-line object holding a comment), which secure add cannot edit safely: put each option on its own line and run again, or keep yours`,
    };
  const specifier = importSpecifier(path, project.srcDir, throttlerModule, project.importSuffix);
  const rewrite = (text: string): string => {
    const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
    const file = openSource(path, text.slice(bom.length));
    const again = forRootCallsIn(file).filter((each) => each.getText() === what);
    if (again.length !== 1) return text;
    const found = throttlerOptions(again[0], listApi);
    if (typeof found === 'string') return text;
    const rewritten = withPolicy(found);
    if (rewritten === undefined) return text;
    // Spliced as text: ts-morph's replaceWithText would indent the object's lines once more.
    const full = file.getFullText();
    const spliced = openSource(
      path,
      full.slice(0, found.getStart()) + rewritten + full.slice(found.getEnd()),
    );
    const style = detectStyle(spliced, project.moduleSystem === 'esm' ? 'esm' : 'require');
    ensureImport(spliced, { moduleSpecifier: specifier, names: [policyName] }, style);
    return bom + spliced.getFullText();
  };
  return {
    kind: 'replace',
    place,
    what,
    replace: (text) => text,
    files: { [path]: rewrite },
    wiredInPlace: true,
    note: `rate-limit: your @nestjs/throttler ${installed} (${place}) now takes the policy's window and limit (\`...${policyName}\` from ${throttlerModule}, ttl in ${listApi ? 'milliseconds' : 'seconds'}); its guard (${guards.join(', ')}) and other options are kept`,
  };
}

/** `ThrottlerModule.forRoot(...)` calls of one parsed file, for finding the call again in the staged text. */
function forRootCallsIn(file: ReturnType<typeof openSource>): CallExpression[] {
  const names = throttlerModuleNames(file);
  return file.getDescendantsOfKind(SyntaxKind.CallExpression).filter((call) => {
    const callee = call.getExpression();
    return (
      Node.isPropertyAccessExpression(callee) &&
      callee.getName() === 'forRoot' &&
      names.has(callee.getExpression().getText())
    );
  });
}
