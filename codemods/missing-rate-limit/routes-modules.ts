import { dirname, resolve } from 'node:path';
import { isFile, readText } from '../_shared/project/dependencies.js';

const extensions = ['', '.js', '.ts', '.cjs', '.mjs', '/index.js', '/index.ts'];
const localSpecifier = /(?:require\(\s*|from\s+|import\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

function resolveLocal(fromDir: string, specifier: string): string | undefined {
  const base = resolve(fromDir, specifier.replace(/\.js$/, ''));
  for (const candidate of [resolve(fromDir, specifier), ...extensions.map((extension) => base + extension)])
    if (isFile(candidate)) return candidate;
  return undefined;
}

/**
 * Whether the routes modules an app is passed to (`routes(app)`), and the local modules they load (a few
 * levels, a bounded number of files), import anything that limits rates. False only when every module was
 * found and read and none does: then the app has no limiter anywhere a route could use one. Undefined when a
 * module cannot be resolved (keep the benefit of the doubt).
 */
export function routesModulesLimit(
  file: string,
  specifiers: readonly string[],
  limits: (text: string) => boolean,
): boolean | undefined {
  const seen = new Set<string>();
  let queue = specifiers.map((specifier) => ({ from: dirname(file), specifier }));
  for (let depth = 0; depth < 4 && queue.length > 0; depth++) {
    const next: typeof queue = [];
    for (const { from, specifier } of queue) {
      const path = resolveLocal(from, specifier);
      if (!path) return undefined;
      if (seen.has(path)) continue;
      seen.add(path);
      if (seen.size > 60) return undefined;
      const text = readText(path);
      if (limits(text)) return true;
      for (const [, local] of text.matchAll(localSpecifier))
        next.push({ from: dirname(path), specifier: local });
    }
    queue = next;
  }
  return false;
}
