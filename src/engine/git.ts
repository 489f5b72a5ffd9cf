import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { SecureError } from '../errors.js';

function git(cwd: string, args: string[]): { ok: boolean; stdout: string } {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return { ok: result.status === 0, stdout: result.stdout ?? '' };
}

/** The top folder of the git work tree holding `dir`, or undefined outside a repository (or without git). */
export function gitRoot(dir: string): string | undefined {
  // --show-cdup (`../../`) keeps the caller's spelling of the path; --show-toplevel would resolve symlinks
  // (/var -> /private/var on macOS) and then no discovered file would lie under the root.
  const result = git(dir, ['rev-parse', '--show-cdup']);
  if (!result.ok) return undefined;
  const inside = git(dir, ['rev-parse', '--is-inside-work-tree']);
  return inside.ok && inside.stdout.trim() === 'true' ? resolve(dir, result.stdout.trim()) : undefined;
}

/** Files tracked by git, relative to `root` with `/`. */
export function trackedFiles(root: string): string[] {
  const result = git(root, ['ls-files', '-z']);
  return result.ok ? result.stdout.split('\0').filter(Boolean) : [];
}

/** `git status` lines (modified, staged and untracked, not ignored): empty when the tree is clean. */
export function dirtyEntries(root: string): string[] {
  const result = git(root, ['status', '--porcelain', '--untracked-files=normal']);
  if (!result.ok) return [];
  return result.stdout.split('\n').filter(Boolean);
}

function defaultBranchRef(root: string): string | undefined {
  const remoteHead = git(root, ['symbolic-ref', '--quiet', 'refs/remotes/origin/HEAD']);
  if (remoteHead.ok && remoteHead.stdout.trim()) return remoteHead.stdout.trim();
  for (const ref of [
    'refs/remotes/origin/main',
    'refs/remotes/origin/master',
    'refs/heads/main',
    'refs/heads/master',
  ]) {
    if (git(root, ['rev-parse', '--verify', '--quiet', ref]).ok) return ref;
  }
  return undefined;
}

/**
 * Absolute paths of the files changed against the merge base with the default branch (origin/HEAD, main or
 * master), or against HEAD when there is none or HEAD is the default branch: committed on this branch,
 * staged, modified and untracked (not ignored). Deleted files are left out.
 */
export function changedFiles(root: string): string[] {
  let base = 'HEAD';
  const branch = defaultBranchRef(root);
  if (branch) {
    const mergeBase = git(root, ['merge-base', 'HEAD', branch]);
    if (mergeBase.ok && mergeBase.stdout.trim()) base = mergeBase.stdout.trim();
  }
  if (!git(root, ['rev-parse', '--verify', '--quiet', 'HEAD']).ok) {
    // A repository without commits: everything is new.
    const all = git(root, ['ls-files', '-z', '--cached', '--others', '--exclude-standard']);
    return all.stdout
      .split('\0')
      .filter(Boolean)
      .map((path) => resolve(root, path));
  }
  const diff = git(root, ['diff', '--name-only', '-z', '--diff-filter=ACMR', base]);
  if (!diff.ok)
    throw new SecureError('IO', `git diff against ${base} failed in ${root}`, {
      hint: 'Run `git status` to see what is wrong with the repository, or run without --changed.',
    });
  const untracked = git(root, ['ls-files', '-z', '--others', '--exclude-standard']);
  return [...diff.stdout.split('\0'), ...untracked.stdout.split('\0')]
    .filter(Boolean)
    .map((path) => resolve(root, path));
}

/** The files staged for the next commit (added, copied, modified, renamed), absolute: what a pre-commit hook checks. */
export function stagedFiles(root: string): string[] {
  const diff = git(root, ['diff', '--cached', '--name-only', '-z', '--diff-filter=ACMR']);
  if (!diff.ok)
    throw new SecureError('IO', `git diff --cached failed in ${root}`, {
      hint: 'Run `git status` to see what is wrong with the repository, or run without --staged.',
    });
  return diff.stdout
    .split('\0')
    .filter(Boolean)
    .map((path) => resolve(root, path));
}
