import { pathExists } from '../project/dependencies.js';
import { dirname, join, resolve } from 'node:path';
import type { Node } from '@babel/types';
import { propertyName } from '../../../src/engine/ast-utils.js';
import { isTestPath } from './paths.js';
import { projectSources, type ProjectSource } from '../project/files.js';

type AnyNode = Node & Record<string, any>;

/** The variable the generated config module reads the JWT signing secret from (`settings.jwtSecret`). */
export const JWT_SECRET_ENV = 'JWT_SECRET';

/**
 * Where a value lives, as code elsewhere names it: `<file>#<exports>.secret` for `module.exports = { secret }`
 * read as `config.secret` after `const config = require('./config')`, `<file>#SECRET` for a constant of the
 * same file. Comparing these text addresses is enough to tell that a hard-coded secret is the one a
 * `jwt.sign`/`jwt.verify` call (or passport-jwt's `secretOrKey`) uses.
 */
type Address = string;

const EXPORTS = '<exports>';
const extensions = ['', '.js', '.ts', '.cjs', '.mjs', '.jsx', '.tsx', '/index.js', '/index.ts'];

function resolveModule(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  const stems = [base, base.replace(/\.[cm]?js$/, '')];
  for (const stem of stems)
    for (const extension of extensions) if (pathExists(stem + extension)) return stem + extension;
  return undefined;
}

/** The text of the call's argument at `index` (0-based), from the offset just after `(`; strings skipped whole. */
function argumentText(text: string, start: number, index: number): string | undefined {
  let depth = 0;
  let current = 0;
  let from = start;
  for (let at = start; at < text.length; at++) {
    const char = text[at];
    if (char === '"' || char === "'" || char === '`') {
      for (at++; at < text.length && text[at] !== char; at++) if (text[at] === '\\') at++;
    } else if ('([{'.includes(char)) depth++;
    else if (')]}'.includes(char)) {
      if (depth === 0) return current === index ? text.slice(from, at).trim() : undefined;
      depth--;
    } else if (char === ',' && depth === 0) {
      if (current === index) return text.slice(from, at).trim();
      current++;
      from = at + 1;
    }
  }
  return undefined;
}

/** Local names bound by `require('<module>')` or an import of it: the whole module, and picked exports. */
function bindings(text: string, module: string) {
  const quoted = `['"]${module.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}['"]`;
  const whole = new Set<string>();
  const picked = new Map<string, string>();
  for (const match of text.matchAll(
    new RegExp(String.raw`(?:const|let|var)\s+([\w$]+)\s*=\s*require\(\s*${quoted}\s*\)`, 'g'),
  ))
    whole.add(match[1]);
  for (const match of text.matchAll(
    new RegExp(String.raw`import\s+(?:\*\s+as\s+)?([\w$]+)\s*(?:,\s*\{[^}]*\}\s*)?from\s*${quoted}`, 'g'),
  ))
    whole.add(match[1]);
  for (const match of text.matchAll(
    new RegExp(
      String.raw`(?:import\s*(?:[\w$]+\s*,\s*)?\{([^}]*)\}\s*from|(?:const|let|var)\s*\{([^}]*)\}\s*=\s*require\()\s*${quoted}`,
      'g',
    ),
  ))
    for (const part of (match[1] ?? match[2]).split(',')) {
      const [imported, local = imported] = part.split(/\s+as\s+|\s*:\s*/).map((name) => name.trim());
      if (imported) picked.set(local, imported);
    }
  return { whole, picked };
}

