import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { SgNode } from '@ast-grep/napi';
import { SecureError, usageError } from '../../errors.js';
import { parsePython } from './parse.js';

/** The folder `secure add` writes the security package into, beside the file that creates the app. */
export const securityPackage = 'http_security';

/** Where a FastAPI app is created and how its file imports its neighbours. */
export interface FastApiProject {
  root: string;
  /** The file that creates the app, relative to the root with `/`. */
  entry: string;
  /** The app's variable (`app` in `app = FastAPI()`). */
  appName: string;
  /** The `import` line that brings install_security into the entry. */
  importLine: string;
  /** Where the generated package goes, relative to the root with `/`. */
  packageDir: string;
}

const skippedFolders = new Set([
  '.git',
  'node_modules',
  '__pycache__',
  '.venv',
  'venv',
  'env',
  '.tox',
  '.mypy_cache',
  '.pytest_cache',
  'site-packages',
  'dist',
  'build',
  'tests',
  'test',
  'migrations',
  'alembic',
]);

/** The project's own Python files (no virtualenv, tests or migrations), relative to the root with `/`. */
export function projectPythonFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 6) return;
    let entries;
    try {
      entries = readdirSync(join(root, dir), { withFileTypes: true });
    } catch {
      return;
    }
    // A committed virtualenv is someone else's code.
    if (entries.some((entry) => entry.name === 'pyvenv.cfg')) return;
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = dir === '.' ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!skippedFolders.has(entry.name) && !entry.name.startsWith('.')) walk(path, depth + 1);
      } else if (
        entry.isFile() &&
        entry.name.endsWith('.py') &&
        !/^(test_.*|.*_test|conftest)\.py$/.test(entry.name)
      )
        files.push(path);
    }
  };
  walk('.', 0);
  return files;
}

const manifests = ['pyproject.toml', 'setup.py', 'setup.cfg', 'Pipfile'];

/** A Python project whose code imports FastAPI, and no package.json: what `secure add` wires in Python. */
export function isFastApiProject(root: string): boolean {
  if (existsSync(join(root, 'package.json'))) return false;
  const declared =
    manifests.some((name) => existsSync(join(root, name))) ||
    readdirSync(root).some((name) => /^requirements.*\.txt$/.test(name));
  if (!declared) return false;
  return projectPythonFiles(root).some((file) => /\bfastapi\b/.test(readFileSync(join(root, file), 'utf8')));
}

/** `app = FastAPI(...)` or `app: FastAPI = FastAPI(...)`, anywhere (a factory function included). */
const appCreation = {
  rule: {
    kind: 'assignment',
    has: { field: 'right', kind: 'call', has: { field: 'function', regex: '^(fastapi\\.)?FastAPI$' } },
  },
};

export interface AppCreation {
  appName: string;
  /** The statement holding the assignment: the call to install_security goes right after it. */
  statement: SgNode;
}

export function findAppCreation(text: string): AppCreation | undefined {
  if (!text.includes('FastAPI(')) return undefined;
  const assignment = parsePython(text).find(appCreation);
  const name = assignment?.field('left');
  const statement = assignment?.parent();
  if (!assignment || !name || name.kind() !== 'identifier' || statement?.kind() !== 'expression_statement')
    return undefined;
  return { appName: name.text(), statement };
}

/** Entry files people name this way come first when several files create an app. */
const entryNames = ['main.py', 'app.py', 'server.py', 'api.py', '__init__.py', 'asgi.py'];

function importLineFor(root: string, entry: string, text: string): string {
  const dir = posix.dirname(entry);
  const name = `import install_security`;
  if (dir === '.') return `from ${securityPackage} ${name}`;
  // The entry's own imports say how it is run: as a package module (relative or package-qualified) or a script.
  if (/^from \.+\w* import /m.test(text)) return `from .${securityPackage} ${name}`;
  const dotted = dir.split('/').join('.');
  const qualified = new RegExp(`^(from|import) ${dotted.replace(/\./g, '\\.')}\\.`, 'm');
  if (qualified.test(text) || existsSync(join(root, dir, '__init__.py')))
    return `from ${dotted}.${securityPackage} ${name}`;
  return `from ${securityPackage} ${name}`;
}

/** The file creating the FastAPI app (`--entry`, else found), or a usage error saying what to pass. */
export function detectFastApiProject(root: string, entryOption?: string): FastApiProject {
  let entry = entryOption?.split('\\').join('/').replace(/^\.\//, '');
  if (entry !== undefined) {
    const text = readFileSync(join(root, entry), 'utf8');
    if (!findAppCreation(text))
      throw usageError(
        `--entry ${entry}: no \`app = FastAPI(...)\` in it`,
        'Give the file that creates the FastAPI app, or leave --entry out to find it.',
      );
  } else {
    const candidates = projectPythonFiles(root).filter((file) =>
      findAppCreation(readFileSync(join(root, file), 'utf8')),
    );
    const rank = (file: string) => {
      const index = entryNames.indexOf(posix.basename(file));
      return (index === -1 ? entryNames.length : index) * 100 + file.split('/').length;
    };
    entry = candidates.sort((a, b) => rank(a) - rank(b))[0];
    if (!entry)
      throw new SecureError(
        'NOT_FOUND',
        `no file in ${root} creates a FastAPI app (\`app = FastAPI(...)\`)`,
        {
          hint: 'Pass --entry <file> with the file that creates the app.',
        },
      );
  }
  const text = readFileSync(join(root, entry), 'utf8');
  const creation = findAppCreation(text)!;
  const dir = posix.dirname(entry);
  return {
    root,
    entry,
    appName: creation.appName,
    importLine: importLineFor(root, entry, text),
    packageDir: dir === '.' ? securityPackage : `${dir}/${securityPackage}`,
  };
}

/** What the project already does about a concern: the module that would be a second answer is refused (CORS and Host: existing-middleware.ts). */
const existingAnswers: Record<string, { pattern: RegExp; what: string }[]> = {
  'rate-limit': [
    { pattern: /^[ \t]*(from|import)[ \t]+(slowapi|fastapi_limiter|limits)\b/m, what: 'a rate limiter' },
  ],
  headers: [
    { pattern: /^[ \t]*(from|import)[ \t]+secure\b/m, what: 'the secure package' },
    {
      pattern: /["'](X-Frame-Options|Content-Security-Policy|Strict-Transport-Security)["']/i,
      what: 'security headers set by hand',
    },
  ],
};

/** Per module, where the project already answers it (`app/main.py:12: CORSMiddleware`). */
export function existingAnswer(root: string, module: string, skipDir: string): string | undefined {
  for (const file of projectPythonFiles(root)) {
    if (file.startsWith(`${skipDir}/`)) continue;
    const text = readFileSync(join(root, file), 'utf8');
    for (const { pattern, what } of existingAnswers[module] ?? []) {
      const match = pattern.exec(text);
      if (match) return `${file}:${text.slice(0, match.index).split('\n').length}: ${what}`;
    }
  }
  return undefined;
}

/** The variables among `names` that the project's own code already reads: the user sets them already. */
export function variablesInCode(root: string, names: readonly string[], skipDir: string): Set<string> {
  const found = new Set<string>();
  for (const file of projectPythonFiles(root)) {
    if (file.startsWith(`${skipDir}/`)) continue;
    const text = readFileSync(join(root, file), 'utf8');
    for (const name of names) if (new RegExp(`\\b${name}\\b`).test(text)) found.add(name);
  }
  return found;
}
