/**
 * Is this identifier the name of a secret? Decided on the head noun (the last word), as a reviewer
 * reads it: `jwtSecret`, `DB_PASSWORD` and `apiKey` hold secrets; `passwordField`, `tokenType`,
 * `PASSWORD_MIN_LENGTH`, `publicKey` and `secretName` only talk about them.
 */

export type SecretKind = 'password' | 'secret' | 'token' | 'key';

export const passwordWords = new Set(['password', 'passwd', 'pwd', 'passphrase', 'passcode']);
/** `pass` is a password only in credential pairs (`auth: { user, pass }`, `SMTP_PASS`), never `firstPass`. */
export const passQualifiers = new Set([
  'user',
  'db',
  'database',
  'smtp',
  'mail',
  'email',
  'admin',
  'root',
  'redis',
  'ftp',
  'sftp',
  'auth',
  'basic',
  'proxy',
  'account',
  'login',
  'mongo',
  'mysql',
  'pg',
  'postgres',
  'rabbitmq',
  'amqp',
]);
/**
 * A `key` is secret only after one of these (`apiKey`, `privateKey`), never `cacheKey` or `storageKey`. Keys that
 * are public by design stay out: Pusher `appKey`, Adyen `clientKey`, Segment `writeKey`, license keys.
 */
export const keyQualifiers = new Set([
  'api',
  'private',
  'secret',
  'access',
  'signing',
  'sign',
  'encryption',
  'encrypt',
  'crypto',
  'cipher',
  'master',
  'auth',
  'hmac',
  'jwt',
  'account',
  'subscription',
  'shared',
  'aes',
  'enc',
  'mac',
  'admin',
  'service',
  'server',
  'management',
]);
/** Tokens that are not credentials: pagination cursors, cancellation tokens, design tokens, lexer tokens. */
const tokenNonQualifiers = new Set([
  'page',
  'next',
  'prev',
  'previous',
  'continuation',
  'cursor',
  'cancel',
  'cancellation',
  'design',
  'color',
  'theme',
  'sync',
  'lexer',
  'parser',
  'start',
  'end',
  'current',
  'last',
  'first',
  'csrf',
  'xsrf',
  'push',
  'device',
  'fcm',
  'expo',
  'query',
  'search',
]);
/** Words after the head noun that still leave a value of the secret (`JWT_SECRET_DEV`, `passwordValue`). */
export const trailingQualifiers = new Set([
  'value',
  'str',
  'string',
  'raw',
  'plain',
  'plaintext',
  'dev',
  'prod',
  'production',
  'development',
  'staging',
  'live',
  'local',
  'b64',
  'base64',
  'hex',
]);
/** Words anywhere in the name that mean the value is not a real secret of this program. */
const disqualifiers = new Set([
  'public',
  'publishable',
  'pub',
  'anon',
  'anonymous',
  'example',
  'dummy',
  'fake',
  'mock',
  'sample',
  'placeholder',
  'test',
  'invalid',
  'wrong',
  'bad',
  'hashed',
  'hash',
  'encrypted',
  'masked',
  'redacted',
  'label',
  'field',
]);

/**
 * Heads split off a single lowercase word (`dbpassword`, `jwtsecret`). `pass` ends `bypass` and `compass` too:
 * split, those give a word before `pass` that is no passQualifier, so they stay non-secrets.
 */
const compoundHeads = ['password', 'passwd', 'passphrase', 'secret', 'token', 'key', 'pwd', 'pass'];

/**
 * What a leading `secret` names in `SECRET_JWT`, `secretSession` (the secret word first, the thing it signs
 * after). `secretClient`, `secretManager`, `secretName` hold or talk about secrets and stay out.
 */
export const secretSubjects = new Set([
  'jwt',
  'session',
  'cookie',
  'auth',
  'hmac',
  'signing',
  'encryption',
  'webhook',
  'csrf',
]);
/** What a leading password names in `PASSWORD_DB`, `PWD_ROOT`: the stores of passQualifiers, not `user` or `login`. */
export const passwordSubjects = new Set([
  'db',
  'database',
  'smtp',
  'admin',
  'root',
  'redis',
  'ftp',
  'sftp',
  'proxy',
  'mongo',
  'mysql',
  'pg',
  'postgres',
  'rabbitmq',
  'amqp',
]);