/** The relative modules a source binds, by local name: `config` -> `{ file, path: '' }` or a picked export. */
function relativeBindings(source: ProjectSource, file: string) {
  const found = new Map<string, { file: string; exported?: string }>();
  for (const match of source.text.matchAll(/(?:require\(\s*|from\s*)(['"])(\.{1,2}\/[^'"]*)\1/g)) {
    const target = resolveModule(file, match[2]);
    if (!target) continue;
    const { whole, picked } = bindings(source.text, match[2]);
    for (const name of whole) found.set(name, { file: target });
    for (const [local, exported] of picked) found.set(local, { file: target, exported });
  }
  return found;
}

/** The address a key argument (`config.secret`, `SECRET`, `process.env.X`) names, seen from `file`. */
function addressOf(argument: string, file: string, local: ReturnType<typeof relativeBindings>): Address {
  const [head = '', ...path] = argument.split('.');
  const bound = local.get(head);
  if (!/^[\w$]+(?:\.[\w$]+)*$/.test(argument) || !bound) return `${file}#${argument}`;
  const rest = bound.exported ? [bound.exported, ...path] : path;
  return `${bound.file}#${[EXPORTS, ...rest].join('.')}`;
}

const keyUsesByRoot = new Map<string, Set<Address>>();

/** Every key the project's (non-test) code signs or verifies JWTs with, as addresses. */
function jwtKeyAddresses(root: string): Set<Address> {
  const cached = keyUsesByRoot.get(root);
  if (cached) return cached;
  const keys = new Set<Address>();
  for (const source of projectSources(root)) {
    if (isTestPath(source.path)) continue;
    const uses = /jsonwebtoken/.test(source.text) || /secretOrKey\s*:/.test(source.text);
    if (!uses) continue;
    const file = join(root, source.path);
    const local = relativeBindings(source, file);
    const jwt = bindings(source.text, 'jsonwebtoken');
    const callees = [
      ...[...jwt.whole].map((name) => `${name.replace('$', '\\$')}\\s*\\.\\s*(?:sign|verify)`),
      ...[...jwt.picked]
        .filter(([, imported]) => imported === 'sign' || imported === 'verify')
        .map(([name]) => name.replace('$', '\\$')),
    ];
    if (callees.length > 0)
      for (const match of source.text.matchAll(new RegExp(`\\b(?:${callees.join('|')})\\s*\\(`, 'g'))) {
        const key = argumentText(source.text, (match.index ?? 0) + match[0].length, 1);
        if (key) keys.add(addressOf(key, file, local));
      }
    // passport-jwt: new JwtStrategy({ secretOrKey: config.secret, ... })
    for (const match of source.text.matchAll(/\bsecretOrKey\s*:\s*([^,}\n]+)/g))
      keys.add(addressOf(match[1].trim(), file, local));
  }
  keyUsesByRoot.set(root, keys);
  return keys;
}

/** Where the literal being fixed lives: `<file>#NAME`, `<file>#config.jwt.secret`, `<file>#<exports>.secret`. */
function literalAddresses(node: Node, ancestors: readonly Node[], file: string, text: string): Address[] {
  const path: string[] = [];
  let child: AnyNode = node;
  for (let index = ancestors.length - 1; index >= 0; index--) {
    const parent = ancestors[index] as AnyNode;
    if (parent.type === 'TSAsExpression' || parent.type === 'TSSatisfiesExpression') {
      child = parent;
      continue;
    }
    if (parent.type === 'ObjectProperty' && parent.value === child) {
      const name = propertyName(parent);
      if (!name) return [];
      path.unshift(name);
      child = ancestors[--index] as AnyNode; // the object holding the property
      continue;
    }
    if (parent.type === 'VariableDeclarator' && parent.init === child && parent.id.type === 'Identifier') {
      const name: string = parent.id.name;
      const addresses = [`${file}#${[name, ...path].join('.')}`];
      const exported = new RegExp(
        String.raw`module\.exports\s*=\s*${name}\b|export\s+default\s+${name}\b`,
      ).test(text);
      if (exported) addresses.push(`${file}#${[EXPORTS, ...path].join('.')}`);
      // export const SECRET = '...' (declarator, declaration, export), or exports.SECRET = SECRET
      const namedExport = ancestors[index - 2]?.type === 'ExportNamedDeclaration';
      if (namedExport || new RegExp(String.raw`exports\.${name}\s*=\s*${name}\b`).test(text))
        addresses.push(`${file}#${[EXPORTS, name, ...path].join('.')}`);
      return addresses;
    }
    // module.exports = { secret: '...' }, export default { secret: '...' }
    if (
      (parent.type === 'AssignmentExpression' &&
        parent.right === child &&
        /^(?:module\.exports|exports)$/.test(memberText(parent.left))) ||
      parent.type === 'ExportDefaultDeclaration'
    )
      return [`${file}#${[EXPORTS, ...path].join('.')}`];
    return [];
  }
  return [];
}

function memberText(node: AnyNode): string {
  if (node.type === 'Identifier') return node.name;
  if (node.type === 'MemberExpression' && !node.computed && node.property.type === 'Identifier')
    return `${memberText(node.object)}.${node.property.name}`;
  return '';
}

/**
 * `JWT_SECRET` when the hard-coded secret at `node` is the one key the project signs and verifies its JWTs
 * with (bezkoder's `module.exports = { secret: '...' }` read as `config.secret` by jwt.sign and jwt.verify):
 * the generated config module validates that variable, and naming the secret `AUTH_SECRET` after its file
 * would make the user set two variables for one secret. Two keys (access and refresh) keep their own names.
 */
export function jwtKeyEnvName(
  node: Node,
  ancestors: readonly Node[],
  file: string,
  root: string,
  text: string,
): string | undefined {
  const keys = jwtKeyAddresses(root);
  if (keys.size !== 1) return undefined;
  const [key] = keys;
  return literalAddresses(node, ancestors, file, text).includes(key) ? JWT_SECRET_ENV : undefined;
}
