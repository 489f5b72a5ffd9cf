import { entropy, isFakeKey, matchKeyFormat, redact, type KeyFormat } from '../key-formats.js';
import { secretKind, type SecretKind } from './names.js';
import { isDefaultCredential, isNonSecretShape, isPlaceholder, urlPassword } from './values.js';

/**
 * `NAME = value` outside code (a YAML or JSON key, an .env or .npmrc line): is the value a real secret? The same
 * judgement as for a JS literal under that name (names.ts, values.ts), plus what config files write instead of
 * a value: references (`${VAR}`, `${{ secrets.X }}`, `{{ .Values.x }}`, `$VAR`), YAML aliases and tags.
 */
export interface SecretAssignment {
  /** For the finding: `A password is hard-coded in \`DB_PASSWORD\``. */
  what: string;
  /** The value as a finding may show it: the format's public prefix, or stars, and the length. */
  redacted: string;
  format?: KeyFormat;
  kind?: SecretKind | 'url-password';
}

const minimumLength: Record<SecretKind, number> = { password: 6, secret: 8, token: 12, key: 12 };

/** A value written in place of a secret: a variable, a template, a tag or alias, an encrypted blob. */
export function isReference(value: string): boolean {
  return (
    /\$\{|\{\{|\{%|%\(|<%|^\$[A-Za-z_]|^[*&!]|^ENC\[|^vault:|^arn:aws:secretsmanager:|^projects\/[^/]+\/secrets\//.test(
      value.trim(),
    ) || /^[a-z][\w-]*:\/\/(?:secret|vault|op|ref)\b/i.test(value.trim())
  );
}

/** A value no one would keep secret: one repeated character, or too little randomness for its length. */
function lowEntropy(value: string): boolean {
  return /^(.)\1*$/.test(value) || entropy(value) < 2;
}

/** The public parts of a URL with a password: `postgres://app:****@db.example.net`. */
function redactUrl(value: string): string {
  return value.trim().replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/\s]*:)[^@/\s]+@([^/:?#\s]+).*$/i, '$1****@$2');
}

export function secretAssignment(name: string, rawValue: string): SecretAssignment | undefined {
  const value = rawValue.trim();
  if (value === '' || isReference(value)) return undefined;
  const format = matchKeyFormat(value);
  if (format) {
    const label = `${format.label[0].toUpperCase()}${format.label.slice(1)}`;
    return { what: `${label} is hard-coded in \`${name}\``, redacted: redact(value, format), format };
  }
  if (isFakeKey(value)) return undefined;
  if (urlPassword(value) !== undefined)
    return {
      what: `A password is hard-coded in the URL of \`${name}\``,
      redacted: redactUrl(value),
      kind: 'url-password',
    };
  const kind = secretKind(name);
  if (!kind || value.length < minimumLength[kind]) return undefined;
  if (isPlaceholder(value) || isNonSecretShape(value, name) || lowEntropy(value)) return undefined;
  // `admin`, `changeme`: default-password's finding, not a secret someone chose
  if (isDefaultCredential(value)) return undefined;
  if (/\s/.test(value) && kind !== 'secret') return undefined;
  return { what: `A ${kind} is hard-coded in \`${name}\``, redacted: redact(value), kind };
}
