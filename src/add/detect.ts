import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ts } from 'ts-morph';
import { SecureError } from '../errors.js';
import { findApp } from '../engine/wiring/find-app.js';
import { openSource } from '../engine/wiring/wire.js';
import type { Framework, WiringKey } from '../engine/wiring/types.js';

/** What `secure add` learned about the user's project before changing anything. */
export interface ProjectLayout {
  root: string;
  framework: Framework;
  /** The framework's major: the installed one (node_modules), else the lowest package.json's range allows. */
  frameworkMajor?: number;
  /** From package.json `type`: `module` is ESM, anything else CommonJS. */
  moduleSystem: 'esm' | 'cjs';
  /** Whether the project is TypeScript (a tsconfig.json at the root). */
  typescript: boolean;
  /** The source folder relative to the root, with `/` (`src`, or `.` for a flat project). */
  srcDir: string;
  /** The file creating the app, relative to the root with `/`. */
  entry: string;
  /** The app's variable in the entry (`app`, `server`, `fastify`). */
  appName: string;
  packageName: string;
  /**
   * How the project ends a relative import: `.js` (ESM, where Node needs it), nothing (CommonJS, where
   * ts-node and require resolve `./x` and may fail on a `.js` that names a `.ts` file), or `.ts` (TypeScript
   * that Node runs by stripping types: `./x.js` does not exist there).
   */
  importSuffix: '.js' | '' | '.ts';
  ws: 'socket.io' | 'ws' | 'none';
  redis: boolean;
  /**
   * A framework `secure add` does not wire into (Koa, Hapi, NestJS on Fastify...): only modules without wiring
   * are added, `framework` then only picks templates (they are the same for both), and `entry`/`appName` are
   * empty.
   */
  otherFramework?: string;
  /** Why the modules that wire into the app are refused here: what was found, where, and what is still possible. */
  unwiredReason?: string;
  /**
   * A NestJS app on its Express adapter: `framework` is `express` (the middleware is Express middleware, handed
   * over by `app.use`), the entry creates the app with `NestFactory.create`, and wiring uses the `nest` steps.
   */
  nest?: NestProject;
}

export interface NestProject {
  /** The installed @nestjs/core version, else the range package.json gives. */
  version: string;
  major?: number;
}

interface PackageJson {
  name?: string;
  type?: string;
  main?: string;
  scripts?: Record<string, string>;
  engines?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const sourceExtensions = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];
const skippedFolders = new Set([
  'node_modules',
  'dist',
  'build',
  'coverage',
  'test',
  'tests',
  '__tests__',
  '.git',
]);
const conventionalEntries = ['app', 'server', 'index', 'main'];
const maxScannedFiles = 400;

export function toPosix(path: string): string {
  return path.split(sep).join('/');
}

export function readPackageJson(root: string): PackageJson {
  const file = join(root, 'package.json');
  if (!existsSync(file))
    throw new SecureError('NOT_FOUND', `no package.json in ${root}`, {
      hint: 'Run `secure add` at the root of a Node project (the folder with package.json).',
    });
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
  } catch (error) {
    throw new SecureError('CONFIG_INVALID', `package.json: ${(error as Error).message}`, {
      hint: 'Fix the JSON in package.json, then run `secure add` again.',
    });
  }
}

function dependencyRange(pkg: PackageJson, name: string): string | undefined {
  return pkg.dependencies?.[name] ?? pkg.devDependencies?.[name];
}

export function majorOf(version: string | undefined): number | undefined {
  const digits = version?.match(/\d+/)?.[0];
  return digits === undefined ? undefined : Number(digits);
}

