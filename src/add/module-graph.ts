import { existsSync, readFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { ts } from 'ts-morph';
import { toPosix } from './detect.js';

/**
 * Which project file an import names, resolved the way the compiler does (relative paths, tsconfig `paths`
 * such as `@/common/x`, index files, extensions), so that a module the entry imports is known by its path.
 */

/** `from './x'`, `require('./x')`, `import('./x')`, `export ... from './x'`: every specifier a file loads. */
const specifierPattern = /(?:\bfrom\s*|\brequire\(\s*|\bimport\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;

export interface ModuleResolver {
  /** The project file (relative to the root, with `/`) `specifier` names from `fromFile`; undefined for packages. */
  resolve(fromFile: string, specifier: string): string | undefined;
  /** The project files `file` loads, directly. */
  importsOf(file: string): string[];
}

export function moduleResolver(root: string): ModuleResolver {
  const tsconfig = join(root, 'tsconfig.json');
  let options: ts.CompilerOptions = { allowJs: true, moduleResolution: ts.ModuleResolutionKind.Node10 };
  if (existsSync(tsconfig)) {
    const { config } = ts.parseConfigFileTextToJson(tsconfig, readFileSync(tsconfig, 'utf8'));
    const parsed = ts.convertCompilerOptionsFromJson(config?.compilerOptions ?? {}, root, tsconfig);
    options = { ...parsed.options, allowJs: true };
  }
  const cache = new Map<string, string | undefined>();
  const resolve = (fromFile: string, specifier: string): string | undefined => {
    const key = `${fromFile}\0${specifier}`;
    if (cache.has(key)) return cache.get(key);
    const { resolvedModule } = ts.resolveModuleName(specifier, join(root, fromFile), options, ts.sys);
    const path = resolvedModule?.resolvedFileName;
    const found =
      path && !resolvedModule.isExternalLibraryImport && !path.includes('/node_modules/')
        ? toPosix(relative(root, path))
        : undefined;
    cache.set(key, found && !found.startsWith('..') ? found : undefined);
    return cache.get(key);
  };
  return {
    resolve,
    importsOf: (file) => {
      const text = readFileSync(join(root, file), 'utf8');
      return [...text.matchAll(specifierPattern)]
        .map((match) => resolve(file, match[1]))
        .filter((path): path is string => path !== undefined);
    },
  };
}

/** Whether `target` is loaded, directly or through other project files, by `from`. */
export function reaches(resolver: ModuleResolver, from: string, target: string, limit = 500): boolean {
  const seen = new Set([posix.normalize(from)]);
  const queue = [posix.normalize(from)];
  while (queue.length > 0 && seen.size < limit) {
    for (const next of resolver.importsOf(queue.shift()!)) {
      if (next === target) return true;
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return false;
}
