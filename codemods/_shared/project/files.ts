import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { noteWholeProject, readTextIfAny } from './dependencies.js';

/**
 * Read-only facts a fix needs from the rest of the project (is there a refresh flow, which folders does
 * the app write, which Node runs it). Read lazily, once per project root and process, and bounded: a fix
 * that cannot see enough of the project is reported instead of applied, never guessed.
 */
export interface ProjectSource {
  /** Relative to the project root, with `/`. */
  path: string;
  text: string;
}

const skippedFolders = new Set([
  'node_modules',
  '.git',
  'dist',
  'build',
  'out',
  'coverage',
  '.next',
  '.cache',
]);
const sourcePattern = /\.(?:[cm]?[jt]sx?)$/;
const maxFiles = 5000;
const maxBytes = 1024 * 1024;
const sourcesByRoot = new Map<string, ProjectSource[]>();

/** The project's JavaScript/TypeScript sources (dependencies and build output left out); [] when the root does not exist. */
export function projectSources(root: string): ProjectSource[] {
  // Any source file, added or edited, may change what a caller concludes (even from the memo below).
  noteWholeProject();
  const cached = sourcesByRoot.get(root);
  if (cached) return cached;
  const found: ProjectSource[] = [];
  const visit = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (found.length >= maxFiles) return;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!skippedFolders.has(entry.name)) visit(path);
      } else if (entry.isFile() && sourcePattern.test(entry.name) && !/\.d\.[cm]?ts$/.test(entry.name)) {
        try {
          if (statSync(path).size > maxBytes) continue;
          found.push({ path: relative(root, path).split(sep).join('/'), text: readFileSync(path, 'utf8') });
        } catch {
          // An unreadable file tells nothing here; discovery reports it.
        }
      }
    }
  };
  if (existsSync(root)) visit(root);
  sourcesByRoot.set(root, found);
  return found;
}

/** A file of the project as text, or undefined when it is absent or unreadable. */
export function projectFile(root: string, relativePath: string): string | undefined {
  return readTextIfAny(join(root, relativePath));
}

/** The project's package.json dependencies (all kinds), or an empty set. */
export function projectDependencies(root: string): Set<string> {
  try {
    const manifest = JSON.parse(projectFile(root, 'package.json') ?? '{}');
    return new Set(
      ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'].flatMap((key) =>
        Object.keys(manifest[key] ?? {}),
      ),
    );
  } catch {
    return new Set();
  }
}

/**
 * The major version a dependency's declared range cannot leave: `^0.3.1`, `~2.4.0`, `2.x`, `1.2.3` stay on
 * their major (a caret on 0.x stays on 0.x too); `>=1`, `*`, `latest`, a URL or a missing entry may reach any
 * release, so they say nothing (undefined).
 */
export function declaredMajor(root: string, name: string): { major: number; range: string } | undefined {
  try {
    const manifest = JSON.parse(projectFile(root, 'package.json') ?? '{}');
    for (const key of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
      const range = manifest[key]?.[name];
      if (typeof range !== 'string') continue;
      const major = /^\s*[~^=v]*(\d+)(?:\.(?:\d+|x|\*)){0,2}\s*$/.exec(range)?.[1];
      return major === undefined ? undefined : { major: Number(major), range };
    }
  } catch {
    // A package.json that does not parse says nothing about versions.
  }
  return undefined;
}
