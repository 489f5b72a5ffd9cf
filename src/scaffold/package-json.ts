import type { GeneratorDeclaration, TemplateContext } from '../engine/generator.js';
import { versions, type PackageName } from '../../generators/versions.js';

/** Packages whose install scripts npm 11 must run (native bindings); listed in the app's `allowScripts`. */
const packagesWithInstallScripts: readonly string[] = ['better-sqlite3', 'bcrypt', 'esbuild'];

function pinned(names: readonly string[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const name of [...new Set(names)].sort()) {
    const version = versions[name as PackageName];
    if (version === undefined)
      throw new Error(`internal: no pinned version for "${name}" in generators/versions.ts`);
    result[name] = version;
  }
  return result;
}

/** Runtime and development dependencies the given generators declare for this context, pinned. */
export function dependenciesOf(generators: readonly GeneratorDeclaration[], context: TemplateContext) {
  return {
    dependencies: pinned(generators.flatMap((generator) => generator.dependencies?.(context) ?? [])),
    devDependencies: pinned(generators.flatMap((generator) => generator.devDependencies?.(context) ?? [])),
  };
}

/** The scaffolded app's package.json: data, so it is built here rather than from a template. */
export function createPackageJson(
  generators: readonly GeneratorDeclaration[],
  context: TemplateContext,
): string {
  const { dependencies, devDependencies } = dependenciesOf(generators, context);
  const allowScripts = Object.fromEntries(
    packagesWithInstallScripts
      .filter((name) => name in dependencies || name in devDependencies || name === 'esbuild')
      .map((name) => [name, true]),
  );
  const manifest = {
    name: context.appName,
    version: '0.1.0',
    private: true,
    type: 'module',
    engines: { node: '>=20.19' },
    scripts: {
      dev: 'tsx watch src/server.ts',
      build: 'tsc -p tsconfig.build.json',
      start: 'node dist/server.js',
      test: 'vitest run',
      typecheck: 'tsc -p tsconfig.json',
    },
    allowScripts,
    dependencies,
    devDependencies,
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