/** The version npm installed (node_modules), else the lowest version the package.json range allows. */
export function installedVersion(root: string, name: string): string | undefined {
  try {
    const manifest = createRequire(join(root, 'package.json')).resolve(`${name}/package.json`);
    const version = (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version;
    if (version) return version;
  } catch {
    // Not installed (or its package.json not exported): the declared range says the rest.
  }
  const pkg = readPackageJson(root);
  const range = pkg.dependencies?.[name] ?? pkg.devDependencies?.[name] ?? pkg.peerDependencies?.[name];
  return range?.match(/\d+(\.\d+){0,2}/)?.[0];
}

function readTsconfigRootDir(root: string): string | undefined {
  const file = join(root, 'tsconfig.json');
  if (!existsSync(file)) return undefined;
  // tsconfig allows comments and trailing commas: read it the way the compiler does.
  const { config } = ts.parseConfigFileTextToJson(file, readFileSync(file, 'utf8'));
  const rootDir = config?.compilerOptions?.rootDir;
  return typeof rootDir === 'string' ? rootDir : undefined;
}

/** Source files a user would call the app: scanned breadth-first, conventional folders first. */
export function candidateFiles(root: string): string[] {
  const starts = ['src', 'app', 'server', 'lib', '.']
    .map((dir) => join(root, dir))
    .filter((dir) => existsSync(dir));
  // The root itself is read for its own files only: its other folders are rarely where the app is made.
  return sourceFilesBreadthFirst(root, starts, maxScannedFiles, false);
}

/** Every source file of the project (not its dependencies, build output or tests), for looking around. */
export function projectSourceFiles(root: string, limit = 3000): string[] {
  return sourceFilesBreadthFirst(root, [root], limit, true);
}

function sourceFilesBreadthFirst(
  root: string,
  starts: string[],
  limit: number,
  intoRootFolders: boolean,
): string[] {
  const files: string[] = [];
  const queue = [...starts];
  const seen = new Set<string>();
  while (queue.length > 0 && files.length < limit) {
    const dir = queue.shift()!;
    if (seen.has(dir)) continue;
    seen.add(dir);
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (
          !skippedFolders.has(entry.name) &&
          !entry.name.startsWith('.') &&
          (intoRootFolders || dir !== root)
        )
          queue.push(path);
      } else if (
        sourceExtensions.some((extension) => entry.name.endsWith(extension)) &&
        !entry.name.endsWith('.d.ts') &&
        !/\.(test|spec)\.[cm]?[jt]s$/.test(entry.name)
      )
        files.push(path);
    }
  }
  return files;
}

