import {
  closeSync,
  existsSync,
  fchmodSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmdirSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { SecureError } from '../errors.js';

/**
 * Writes through a temporary file in the same folder and renames it over the target, so a crash or a full
 * disk never leaves a half-written file. The target's permission bits are kept.
 */
export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  let mode: number | undefined;
  try {
    mode = statSync(path).mode & 0o7777;
  } catch {
    mode = undefined;
  }
  const temporary = join(dirname(path), `.${basename(path)}.secure-${process.pid}-${Date.now()}.tmp`);
  const fd = openSync(temporary, 'wx', mode ?? 0o666);
  try {
    // The umask applies to openSync's mode; set the original bits exactly.
    if (mode !== undefined) fchmodSync(fd, mode);
    writeSync(fd, typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(temporary);
    throw error;
  }
  closeSync(fd);
  try {
    renameSync(temporary, path);
  } catch (error) {
    unlinkSync(temporary);
    throw error;
  }
}

/** One file of a transaction: `before` is undefined for a file the transaction creates. */
export interface StagedWrite {
  path: string;
  before: Uint8Array | undefined;
  after: Uint8Array;
}

/** The folders `mkdir -p` would create for `dir`, outermost first. */
function missingFolders(dir: string): string[] {
  const missing: string[] = [];
  for (let current = dir; !existsSync(current); current = dirname(current)) missing.unshift(current);
  return missing;
}

/**
 * Writes every file or none: each one atomically; when a write fails, the files already written get their
 * old bytes back, created files and folders are removed, and the error is raised.
 */
export function writeAllOrNothing(writes: readonly StagedWrite[]): void {
  const written: StagedWrite[] = [];
  const createdFolders: string[] = [];
  try {
    for (const write of writes) {
      const folders = missingFolders(dirname(write.path));
      mkdirSync(dirname(write.path), { recursive: true });
      createdFolders.push(...folders);
      writeFileAtomic(write.path, write.after);
      written.push(write);
    }
  } catch (error) {
    const unrestored: string[] = [];
    for (const write of written.reverse()) {
      try {
        if (write.before === undefined) unlinkSync(write.path);
        else writeFileAtomic(write.path, write.before);
      } catch {
        unrestored.push(write.path);
      }
    }
    for (const folder of createdFolders.reverse())
      if (existsSync(folder) && readdirSync(folder).length === 0) rmdirSync(folder);
    const message = error instanceof Error ? error.message : String(error);
    throw new SecureError(
      'IO',
      unrestored.length === 0
        ? `could not write the fixes (${message}); every file is as it was`
        : `could not write the fixes (${message}) nor restore ${unrestored.join(', ')}`,
      {
        cause: error,
        hint:
          unrestored.length === 0
            ? 'Free the disk or fix the permission, then run it again.'
            : 'Restore those files with git.',
      },
    );
  }
}
