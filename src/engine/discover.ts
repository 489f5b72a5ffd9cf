import { readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { basename, join, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { SecureError } from '../errors.js';
import { isSourceFile } from './parse.js';

export type FileKind = 'source' | 'text';

export interface DiscoveredFile {
  /** Absolute path. */
  path: string;
  kind: FileKind;
}

/** Folders that hold dependencies, build output or tool caches: never the code a user wrote. */
const skippedDirectories = new Set([
  'node_modules',
  'dist',
  'build',
  'out',
  'coverage',
  '.git',
  '.hg',
  '.svn',
  '.next',
  '.nuxt',
  '.output',
  '.svelte-kit',
  '.turbo',
  '.vercel',
  '.cache',
  '.secure-cache',
  'bower_components',
  'jspm_packages',
]);

/** Dockerfile, Dockerfile.prod, api.Dockerfile, *.dockerfile; .env, .env.local, .env.example, ... */
export function isTextRuleFile(name: string): boolean {
  return /^dockerfile(\..+)?$/i.test(name) || /\.dockerfile$/i.test(name) || /^\.env(\..+)?$/.test(name);
}

/** `app.min.js`, `vendor-bundle.min.mjs`, `*.bundle.js`, source maps' neighbours. */
function isMinifiedName(name: string): boolean {
  return /[.-]min\.[cm]?js$/.test(name) || /\.bundle\.[cm]?js$/.test(name);
}

/**
 * Minified or generated code: a long file whose lines are very long on average. Checked on the text the
 * analysis reads anyway, so it costs no extra I/O.
 */
export function looksMinified(text: string): boolean {
  if (text.length < 2048) return false;
  const sample = text.length > 65_536 ? text.slice(0, 65_536) : text;
  let lines = 1;
  for (let index = sample.indexOf('\n'); index !== -1; index = sample.indexOf('\n', index + 1)) lines++;
  return sample.length / lines > 300;
}

export function fileKind(path: string): FileKind | undefined {
  const name = basename(path);
  if (isTextRuleFile(name)) return 'text';
  if (isSourceFile(name) && !isMinifiedName(name)) return 'source';
  return undefined;
}

interface IgnoreLayer {
  base: string;
  matcher: Ignore;
}

function readIgnoreFile(path: string): Ignore | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  return ignore({ allowRelativePaths: true }).add(text);
}

function isIgnored(layers: readonly IgnoreLayer[], path: string, isDirectory: boolean): boolean {
  for (const layer of layers) {
    // Every walked path lies under the layer's folder: slicing is enough (and much cheaper than relative()).
    const prefix = layer.base.endsWith(sep) ? layer.base : layer.base + sep;
    if (!path.startsWith(prefix) || path.length <= prefix.length) continue;
    let rel = path.slice(prefix.length);
    if (sep !== '/') rel = rel.split(sep).join('/');
    if (layer.matcher.ignores(isDirectory ? `${rel}/` : rel)) return true;
  }
  return false;
}

/** The .gitignore files (and .git/info/exclude) that apply above `dir`, up to the repository root. */
function inheritedLayers(dir: string, gitRoot: string | undefined): IgnoreLayer[] {
  if (!gitRoot) {
    const own = readIgnoreFile(join(dir, '.gitignore'));
    return own ? [{ base: dir, matcher: own }] : [];
  }
  const layers: IgnoreLayer[] = [];
  const exclude = readIgnoreFile(join(gitRoot, '.git', 'info', 'exclude'));
  if (exclude) layers.push({ base: gitRoot, matcher: exclude });
  const chain: string[] = [];
  for (let current = dir; ; current = resolve(current, '..')) {
    chain.unshift(current);
    if (current === gitRoot || current === resolve(current, '..')) break;
  }
  for (const folder of chain) {
    const matcher = readIgnoreFile(join(folder, '.gitignore'));
    if (matcher) layers.push({ base: folder, matcher });
  }
  return layers;
}

export interface DiscoverOptions {
  cwd: string;
  /** Files or folders, relative to cwd; `.` when empty. */
  paths: string[];
  gitRoot?: string;
}

/**
 * Walks the given paths in a stable (sorted) order. A folder named on the command line is walked even if
 * it is a build folder; below it, dependency and build folders and .gitignore'd paths are skipped. A file
 * named on the command line is always read when it is a kind the rules understand.
 */
export function discoverFiles(options: DiscoverOptions): DiscoveredFile[] {
  const files: DiscoveredFile[] = [];
  const seen = new Set<string>();
  const add = (path: string, kind: FileKind) => {
    if (seen.has(path)) return;
    seen.add(path);
    files.push({ path, kind });
  };

  const walkDirectory = (dir: string, layers: IgnoreLayer[]): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    const own = entries.some((entry) => entry.name === '.gitignore' && entry.isFile())
      ? readIgnoreFile(join(dir, '.gitignore'))
      : undefined;
    const active =
      own && !layers.some((layer) => layer.base === dir) ? [...layers, { base: dir, matcher: own }] : layers;
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (skippedDirectories.has(entry.name)) continue;
        if (isIgnored(active, path, true)) continue;
        walkDirectory(path, active);
      } else if (entry.isFile()) {
        const kind = fileKind(entry.name);
        if (!kind || isIgnored(active, path, false)) continue;
        add(path, kind);
      }
    }
  };

  for (const given of options.paths.length > 0 ? options.paths : ['.']) {
    const path = resolve(options.cwd, given);
    let stats;
    try {
      stats = statSync(path);
    } catch {
      throw new SecureError('USAGE', `${given}: no such file or folder`, {
        hint: 'Pass files or folders that exist, relative to the current folder.',
      });
    }
    if (stats.isDirectory()) walkDirectory(path, inheritedLayers(path, options.gitRoot));
    else {
      const kind = fileKind(path);
      if (kind) add(path, kind);
    }
  }
  return files;
}
