import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { envExampleFiles } from '../../src/add/project-files.js';
import { entropy, matchKeyFormat } from '../_shared/key-formats.js';
import { isSecretName } from '../_shared/secrets/names.js';
import { isHighEntropy, isPlaceholder } from '../_shared/secrets/values.js';

/**
 * What untracking a `.env` leaves behind: the committed list of its variables (`.env.example`), so a fresh clone
 * knows what to set. Without it the fixed repository's app fails at start on the first required setting
 * (fastapi/full-stack-fastapi-template: pydantic's "field required"). Secret values are blanked, the rest kept:
 * ports, hosts, flags and names are what a newcomer needs and give nothing away.
 */

/** `changethis`, `change-me`: a value a template tells the user to replace; the app's own check knows it. */
const replaceMe = /^(?:please[-_ ]?)?change[-_ ]?(?:this|me|it)(?:[-_ ]?(?:please|now))?$/i;

/** Generated, not typed: mixed classes with high entropy, or a long hex string (OAuth client secrets, tokens). */
export function looksRandom(value: string): boolean {
  return isHighEntropy(value) || (/^[0-9a-f]{24,}$/i.test(value) && /\d/.test(value) && entropy(value) >= 3);
}

/**
 * A password in a URL, on any host: the check spares documentation hosts (`example.net`), but a `.env` holds
 * what someone really typed. Kept: placeholders and the local defaults (`postgres:postgres`, `user:password`).
 */
function hasUrlPassword(value: string): boolean {
  const match = /^[a-z][a-z0-9+.-]*:\/\/([^:@/\s]*):([^@/\s]+)@/i.exec(value.trim());
  if (!match) return false;
  const [, user, password] = match;
  if (isPlaceholder(password) || replaceMe.test(password) || /^[$%{]/.test(password)) return false;
  return password.toLowerCase() !== user.toLowerCase() && !/^(?:pass(?:word)?|pwd|secret)$/i.test(password);
}

/** A value the example must not hold: a key format, a URL password, a real value under a secret's name, or noise. */
function isSecretValue(name: string, value: string): boolean {
  if (value === '' || /^\$\{?[A-Za-z_]/.test(value)) return false;
  if (matchKeyFormat(value) || hasUrlPassword(value) || looksRandom(value)) return true;
  return isSecretName(name) && !isPlaceholder(value) && !replaceMe.test(value);
}

/** Handles: `export NAME="value" # comment`, with `# ` in front when commented out. */
const assignment = /^(\s*(?:#\s*)?(?:export\s+)?)([A-Za-z_][A-Za-z0-9_.-]*)(\s*=\s*)(.*)$/;

interface ExampleEntry {
  name: string;
  /** The lines for the example: comments above the variable, then the variable, its value blank if secret. */
  lines: string[];
}

function unquote(raw: string): string {
  const value = raw.trim();
  const quoted = /^(["'`])(.*)\1\s*(?:#.*)?$/.exec(value);
  return quoted ? quoted[2] : value.replace(/\s+#.*$/, '').trim();
}

/**
 * The dotenv text as an example: comments and blank lines kept, each variable kept with its value unless the value
 * is secret (then `NAME=`). A quoted value over several lines (a PEM key) is always blanked. Commented-out
 * assignments are judged like live ones; any other line holding a key format or a URL password loses it.
 */
export function exampleEntries(text: string): { entries: ExampleEntry[]; lines: string[] } {
  const source = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (source.at(-1) === '') source.pop();
  const lines: string[] = [];
  const entries: ExampleEntry[] = [];
  let comments: string[] = [];
  for (let index = 0; index < source.length; index++) {
    const line = source[index];
    const match = assignment.exec(line);
    const commented = match?.[1].includes('#') ?? false;
    if (!match || (commented && !/^\s*#\s*(?:export\s+)?[A-Z_][A-Z0-9_]*\s*=/.test(line))) {
      // A comment, or a stray line that is no assignment: it keeps its words, not a key or a URL password.
      const safe = line.replace(/(\s*)(\S+)/g, (all: string, _space: string, word: string) =>
        matchKeyFormat(word) || hasUrlPassword(word) ? '' : all,
      );
      lines.push(safe);
      comments = /^\s*#/.test(safe) ? [...comments, safe] : [];
      continue;
    }
    const [, prefix, name, equals, raw] = match;
    let blank = isSecretValue(name, unquote(raw));
    const opening = /^\s*(["'`])/.exec(raw)?.[1];
    if (opening && !commented && !raw.trim().slice(1).includes(opening)) {
      // Handles: KEY="-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----"
      while (index + 1 < source.length && !source[index + 1].includes(opening)) index++;
      if (index + 1 < source.length) index++;
      blank = true;
    }
    const out = blank ? `${prefix}${name}${equals.trimEnd()}` : line;
    lines.push(out);
    if (!commented) entries.push({ name, lines: [...comments, out] });
    comments = commented ? [...comments, out] : [];
  }
  return { entries, lines };
}

const namePattern = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=/gm;

/**
 * The example after taking in the dotenv file: the whole file as an example when there is none, else the
 * existing text with the variables it lacks appended (each with its comments), never a name twice.
 * Undefined when nothing is missing: a second run writes nothing.
 */
export function mergedExample(envText: string, existing: string | undefined): string | undefined {
  const { entries, lines } = exampleEntries(envText);
  if (entries.length === 0) return undefined;
  if (existing === undefined || existing.trim() === '') {
    const eol = envText.includes('\r\n') ? '\r\n' : '\n';
    return `${lines.join(eol)}${eol}`;
  }
  const present = new Set([...existing.matchAll(namePattern)].map((match) => match[1]));
  const added = new Set<string>();
  const missing = entries.filter(
    (entry) => !present.has(entry.name) && !added.has(entry.name) && added.add(entry.name),
  );
  if (missing.length === 0) return undefined;
  const eol = existing.includes('\r\n') ? '\r\n' : '\n';
  const separator = existing.endsWith('\n') ? '' : eol;
  return `${existing}${separator}${missing.flatMap((entry) => entry.lines).join(eol)}${eol}`;
}

/**
 * Where a dotenv file's variables go: the project's own lists beside it (`.env.example`, `env-example-relational`,
 * see envExampleFiles), or `.env.example`; `db.env` (a compose env_file) gets `db.env.example`.
 */
export function exampleTargets(root: string, path: string): string[] {
  const name = basename(path);
  const folder = dirname(path);
  if (!name.startsWith('.')) return [join(folder, `${name}.example`)];
  const absolute = join(root, folder);
  const files = existsSync(absolute)
    ? readdirSync(absolute, { withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => entry.name)
    : [];
  return envExampleFiles(files).map((file) => join(folder, file));
}

/** Each example to write for this dotenv file (path relative to root -> new text); empty when all are complete. */
export function plannedExamples(root: string, path: string): Map<string, string> {
  const envText = readFileSync(join(root, path), 'utf8');
  const planned = new Map<string, string>();
  for (const target of exampleTargets(root, path)) {
    const absolute = join(root, target);
    const existing = existsSync(absolute) ? readFileSync(absolute, 'utf8') : undefined;
    const after = mergedExample(envText, existing);
    if (after !== undefined) planned.set(target, after);
  }
  return planned;
}
