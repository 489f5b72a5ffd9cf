import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { Node, type ObjectLiteralExpression, type PropertyAssignment } from 'ts-morph';
import type { Instance } from '../../engine/wiring/find-app.js';
import { findNestApp, nestCreateCall } from '../../engine/wiring/nest-app.js';
import { openSource } from '../../engine/wiring/wire.js';
import { installedVersion, projectSourceFiles, toPosix, type ProjectLayout } from '../detect.js';
import type { ExistingAnswer } from '../existing.js';
import { lookForThrottler } from './throttler.js';

/**
 * Look before adding, NestJS's own ways: CORS switched on by `app.enableCors(...)` or by the `cors` option of
 * `NestFactory.create`, and requests limited by @nestjs/throttler. The generic look (existing.ts) already
 * finds `app.use(helmet())`, `app.use(cors())` and express-rate-limit, which Nest apps register the Express way.
 */

/** Handles: `{ cors: true }`, `{ cors: { origin: [...] } }` in `NestFactory.create(AppModule, { ... })`. */
function corsOption(options: ObjectLiteralExpression | undefined): PropertyAssignment | undefined {
  const property = options?.getProperty('cors');
  if (!property || !Node.isPropertyAssignment(property)) return undefined;
  // `cors: false` answers nothing: CORS stays off until our enableCors.
  return property.getInitializer()?.getText() === 'false' ? undefined : property;
}

function createOptions(text: string, entry: string) {
  const file = openSource(entry, text.replace(/^\uFEFF/, ''));
  const app = findNestApp(file);
  const create = app && nestCreateCall(app);
  const options = create
    ?.getArguments()
    .find((argument): argument is ObjectLiteralExpression => Node.isObjectLiteralExpression(argument));
  return { file, app, create, options };
}

/**
 * The text without the `cors` option: the property, or the whole options argument when it held only that
 * (`NestFactory.create(AppModule, { cors: true })` -> `NestFactory.create(AppModule)`).
 */
function withoutCorsOption(text: string, entry: string): string {
  const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
  const { file, create, options } = createOptions(text, entry);
  const property = corsOption(options);
  if (!create || !options || !property) return text;
  const full = file.getFullText();
  const properties = options.getProperties();
  const at = properties.indexOf(property);
  let start: number;
  let end: number;
  if (properties.length === 1) {
    const argumentsBefore = create.getArguments().filter((argument) => argument.getEnd() <= options.getPos());
    start =
      argumentsBefore.length > 0 ? argumentsBefore[argumentsBefore.length - 1].getEnd() : options.getStart();
    end = options.getEnd();
  } else if (at < properties.length - 1) {
    start = property.getStart();
    end = properties[at + 1].getStart();
  } else {
    start = properties[at - 1].getEnd();
    end = property.getEnd();
  }
  return bom + full.slice(0, start) + full.slice(end);
}

function lineOf(node: Node): number {
  return node.getStartLineNumber();
}

/** `app.enableCors(...)` statements on the Nest app, in the block that creates it. */
function enableCorsCalls(app: Instance | undefined) {
  if (!app) return [];
  return app.container.getStatements().filter((statement) => {
    if (!Node.isExpressionStatement(statement)) return false;
    const expression = statement.getExpression();
    return (
      Node.isCallExpression(expression) && expression.getExpression().getText() === `${app.name}.enableCors`
    );
  });
}

