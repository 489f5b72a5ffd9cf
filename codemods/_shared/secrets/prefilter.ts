import {
  keyQualifiers,
  passQualifiers,
  passwordSubjects,
  passwordWords,
  secretSubjects,
  trailingQualifiers,
} from './names.js';
import { keyFormatStart } from '../key-formats.js';
import { defaultCredentials } from './values.js';

/**
 * Text prefilters of the secrets rules: necessary conditions of what they report, so that a file that cannot hold
 * a finding is never parsed. Each piece mirrors a detection path (names.ts, values.ts, locate.ts, detect.ts) and
 * is built from the same word lists, so a word added there is seen here too. A piece may let through more than
 * its rule reports, never less: words that `Object.keys`, `keyof`, `cacheKey` or `tokens` put in almost every file
 * are not enough on their own.
 */

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * `key` -> `[kK][eE][yY]`: the rest of a pattern stays case-sensitive, which the camelCase word boundaries of
 * nameWords need (`tokenType` is not a token, `TOKEN_TYPE` neither, `tokenValue` is).
 */
export function anyCase(word: string): string {
  return escapeRegExp(word).replace(/[a-z]/g, (letter) => `[${letter}${letter.toUpperCase()}]`);
}

function anyOf(words: Iterable<string>): string {
  // Longest first, so that `str` does not stop `string` short.
  const sorted = [...words].sort((a, b) => b.length - a.length);
  return `(?:${sorted.map(anyCase).join('|')})`;
}

/** Characters that may separate two words inside one name (`API_KEY`, `'x-api-key'`, `apiKey` has none). */
const inName = `[^A-Za-z0-9'"\`\\n]*`;

/**
 * Head nouns of secretKind (names.ts), as they can end a name: `password` (also compound: `dbpassword`), `secret`,
 * `token`, a `key` after one of its qualifiers or after `secret` (`secretOrKey`), a `pass` after one of its (also
 * compound: `dbpass`), and the subject after a leading secret or password (`SECRET_JWT`, `PASSWORD_DB`).
 */
const secretHeads = [
  anyOf(passwordWords),
  anyCase('secret'),
  anyCase('token'),
  `${anyOf(keyQualifiers)}${inName}${anyCase('key')}`,
  `${anyCase('secret')}[^'"\`\\n]*?${anyCase('key')}`,
  `${anyOf(passQualifiers)}${inName}${anyCase('pass')}`,
  `${anyCase('secret')}${inName}${anyOf(secretSubjects)}`,
  `${anyOf(passwordWords)}${inName}${anyOf(passwordSubjects)}`,
];

/**
 * The head ends its word (`tokens`, `passwordless`, `tokenizer` are other words); trailing qualifiers and digits
 * may follow it (`JWT_SECRET_DEV`, `passwordValue`, `apiKey2`), as secretKind pops them.
 */
const trail = `(?![a-z])(?:${inName}(?:${anyOf(trailingQualifiers)}|[0-9]+(?![0-9]))(?![a-z]))*`;
/** The end of an identifier (`password_`, `$secret$`), or of a quoted name (`'db password (dev)'`). */
const nameEnd = `(?:[_$\\u0080-\\uffff]*|[^A-Za-z0-9'"\`\\n]*['"\`])`;
/** The end of a name where nothing else of it follows. */
const wordEnd = `[_$\\u0080-\\uffff]*(?![A-Za-z0-9_$\\u0080-\\uffff])`;

/** A name that secretKind (or isSecretName) accepts, as it can appear anywhere in the text. */
export const secretName = new RegExp(`(?:${secretHeads.join('|')})${trail}${wordEnd}`);

/**
 * Names whose literal secretLiteral (detect.ts) reports besides secretKind's: `{ user, pass: '...' }`
 * (passwordPairKind takes exactly `pass`), `Authorization: 'Bearer ...'`, `credentials: '<high entropy>'`.
 */
const literalHeads = [
  ...secretHeads,
  '(?<![A-Za-z0-9])pass',
  anyCase('authorization'),
  `${anyCase('credential')}[sS]?`,
];

/**
 * Spaces and comments. A block comment stops at its first `*` + `/`: a lazy `[\s\S]*?` could also stretch to any
 * later one, and a failed match would try all of them (seconds on a file full of JSDoc).
 */
export const gap = String.raw`(?:\s|\/\*(?:[^*]|\*(?!\/))*\*\/|\/\/[^\n]*)`;
/**
 * Between a name and its `:` or `=`: spaces and comments, the `]` of `obj['apiKey']`, the `?`/`!` of TS fields,
 * the `)` or `as T)` of a parenthesized assignment target.
 */
