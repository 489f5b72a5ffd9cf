import type { Node } from '@babel/types';
import { memberPath } from '../../src/engine/ast-utils.js';
import type { SourceContext, TextContext, TextFileDetector } from '../../src/engine/rule.js';
import { stringValue } from '../_shared/secrets/locate.js';
import { isTestPath } from '../_shared/secrets/paths.js';
import { isDefaultCredential, isPlaceholder } from '../_shared/secrets/values.js';

type AnyNode = Node & Record<string, any>;

/**
 * A password hashed from a literal where accounts are made: `hashPassword('admin123')` in a seed row,
 * `password_hash=get_password_hash("admin123")`, `md5('superadmin')` in an INSERT. Whoever reads the code knows
 * the password of that account on every install: a default password, however well it is hashed.
 */

/** Functions named for hashing a password: `hashPassword`, `get_password_hash`, `generate_password_hash`, `make_password`, `hashpw`. */
export const passwordHashFunction =
  /^(?:(?:get_|generate_|create_|make_)?(?:hash_?password|password_?hash)|make_password|hashpw|encrypt_?password)$/i;
/** Libraries whose `hash`/`hashSync` hashes a password: `bcrypt.hash('x', 10)`, `argon2.hash`, `pwd_context.hash`. */
export const passwordHasher =
  /^(?:bcrypt(?:js)?|argon2|scrypt|pwd_?context|password_?context|passlib|hasher)$/i;
/** What the hash is kept in when it only equalises timing or stands in for a missing user. */
export const dummyName = /dummy|fake|timing|placeholder|decoy/i;

/** The prefilter's part: a password-hashing call whose first argument is a literal. */
export const mayHashLiteral =
  /(?:hash_?password|password_?hash|make_password|hashpw|encrypt_?password|\.hash(?:Sync)?)\s*\(\s*['"`]/i;

/** Whether `path` (`bcrypt.hashSync`, `hashPassword`, `utils.hash_password`) hashes a password. */
export function hashesPassword(path: string): boolean {
  const segments = path.split('.');
  const name = segments.at(-1) ?? '';
  if (passwordHashFunction.test(name)) return true;
  return /^hash(?:Sync)?$/.test(name) && segments.length >= 2 && passwordHasher.test(segments.at(-2)!);
}

/** The literal is a password someone chose: not empty, not a placeholder, not a label. */
export function isChosenPassword(value: string): boolean {
  const trimmed = value.trim();
  return (
    trimmed.length > 0 && !/\s/.test(trimmed) && (isDefaultCredential(trimmed) || !isPlaceholder(trimmed))
  );
}

// Handles: ['admin', 'admin@x.io', hashPassword('admin123'), 'admin'], { password: await bcrypt.hash('secret', 10) }
export function checkHashedLiteral(call: AnyNode, context: SourceContext): void {
  const path = memberPath(call.callee);
  if (!path || !hashesPassword(path)) return;
  const value = call.arguments[0] && stringValue(call.arguments[0]);
  if (value === undefined || !isChosenPassword(value)) return;
  for (const ancestor of [...context.ancestors].reverse() as AnyNode[]) {
    if (ancestor.type === 'VariableDeclarator' && ancestor.id.type === 'Identifier')
      if (dummyName.test(ancestor.id.name)) return;
    if (/Function|Method|Program/.test(ancestor.type)) break;
  }
  context.report({
    node: call.arguments[0],
    message: `\`${path}\` hashes a password written in the code: every install has an account with that known password`,
    unfixableReason:
      'seed the account with a password from the environment, or none and a reset at first login',
  });
}

/** SQL seed files: `md5('x')`, `crypt('x', gen_salt('bf'))`, `sha1(...)`, `SHA2('x', 256)`, `PASSWORD('x')`, `digest(...)`. */
const sqlHash = /^(?:md5|sha1|sha2|sha224|sha256|sha384|sha512|crypt|password|digest|encode|hash)$/i;
const sqlPasswordColumn = /pass|pwd/i;
/** Cheap, two linear scans: an INSERT, and a password-like column name in a list. */
const sqlSeedPrefilter = (text: string) =>
  (/insert\s+into/i.test(text) && /(?:pass|pwd)\w*["`\]]?\s*[,)]/i.test(text)) ||
  hasDatabaseUserPassword.test(text);
/** `ALTER USER 'root'@'localhost' IDENTIFIED BY 'oyster'`, `CREATE ROLE app LOGIN PASSWORD 'app'`. */
const databaseUserPassword =
  /\b(?:create|alter)\s+(?:user|role)\b[^;]*?\b(?:identified\s+(?:with\s+\w+\s+)?by|password)\s+'((?:[^']|'')*)'/gi;
const hasDatabaseUserPassword = new RegExp(databaseUserPassword.source, 'i');
/** Hashes written out: bcrypt `$2b$10$...`, argon2 `$argon2id$`, 32 to 128 hex digits. */
const storedHash = /^(?:\$(?:2[abxy]?|argon2\w*|pbkdf2[\w-]*|scrypt|[156])\$|[0-9a-f]{32,128}$)/i;

interface SqlValue {
  text: string;
  offset: number;
}

/** Splits `(a, 'b,c', f(d, e))` at its top-level commas; returns the values and where the tuple ends. */
function readTuple(text: string, open: number): { values: SqlValue[]; end: number } | undefined {
  const values: SqlValue[] = [];
  let depth = 0;
  let start = open + 1;
  for (let index = open; index < text.length; index++) {
    const char = text[index];
    // Handles: 'it''s', and MySQL's "double-quoted" strings
    if (char === "'" || char === '"') {
      index = text.indexOf(char, index + 1);
      while (index !== -1 && text[index + 1] === char) index = text.indexOf(char, index + 2);
      if (index === -1) return undefined;
    } else if (char === '(') depth++;
    else if (char === ')' || (char === ',' && depth === 1)) {
      if (char === ')') depth--;
      if (depth === 0 || char === ',') {
        values.push({ text: text.slice(start, index), offset: start });
        start = index + 1;
      }
      if (depth === 0) return { values, end: index };
    }
  }
  return undefined;
}

const lineAt = (text: string, offset: number) => text.slice(0, offset).split('\n').length;

/** The password a seeded value stands for: `'x'` as it is, `md5('x')`, `crypt('x', ...)`; undefined for hashes. */
function seededPassword(value: string): string | undefined {
  const trimmed = value.trim();
  const call = /^(\w+)\s*\(\s*(?:convert\s*\(\s*)?'((?:[^']|'')*)'/i.exec(trimmed);
  if (call) return sqlHash.test(call[1]) ? call[2].replace(/''/g, "'") : undefined;
  // Handles: 'x', and "x" (a string in MySQL; a VALUES tuple holds no identifiers)
  const literal = /^'((?:[^']|'')*)'$/.exec(trimmed) ?? /^"((?:[^"]|"")*)"$/.exec(trimmed);
  if (!literal || storedHash.test(literal[1])) return undefined;
  return literal[1].replace(/''/g, "'").replace(/""/g, '"');
}

