import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProjectFacts } from '../engine/generator.js';
import {
  installedVersion,
  majorOf,
  projectSourceFiles,
  readPackageJson,
  type ProjectLayout,
} from './detect.js';
import { readManifest } from './manifest-store.js';
import { setsUpThrottler } from './nest/throttler.js';
import { routeMethodsOf } from './route-methods.js';

export { routeMethodsOf };

/** Packages a generated module meets in a project: their installed versions go to the templates. */
export const metPackages = [
  'express',
  'fastify',
  'helmet',
  'cors',
  'express-rate-limit',
  'rate-limiter-flexible',
  '@fastify/cors',
  '@fastify/helmet',
  '@fastify/rate-limit',
  '@fastify/jwt',
  '@fastify/static',
  '@fastify/view',
  '@nestjs/throttler',
  'fastify-plugin',
  'bcrypt',
  'bcryptjs',
  'argon2',
  'express-jwt',
  'passport-jwt',
  'jsonwebtoken',
  'jose',
  'prettier',
  'zod',
  'pino',
  'typescript',
  '@types/node',
  '@types/express',
  // Jest before 27 cannot resolve require('node:net'): the rate limiter is pinned to a major without it.
  'jest',
] as const;

/** Packages that render HTML pages: a project using one is a server-rendered app, not only an API. */
const viewPackages = [
  'ejs',
  'pug',
  'jade',
  'hbs',
  'handlebars',
  'express-handlebars',
  'nunjucks',
  'mustache-express',
  'express-ejs-layouts',
  'eta',
  '@fastify/view',
  'point-of-view',
  '@fastify/static',
  'serve-static',
];

/** The Node major the generated code targets when the project says nothing (the oldest our pins support). */
export const defaultNodeMajor = 20;

export { nodeProtocolSinceMajor } from '../engine/module-facts.js';

/** `>=18`, `^18 || ^20`, `18.x`: the lowest major of each alternative, the lowest of those. */
function lowestMajorOfRange(range: string): number | undefined {
  const majors = range
    .split('||')
    .map((alternative) => alternative.match(/\d+/)?.[0])
    .filter((digits): digits is string => digits !== undefined)
    .map(Number);
  return majors.length === 0 ? undefined : Math.min(...majors);
}

function readIfExists(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

/** Every Node major the project says it runs on: engines, @types/node, .nvmrc/.node-version, Dockerfile FROM. */
export function targetNodeMajors(root: string): number[] {
  const pkg = readPackageJson(root);
  const majors: (number | undefined)[] = [];
  if (pkg.engines?.node) majors.push(lowestMajorOfRange(pkg.engines.node));
  majors.push(majorOf(installedVersion(root, '@types/node')));
  for (const file of ['.nvmrc', '.node-version']) {
    // Handles: `v18.17.0`, `18`; an alias (`lts/*`, `node`) names no major.
    const text = readIfExists(join(root, file))?.trim();
    if (text && /^v?\d/.test(text)) majors.push(majorOf(text));
  }
  const dockerfile = readIfExists(join(root, 'Dockerfile'));
  // Handles: FROM node:18-alpine AS build, FROM --platform=linux/amd64 node:20.11.1-slim
  for (const match of dockerfile?.matchAll(/^\s*FROM\s+(?:--\S+\s+)*(?:\S+\/)?node:v?(\d+)/gim) ?? [])
    majors.push(Number(match[1]));
  return majors.filter((major): major is number => major !== undefined && major > 0);
}

const renderedPages =
  /\.set\(\s*['"]view engine['"]|express\.static\(|\bres\.render\(|\breply\.view\(|serveStatic\(/;

/** A view engine, a static folder or a rendered page anywhere in the sources or the dependencies. */
export function rendersHtml(dependencies: readonly string[], texts: readonly string[]): boolean {
  return (
    dependencies.some((name) => viewPackages.includes(name)) || texts.some((text) => renderedPages.test(text))
  );
}

/** `process.env.MONGODB_URI`, `process.env['DATABASE_URL']`, `const { MONGO_URL } = process.env`. */
const environmentRead = /\bprocess\.env(?:\.([A-Z_][A-Z0-9_]*)|\[\s*['"]([A-Z_][A-Z0-9_]*)['"]\s*\])/g;
const destructuredEnvironment = /\{([^}]*)\}\s*=\s*process\.env\b/g;
const databaseVariableName =
  /^(?:[A-Z0-9_]*_)?(?:MONGO(?:DB)?|DATABASE|DB|POSTGRES(?:QL)?|PG|MYSQL)_?(?:URL|URI)(?:_[A-Z0-9_]*)?$/;
const testVariable = /(?:^|_)TESTS?(?:_|$)/;

/**
 * The variable holding the database connection string the app reads, the one read most often (a test
 * database's variable only when nothing else is read): the config module validates it instead of a
 * DATABASE_URL the app never reads.
 */
/** The project's manifest records files of the scaffold-only `app` generator: create-secure-app made it. */
function madeByScaffolder(root: string): boolean {
  const manifest = readManifest(root);
  return Object.values(manifest.files).some((entry) => entry.generator === 'app');
}

export function databaseVariableOf(texts: readonly string[]): string | undefined {
  const counts = new Map<string, number>();
  const count = (name: string) => {
    if (databaseVariableName.test(name)) counts.set(name, (counts.get(name) ?? 0) + 1);
  };
  for (const text of texts) {
    for (const match of text.matchAll(environmentRead)) count(match[1] ?? match[2]);
    for (const match of text.matchAll(destructuredEnvironment))
      for (const name of match[1].split(',')) count(name.split(':')[0].trim());
  }
  const ranked = [...counts].sort(
    ([nameA, countA], [nameB, countB]) =>
      Number(testVariable.test(nameA)) - Number(testVariable.test(nameB)) || countB - countA,
  );
  return ranked[0]?.[0];
}

/** What the templates need to know about the project to render code that fits it. */
export function projectFacts(project: ProjectLayout): ProjectFacts {
  const { root } = project;
  const pkg = readPackageJson(root);
  const texts = projectSourceFiles(root).map((file) => readFileSync(file, 'utf8'));
  const installed: Record<string, string> = {};
  for (const name of metPackages) {
    const version = installedVersion(root, name);
    if (version) installed[name] = version;
  }
  const frameworkMajor = majorOf(installed[project.framework]);
  const known = (major: number | undefined) => (major === 4 || major === 5 ? major : undefined);
  const nodeMajors = targetNodeMajors(root);
  return {
    ...(project.framework === 'express' ? { expressMajor: known(frameworkMajor) } : {}),
    ...(project.framework === 'fastify' ? { fastifyMajor: known(frameworkMajor) } : {}),
    nodeMajor: nodeMajors.length === 0 ? defaultNodeMajor : Math.min(...nodeMajors),
    language: project.typescript ? 'ts' : 'js',
    html: rendersHtml(Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }), texts),
    routeMethods: routeMethodsOf(texts),
    ...(madeByScaffolder(root) ? { scaffolded: true } : { databaseVariable: databaseVariableOf(texts) }),
    installed,
    ...(project.nest ? { nest: true } : {}),
    // Its own ThrottlerModule is reconfigured in place (nest/throttler.ts) instead of adding a second limiter.
    ...(setsUpThrottler(project) ? { nestThrottler: true } : {}),
  };
}
