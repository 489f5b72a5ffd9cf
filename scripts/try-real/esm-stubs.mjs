/**
 * The ES-module half of load-with-stubs.cjs, registered by it (module.register): an `import` of a package that
 * is not installed (or that TRY_REAL_STUBS names) gets a module of stubs, with every name the importing file
 * picks from it (`import express, { Router } from 'express'`), since ES modules link named imports before
 * any code runs. The stub itself is load-with-stubs.cjs's, shared through globalThis.
 */
import { readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { fileURLToPath } from 'node:url';

let named = new Set();
export function initialize(data) {
  named = new Set(data?.named ?? []);
}

const packageName = (specifier) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

/** The names `parentURL` imports from `specifier`: `{ a, b as c }` gives a and b. */
function importedNames(parentURL, specifier) {
  let text = '';
  try {
    text = readFileSync(fileURLToPath(parentURL), 'utf8');
  } catch {
    return [];
  }
  const quoted = specifier.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const names = new Set();
  const pattern = new RegExp(
    String.raw`(?:import|export)\s*(?:[\w$]+\s*,\s*)?\{([^}]*)\}\s*from\s*['"]${quoted}['"]`,
    'g',
  );
  for (const match of text.matchAll(pattern))
    for (const part of match[1].split(',')) {
      const name = part
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)[0]
        .trim();
      if (/^[A-Za-z_$][\w$]*$/.test(name) && name !== 'default') names.add(name);
    }
  return [...names];
}

export async function resolve(specifier, context, nextResolve) {
  const stubbed = () => ({
    shortCircuit: true,
    url: `try-real-stub:${encodeURIComponent(specifier)}?${importedNames(context.parentURL ?? '', specifier).join(',')}`,
  });
  if (/^[./]|^file:|^node:|^data:/.test(specifier) || isBuiltin(specifier))
    return nextResolve(specifier, context);
  if (named.has(packageName(specifier))) return stubbed();
  try {
    return await nextResolve(specifier, context);
  } catch {
    return stubbed();
  }
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('try-real-stub:')) return nextLoad(url, context);
  const names = (url.split('?')[1] ?? '').split(',').filter(Boolean);
  const source = [
    'const stub = globalThis.__tryRealStub;',
    'export default stub;',
    ...names.map((name) => `export const ${name} = stub;`),
  ].join('\n');
  return { format: 'module', source, shortCircuit: true };
}
