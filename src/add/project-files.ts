import ignore from 'ignore';

/** The indentation package.json uses, so that our edit does not reformat the whole file. */
function indentationOf(text: string): string | number {
  const match = /^[ \t]+(?=")/m.exec(text);
  return match ? match[0] : 2;
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
 * Adds the dependencies that are missing at our pinned versions. Keeps the user's own ranges, key order
 * (sorted stays sorted, as npm writes it), indentation, line endings and final newline.
 */
export function addDependencies(
  text: string,
  dependencies: Record<string, string>,
  devDependencies: Record<string, string>,
  /** Packages whose range is replaced by ours, asked for with --upgrade. */
  upgrades: Record<string, string> = {},
): DependencyEdit {
  const pkg = JSON.parse(text) as Record<string, unknown>;
  const kept: DependencyEdit['kept'] = [];
  let changed = false;
  const has = (name: string) =>
    (pkg.dependencies as Record<string, string> | undefined)?.[name] ??
    (pkg.devDependencies as Record<string, string> | undefined)?.[name];
  for (const [field, wanted] of [
    ['dependencies', dependencies],
    ['devDependencies', devDependencies],
  ] as const) {
    const current = { ...((pkg[field] as Record<string, string> | undefined) ?? {}) };
    let fieldChanged = false;
    for (const [name, version] of Object.entries(wanted)) {
      const theirs = has(name);
      if (theirs !== undefined && upgrades[name] !== undefined && theirs !== upgrades[name]) {
        for (const owner of ['dependencies', 'devDependencies'] as const) {
          const list = pkg[owner] as Record<string, string> | undefined;
          if (list?.[name] !== undefined) list[name] = upgrades[name];
          if (owner === field && list?.[name] !== undefined) current[name] = upgrades[name];
        }
        changed = true;
      } else if (theirs === undefined) {
        current[name] = version;
        fieldChanged = true;
      } else if (theirs !== version && field === 'dependencies') kept.push({ name, theirs, ours: version });
    }
    if (!fieldChanged) continue;
    changed = true;
    const keys = Object.keys(current);
    const wasSorted = isSorted(Object.keys((pkg[field] as Record<string, string> | undefined) ?? {}));
    pkg[field] = Object.fromEntries(
      (wasSorted ? keys.sort((a, b) => a.localeCompare(b)) : keys).map((k) => [k, current[k]]),
    );
  }
  if (!changed) return { text, kept };
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const trailing = /\r?\n$/.test(text) ? eol : '';
  const body = JSON.stringify(pkg, null, indentationOf(text)).replaceAll('\n', eol);
  return { text: body + trailing, kept };
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

/** Names projects give the committed list of their variables, `.env.example` first. */
const envExampleNames = [
  '.env.example',
  '.env.template',
  '.env.sample',
  '.env.dist',
  'example.env',
  'env.example',
];

/** The project's own list of variables (`.env.template`...), or `.env.example` when it has none: never a second one. */
export function envExampleFile(exists: (path: string) => boolean): string {
  return envExampleNames.find(exists) ?? '.env.example';
}

/** Makes sure `.env` is ignored (and so never committed); leaves a .gitignore that already does alone. */
export function ignoreDotEnv(text: string | undefined): string | undefined {
  const existing = text ?? '';
  if (ignore().add(existing).ignores('.env')) return text;
  const eol = existing.includes('\r\n') ? '\r\n' : '\n';
  const separator = existing === '' || existing.endsWith('\n') ? '' : eol;
  return `${existing}${separator}.env${eol}`;
}