function checkSqlSeeds(context: TextContext): void {
  const text = context.text;
  const insert = /insert\s+into\s+[\w."`[\]]+\s*\(([^)]*)\)\s*values\s*/gi;
  for (let match = insert.exec(text); match; match = insert.exec(text)) {
    const columns = match[1].split(',').map((column) => column.trim().replace(/["`[\]]/g, ''));
    const passwordColumns = columns.flatMap((column, index) =>
      sqlPasswordColumn.test(column) && !/hint|reset|token|expir|changed/i.test(column) ? [index] : [],
    );
    if (passwordColumns.length === 0) continue;
    let at = insert.lastIndex;
    // One tuple per row: `VALUES (...), (...);`
    while (text[at] === '(') {
      const tuple = readTuple(text, at);
      if (!tuple) break;
      for (const index of passwordColumns) {
        const value = tuple.values[index];
        const password = value && seededPassword(value.text);
        if (password === undefined || !isChosenPassword(password)) continue;
        const offset = value.offset + value.text.length - value.text.trimStart().length;
        context.report({
          line: lineAt(text, offset),
          column: offset - text.lastIndexOf('\n', offset - 1),
          message: `The seed sets \`${columns[index]}\` from a password written in the file: every database made from it has an account with that known password`,
          unfixableReason:
            'create the account without a usable password (a reset at first login), or set it from the environment when deploying',
        });
      }
      at = skipBetweenRows(text, tuple.end + 1);
    }
    insert.lastIndex = at;
  }
  for (const match of text.matchAll(databaseUserPassword)) {
    const password = match[1].replace(/''/g, "'");
    if (!isChosenPassword(password) && !isDefaultCredential(password)) continue;
    const offset = match.index + match[0].lastIndexOf(`'${match[1]}'`);
    context.report({
      line: lineAt(text, offset),
      column: offset - text.lastIndexOf('\n', offset - 1),
      message: 'The script gives a database user a password written in the file',
      unfixableReason:
        "set the password when deploying (the image's *_PASSWORD variable or a secret), not in a script in git, and change it",
    });
  }
}

/** Past the `,` between rows, and the comments a seed puts between them (`-- Additional admin accounts`). */
function skipBetweenRows(text: string, from: number): number {
  let at = from;
  for (;;) {
    while (/[\s,]/.test(text[at] ?? '')) at++;
    if (text.startsWith('--', at)) at = text.indexOf('\n', at) === -1 ? text.length : text.indexOf('\n', at);
    else if (text.startsWith('/*', at))
      at = text.indexOf('*/', at) === -1 ? text.length : text.indexOf('*/', at) + 2;
    else return at;
  }
}

export const sqlSeedFiles: TextFileDetector = {
  appliesTo: (relativePath) => /\.sql$/i.test(relativePath) && !isTestPath(relativePath),
  prefilter: sqlSeedPrefilter,
  check: checkSqlSeeds,
};
