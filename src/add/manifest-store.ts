import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SecureError } from '../errors.js';
import { manifestPath, type Manifest } from '../engine/manifest.js';

export function contentHash(text: string): string {
  return `sha256-${createHash('sha256').update(text, 'utf8').digest('hex')}`;
}

export function emptyManifest(): Manifest {
  return { version: 1, files: {} };
}

export function readManifest(root: string): Manifest {
  const file = join(root, manifestPath);
  if (!existsSync(file)) return emptyManifest();
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
    if (parsed.version !== 1 || typeof parsed.files !== 'object' || parsed.files === null)
      throw new Error('not a version 1 manifest');
    return parsed;
  } catch (error) {
    throw new SecureError('CONFIG_INVALID', `${manifestPath}: ${(error as Error).message}`, {
      hint: `Restore ${manifestPath} from git, or delete it: secure add then treats every existing file as yours.`,
    });
  }
}

/** Stable output (sorted paths, two spaces, final newline), so that an unchanged manifest diffs clean. */
export function serializeManifest(manifest: Manifest): string {
  const files = Object.fromEntries(
    Object.entries(manifest.files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  return `${JSON.stringify({ version: manifest.version, files }, null, 2)}\n`;
}
