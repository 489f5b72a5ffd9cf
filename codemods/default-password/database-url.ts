import type { Node } from '@babel/types';
import type { SourceContext } from '../../src/engine/rule.js';
import { projectSources } from '../_shared/project/files.js';
import { stringValue } from '../_shared/secrets/locate.js';
import { isTestPath } from '../_shared/secrets/paths.js';
import { anyCase } from '../_shared/secrets/prefilter.js';
import { isDefaultCredential, urlPassword } from '../_shared/secrets/values.js';
import { defaultCredentialWord, sourceOf } from './seeded-accounts.js';
import { noteWholeProject } from '../_shared/project/dependencies.js';

/**
 * A database URL whose password is a default one (`postgres://postgres:postgres@db`) or the user's own name
 * (`mongodb://app:app@mongo`), in a project that never reads its database settings from the environment: that
 * literal is what every deployment connects with. A database on the loopback interface is a developer's own
 * machine and is left alone, as is a project that configures its database from the environment (the literal is
 * then a local default). Real-looking passwords in URLs are hardcoded-secret's (urlPassword).
 */

const databaseScheme = String.raw`(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver)`;
const loopback = String.raw`(?:localhost|127\.|\[::1\]|0\.0\.0\.0)`;
/** A database URL with a default password (or the user's name) and a host off the loopback interface. */
const defaultDatabaseUrl = new RegExp(
  String.raw`${databaseScheme}://([^:@/\s'"\`]*):(?:${defaultCredentialWord}|\1)@(?!${loopback})[^/:?#\s'"\`]`,
  'i',
);
const urlParts = /^[a-z][a-z0-9+.-]*:\/\/([^:@/\s]*):([^@/\s]+)@([^/:?#\s]+)/i;

const databaseNames = 'DB|DATABASE|PG|POSTGRES|MYSQL|MARIADB|MONGO|REDIS|SQL|AMQP|RABBIT';
/**
 * A read of a database setting from the environment: `process.env.DATABASE_URL`, `env['DB_HOST']`,
 * `getEnv('MONGO_URI')`, `const { PG_PASSWORD } = process.env`.
 */
const databaseEnvRead = new RegExp(
  String.raw`(?:\benv\s*(?:\??\.|\[\s*['"\`])|${anyCase('env')}\w*\s*\(\s*['"\`])\w*(?:${databaseNames})|\{[^{}]*(?:${databaseNames})[^{}]*\}\s*=\s*process\.env\b`,
  'i',
);

/** The prefilter's part: a default-password database URL off loopback, in a file that reads no database setting. */
export function mayHoldDefaultDatabaseUrl(text: string): boolean {
  return defaultDatabaseUrl.test(text) && !databaseEnvRead.test(text);
}

const readsDatabaseEnvByRoot = new Map<string, boolean>();

/** Whether any production JS/TS file of the project reads a database setting from the environment. */
export function projectReadsDatabaseEnv(root: string): boolean {
  // Served from memory below, the answer still rests on every source of the project.
  noteWholeProject();
  let answer = readsDatabaseEnvByRoot.get(root);
  if (answer === undefined) {
    answer = projectSources(root).some(
      (source) => !isTestPath(source.path) && databaseEnvRead.test(source.text),
    );
    readsDatabaseEnvByRoot.set(root, answer);
  }
  return answer;
}

// Handles: { server: 'postgres://postgres:postgres@postgres_db' }, new Redis('redis://app:app@cache:6379')
export function checkDatabaseUrl(node: Node, context: SourceContext): void {
  const value = stringValue(node)?.trim();
  if (value === undefined || !defaultDatabaseUrl.test(sourceOf(node, context))) return;
  const [, user, password, host] = urlParts.exec(value) ?? [];
  if (password === undefined || new RegExp(`^${loopback}`, 'i').test(host)) return;
  const sameAsUser = user !== '' && password.toLowerCase() === user.toLowerCase();
  if (!sameAsUser && !isDefaultCredential(password)) return;
  if (urlPassword(value) !== undefined) return;
  if (databaseEnvRead.test(context.text) || projectReadsDatabaseEnv(context.project.root)) return;
  context.report({
    node,
    message: sameAsUser
      ? `The database URL's password is its user name (\`${user}\`), and the project reads no database setting from the environment: every deployment connects with it`
      : `The database URL uses the default password \`${password}\`, and the project reads no database setting from the environment: every deployment connects with it`,
    unfixableReason:
      'read the URL from an environment variable (DATABASE_URL), and give the database a strong password',
  });
}
