import { crc32 } from 'node:zlib';

/**
 * Credential formats a provider issues, recognised wherever they appear: in a JS string, a YAML or JSON value,
 * an .env line, a Dockerfile ENV, a key file. One table for every secret rule (hardcoded-secret, frontend-secret,
 * env-committed, docker-secret) and for the prefilters built from it.
 */
export interface KeyFormat {
  id: string;
  /** How a finding names it: `a GitHub token`. */
  label: string;
  /** The variable a fix reads the value from. */
  envName: string;
  /** The value and nothing else (a string literal's whole value). */
  pattern: RegExp;
  /** Where the format starts inside any text: a cheap, case-sensitive beginning that every such value holds. */
  start: string;
  /** What the provider publishes about every key (shown in findings): `ghp_`, `AKIA`, `sk_live_`. */
  publicPrefix: (value: string) => string;
  /** Shannon entropy (bits per character) the random part must reach; hand-typed filler is below. */
  entropyFloor?: number;
  /** The format's own consistency check (a checksum, a decodable payload): false means not a real key. */
  verify?: (value: string) => boolean;
  /** Public by design (restricted by referrer or role): may ship to browsers. */
  browserSafe?: boolean;
}

const base62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function toBase62(value: number, width: number): string {
  let text = '';
  for (let rest = value; rest > 0; rest = Math.floor(rest / 62)) text = base62[rest % 62] + text;
  return text.padStart(width, '0');
}

/**
 * GitHub (since 2021) and npm tokens end with the CRC32 of their 30 random characters in 6 base62 digits
 * (github.blog, "Behind GitHub's new authentication token formats"): a made-up `ghp_...` fails it.
 */
export function hasTokenChecksum(value: string): boolean {
  const body = value.slice(value.indexOf('_') + 1);
  if (body.length !== 36) return false;
  return toBase62(crc32(body.slice(0, 30)), 6) === body.slice(30);
}

/** Issues the checksum a token body of 30 characters needs (tests build real-shaped tokens with it). */
export function withTokenChecksum(prefix: string, random30: string): string {
  return `${prefix}${random30}${toBase62(crc32(random30), 6)}`;
}