/** `apiKey` -> [api, key]; `DB_PASSWORD` -> [db, password]; `x-api-key` -> [x, api, key]; `apikey` -> [api, key]. */
export function nameWords(name: string): string[] {
  const words: string[] = [];
  for (const part of name.split(/[^A-Za-z0-9]+/)) {
    // `b64` and `base64` are one word (a trailing qualifier), not a letter and a number
    for (const word of part.match(/(?:[Bb]ase|BASE|[Bb])64(?!\d)|[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+/g) ?? []) {
      const lower = word.toLowerCase();
      const head = compoundHeads.find((h) => lower.length > h.length && lower.endsWith(h));
      if (head) words.push(lower.slice(0, -head.length), head);
      else words.push(lower);
    }
  }
  return words.filter(Boolean);
}

/** What kind of secret the name holds, or undefined when it does not name one. */
export function secretKind(name: string): SecretKind | undefined {
  const words = nameWords(name);
  while (words.length > 1 && (trailingQualifiers.has(words.at(-1)!) || /^\d+$/.test(words.at(-1)!)))
    words.pop();
  if (words.length === 0 || words.some((word) => disqualifiers.has(word))) return undefined;
  const head = words.at(-1)!;
  const before = words.at(-2);
  if (passwordWords.has(head)) return 'password';
  if (words.length === 2 && passwordWords.has(words[0]) && passwordSubjects.has(head)) return 'password';
  if (words.length === 2 && words[0] === 'secret' && secretSubjects.has(head)) return 'secret';
  // A bare `pass` is a password only next to a user (`auth: { user, pass }`): see passwordPairKind.
  if (head === 'pass') return before && passQualifiers.has(before) ? 'password' : undefined;
  if (head === 'secret') return 'secret';
  if (head === 'token') return before && tokenNonQualifiers.has(before) ? undefined : 'token';
  // `secretOrKey` (passport-jwt), `secretOrPrivateKey` (jsonwebtoken)
  if (head === 'key')
    return (before && keyQualifiers.has(before)) || words.includes('secret') ? 'key' : undefined;
  return undefined;
}

export function isSecretName(name: string | undefined): name is string {
  return name !== undefined && secretKind(name) !== undefined;
}

/** Names of variables that hold only other names (config keys, env var names) are never secrets. */
const containerWords = new Set([
  'config',
  'configuration',
  'options',
  'opts',
  'settings',
  'conf',
  'cfg',
  'params',
  'exports',
  'module',
  'this',
  'self',
  'global',
  'window',
  'locals',
  'default',
  'env',
  'props',
  'state',
  'data',
  'values',
  'keys',
  'constants',
  'consts',
  'vars',
  'secrets',
]);

/** `jwtSecret` -> `JWT_SECRET`; with a context (`session`, `db`) a bare `secret` becomes `SESSION_SECRET`. */
export function envNameFor(name: string, context?: string): string {
  const words = nameWords(name);
  const contextWords = context ? nameWords(context).filter((word) => !containerWords.has(word)) : [];
  const all = words.length === 1 && contextWords.length > 0 ? [...contextWords, ...words] : words;
  return all.join('_').toUpperCase();
}

/** `JWT_SECRET` -> `jwtSecret`, the key the generated config module uses. */
export function camelKeyFor(envName: string): string {
  return envName.toLowerCase().replace(/_([a-z0-9])/g, (_, character: string) => character.toUpperCase());
}

/** What a configuration file's name says besides "config": `db.config.js` -> db, `config/mail.ts` -> mail. */
const fileContextFillers = new Set([
  ...containerWords,
  'index',
  'main',
  'app',
  'common',
  'shared',
  'base',
  'environment',
  'environments',
  'dev',
  'development',
  'prod',
  'production',
  'local',
  'test',
  'staging',
  'js',
  'ts',
]);

/**
 * The subject of a configuration file named for what it configures: `app/config/db.config.js` -> `DB`,
 * `config/mail.js` -> `MAIL`; undefined for `config.js`, `config/index.ts` or a file that is no config file.
 */
export function configFileContext(file: string): string | undefined {
  const parts = file.split(/[\\/]/);
  const stem = (parts.at(-1) ?? '').replace(/\.[cm]?[jt]sx?$/, '');
  const words = nameWords(stem);
  const isConfig =
    words.some((word) => ['config', 'conf', 'configuration', 'settings'].includes(word)) ||
    /^(?:config|configs|conf|settings)$/i.test(parts.at(-2) ?? '');
  if (!isConfig) return undefined;
  const subject = words.filter((word) => !fileContextFillers.has(word));
  return subject.length > 0 ? subject.join('_').toUpperCase() : undefined;
}

/**
 * A bare `PASSWORD` or `SECRET` read from the environment says nothing of what it unlocks: in a configuration
 * file named for its subject it becomes `DB_PASSWORD`, `AUTH_SECRET`. A qualified name stays as it is.
 */
export function qualifiedEnvName(envName: string, file: string): string {
  if (envName.includes('_')) return envName;
  const context = configFileContext(file);
  return context ? `${context}_${envName}` : envName;
}
