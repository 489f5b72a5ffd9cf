import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Node } from '@babel/types';
import type { FixApi, ProjectInfo } from '../../../src/engine/rule.js';
import { findBinding, moduleBindings, programOf } from '../../../src/engine/ast-utils.js';
import { camelKeyFor } from './names.js';
import { noteDependency, notePath, pathExists, type Dependency } from '../project/dependencies.js';

type AnyNode = Node & Record<string, any>;

/** What a secret literal or a fallback becomes: the generated config's typed setting, or the env var. */
export type Replacement =
  | { kind: 'settings'; envName: string; key: string; importPath: string }
  | { kind: 'env'; envName: string };

const isTypeScript = (file: string) => /\.[cm]?tsx?$/.test(file);

/** Per process; with the stamp each file had when read, noted again whenever the memo answers. */
const configTexts = new Map<string, { text: string | undefined; stamp: Dependency }>();

function readConfig(path: string): string | undefined {
  const known = configTexts.get(path);
  if (known) {
    noteDependency(known.stamp);
    return known.text;
  }
  const stamp = notePath(path);
  const text = stamp.size === -1 ? undefined : readFileSync(path, 'utf8');
  configTexts.set(path, { text, stamp });
  return text;
}

/**
 * The key of `settings` that the generated config module reads from env var `envName`, if it defines one.
 * The generated module maps each key to its variables (`jwtSecret: { from: ['JWT_SECRET'], read: ... }`);
 * a hand-written one may map it directly (`jwtSecret: env.JWT_SECRET`). `text` is the module's staged text
 * when `secure fix` creates it in the same run.
 */
export function settingsKeyFor(
  configModule: string,
  envName: string,
  text = readConfig(configModule),
): string | undefined {
  if (!text) return undefined;
  const escaped = envName.replace(/[^A-Za-z0-9_]/g, '');
  const declared = new RegExp(
    `\\b([A-Za-z_$][\\w$]*)\\s*:\\s*\\{\\s*from\\s*:\\s*\\[\\s*['"]${escaped}['"]\\s*\\]`,
  ).exec(text);
  if (declared) return declared[1];
  const mapped = new RegExp(
    `\\b([A-Za-z_$][\\w$]*)\\s*:\\s*[^,\\n]*?\\b[A-Za-z_$][\\w$]*\\s*(?:\\.\\s*${escaped}\\b|\\[\\s*['"]${escaped}['"]\\s*\\])`,
  ).exec(text);
  // `read: (values) => values.JWT_SECRET` names how a field is read, not a setting.
  if (mapped && mapped[1] !== escaped && isSettingsKey(text, mapped[1])) return mapped[1];
  const key = camelKeyFor(envName);
  return new RegExp(`\\b${key}\\s*[:?]`).test(text) ? key : undefined;
}

/** A key the module's `Settings` type declares; without such a type, any key is taken. */
function isSettingsKey(text: string, key: string): boolean {
  const settingsType = /\binterface\s+Settings\s*\{([^}]*)\}/.exec(text);
  return !settingsType || new RegExp(`^\\s*(?:readonly\\s+)?${key}\\??\\s*:`, 'm').test(settingsType[1]);
}

/** Per process; with the tsconfig's stamp, noted again whenever the memo answers. */
const strictness = new Map<string, { strict: boolean; stamp: Dependency }>();

/**
 * Whether `string | undefined` (the type of `process.env.X`) would break a `string` consumer: the
 * nearest tsconfig has strictNullChecks. Without a tsconfig, tsc's defaults are not strict.
 */
export function hasStrictNullChecks(file: string, root: string): boolean {
  let dir = dirname(file);
  const top = resolve(root);
  for (;;) {
    const candidate = join(dir, 'tsconfig.json');
    if (pathExists(candidate)) return tsconfigIsStrict(candidate);
    if (resolve(dir) === top || dirname(dir) === dir || !resolve(dir).startsWith(top + sep)) return false;
    dir = dirname(dir);
  }
}

function tsconfigIsStrict(path: string): boolean {
  const cached = strictness.get(path);
  if (cached) {
    noteDependency(cached.stamp);
    return cached.strict;
  }
  // A base config it extends is read by ts below, unnoted: editing only that base is not seen by the cache.
  const stamp = notePath(path);
  let strict = true; // unreadable or odd: assume the strict case, which only makes fixes rarer
  try {
    const { ts } = createRequire(import.meta.url)('ts-morph') as typeof import('ts-morph');
    const read = ts.readConfigFile(path, ts.sys.readFile);
    if (!read.error) {
      const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, dirname(path));
      // A solution-style tsconfig (`references` only) keeps its options in the referenced configs: assume strict.
      const solution = Array.isArray(read.config?.references) && read.config.references.length > 0;
      strict = parsed.options.strictNullChecks ?? parsed.options.strict ?? solution;
    }
  } catch {
    strict = true;
  }
  strictness.set(path, { strict, stamp });
  return strict;
}