function decodeJson(segment: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A signed JWT that grants something: its header and payload decode, it is not the jwt.io sample, not a
 * public anon key (Supabase's `role: anon`), and not expired. An expired token no longer opens anything.
 */
export function isLiveJwt(value: string, now = Date.now()): boolean {
  const [header, payload, signature] = value.split('.');
  const head = decodeJson(header);
  const claims = decodeJson(payload);
  if (!head || !claims || typeof head.alg !== 'string' || head.alg.toLowerCase() === 'none') return false;
  if (!signature || signature.length < 20) return false;
  if (claims.name === 'John Doe' || claims.sub === '1234567890') return false;
  if (claims.role === 'anon' || claims.role === 'anonymous') return false;
  return !(typeof claims.exp === 'number' && claims.exp * 1000 < now);
}

/** A PEM block with a real body: base64 between the markers, not `...` or `<your key>`. */
function hasPemBody(value: string): boolean {
  const body = value
    .replace(/-----(?:BEGIN|END) [^-]+-----/g, '')
    .replace(/\\[nr]/g, '\n')
    .replace(/^[\w-]+:.*$/gm, '');
  if (/\.\.\.|<[^>]+>|x{8}/i.test(body)) return false;
  return (body.match(/[A-Za-z0-9+/=]/g) ?? []).length >= 64;
}

const prefixUpTo = (separator: string) => (value: string) =>
  value.slice(0, value.indexOf(separator) + separator.length);
const firstChars = (count: number) => (value: string) => value.slice(0, count);

export const keyFormats: readonly KeyFormat[] = [
  {
    id: 'private-key',
    label: 'a PEM private key',
    envName: 'PRIVATE_KEY',
    pattern:
      /^-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY(?: BLOCK)?-----[\s\S]+-----END \1PRIVATE KEY(?: BLOCK)?-----$/,
    start: '-----BEGIN [A-Z0-9 ]*PRIVATE KEY',
    publicPrefix: (value) => /^-----BEGIN [^-]+-----/.exec(value)![0],
    verify: hasPemBody,
  },
  {
    id: 'aws-access-key-id',
    label: 'an AWS access key id',
    envName: 'AWS_ACCESS_KEY_ID',
    pattern: /^(?:AKIA|ASIA)[0-9A-Z]{16}$/,
    start: '(?:AKIA|ASIA)[0-9A-Z]{16}',
    publicPrefix: firstChars(4),
    entropyFloor: 3,
  },
  {
    id: 'github-token',
    label: 'a GitHub token',
    envName: 'GITHUB_TOKEN',
    pattern: /^gh[pousr]_[A-Za-z0-9]{36}$/,
    start: 'gh[pousr]_[A-Za-z0-9]{36}',
    publicPrefix: firstChars(4),
    verify: hasTokenChecksum,
  },
  {
    id: 'github-fine-grained-token',
    label: 'a GitHub token',
    envName: 'GITHUB_TOKEN',
    pattern: /^github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}$/,
    start: 'github_pat_',
    publicPrefix: prefixUpTo('pat_'),
    entropyFloor: 4,
  },
  {
    id: 'gitlab-token',
    label: 'a GitLab token',
    envName: 'GITLAB_TOKEN',
    pattern: /^glpat-[A-Za-z0-9_-]{20}$/,
    start: 'glpat-',
    publicPrefix: prefixUpTo('-'),
    entropyFloor: 3.5,
  },
  {
    id: 'slack-token',
    label: 'a Slack token',
    envName: 'SLACK_TOKEN',
    pattern: /^xox[abposr]-(?:[0-9]+-){1,3}[0-9A-Za-z-]{10,}$/,
    start: 'xox[abposr]-',
    publicPrefix: firstChars(5),
    entropyFloor: 3,
  },
  {
    id: 'slack-webhook',
    label: 'a Slack webhook URL',
    envName: 'SLACK_WEBHOOK_URL',
    pattern: /^https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]{20,}$/,
    start: 'hooks\\.slack\\.com',
    publicPrefix: prefixUpTo('services/'),
    entropyFloor: 3,
  },
  {
    id: 'stripe-secret-key',
    label: 'a Stripe secret key',
    envName: 'STRIPE_SECRET_KEY',
    pattern: /^(?:sk|rk)_live_[0-9A-Za-z]{16,}$/,
    start: '[sr]k_live_',
    publicPrefix: prefixUpTo('live_'),
    entropyFloor: 3,
  },
  {
    id: 'google-api-key',
    label: 'a Google API key',
    envName: 'GOOGLE_API_KEY',
    pattern: /^AIza[0-9A-Za-z_-]{35}$/,
    start: 'AIza[0-9A-Za-z_-]{35}',
    publicPrefix: firstChars(4),
    entropyFloor: 3,
    browserSafe: true,
  },
  {
    id: 'sendgrid-api-key',
    label: 'a SendGrid API key',
    envName: 'SENDGRID_API_KEY',
    pattern: /^SG\.[\w-]{16,32}\.[\w-]{30,50}$/,
    start: 'SG\\.[\\w-]{16}',
    publicPrefix: firstChars(3),
    entropyFloor: 3,
  },
  {
    id: 'twilio-api-key',
    label: 'a Twilio API key',
    envName: 'TWILIO_API_KEY',
    pattern: /^SK[0-9a-f]{32}$/,
    start: 'SK[0-9a-f]{32}',
    publicPrefix: firstChars(2),
    entropyFloor: 3,
  },
  {
    id: 'mailgun-api-key',
    label: 'a Mailgun API key',
    envName: 'MAILGUN_API_KEY',
    pattern: /^key-[0-9a-f]{32}$/,
    start: 'key-[0-9a-f]{32}',
    publicPrefix: firstChars(4),
    entropyFloor: 3.2,
  },
  {
    id: 'npm-token',
    label: 'an npm token',
    envName: 'NPM_TOKEN',
    pattern: /^npm_[A-Za-z0-9]{36}$/,
    start: 'npm_[A-Za-z0-9]{36}',
    publicPrefix: firstChars(4),
    verify: hasTokenChecksum,
  },
  {
    id: 'openai-api-key',
    label: 'an OpenAI API key',
    envName: 'OPENAI_API_KEY',
    pattern: /^sk-(?:proj-|svcacct-)?[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,}$/,
    start: 'T3BlbkFJ',
    publicPrefix: firstChars(3),
    entropyFloor: 3,
  },
  {
    id: 'anthropic-api-key',
    label: 'an Anthropic API key',
    envName: 'ANTHROPIC_API_KEY',
    pattern: /^sk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_-]{80,}$/,
    start: 'sk-ant-',
    publicPrefix: prefixUpTo('ant-'),
    entropyFloor: 3,
  },
  {
    id: 'jwt',
    label: 'a signed JWT',
    envName: 'API_TOKEN',
    pattern: /^eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{20,}$/,
    start: 'eyJ[A-Za-z0-9_-]{10,}\\.eyJ',
    publicPrefix: firstChars(3),
    verify: (value) => isLiveJwt(value),
  },
];

