import {
  closeSync,
  fchmodSync,
  fsyncSync,
  openSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

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