const beforeAssign = String.raw`(?:${gap}|[\]?!)]|(?:as|satisfies)\s[^=;\n()]*\))*`;
/** A type annotation (`: string | undefined`, `: Record<string, () => string>`), up to the `=` of its value. */
const typeAnnotation = String.raw`(?:[^;={}()'"\`]|=>|\{[^{}]*\}|\([^()]*\)|'[^'\n]*'|"[^"\n]*"|\`[^\`]*\`)*?`;

/** From a name to the value stored under it: `: v`, `= v`, `: T = v` (variables, fields, JSX, enums, defaults). */
function storedAs(value: string): string {
  return `${beforeAssign}(?::${value}|=(?![=>])${value}|:${typeAnnotation}=(?![=>])${value})`;
}

/** The opening quote of a string or template literal, after spaces, comments and parentheses (`= ('x')`). */
const literalStart = String.raw`(?:${gap}|\()*['"\`]`;
/** A default credential of values.ts, as a whole string (isDefaultCredential trims and ignores case). */
const defaultCredentialLiteral = String.raw`['"\`](?:\s|\\[tnrvf])*${anyOf(defaultCredentials)}(?:\s|\\[tnrvf])*['"\`]`;

/** A string literal stored under a secret's name (literalSite's positions). */
export const literalUnderSecretName = new RegExp(
  `(?:${literalHeads.join('|')})${trail}${nameEnd}${storedAs(literalStart)}`,
);
/** A default credential stored under a secret's name: `password: 'admin'`, `secret = 'changeme'`. */
const defaultCredentialUnderSecretName = new RegExp(
  `(?:${literalHeads.join('|')})${trail}${nameEnd}${storedAs(`(?:${gap}|\\()*${defaultCredentialLiteral}`)}`,
);
export const defaultCredentialAnywhere = new RegExp(defaultCredentialLiteral);

/**
 * The callees of locate.ts's secretArguments: `jwt.sign(payload, 'shhh')` (also `jwt!.sign`, `(jwt as any).verify`),
 * `cookieParser('s3cret')`, `crypto.createHmac('sha256', 'k3y')`. `z.jwt()` or a `JWT` in a comment is none.
 */
export const secretArgumentCallee = new RegExp(
  String.raw`(?<![\w$.])(?:jwt|JWT|jsonwebtoken|jsonWebToken|jwtSimple|jwt_simple)(?:${gap}|[!)]|as\s[^;\n]*?\))*(?:\??\.|\[)${gap}*['"\`]?(?:sign|verify|encode|decode)(?![\w$])|cookieParser|cookie_parser|createHmac`,
);

/** The beginnings of the key-format table's formats, which every string of that format holds as written. */
export const keyFormatPrefix = keyFormatStart;

/** `scheme://user:password@host` (urlPassword), also with the slashes escaped as in JSON (`:\/\/`). */
export const urlWithPassword = /:(?:\/|\\\/){2}[^:@/\s]*:[^@/\s]+@/;

/**
 * A letter or digit written as an escape sequence (`'pass\x77ord'`, `'\u0041KIA...'`): the words above are matched
 * as written, so such a file is always parsed. Rare in practice (regex character classes use other escapes).
 */
export const letterEscape =
  /\\(?:x(?:3[0-9]|[46][1-9a-fA-F]|[57][0-9aA]|2[dD]|5[fF])|u00(?:3[0-9]|[46][1-9a-fA-F]|[57][0-9aA]|2[dD]|5[fF])|u\{0*(?:3[0-9]|[46][1-9a-fA-F]|[57][0-9aA])\}|1[0-7]{2})/;

/**
 * Every head above holds one of these words (a `key` only after a qualifier): a test that is cheap where they are
 * missing (most files), before the patterns that try their many alternatives at every position.
 */
export const secretWord = new RegExp(
  `pass|pwd|secret|token|authorization|credential|(?:${[...keyQualifiers].join('|')})[^A-Za-z0-9'"\`\\n]*key`,
  'i',
);

/** The words of secretWord found in one cheap case-insensitive pass; a `key` is checked for its qualifier apart. */
const nameWordAnyCase = /pass|pwd|secret|token|authorization|credential|key/gi;
const longestQualifier = Math.max(...[...keyQualifiers].map((word) => word.length));

/** secretWord's `(?:qualifier)[^A-Za-z0-9'"\`\n]*key`, read backwards from the `key` at `keyIndex`. */
function hasKeyQualifierBefore(text: string, lineStart: number, keyIndex: number): boolean {
  let end = keyIndex;
  while (end > lineStart && /[^A-Za-z0-9'"`\n]/.test(text[end - 1])) end--;
  const before = text.slice(Math.max(lineStart, end - longestQualifier), end).toLowerCase();
  for (const qualifier of keyQualifiers) if (before.endsWith(qualifier)) return true;
  return false;
}

/**
 * The starts of the lines that hold a secretWord match. Every head of secretHeads and literalHeads holds such a word
 * on its own line (a name's parts are separated by `inName`, which never crosses a newline), so a name pattern
 * can only start on these lines: trying it there finds exactly what a search of the whole text finds.
 */
export function linesWithSecretWords(text: string): readonly number[] {
  if (text === linesText) return lines;
  linesText = text;
  lines = secretWordLines(text);
  return lines;
}

// The rules of the secrets family ask about the same file one after another (hardcoded-secret and
// frontend-secret the same question): the last file's answers are kept, so each scan runs once per file.
let linesText: string | undefined;
let lines: readonly number[] = [];
let literalText: string | undefined;
let literalAnswer = false;

function secretWordLines(text: string): number[] {
  // One case-insensitive pass that fails on most files, before the search that stops at every `key`.
  if (!secretWord.test(text)) return [];
  const starts: number[] = [];
  nameWordAnyCase.lastIndex = 0;
  for (let match = nameWordAnyCase.exec(text); match; match = nameWordAnyCase.exec(text)) {
    const lineStart = text.lastIndexOf('\n', match.index - 1) + 1;
    if (match[0].length === 3 && !hasKeyQualifierBefore(text, lineStart, match.index)) continue;
    starts.push(lineStart);
    const lineEnd = text.indexOf('\n', match.index);
    if (lineEnd === -1) break;
    nameWordAnyCase.lastIndex = lineEnd;
  }
  return starts;
}

/** True when `pattern` (a name-led pattern of this file) matches starting at a letter of one of these lines. */
function matchesFromLines(pattern: RegExp, text: string, lineStarts: readonly number[]): boolean {
  const sticky = new RegExp(pattern.source, 'y');
  for (const start of lineStarts) {
    const end = text.indexOf('\n', start);
    const stop = end === -1 ? text.length : end;
    for (let position = start; position < stop; position++) {
      const code = text.charCodeAt(position) | 0x20;
      // Every head starts with a letter.
      if (code < 0x61 || code > 0x7a) continue;
      sticky.lastIndex = position;
      if (sticky.test(text)) return true;
    }
  }
  return false;
}

/** Key formats, URL passwords, secret arguments and escapes: each alone makes a file worth parsing. */
const strongSignal = new RegExp(
  [keyFormatPrefix, urlWithPassword, secretArgumentCallee, letterEscape]
    .map((pattern) => pattern.source)
    .join('|'),
);

/** What secretLiteral (detect.ts) may report in this text: a known key format, a URL password, a named secret. */
export function mayHoldSecretLiteral(text: string): boolean {
  if (text !== literalText) {
    literalText = text;
    literalAnswer = secretLiteralSignal(text);
  }
  return literalAnswer;
}

function secretLiteralSignal(text: string): boolean {
  if (strongSignal.test(text)) return true;
  const lines = linesWithSecretWords(text);
  return lines.length > 0 && matchesFromLines(literalUnderSecretName, text, lines);
}

/** What isDefaultCredentialAt (detect.ts) may report: `password: 'admin'`, `jwt.sign(payload, 'secret')`. */
export function mayHoldDefaultCredential(text: string): boolean {
  if (!defaultCredentialAnywhere.test(text)) return false;
  if (secretArgumentCallee.test(text)) return true;
  const lines = linesWithSecretWords(text);
  return lines.length > 0 && matchesFromLines(defaultCredentialUnderSecretName, text, lines);
}

/** A secret's name given any value: `const jwtSecret = process.env.A || 'x'`, `{ password: cfg.pw ?? 'x' }`. */
export const secretNameAssigned = new RegExp(
  `(?:${secretHeads.join('|')})${trail}${nameEnd}${beforeAssign}(?::|=(?![=>]))`,
);

/**
 * envRead (locate.ts) of a variable named like a secret: `process.env.JWT_SECRET`, `import.meta.env['DB_PASSWORD']`,
 * `process['env'].X`, `(process.env as any).X`, `process.env!.X` (memberPath looks through casts).
 */
export const envReadOfSecret = new RegExp(
  String.raw`(?<![\w$])env['"\`]?\]?(?:${gap}|[!)]|as\s[^;\n]*?\))*(?:\??\.|\[)${gap}*['"\`]?[^'"\`\n\]]*?(?:${secretHeads.join('|')})${trail}${wordEnd}`,
);

/** A default credential as one side of `==`, `===`, `!=` or `!==` (checkComparison), in parentheses or not. */
export const comparedWithDefaultCredential = new RegExp(
  String.raw`${defaultCredentialLiteral}(?:${gap}|\))*[!=]==?|[!=]==?(?:${gap}|\()*${defaultCredentialLiteral}`,
);
