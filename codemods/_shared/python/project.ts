import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { hasRefreshFlow } from '../jwt/refresh-flow.js';
import { noteWholeProject } from '../project/dependencies.js';

/**
 * The project's Python sources as one text, for facts a fix needs from the rest of the project (is there a
 * refresh flow). Virtual environments, caches and dependencies are left out; read once per root and bounded.
 */
const skippedFolders = new Set([
  '.git',
  'node_modules',
  '__pycache__',
  'site-packages',
  '.venv',
  'venv',
  '.tox',
  '.nox',
  '.mypy_cache',
  '.pytest_cache',
  'build',
  'dist',
]);
const maxFiles = 5000;
const maxBytes = 1024 * 1024;
const sourcesByRoot = new Map<string, { path: string; text: string }[]>();
const textByRoot = new Map<string, string>();

export function pythonSourcesText(root: string): string {
  noteWholeProject();
  const cached = textByRoot.get(root);
  if (cached !== undefined) return cached;
  const text = pythonSources(root)
    .map((source) => source.text)
    .join('\n');
  textByRoot.set(root, text);
  return text;
}

/** The same sources one by one, with their absolute paths (a fact about the other modules leaves this one out). */
export function pythonSources(root: string): { path: string; text: string }[] {
  // Any Python file, added or edited, may change what a caller concludes (even from the memo below).
  noteWholeProject();
  const cached = sourcesByRoot.get(root);
  if (cached !== undefined) return cached;
  const texts: { path: string; text: string }[] = [];
  const visit = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    // A virtual environment under any name holds its pyvenv.cfg.
    if (entries.some((entry) => entry.name === 'pyvenv.cfg')) return;
    for (const entry of entries) {
      if (texts.length >= maxFiles) return;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!skippedFolders.has(entry.name)) visit(path);
      } else if (entry.isFile() && entry.name.endsWith('.py')) {
        try {
          if (statSync(path).size <= maxBytes) texts.push({ path, text: readFileSync(path, 'utf8') });
        } catch {
          // An unreadable file tells nothing here; discovery reports it.
        }
      }
    }
  };
  if (existsSync(root)) visit(root);
  sourcesByRoot.set(root, texts);
  return texts;
}

/** The JS rule's refresh-flow test, over this file, the project's JS/TS sources and its Python sources. */
export function hasPythonRefreshFlow(root: string, fileText: string): boolean {
  return hasRefreshFlow(root, fileText) || hasRefreshFlow(root, pythonSourcesText(root));
}

/**
 * Whether the project hashes passwords with a slow hash anywhere (bcrypt, argon2, scrypt, pbkdf2, passlib, pwdlib,
 * Werkzeug's or Django's helpers): a project that never does keeps them in clear, so its password stores and
 * comparisons are findings.
 */
const slowHash =
  /\b(?:bcrypt|argon2|scrypt|pbkdf2\w*|passlib|pwdlib|CryptContext|hashpw|generate_password_hash|check_password_hash|make_password|set_password|werkzeug\.security|django\.contrib\.auth)\b/;

export function projectHashesPasswords(root: string, fileText: string): boolean {
  return slowHash.test(fileText) || slowHash.test(pythonSourcesText(root));
}
