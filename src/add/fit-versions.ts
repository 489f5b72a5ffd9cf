import type { ProjectFacts } from '../engine/generator.js';

/**
 * The pins and the oldest working majors live once, in generators/versions.ts (versionsFor, upgradesFor):
 * this decides what `secure add` does with a package installed below what a module needs. It is refused,
 * unless the user asked for the upgrade.
 */

/** A package the project has installed too old for the generated code (upgradesFor's answer). */
export interface TooOld {
  name: string;
  installed: string;
  to: string;
  minimum: number;
  reason: string;
}

export interface VersionFit {
  /** Packages to move to our pinned version in package.json (only with --upgrade). */
  upgrades: Record<string, string>;
  /** A module's refusal: the package, what is installed, what it needs. */
  refusal?: string;
  notes: string[];
}

/**
 * Fits one module's dependencies to the project: each of `dependencies` installed too old (`tooOld`) is
 * upgraded with `upgrade` and refuses the module otherwise.
 */
export function fitVersions(
  dependencies: readonly string[],
  tooOld: readonly TooOld[],
  upgrade: boolean,
): VersionFit {
  const fit: VersionFit = { upgrades: {}, notes: [] };
  for (const old of tooOld) {
    if (!dependencies.includes(old.name)) continue;
    if (upgrade) {
      fit.upgrades[old.name] = old.to;
      fit.notes.push(
        `upgraded ${old.name} ${old.installed} -> ${old.to} in package.json (--upgrade); run npm install`,
      );
    } else
      fit.refusal = `${old.name} ${old.installed} is installed and ${old.reason}: pass --upgrade to move it to ${old.to}, or keep yours`;
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
