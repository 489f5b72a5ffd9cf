import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';
import { SecureError, fromSystemError } from '../errors.js';
import type { ProjectFile } from './render-project.js';

/** Entries that never count as a conflict: a fresh `git init`, editor and OS clutter. */
const harmless = new Set(['.git', '.DS_Store', 'Thumbs.db', '.idea', '.vscode']);

/** The entries of an existing target folder that a new project would collide with. */
export function conflictingEntries(target: string): string[] {
  if (!existsSync(target)) return [];
  if (!statSync(target).isDirectory()) return [basename(target)];
  return readdirSync(target)
    .filter((entry) => !harmless.has(entry))
    .sort();
}

/** Refuses a non-empty folder, naming what is in it, unless --force. */
export function assertWritableTarget(target: string, force: boolean): void {
  if (existsSync(target) && !statSync(target).isDirectory()) {
    throw new SecureError('REFUSED', `${target} exists and is not a folder`, {
      hint: 'Choose another name.',
    });
  }
  const conflicts = conflictingEntries(target);
  if (conflicts.length === 0 || force) return;
  const shown =
    conflicts.slice(0, 10).join(', ') + (conflicts.length > 10 ? `, and ${conflicts.length - 10} more` : '');
  throw new SecureError('REFUSED', `${target} is not empty (${shown})`, {
    hint: 'Choose an empty or new folder, or pass --force to add the project next to these files (same-named files are replaced).',
  });
}

function writeTree(root: string, files: readonly ProjectFile[]): void {
  for (const file of files) {
    const path = join(root, ...file.path.split('/'));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.content, { mode: file.mode ?? 0o644 });
  }
}

export interface WriteOutcome {
  /**
   * The topmost folder this write created (the target, or a parent `a/` of `a/b/my-api`): what to remove
   * if a later step fails. Undefined when the target existed before: that folder is never removed.
   */
  created?: string;
  /** Files that existed in the target and were replaced (--force), relative with `/`. */
  replaced: string[];
}

/** A file-system error as one line naming the path the user knows (never the staging folder's name). */
function writeError(error: unknown, target: string): SecureError {
  const path = (error as { path?: string }).path;
  const stagingPrefix = stagingPrefixOf(target);
  let shown = path;
  if (path?.startsWith(stagingPrefix)) {
    // `<parent>/.my-api-staging-x1y2/src/app.ts` is `<target>/src/app.ts`; the staging folder itself, the parent.
    const inside = path.slice(stagingPrefix.length).indexOf(sep);
    shown = inside === -1 ? dirname(target) : target + path.slice(stagingPrefix.length + inside);
  }
  const known = fromSystemError(error, shown);
  return new SecureError(
    'IO',
    known?.message ?? `could not write the project into ${target}: ${(error as Error).message}`,
    {
      hint: `Nothing was written. ${known?.hint ?? 'Check the folder permissions and free space.'}`,
      cause: error,
    },
  );
}

const stagingPrefixOf = (target: string) => join(dirname(target), `.${basename(target)}-staging-`);

/**
 * All or nothing: every file is written into a staging folder next to the target first (same file
 * system), then moved in. A new target is one rename; into an existing folder (--force) each replaced file
 * is kept aside until the whole move succeeded, and put back if it did not.
 */
export function writeProject(target: string, files: readonly ProjectFile[]): WriteOutcome {
  const parent = dirname(target);
  let createdParent: string | undefined;
  let staging: string | undefined;
  try {
    createdParent = mkdirSync(parent, { recursive: true });
    staging = mkdtempSync(stagingPrefixOf(target));
    writeTree(staging, files);
    if (!existsSync(target)) {
      // mkdtemp creates the staging folder private (0700); the project folder is an ordinary one.
      chmodSync(staging, 0o755);
      renameSync(staging, target);
      return { created: createdParent ?? target, replaced: [] };
    }
    return { replaced: moveInto(staging, target, files) };
  } catch (error) {
    if (createdParent) rmSync(createdParent, { recursive: true, force: true });
    throw error instanceof SecureError ? error : writeError(error, target);
  } finally {
    if (staging) rmSync(staging, { recursive: true, force: true });
  }
}

function moveInto(staging: string, target: string, files: readonly ProjectFile[]): string[] {
  const backup = join(staging, '.replaced');
  const moved: string[] = [];
  const replaced: string[] = [];
  try {
    for (const file of files) {
      const segments = file.path.split('/');
      const destination = join(target, ...segments);
      if (existsSync(destination)) {
        const kept = join(backup, ...segments);
        mkdirSync(dirname(kept), { recursive: true });
        renameSync(destination, kept);
        replaced.push(file.path);
      }
      mkdirSync(dirname(destination), { recursive: true });
      renameSync(join(staging, ...segments), destination);
      moved.push(file.path);
    }
  } catch (error) {
    for (const path of moved) rmSync(join(target, ...path.split('/')), { force: true });
    for (const path of replaced)
      renameSync(join(backup, ...path.split('/')), join(target, ...path.split('/')));
    throw writeError(error, target);
  }
  return replaced;
}