function importPathTo(file: string, configModule: string): string {
  let path = relative(dirname(file), configModule).split(sep).join('/');
  path = path
    .replace(/\.mts$/, '.mjs')
    .replace(/\.cts$/, '.cjs')
    .replace(/\.tsx?$/, '.js');
  return path.startsWith('.') ? path : `./${path}`;
}

/** `settings` is free to import when nothing else in the file binds that name. */
function settingsNameFree(ancestors: readonly Node[], importPath: string): boolean {
  const program = programOf(ancestors);
  const bound = program ? moduleBindings(program).get('settings') : undefined;
  if (bound) return bound.source === importPath && bound.imported === 'settings';
  return findBinding('settings', ancestors) === undefined;
}

/**
 * Decides how a secret becomes a lookup at this place, or why it cannot be done safely. `process.env.X` is
 * `string | undefined`; under strictNullChecks it would break a `string` consumer, so there only the
 * typed setting of the generated config module is used.
 */
export function planReplacement(
  envName: string,
  file: string,
  project: ProjectInfo,
  ancestors: readonly Node[],
  /** True when `string | undefined` is fine where the lookup goes (inside a template literal). */
  undefinedIsFine = false,
): { replacement: Replacement } | { reason: string } {
  const configModule = project.configModule;
  if (configModule && resolve(configModule) !== resolve(file)) {
    const key = settingsKeyFor(configModule, envName, project.configModuleText ?? readConfig(configModule));
    const importPath = importPathTo(file, configModule);
    const program = programOf(ancestors);
    const anchored = program ? importAnchor(program.body, file, project.moduleSystem) >= 0 : false;
    if (key && anchored && settingsNameFree(ancestors, importPath))
      return { replacement: { kind: 'settings', envName, key, importPath } };
  }
  if (!undefinedIsFine && isTypeScript(file) && hasStrictNullChecks(file, project.root))
    return {
      reason:
        `process.env.${envName} is string | undefined under strictNullChecks; add ${envName} to your config ` +
        `module (\`secure add config\`) or read and check it by hand`,
    };
  return { replacement: { kind: 'env', envName } };
}

function isRequireStatement(statement: AnyNode): boolean {
  return (
    statement.type === 'VariableDeclaration' &&
    statement.declarations.some(
      (declarator: AnyNode) =>
        declarator.init?.type === 'CallExpression' &&
        declarator.init.callee.type === 'Identifier' &&
        declarator.init.callee.name === 'require',
    )
  );
}

/**
 * The top-level statement after which `settings` is imported: the last import, or in a CommonJS file the
 * last `require`. Without one, the import would have to go above the file's leading comments; not done.
 */
function importAnchor(body: readonly AnyNode[], file: string, moduleSystem: 'esm' | 'cjs'): number {
  const lastImport = body.map((statement) => statement.type).lastIndexOf('ImportDeclaration');
  if (lastImport >= 0) return lastImport;
  const commonJs = /\.cjs$/.test(file) || (moduleSystem === 'cjs' && !isTypeScript(file));
  if (!commonJs) return -1;
  return body.map(isRequireStatement).lastIndexOf(true);
}

/** Adds `import { settings } from '<path>'` (or the require form in CommonJS files) once, after the anchor. */
function ensureSettingsImport(api: FixApi, importPath: string): void {
  const { j, root } = api;
  const body = (root.find(j.Program).paths()[0].node as AnyNode).body as AnyNode[];
  const already = body.some(
    (statement) =>
      (statement.type === 'ImportDeclaration' &&
        statement.source.value === importPath &&
        (statement.specifiers ?? []).some((s: AnyNode) => s.local?.name === 'settings')) ||
      (isRequireStatement(statement) &&
        j(statement as any)
          .toSource()
          .includes(`'${importPath}'`)),
  );
  if (already) return;
  const anchor = importAnchor(body, api.file, api.project.moduleSystem);
  const code =
    body[anchor].type === 'ImportDeclaration'
      ? `import { settings } from '${importPath}';`
      : `const { settings } = require('${importPath}');`;
  const [statement] = (j(code).find(j.Program).paths()[0].node as AnyNode).body as AnyNode[];
  body.splice(anchor + 1, 0, statement);
}

/** The expression that reads the secret: `settings.jwtSecret` or `process.env.JWT_SECRET`. */
export function lookupExpression(api: FixApi, replacement: Replacement): AnyNode {
  const { j } = api;
  if (replacement.kind === 'settings') {
    ensureSettingsImport(api, replacement.importPath);
    return j.memberExpression(j.identifier('settings'), j.identifier(replacement.key)) as unknown as AnyNode;
  }
  return j.memberExpression(
    j.memberExpression(j.identifier('process'), j.identifier('env')),
    j.identifier(replacement.envName),
  ) as unknown as AnyNode;
}

export function rotateNote(
  file: string,
  project: ProjectInfo,
  line: number,
  envName: string,
  what = 'secret',
): string {
  const where = `${relative(project.root, file).split(sep).join('/')}:${line}`;
  return `${where}: a hard-coded ${what} was moved to ${envName}; rotate it, the old value stays in git history`;
}
