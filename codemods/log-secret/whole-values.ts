import type { Node } from '@babel/types';
import { findBinding, memberPath, unwrap } from '../../src/engine/ast-utils.js';

type AnyNode = Node & Record<string, any>;

/**
 * Values that are secret because of what they are, not what they are named: a user record (password hash,
 * reset tokens, personal data), the application's whole configuration (every key it holds) and a database
 * connection string (its password, when it has one). Logging one whole is reported, never masked: only the
 * author knows which fields the message needs.
 */

/** `user`, `users`, `newUser`, `foundUsers`, `req.user`, `customer`, `admin`; not `isUser`, `userId`, `userName`. */
const recordName = /^(?:(?:[a-z][a-zA-Z0-9]*)?Users?|users?|customers?|members?|admins?)$/;
const notRecordPrefix = /^(?:is|has|can|should|was|no|num|count|total|max|min)[A-Z]/;
/** `config`, `appConfig`, `settings`, `process.env`, cfenv's `getAppEnv()`. */
const configName = /^(?:config|conf|cfg|configuration|settings|appConfig|appSettings|envConfig|secrets)$/;
/** `mongoUri`, `DATABASE_URL`, `dbUrl`, `redisUrl`, `connectionString`, `MONGODB_URI`, `dsn`. */
const connectionName =
  /^(?:(?:mongo|mongodb|db|database|redis|postgres|postgresql|pg|mysql|mariadb|amqp|rabbit|rabbitmq|sql|mssql)_?(?:uri|url|connection_?string)|connection_?(?:string|uri|url)|dsn)$/i;

export type WholeValue = { what: string };

/** What a variable's initial value makes it: a string read or built from something else is not a whole record. */
function boundToScalar(node: AnyNode, ancestors: readonly Node[]): boolean {
  if (node.type !== 'Identifier') return false;
  const binding = findBinding(node.name, ancestors);
  if (!binding || binding.kind === 'param' || !binding.init) return false;
  const init = unwrap(binding.init);
  if (/Literal$/.test(init.type) && init.type !== 'TemplateLiteral') return true;
  if (init.type === 'TemplateLiteral' || init.type === 'BinaryExpression') return true;
  if (init.type === 'MemberExpression' || init.type === 'OptionalMemberExpression') {
    const last = memberPath(init)?.split('.').at(-1) ?? '';
    return !recordName.test(last) && !configName.test(last);
  }
  return false;
}

/** A whole user record, configuration or connection string, as a logged value (not a property read from one). */
export function wholeValueOf(node: AnyNode, ancestors: readonly Node[]): WholeValue | undefined {
  const path = memberPath(node);
  if (!path) return undefined;
  if (path === 'process.env') return { what: 'the whole environment (`process.env`)' };
  if (path.endsWith('getAppEnv()')) return { what: `\`${path}\`, the whole application environment` };
  if (path.endsWith('()')) return undefined;
  const last = path.split('.').at(-1)!;
  // A connection string is a string: where it came from does not matter (a reassigned `let` is not a constant).
  if (connectionName.test(last))
    return { what: `\`${path}\`, a connection string (with its password when it has one)` };
  if (boundToScalar(node, ancestors)) return undefined;
  if (recordName.test(last) && !notRecordPrefix.test(last))
    return { what: `\`${path}\`, a whole user record (password hash, tokens, personal data)` };
  if (configName.test(last) && node.type === 'Identifier')
    return { what: `\`${path}\`, the whole configuration with its secrets` };
  return undefined;
}

/** The names wholeValueOf reports, for the prefilter. */
export const wholeValueWord =
  /(?<![\w$])(?:\w*User|users?|customers?|members?|admins?|config|conf|cfg|configuration|settings|appConfig|appSettings|envConfig|secrets|process\.env|getAppEnv)(?![\w$])|uri|url|connection_?string|dsn/i;