/** Files named in package.json (main, start/dev scripts), mapped from dist/ back to the source. */
function namedEntries(root: string, pkg: PackageJson): string[] {
  const words = [pkg.main ?? '', pkg.scripts?.start ?? '', pkg.scripts?.dev ?? '']
    .join(' ')
    .split(/\s+/)
    .filter((word) => /\.[cm]?[jt]s$/.test(word));
  const named: string[] = [];
  for (const word of words) {
    // Handles: "start": "node dist/server.js" -> src/server.ts (the build output is never the entry).
    const variants = [word.replace(/^(\.\/)?(dist|build|out)\//, 'src/')].filter(
      (variant) => !variant.split('/').some((segment) => skippedFolders.has(segment)),
    );
    for (const variant of variants)
      for (const extension of sourceExtensions) {
        const file = resolve(root, variant.replace(/\.[cm]?[jt]s$/, extension));
        if (existsSync(file)) named.push(file);
      }
  }
  return named;
}

function rank(root: string, file: string, named: string[]): number {
  const base = file.slice(dirname(file).length + 1).replace(/\.[cm]?[jt]s$/, '');
  let score = named.includes(file) ? 0 : 10;
  const conventional = conventionalEntries.indexOf(base);
  score += conventional === -1 ? 5 : conventional;
  return score * 100 + relative(root, file).split(sep).length;
}

function createsApp(file: string, root: string, framework: Framework, marker: string): string | undefined {
  const text = readFileSync(file, 'utf8');
  if (!text.includes(marker)) return undefined;
  return findApp(openSource(toPosix(relative(root, file)), text.replace(/^\uFEFF/, '')), framework)?.name;
}

/** Frameworks `secure add` cannot wire into, by the package that gives them away. */
const unsupportedFrameworks: [string, string][] = [
  ['routing-controllers', 'routing-controllers'],
  ['koa', 'Koa'],
  ['@hapi/hapi', 'Hapi'],
  ['hapi', 'Hapi'],
  ['@adonisjs/core', 'AdonisJS'],
  ['@feathersjs/feathers', 'Feathers'],
  ['restify', 'Restify'],
  ['hono', 'Hono'],
];

/** The modules that add files without wiring them into the app: usable whatever the framework. */
export const unwiredModules = ['config', 'password', 'validation', 'docker'];

/** The wiring declarations that apply to this project: its framework's, or NestJS's. */
export function wiringKeyOf(project: Pick<ProjectLayout, 'framework' | 'nest'>): WiringKey {
  return project.nest ? 'nest' : project.framework;
}

/** `Koa 2 (koa) in src/app.ts`: the framework, its installed major, the package and the first file using it. */
function describeFound(root: string, pkg: PackageJson, name: string, label: string): string {
  const major = majorOf(installedVersion(root, name) ?? dependencyRange(pkg, name));
  const quoted = new RegExp(`(?:from\\s*|require\\(\\s*)['"]${name.replace('/', '\\/')}['"]`);
  const file = candidateFiles(root).find((each) => quoted.test(readFileSync(each, 'utf8')));
  const where = file ? ` in ${toPosix(relative(root, file))}` : ' in package.json';
  return `${label}${major === undefined ? '' : ` ${major}`} (${name})${where}`;
}

/**
 * A framework `secure add` does not wire into, named with where it was found and what can still be added; a
 * NestJS app on Fastify is one (its plugins would have to match the Fastify Nest bundles, which we do not pin).
 */
function unwiredFramework(root: string, pkg: PackageJson): { label: string; reason: string } | undefined {
  const can = `here \`secure add\` can still add ${unwiredModules.join(', ')}`;
  if (dependencyRange(pkg, '@nestjs/core') && dependencyRange(pkg, '@nestjs/platform-fastify'))
    return {
      label: 'NestJS on Fastify',
      reason: `${describeFound(root, pkg, '@nestjs/core', 'NestJS')} runs on @nestjs/platform-fastify: \`secure add\` wires NestJS on @nestjs/platform-express only; ${can}, then register @fastify/helmet, @fastify/cors and @fastify/rate-limit yourself with app.register`,
    };
  if (dependencyRange(pkg, '@nestjs/core')) return undefined;
  const found = unsupportedFrameworks.find(([name]) => dependencyRange(pkg, name));
  if (!found) return undefined;
  const [name, label] = found;
  return {
    label,
    reason: `${describeFound(root, pkg, name, label)}: \`secure add\` wires its middleware into Express, Fastify and NestJS apps only; ${can}, then register the security middleware the way ${label} does`,
  };
}

function detectFramework(root: string, pkg: PackageJson): Framework {
  // NestJS depends on Express through @nestjs/platform-express, which is often not listed itself.
  if (dependencyRange(pkg, '@nestjs/core')) return 'express';
  if (dependencyRange(pkg, 'fastify')) return 'fastify';
  if (dependencyRange(pkg, 'express')) return 'express';
  throw new SecureError(
    'NOT_FOUND',
    `package.json in ${root} depends on none of express, fastify and @nestjs/core`,
    {
      hint: '`secure add` wires modules into an Express, Fastify or NestJS app; run it in the package that creates the app.',
    },
  );
}

function sourceDirOf(root: string, entry: string): string {
  const rootDir = readTsconfigRootDir(root);
  const relativeEntry = toPosix(relative(root, entry));
  if (rootDir) {
    const normalized = toPosix(rootDir).replace(/^\.\//, '').replace(/\/$/, '') || '.';
    // rootDir "." (common when tests compile too) says nothing about where the sources live.
    if (normalized !== '.' && relativeEntry.startsWith(`${normalized}/`)) return normalized;
  }
  if (relativeEntry.startsWith('src/')) return 'src';
  return toPosix(relative(root, dirname(entry))) || '.';
}

/** Reads package.json and the code: framework, module system, source folder and the file creating the app. */
export function detectProject(root: string, options: { entry?: string } = {}): ProjectLayout {
  const pkg = readPackageJson(root);
  const other = unwiredFramework(root, pkg);
  if (other) return unwiredLayout(root, pkg, other.label, other.reason);
  const framework = detectFramework(root, pkg);
  const nestRange = dependencyRange(pkg, '@nestjs/core');
  const nestVersion =
    nestRange === undefined ? undefined : (installedVersion(root, '@nestjs/core') ?? nestRange);
  const nest = nestVersion === undefined ? undefined : { version: nestVersion, major: majorOf(nestVersion) };
  const factory = nest
    ? '`NestFactory.create(...)`'
    : framework === 'express'
      ? '`express()`'
      : '`fastify()` / `Fastify()`';
  const marker = nest ? 'NestFactory' : framework;
  const appKind = nest ? 'NestJS' : framework;

  let entry: string | undefined;
  let appName: string | undefined;
  if (options.entry) {
    entry = isAbsolute(options.entry) ? options.entry : resolve(root, options.entry);
    if (!existsSync(entry) || !statSync(entry).isFile())
      throw new SecureError('NOT_FOUND', `--entry ${options.entry}: no such file`, {
        hint: `Pass the file that calls ${factory}, relative to ${root}.`,
      });
    appName = createsApp(entry, root, framework, marker);
    if (!appName)
      throw new SecureError(
        'NOT_FOUND',
        `--entry ${options.entry}: this file does not create the ${appKind} app`,
        {
          hint: `Looked for a variable assigned ${factory} with ${nest ? 'NestFactory' : framework} imported in that file.`,
        },
      );
  } else {
    const named = namedEntries(root, pkg);
    const files = [...new Set([...named, ...candidateFiles(root)])].sort(
      (a, b) => rank(root, a, named) - rank(root, b, named),
    );
    for (const file of files) {
      appName = createsApp(file, root, framework, marker);
      if (appName) {
        entry = file;
        break;
      }
    }
    if (!entry || !appName)
      throw new SecureError(
        'NOT_FOUND',
        `no file creating the ${appKind} app found: looked for ${factory} assigned to a variable in package.json's main and start/dev scripts and in ${files.length} source files under ${root}`,
        { hint: 'Pass the file with --entry FILE.' },
      );
  }

  const tsconfig = existsSync(join(root, 'tsconfig.json'));
  return {
    root,
    framework,
    frameworkMajor: majorOf(installedVersion(root, framework)),
    moduleSystem: pkg.type === 'module' ? 'esm' : 'cjs',
    typescript: tsconfig,
    srcDir: sourceDirOf(root, entry),
    entry: toPosix(relative(root, entry)),
    appName,
    packageName: pkg.name ?? 'app',
    importSuffix: importSuffixOf(pkg, readFileSync(entry, 'utf8'), tsconfig),
    ws: dependencyRange(pkg, 'socket.io') ? 'socket.io' : dependencyRange(pkg, 'ws') ? 'ws' : 'none',
    redis: Boolean(dependencyRange(pkg, 'ioredis') ?? dependencyRange(pkg, 'redis')),
    ...(nest ? { nest } : {}),
  };
}

/**
 * ESM writes `.js` and CommonJS as its entry does (most write `./routes`, some `./routes.js`); TypeScript that
 * Node runs by stripping types writes `.ts`, and gets it.
 * Without a relative import to go by, TypeScript gets none (ts-node) and JavaScript `.js` (require finds it).
 */
function importSuffixOf(pkg: PackageJson, entryText: string, typescript: boolean): '.js' | '' | '.ts' {
  const relative = [
    ...entryText.matchAll(/(?:from\s*|require\(\s*|import\(\s*)['"](\.{1,2}\/[^'"]*)['"]/g),
  ].map((match) => match[1]);
  // Handles: `import router from './router.ts'` (Node 22.6+ strips the types and loads the file as named).
  const tsSuffixed = relative.filter((specifier) => /\.[cm]?ts$/.test(specifier)).length;
  if (typescript && tsSuffixed * 2 > relative.length) return '.ts';
  if (pkg.type === 'module') return '.js';
  const suffixed = relative.filter((specifier) => /\.[cm]?js$/.test(specifier)).length;
  if (relative.length === 0) return typescript ? '' : '.js';
  return suffixed * 2 > relative.length ? '.js' : '';
}

/** A project whose framework `secure add` does not wire into: what the unwired modules need to render. */
function unwiredLayout(
  root: string,
  pkg: PackageJson,
  otherFramework: string,
  unwiredReason: string,
): ProjectLayout {
  const typescript = existsSync(join(root, 'tsconfig.json'));
  const rootDir = readTsconfigRootDir(root);
  const srcDir = rootDir
    ? toPosix(rootDir).replace(/^\.\//, '').replace(/\/$/, '') || '.'
    : existsSync(join(root, 'src'))
      ? 'src'
      : '.';
  return {
    root,
    framework: dependencyRange(pkg, 'fastify') ? 'fastify' : 'express',
    moduleSystem: pkg.type === 'module' ? 'esm' : 'cjs',
    typescript,
    srcDir,
    entry: '',
    appName: '',
    packageName: pkg.name ?? 'app',
    importSuffix: pkg.type === 'module' ? '.js' : '',
    ws: dependencyRange(pkg, 'socket.io') ? 'socket.io' : dependencyRange(pkg, 'ws') ? 'ws' : 'none',
    redis: Boolean(dependencyRange(pkg, 'ioredis') ?? dependencyRange(pkg, 'redis')),
    otherFramework,
    unwiredReason,
  };
}