/** Where @nestjs/throttler is imported in the project's sources (`src/app.module.ts:4`), if anywhere. */
function throttlerPlaces(project: ProjectLayout): string[] {
  const places: string[] = [];
  for (const file of projectSourceFiles(project.root)) {
    const lines = readFileSync(file, 'utf8').split('\n');
    const line = lines.findIndex((each) => /(?:from\s*|require\(\s*)['"]@nestjs\/throttler['"]/.test(each));
    if (line !== -1) places.push(`${toPosix(relative(project.root, file))}:${line + 1}`);
  }
  return places;
}

/** Where the app serves Swagger UI pages (`SwaggerModule.setup(...)`), `file:line`, if anywhere. */
function swaggerUiPlaces(project: ProjectLayout): string[] {
  const places: string[] = [];
  for (const file of projectSourceFiles(project.root)) {
    const line = readFileSync(file, 'utf8')
      .split('\n')
      .findIndex((each) => /\bSwaggerModule\.setup\(/.test(each));
    if (line !== -1) places.push(`${toPosix(relative(project.root, file))}:${line + 1}`);
  }
  return places;
}

/** Other bootstraps (`src/main.hmr.ts`) that switch CORS on their own way: `file:line` of each. */
function corsElsewhere(project: ProjectLayout): string[] {
  const places: string[] = [];
  for (const file of projectSourceFiles(project.root)) {
    const path = toPosix(relative(project.root, file));
    const text = readFileSync(file, 'utf8');
    if (path === project.entry || !text.includes('NestFactory')) continue;
    const line = text.split('\n').findIndex((each) => /\.enableCors\(|\bcors\s*:\s*(?!false\b)\S/.test(each));
    if (line !== -1) places.push(`${path}:${line + 1}`);
  }
  return places;
}

/**
 * The generic answers, completed with NestJS's own: the entry's `enableCors` or `cors` option is replaced by
 * the policy's `app.enableCors(...)` (refused when it sends credentials, or when CORS is answered twice),
 * rate-limit reconfigures the app's own @nestjs/throttler in place (or is refused beside it, with its place),
 * and headers are refused beside Swagger UI pages.
 */
export function lookForNestExisting(
  project: ProjectLayout,
  entryText: string,
  requested: ReadonlySet<string>,
  generic: ReadonlyMap<string, ExistingAnswer>,
  ourCorsStatement: string | undefined,
): Map<string, ExistingAnswer> {
  const answers = new Map(generic);
  if (!project.nest || !project.entry) return answers;
  const entry = project.entry;

  if (requested.has('rate-limit') && generic.get('rate-limit')?.kind !== 'refuse') {
    const places = throttlerPlaces(project);
    const own =
      places.length > 0
        ? lookForThrottler(project, installedVersion(project.root, '@nestjs/throttler'))
        : undefined;
    if (own) answers.set('rate-limit', own);
    else if (places.length > 0)
      answers.set('rate-limit', {
        kind: 'refuse',
        reason: `the app already limits requests with @nestjs/throttler (${places.join(', ')}): keep it, or remove it and run again to use the policy limiter`,
      });
  }

  // Swagger UI is a page with scripts and styles: the API CSP (default-src 'none') would leave it blank.
  if (requested.has('headers') && generic.get('headers')?.kind !== 'refuse') {
    const places = swaggerUiPlaces(project);
    if (places.length > 0)
      answers.set('headers', {
        kind: 'refuse',
        reason: `the app serves Swagger UI pages (SwaggerModule.setup in ${places.join(', ')}), which the policy's API Content-Security-Policy (default-src 'none') would leave blank: keep your own headers, or serve the docs from another app and run again`,
      });
  }

  if (!requested.has('cors') || ourCorsStatement === undefined) return answers;
  const { app, options } = createOptions(entryText, entry);
  const option = corsOption(options);
  // Ours, from an earlier run (`app.enableCors(corsOptions(settings))`), is not the project's own answer.
  const ours = /^[A-Za-z_$][\w$]*\.enableCors\(\s*([A-Za-z_$][\w$]*)\(/.exec(ourCorsStatement)?.[1];
  const calls = enableCorsCalls(app).filter(
    (call) => ours === undefined || !new RegExp(`\\benableCors\\(\\s*${ours}\\(`).test(call.getText()),
  );
  const found = [
    ...(option
      ? [{ what: option.getText(), place: `${entry}:${lineOf(option)}`, node: option as Node }]
      : []),
    ...calls.map((call) => ({ what: call.getText(), place: `${entry}:${lineOf(call)}`, node: call as Node })),
  ];
  const genericCors = generic.get('cors');
  const elsewhere = corsElsewhere(project);
  // Only one answer, in the entry, can be replaced: any other would stay beside ours.
  if (elsewhere.length > 0 || found.length > 1 || (genericCors !== undefined && found.length > 0)) {
    const places = [...found.map(({ what, place }) => `\`${what}\` (${place})`), ...elsewhere];
    answers.set('cors', {
      kind: 'refuse',
      reason: `the app already answers CORS (${places.join(', ')}${genericCors ? ', and the cors package' : ''}): keep one \`app.enableCors()\` in ${entry} and run again to replace it`,
    });
    return answers;
  }
  if (found.length === 0) return answers;
  const [{ what, place, node }] = found;
  // Handles: enableCors({ origin: [...], credentials: true }) - cookies sent cross-origin, which the allowlist turns off.
  if (/credentials\s*:\s*true/.test(node.getText())) {
    answers.set('cors', {
      kind: 'refuse',
      reason: `your CORS sends credentials (cookies) cross-origin (${place}); the policy's allowlist does not, and replacing it would break those requests: keep yours`,
    });
    return answers;
  }
  answers.set('cors', {
    kind: 'replace',
    place,
    what,
    replace: option
      ? // The option goes; the wiring adds `app.enableCors(...)` right after the app is created.
        (text) => withoutCorsOption(text, entry)
      : (text) => replaceEnableCors(text, entry, what, ourCorsStatement),
  });
  return answers;
}

/** The project's `app.enableCors(...)` statement, found again by its text, becomes ours in place. */
function replaceEnableCors(text: string, entry: string, what: string, ours: string): string {
  const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
  const { app, file } = createOptions(text, entry);
  const targets = enableCorsCalls(app).filter((call) => call.getText() === what);
  if (!app || targets.length !== 1) return text;
  const own = ours.replace(/^[A-Za-z_$][\w$]*\./, `${app.name}.`);
  const statement = what.trimEnd().endsWith(';') ? own : own.replace(/;$/, '');
  const full = file.getFullText();
  return bom + full.slice(0, targets[0].getStart()) + statement + full.slice(targets[0].getEnd());
}
