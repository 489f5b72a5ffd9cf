import { dirname, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { isFile, noteDependency, notePath, type Dependency } from '../project/dependencies.js';

/**
 * The project's own database module, one hop away: `const knex = require('../knex_connection')` where that file
 * is `module.exports = require('knex')(config)`. Only a module that loads exactly one database package and
 * exports the client itself counts (`module.exports = knex` / `export default pool` with that name made from the
 * package right there): a wrapper with its own `query(sql)` may take other arguments, so it says nothing.
 */

const extensions = ['', '.js', '.cjs', '.mjs', '.ts', '.cts', '.mts', '/index.js', '/index.ts'];
const loads = /(?:require\(\s*|from\s+|import\(\s*)['"]([^'"]+)['"]/g;
const exportedName = /(?:\bmodule\.exports\s*=|\bexport\s+default)\s*([A-Za-z_$][\w$]*)\s*;?\s*$/m;

const escape = (text: string) => text.replace(/[$.*+?^()[\]{}|/\\]/g, '\\$&');

/** Whether the text exports the client made from `pkg`: the required package called, or a name bound to one. */
function exportsClient(text: string, pkg: string): boolean {
  const quoted = `['"]${escape(pkg)}['"]`;
  if (new RegExp(`\\bmodule\\.exports\\s*=\\s*require\\(\\s*${quoted}\\s*\\)\\s*\\(`).test(text)) return true;
  // The names the package is bound to here: `import knex from 'knex'`, `const knex = require('knex')`,
  // `import * as mysql from 'mysql2'`.
  const factories = [
    ...text.matchAll(new RegExp(`import\\s+(?:\\*\\s+as\\s+)?([\\w$]+)\\s+from\\s+${quoted}`, 'g')),
    ...text.matchAll(
      new RegExp(`(?:const|let|var)\\s+([\\w$]+)\\s*=\\s*require\\(\\s*${quoted}\\s*\\)\\s*(?:[;,]|$)`, 'gm'),
    ),
  ].map((match) => escape(match[1]));
  // knex(config), or a factory function of the package: mysql.createPool({...}), mysql.createConnection(...)
  const made = [
    `new\\s+[\\w$]+(?:\\.[\\w$]+)?\\(`,
    `require\\(\\s*${quoted}\\s*\\)\\s*\\(`,
    ...factories.map((f) => `${f}(?:\\.[\\w$]+)?\\(`),
  ];
  // Handles: module.exports = mysql.createPool({...}), export default knex(config). Only the package's own
  // name counts here: `export default new Repository(pool)` is a wrapper whose query() may differ.
  const direct = made.slice(1).join('|');
  if (new RegExp(`(?:\\bmodule\\.exports\\s*=|\\bexport\\s+default)\\s*(?:${direct})`).test(text))
    return true;
  const name = exportedName.exec(text)?.[1];
  if (!name) return false;
  return new RegExp(`\\b(?:const|let|var)\\s+${escape(name)}\\s*=\\s*(?:${made.join('|')})`).test(text);
}

/** Per process; with the stamp the module had when read, noted again whenever the memo answers. */
const cache = new Map<string, { found: string | undefined; stamp: Dependency }>();

function resolveModule(specifier: string, fromFile: string): string | undefined {
  const base = resolve(dirname(fromFile), specifier);
  for (const extension of extensions) {
    const candidate = base + extension;
    if (isFile(candidate)) return candidate;
  }
  return undefined;
}

/** The one package of `packages` that a relative module loads and exports, or undefined. */
export function relativeModulePackage(
  specifier: string,
  fromFile: string,
  packages: Readonly<Record<string, unknown>>,
): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const file = resolveModule(specifier, fromFile);
  if (!file) return undefined;
  const known = cache.get(file);
  if (known) {
    noteDependency(known.stamp);
    return known.found;
  }
  let found: string | undefined;
  const stamp = notePath(file);
  try {
    const text = readFileSync(file, 'utf8');
    const loaded = new Set(
      [...text.matchAll(loads)].map((match) => match[1]).filter((name) => name in packages),
    );
    const [only] = loaded;
    if (loaded.size === 1 && exportsClient(text, only)) found = only;
  } catch {
    found = undefined;
  }
  cache.set(file, { found, stamp });
  return found;
}
