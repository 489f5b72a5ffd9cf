import { entropy, keyFormats, matchKeyFormat } from '../key-formats.js';
import { nameWords, secretKind } from './names.js';

/**
 * Is this string a real secret value, or something that only looks like one under a secret's name?
 * Placeholders, labels, env var names, header names, paths, URLs, algorithm names and hashes are not.
 */

/** Known key formats that are public by design and may ship to browsers (restricted by referrer). */
export const browserSafeFormats = new Set(
  keyFormats.filter((format) => format.browserSafe).map((f) => f.label),
);

export { entropy };

/** The label of a known credential format this string matches (`a GitHub token`), if any. */
export function knownKeyFormat(value: string): string | undefined {
  return matchKeyFormat(value)?.label;
}

const placeholder =
  /^(?:x+|\*+|\.+|-+|_+|#+|0+|<[^>]*>|\[[^\]]*\]|\{\{?[^}]*\}\}?|\$\{[^}]*\}|%[A-Za-z_]+%|\$[A-Z_]+|null|undefined|none|nil|todo|tbd|fixme|n\/a)$/i;
const placeholderWords =
  /your[-_ ]?(?:own[-_ ]?)?(?:api|secret|token|key|password|pass|pwd|client|app|access|private)|example|placeholder|replace|insert|enter[-_ ]|dummy|fake|sample|redacted|xxx|\*\*\*|<.*>|^(?:secret|token|key|password|pass)[-_]?here/i;

export function isPlaceholder(value: string): boolean {
  const trimmed = value.trim();
  return trimmed === '' || placeholder.test(trimmed) || placeholderWords.test(trimmed);
}

const secretWords = new Set([
  'password',
  'passwd',
  'pwd',
  'pass',
  'secret',
  'token',
  'key',
  'auth',
  'session',
  'jwt',
  'csrf',
  'xsrf',
  'cookie',
  'bearer',
  'api',
  'authorization',
  'credentials',
  'header',
  'id',
  'access',
  'refresh',
]);
const technicalNames =
  /^(?:(?:HS|RS|ES|PS)(?:256|384|512)|EdDSA|none|sha-?\d+|md5|aes[-\w]*|des[-\w]*|bcrypt|argon2(?:id|i|d)?|scrypt|pbkdf2|hex|base64(?:url)?|utf-?8|ascii|latin1|binary|bearer|basic|digest|jwt|hmac|plain|text|string|number|boolean|object|hidden|required|optional|include|omit|same-origin|new-password|current-password|one-time-code|off|on|true|false)$/i;

/**
 * Shapes of strings that are never secrets even under a secret's name: what the name talks about
 * (`'access_token'`, `'x-api-key'`, `'JWT_SECRET'`), labels (`'Password'`), messages, paths, URLs.
 */
export function isNonSecretShape(value: string, name?: string, anyLength = false): boolean {
  const trimmed = value.trim();
  if (trimmed.length < 6 && !anyLength) return true;
  // i18n labels and messages; a library's secret option holds a secret whatever its letters ('ñasddf...')
  if (/[^\x20-\x7e]/.test(trimmed) && !(anyLength && !/\s/.test(trimmed))) return true;
  if (technicalNames.test(trimmed)) return true;
  if (/^\$(?:2[abxy]?|argon2(?:id|i|d)?|scrypt|pbkdf2[-\w]*)\$/.test(trimmed)) return true; // a hash, not a password
  if (/^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(trimmed)) return true; // an env var name
  if (/^\p{Lu}\p{Ll}+(?: \p{L}+)*[.:!?]?$/u.test(trimmed)) return true; // a label: 'Password', 'Secret key'
  if (/\s/.test(trimmed) && !/^[a-z0-9]+(?: [a-z0-9]+){1,3}$/.test(trimmed)) return true; // messages
  if (/%[sdifjo]|\{\d\}|\{\{|\$\{|:[a-z]\w*(?:\/|$)/.test(trimmed)) return true; // format strings, routes
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) return true; // URLs (credentials inside are checked apart)
  if (
    /^(?:\.{0,2}\/|~\/)/.test(trimmed) ||
    /^[\w.-]+\.(?:pem|key|crt|cer|cert|json|p12|pfx|txt|env|ya?ml|ts|js|der|pub)$/i.test(trimmed)
  )
    return true; // file paths
  if (/\//.test(trimmed) && !/^[A-Za-z0-9+/]{20,}={0,2}$/.test(trimmed)) return true; // paths, MIME types
  if (/\(\?[=!:<]|\\[dwsbDWS]|\[\^?[^\]]+\][*+?{]|^\^.*\$$/.test(trimmed)) return true; // regular expressions
  // i18n keys and object paths ('sgHome.text', 'auth.password.label'), but not JWTs ('eyJ...')
  if (/^[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)+$/.test(trimmed) && !trimmed.startsWith('eyJ')) return true;
  const words = nameWords(trimmed);
  // 'access_token', 'x-api-key', 'refreshToken': names of fields, headers, cookies, storage keys. Under a
  // password's or secret's name a longer phrase ('session_cookie_secret_key_here') is the secret in use.
  const kind = name ? secretKind(name) : undefined;
  const maxWords = kind === 'password' || kind === 'secret' ? 2 : 3;
  if (
    words.length >= 2 &&
    words.length <= maxWords &&
    !/\d/.test(trimmed) &&
    /^[A-Za-z0-9]+(?:[-_.:]?[A-Za-z0-9]+)*$/.test(trimmed)
  ) {
    const separated = /[-_.:]/.test(trimmed) || /[a-z][A-Z]/.test(trimmed);
    if (separated && words.some((word) => secretWords.has(word))) return true;
  }
  // A lexer's token kind ('?NonExpressionParenEnd', 'InterpolationInTemplate'): issued tokens are random, they hold
  // digits or letters that make no words; a sigil or capitalised words without digits name a kind of token.
  if (kind === 'token' && isTokenKind(trimmed)) return true;
  // FORBIDDEN_TOKEN = 'pull_request_target': an identifier (an event, a scope, a grant type), not an issued value
  if ((kind === 'token' || kind === 'key') && /^[a-z]{2,}(?:_[a-z]{2,}){1,3}$/.test(trimmed)) return true;
  if (name && trimmed.toLowerCase().replace(/[-_.\s]/g, '') === name.toLowerCase().replace(/[-_.\s]/g, ''))
    return true;
  if (secretWords.has(trimmed.toLowerCase())) return true;
  return false;
}

function isTokenKind(value: string): boolean {
  if (/\d/.test(value)) return false;
  if (/^[?#@$%!:][A-Za-z]+(?:[-_.:]?[A-Za-z]+)*$/.test(value)) return true;
  const words = value.match(/[A-Z][a-z]+/g) ?? [];
  return words.length >= 2 && words.join('') === value && words.every((word) => /[aeiouy]/.test(word));
}

/** Default credentials: the values attackers try first. */
export const defaultCredentials = new Set([
  'admin',
  'administrator',
  'changeme',
  'change-me',
  'change_me',
  'changeit',
  'password',
  'passw0rd',
  'p@ssw0rd',
  'p@ssword',
  'password1',
  'password123',
  'pass123',
  'admin123',
  'admin1234',
  'root',
  'toor',
  'secret',
  'default',
  'letmein',
  'qwerty',
  '123456',
  '1234',
  '12345',
  '12345678',
  '123456789',
  'guest',
  'postgres',
  'mysql',
  'sa',
]);

export function isDefaultCredential(value: string): boolean {
  return defaultCredentials.has(value.trim().toLowerCase());
}

/** A secret-looking value under a weak name (`credentials`, `auth`): long, random, mixed classes. */
export function isHighEntropy(value: string): boolean {
  const trimmed = value.trim();
  if (trimmed.length < 20 || /\s/.test(trimmed) || !/^[A-Za-z0-9+/=_.-]+$/.test(trimmed)) return false;
  const classes = [/[a-z]/, /[A-Z]/, /\d/].filter((pattern) => pattern.test(trimmed)).length;
  return classes >= 2 && /\d/.test(trimmed) && entropy(trimmed) >= 3.5;
}

/** The password inside `scheme://user:password@host`, when it is real (not a placeholder or a local default). */
export function urlPassword(value: string): string | undefined {
  const match = /^[a-z][a-z0-9+.-]*:\/\/([^:@/\s]*):([^@/\s]+)@([^/:?#\s]+)/i.exec(value.trim());
  if (!match) return undefined;
  const [, user, password, host] = match;
  if (isLocalHost(host) || isPlaceholder(password) || /^\$|^\{|^%/.test(password)) return undefined;
  if (password.toLowerCase() === user.toLowerCase() || /^(?:pass(?:word)?|pwd|secret)$/i.test(password))
    return undefined;
  return password;
}

/** Hosts that never leave the machine or the private network, and documentation domains. */
export function isLocalHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (!h.includes('.')) return true; // localhost, docker-compose service names (`db`, `redis`)
  if (/^(?:127\.|10\.|192\.168\.|172\.(?:1[6-9]|2\d|3[01])\.|0\.0\.0\.0$|169\.254\.)/.test(h)) return true;
  if (h === '::1') return true;
  return (
    /(?:^|\.)(?:localhost|local|test|example|invalid|internal|lan|home\.arpa|example\.(?:com|org|net))$/.test(
      h,
    ) || h === 'host.docker.internal'
  );
}
