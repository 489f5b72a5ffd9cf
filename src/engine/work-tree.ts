import { spawnSync } from 'node:child_process';
import { sep } from 'node:path';

/** What git shows of a work tree: every file it tracks, and the untracked ones it does not ignore. */
export interface WorkTreeListing {
  /** Tracked files, relative to the root with `/`. */
  tracked: string[];
  /** Tracked files and untracked ones no ignore rule hides (the files a walk honouring .gitignore finds). */
  visible: string[];
}

/**
 * One `git ls-files -t -c -o --exclude-standard` for both lists: git matches the .gitignore files in C, a
 * hundred times faster than matching every walked path against them in JavaScript. The user's global
 * excludes file is left out, as discovery has always left it out (it is not the project's rule).
 */
export function workTreeListing(root: string): WorkTreeListing | undefined {
  const result = spawnSync(
    'git',
    [
      '-c',
      'core.excludesFile=/dev/null',
      'ls-files',
      '-z',
      '-t',
      '--cached',
      '--others',
      '--exclude-standard',
    ],
    { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  if (result.status !== 0 || typeof result.stdout !== 'string') return undefined;
  const tracked: string[] = [];
  const visible: string[] = [];
  for (const entry of result.stdout.split('\0')) {
    // `H path` (tracked; S, M and the rest are tracked too), `? path` (untracked, not ignored).
    if (entry.length < 3) continue;
    const path = entry.slice(2);
    if (entry[0] !== '?') {
      // An unmerged file is listed once per stage.
      if (tracked[tracked.length - 1] !== path) tracked.push(path);
    }
    // `nested/`: a repository inside the work tree, whose files git does not list.
    if (!path.endsWith('/') && visible[visible.length - 1] !== path) visible.push(path);
  }
  return { tracked, visible };
}

/** The visible files as absolute paths, and every folder (the root included) that holds one at any depth. */
export interface WorkTreeView {
  files: Set<string>;
  folders: Set<string>;
}

export function workTreeView(root: string, visible: readonly string[]): WorkTreeView {
  const files = new Set<string>();
  const folders = new Set<string>([root]);
  const prefix = root.endsWith(sep) ? root : root + sep;
  for (const relativePath of visible) {
    const path = prefix + (sep === '/' ? relativePath : relativePath.split('/').join(sep));
    files.add(path);
    for (let end = path.lastIndexOf(sep); end > prefix.length - 1; end = path.lastIndexOf(sep, end - 1)) {
      const folder = path.slice(0, end);
      if (folders.has(folder)) break;
      folders.add(folder);
    }
  }
  return { files, folders };
}
