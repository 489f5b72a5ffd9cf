import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';

/**
 * The ignore files discovery honours, as layers of matchers: .gitignore (and .git/info/exclude) where git's
 * own listing does not answer, and the user's .secureignore files and --ignore-pattern lines.
 */

export interface IgnoreLayer {
  base: string;
  matcher: Ignore;
}

/** The user's own exclusions for secure: unlike .gitignore, they hide tracked files too. */
export interface ExcludeLayer extends IgnoreLayer {
  /** Where the pattern came from, for --verbose: `.secureignore` or `--ignore-pattern`. */
  source: string;
}

export const secureIgnoreFile = '.secureignore';

/** True when this one ignore-file line hides `folder` (relative to the line's file, with `/`) or a parent of it. */
function hidesFolder(line: string, folder: string): boolean {
  const pattern = line.trim();
  if (pattern === '' || pattern.startsWith('#') || pattern.startsWith('!')) return false;
  return ignore({ allowRelativePaths: true }).add(line).ignores(`${folder}/`);
}

/**
 * An ignore file's matcher. With `requested` (a folder below the file's own folder that the user asked
 * for), the lines that hide that folder are dropped: the user's request beats an enclosing repository's
 * ignore rules, while its other lines (`*.log`, `generated/`) still apply inside the folder.
 */
export function readIgnoreFile(path: string, requested?: string): Ignore | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  if (requested) {
    const lines = text.split(/\r?\n/);
    const kept = lines.filter((line) => !hidesFolder(line, requested));
    if (kept.length !== lines.length) text = kept.join('\n');
  }
  return ignore({ allowRelativePaths: true }).add(text);
}

function toSlashes(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

export function matchingLayer<Layer extends IgnoreLayer>(
  layers: readonly Layer[],
  path: string,
  isDirectory: boolean,
): Layer | undefined {
  for (const layer of layers) {
    // Every walked path lies under the layer's folder: slicing is enough (and much cheaper than relative()).
    const prefix = layer.base.endsWith(sep) ? layer.base : layer.base + sep;
    if (!path.startsWith(prefix) || path.length <= prefix.length) continue;
    const rel = toSlashes(path.slice(prefix.length));
    if (layer.matcher.ignores(isDirectory ? `${rel}/` : rel)) return layer;
  }
  return undefined;
}

export function isIgnored(layers: readonly IgnoreLayer[], path: string, isDirectory: boolean): boolean {
  return matchingLayer(layers, path, isDirectory) !== undefined;
}

/**
 * The ignore files named `name` (.gitignore, and for it .git/info/exclude) that apply above `dir`, up to
 * the repository root.
 */
export function inheritedLayers(
  dir: string,
  gitRoot: string | undefined,
  name = '.gitignore',
): IgnoreLayer[] {
  if (!gitRoot) {
    const own = readIgnoreFile(join(dir, name));
    return own ? [{ base: dir, matcher: own }] : [];
  }
  const below = (base: string) => (base === dir ? undefined : toSlashes(relative(base, dir)));
  const layers: IgnoreLayer[] = [];
  const exclude =
    name === '.gitignore'
      ? readIgnoreFile(join(gitRoot, '.git', 'info', 'exclude'), below(gitRoot))
      : undefined;
  if (exclude) layers.push({ base: gitRoot, matcher: exclude });
  const chain: string[] = [];
  for (let current = dir; ; current = resolve(current, '..')) {
    chain.unshift(current);
    if (current === gitRoot || current === resolve(current, '..')) break;
  }
  for (const folder of chain) {
    const matcher = readIgnoreFile(join(folder, name), below(folder));
    if (matcher) layers.push({ base: folder, matcher });
  }
  return layers;
}

/** The .secureignore files above `dir` and the --ignore-pattern lines (relative to cwd). */
export function inheritedExcludes(
  dir: string,
  options: { cwd: string; gitRoot?: string; ignorePatterns?: readonly string[] },
): ExcludeLayer[] {
  const layers: ExcludeLayer[] = inheritedLayers(dir, options.gitRoot, secureIgnoreFile).map((layer) => ({
    ...layer,
    source: secureIgnoreFile,
  }));
  if (options.ignorePatterns?.length)
    layers.push({
      base: options.cwd,
      matcher: ignore({ allowRelativePaths: true }).add(options.ignorePatterns),
      source: '--ignore-pattern',
    });
  return layers;
}

/**
 * Whether an ignore line of the repository hides `dir` or a folder above it: its walk then drops those
 * lines (`requested` above), which git's own listing cannot do. Outside the repository, always.
 */
export function hiddenByIgnoreFiles(dir: string, gitRoot: string | undefined): boolean {
  if (!gitRoot) return true;
  const below = relative(gitRoot, dir);
  if (below === '') return false;
  if (below.startsWith('..') || isAbsolute(below)) return true;
  // From the root down: as long as no folder above is hidden, its layers are whole (nothing dropped).
  let folder = gitRoot;
  for (const name of below.split(sep)) {
    const next = join(folder, name);
    if (isIgnored(inheritedLayers(folder, gitRoot), next, true)) return true;
    folder = next;
  }
  return false;
}

/**
 * What git tracks, asked once and only when an ignore rule first matches: a tracked file is never hidden
 * by .gitignore (git itself keeps tracking it, and a tracked `.env.example` is exactly what a check is for).
 */
export function trackedLookup(gitRoot: string | undefined, listTracked: (root: string) => readonly string[]) {
  let files: Set<string> | undefined;
  let folders: Set<string> | undefined;
  const load = () => {
    files = new Set();
    folders = new Set();
    if (!gitRoot) return;
    for (const file of listTracked(gitRoot)) {
      const path = join(gitRoot, file);
      files.add(path);
      for (let dir = dirname(path); dir.length > gitRoot.length && !folders.has(dir); dir = dirname(dir))
        folders.add(dir);
    }
  };
  return {
    file(path: string): boolean {
      if (!files) load();
      return files!.has(path);
    },
    /** A folder that holds at least one tracked file. */
    folder(path: string): boolean {
      if (!folders) load();
      return folders!.has(path);
    },
  };
}
