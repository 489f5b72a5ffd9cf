import type { ProjectFacts } from '../engine/generator.js';
import { majorOf } from './detect.js';

/**
 * The generated code is written for our pinned versions (generators/versions.ts). An existing project may
 * run an older framework or have an older copy of a package the module uses: either the module gets the
 * newest release line that fits (Fastify 4 plugins), or it is refused unless the user asks for the upgrade.
 */

/** The last release line of each Fastify plugin that runs on Fastify 4 (v5 majors need Fastify 5). */
export const fastify4Versions: Readonly<Record<string, string>> = {
  '@fastify/cors': '9.0.1',
  '@fastify/helmet': '11.1.1',
  '@fastify/rate-limit': '9.1.0',
  'fastify-plugin': '4.5.1',
};

/**
 * The last release line with a CommonJS build, for a CommonJS project: jose 6 is ESM only, which TypeScript
 * refuses to import from a CommonJS file (TS1479) and Node before 20.19 cannot require.
 */
export const commonJsVersions: Readonly<Record<string, string>> = {
  jose: '5.9.5',
};

/** The oldest major of a package whose API the generated code calls (an older one lacks an export or option). */
const oldestWorkingMajor: Readonly<Record<string, number>> = {
  helmet: 7,
  'express-rate-limit': 7,
  '@fastify/cors': 9,
  '@fastify/helmet': 11,
  '@fastify/rate-limit': 9,
  'fastify-plugin': 4,
};

/** On Fastify 5 the plugins' Fastify 4 lines refuse to load (FST_ERR_PLUGIN_VERSION_MISMATCH). */
const oldestOnFastify5: Readonly<Record<string, number>> = {
  '@fastify/cors': 10,
  '@fastify/helmet': 12,
  '@fastify/rate-limit': 10,
};

export interface VersionFit {
  /** Pinned versions replaced for this project (Fastify 4's plugin lines). */
  pins: Record<string, string>;
  /** Packages to move to our pinned version in package.json (only with --upgrade). */
  upgrades: Record<string, string>;
  /** A module's refusal: the package, what is installed, what it needs. */
  refusal?: string;
  notes: string[];
}

/**
 * Fits one module's dependencies to the project: `dependencies` are the names the module adds, `pinned`
 * our versions. Fastify 4 gets its plugin lines; a package installed below what the code needs is
 * upgraded with `upgrade`, refused otherwise.
 */
export function fitVersions(
  dependencies: readonly string[],
  pinned: Readonly<Record<string, string>>,
  facts: ProjectFacts,
  upgrade: boolean,
  moduleSystem: 'esm' | 'cjs' = 'esm',
): VersionFit {
  const fit: VersionFit = { pins: {}, upgrades: {}, notes: [] };
  if (moduleSystem === 'cjs')
    for (const name of dependencies) if (commonJsVersions[name]) fit.pins[name] = commonJsVersions[name];
  if (facts.fastifyMajor === 4)
    for (const name of dependencies) if (fastify4Versions[name]) fit.pins[name] = fastify4Versions[name];
  for (const name of dependencies) {
    const theirs = facts.installed[name];
    const oldest =
      (facts.fastifyMajor === 5 ? oldestOnFastify5[name] : undefined) ?? oldestWorkingMajor[name];
    const major = majorOf(theirs);
    if (theirs === undefined || oldest === undefined || major === undefined || major >= oldest) continue;
    const ours = fit.pins[name] ?? pinned[name];
    if (upgrade) {
      fit.upgrades[name] = ours;
      fit.notes.push(`upgraded ${name} ${theirs} -> ${ours} in package.json (--upgrade); run npm install`);
    } else
      fit.refusal = `${name} ${theirs} is installed and the generated code needs ${oldest} or later: pass --upgrade to move it to ${ours}, or keep yours`;
  }
  return fit;
}

/** A framework major the generated modules do not run on: the refusal for every wired module. */
export function unsupportedFrameworkMajor(
  framework: 'express' | 'fastify',
  facts: ProjectFacts,
): string | undefined {
  const major = framework === 'express' ? facts.expressMajor : facts.fastifyMajor;
  const installed = facts.installed[framework];
  if (major !== undefined || installed === undefined) return undefined;
  return `${framework} ${installed} is installed; the modules are written for ${framework} 4 and 5: upgrade ${framework} first`;
}
