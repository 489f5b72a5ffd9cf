import { readdirSync } from 'node:fs';
import ignore from 'ignore';
import { applyEdits, modify, type FormattingOptions } from 'jsonc-parser';

/** How package.json is indented and ends its lines, so that our edit writes new lines the same way. */
function formattingOf(text: string): FormattingOptions {
  const indent = /^[ \t]+(?=")/m.exec(text)?.[0] ?? '  ';
  return {
    insertSpaces: !indent.startsWith('\t'),
    tabSize: indent.startsWith('\t') ? 1 : indent.length,
    eol: text.includes('\r\n') ? '\r\n' : '\n',
  };
}

function isSorted(keys: string[]): boolean {
  return keys.every((key, index) => index === 0 || keys[index - 1].localeCompare(key) <= 0);
}

export interface DependencyEdit {
  text: string;
  /** Dependencies the user already had at another range: kept, reported. */
  kept: { name: string; theirs: string; ours: string }[];
}

/**
 * Adds the dependencies that are missing at our pinned versions. Each is an edit of its own entry (jsonc-parser's
 * modify): every other byte of package.json stays as the user wrote it (a one-line array, the key order, the
 * indentation, line endings, the final newline); a sorted list stays sorted, as npm writes it.
 */
export function addDependencies(
  text: string,
  dependencies: Record<string, string>,
  devDependencies: Record<string, string>,
  /** Packages whose range is replaced by ours, asked for with --upgrade. */
  upgrades: Record<string, string> = {},
): DependencyEdit {
  const pkg = JSON.parse(text) as Record<string, Record<string, string> | undefined>;
  const formattingOptions = formattingOf(text);
  const kept: DependencyEdit['kept'] = [];
  let edited = text;
  const set = (path: string[], value: string, getInsertionIndex?: (keys: string[]) => number) => {
    edited = applyEdits(edited, modify(edited, path, value, { formattingOptions, getInsertionIndex }));
  };
  const has = (name: string) => pkg.dependencies?.[name] ?? pkg.devDependencies?.[name];
  for (const [field, wanted] of [
    ['dependencies', dependencies],
    ['devDependencies', devDependencies],
  ] as const) {
    const sorted = isSorted(Object.keys(pkg[field] ?? {}));
    for (const [name, version] of Object.entries(wanted)) {
      const theirs = has(name);
      if (theirs !== undefined && upgrades[name] !== undefined && theirs !== upgrades[name]) {
        for (const owner of ['dependencies', 'devDependencies'] as const)
          if (pkg[owner]?.[name] !== undefined) {
            set([owner, name], upgrades[name]);
            pkg[owner][name] = upgrades[name];
          }
      } else if (theirs === undefined) {
        set([field, name], version, (present) =>
          sorted ? present.filter((key) => key.localeCompare(name) < 0).length : present.length,
        );
        pkg[field] = { ...pkg[field], [name]: version };
      } else if (theirs !== version && field === 'dependencies') kept.push({ name, theirs, ours: version });
    }
  }
  return { text: edited, kept };
}

export interface EnvName {
  name: string;
  /** Written as a comment above the name. */
  description?: string;
}

/** Adds `NAME=` lines (with their description as a comment) for the variables not listed yet; never a value. */
export function addEnvNames(text: string | undefined, variables: EnvName[]): string | undefined {
  const existing = text ?? '';
  const listed = new Set(
    existing
      .split(/\r?\n/)
      .map((line) =>
        line
          .replace(/^\s*export\s+/, '')
          .split('=')[0]
          .trim(),
      )
      .filter((name) => name && !name.startsWith('#')),
  );
  const missing = variables.filter(
    (variable, index) =>
      !listed.has(variable.name) && variables.findIndex((other) => other.name === variable.name) === index,
  );
  if (missing.length === 0) return text;
  const eol = existing.includes('\r\n') ? '\r\n' : '\n';
  const separator = existing === '' || existing.endsWith('\n') ? '' : eol;
  const lines = missing.map(
    ({ name, description }) =>
      `${description ? `# ${description.replace(/\s+/g, ' ')}${eol}` : ''}${name}=${eol}`,
  );
  return existing + separator + lines.join('');
}

/**
 * A committed list of the variables, as projects name it: `env` beside a word saying it is an example, in any
 * order and joined by `.`, `-` or `_` (`.env.example`, `.env.sample`, `env-example-relational`, `example.env`,
 * `.env.local.example`, `.env.tpl`). Not `.env`, `.env.local`, `.env.development` or `.development.env`: those
 * hold values an app loads, and neither is `.env.defaults` (dotenv-defaults and RedwoodJS load it).
 */
const exampleWords = new Set(['example', 'sample', 'template', 'tpl', 'tmpl', 'dist']);

/** `env.example.ts`, `env.sample.json`: code or data in another format, not a list of `NAME=` lines. */
const otherFormat = /\.(?:[cm]?[jt]sx?|json5?|ya?ml|toml|py|sh|md|php|rb|go|rs|html|xml)$/i;

export function isEnvExampleName(name: string): boolean {
  if (otherFormat.test(name)) return false;
  const words = name.toLowerCase().replace(/^\./, '').split(/[._-]/);
  return words.includes('env') && words.some((word) => exampleWords.has(word));
}

/**
 * The project's own lists of variables at its root (`.env.example` first, then by name), or `.env.example` when
 * it has none: never a second one beside theirs. Each gets the names: brocoders/nestjs-boilerplate keeps one list
 * per database (`env-example-relational`, `env-example-document`) and a user copies either.
 */
export function envExampleFiles(rootFiles: readonly string[]): string[] {
  const own = rootFiles
    .filter(isEnvExampleName)
    .sort((a, b) => Number(b === '.env.example') - Number(a === '.env.example') || a.localeCompare(b));
  return own.length > 0 ? own : ['.env.example'];
}

/** envExampleFiles of the files at a project's root. */
export function rootEnvExampleFiles(root: string): string[] {
  const entries = readdirSync(root, { withFileTypes: true });
  return envExampleFiles(entries.filter((entry) => entry.isFile()).map((entry) => entry.name));
}

/** Makes sure `.env` is ignored (and so never committed); leaves a .gitignore that already does alone. */
export function ignoreDotEnv(text: string | undefined): string | undefined {
  const existing = text ?? '';
  if (ignore().add(existing).ignores('.env')) return text;
  const eol = existing.includes('\r\n') ? '\r\n' : '\n';
  const separator = existing === '' || existing.endsWith('\n') ? '' : eol;
  return `${existing}${separator}.env${eol}`;
}