/** Shannon entropy in bits per character. */
export function entropy(value: string): number {
  const counts = new Map<string, number>();
  for (const character of value) counts.set(character, (counts.get(character) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** Documentation keys (`AKIAIOSFODNN7EXAMPLE`) and hand-typed filler (`sk_live_xxxx...`, `...1234567`). */
function looksFake(format: KeyFormat, value: string): boolean {
  if (/example|sample|dummy|fake|test|xxxx|0000|1234567|abcdef|your/i.test(value)) return true;
  const body = value.slice(format.publicPrefix(value).length);
  if (/^(.)\1+$/.test(body)) return true;
  return format.entropyFloor !== undefined && entropy(body) < format.entropyFloor;
}

/** The format of a value that is exactly one issued key (whitespace around it ignored), if any. */
export function matchKeyFormat(value: string): KeyFormat | undefined {
  const trimmed = value.trim();
  for (const format of keyFormats) {
    if (!format.pattern.test(trimmed)) continue;
    if (format.verify) return format.verify(trimmed) ? format : undefined;
    return looksFake(format, trimmed) ? undefined : format;
  }
  return undefined;
}

/** The beginning of some key format, anywhere: one pass over a text tells whether any may be in it. */
export const keyFormatStart = new RegExp(keyFormats.map((format) => format.start).join('|'));

/** Characters that end a key inside text: quotes, spaces, separators of YAML/JSON/.npmrc/URLs. */
const keyCharacters = /[A-Za-z0-9_\-.+/=]/;

export interface KeyInText {
  format: KeyFormat;
  value: string;
  /** Offset of the value in the text. */
  index: number;
}

/**
 * Every issued key in a text (a YAML, JSON, .npmrc or key file): each format's start, widened to the token
 * around it, then checked as a whole value. A PEM block runs to its END line (escaped `\n` in JSON included).
 */
export function findKeysInText(text: string): KeyInText[] {
  const found: KeyInText[] = [];
  const starts = new RegExp(keyFormatStart.source, 'g');
  let covered = 0;
  for (let match = starts.exec(text); match; match = starts.exec(text)) {
    if (match.index < covered) continue;
    let begin = match.index;
    let end: number;
    if (match[0].startsWith('-----BEGIN')) {
      const close = /-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----/g;
      close.lastIndex = match.index;
      const ending = close.exec(text);
      if (!ending) continue;
      end = ending.index + ending[0].length;
    } else {
      while (begin > 0 && keyCharacters.test(text[begin - 1]) && !/[.=/]/.test(text[begin - 1])) begin--;
      if (text.startsWith('https://', begin - 8)) begin -= 8;
      end = match.index + match[0].length;
      while (end < text.length && keyCharacters.test(text[end])) end++;
      // A sentence's full stop or a base64 pad run past the key: trimmed back to what a format may end with.
      while (end > begin && /[.=/+-]/.test(text[end - 1])) end--;
    }
    const value = text.slice(begin, end);
    const format = matchKeyFormat(value.replace(/\\n/g, '\n'));
    if (format) {
      found.push({ format, value, index: begin });
      covered = end;
    }
  }
  return found;
}

/** How a finding shows a secret: the provider's published prefix and the length, never the random part. */
export function redact(value: string, format?: KeyFormat): string {
  const shown = format ? format.publicPrefix(value) : '';
  return `${shown}****, ${value.length} characters`;
}

/**
 * Shaped like an issued key but rejected by its checks (`ghp_` with a wrong checksum, `AKIA...EXAMPLE`): made up
 * for documentation or a fixture, so not a secret under any name either.
 */
export function isFakeKey(value: string): boolean {
  const trimmed = value.trim();
  return matchKeyFormat(trimmed) === undefined && keyFormats.some((format) => format.pattern.test(trimmed));
}
