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

/**
 * Stable output (two spaces, final newline): paths already recorded keep their place (the scaffolder writes
 * the manifest too, in its own order), new paths follow in sorted order. An unchanged manifest diffs clean.
 */
export function serializeManifest(manifest: Manifest, previous: Manifest = emptyManifest()): string {
  const known = Object.keys(previous.files).filter((path) => path in manifest.files);
  const added = Object.keys(manifest.files)
    .filter((path) => !(path in previous.files))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const files = Object.fromEntries([...known, ...added].map((path) => [path, manifest.files[path]]));
  return `${JSON.stringify({ version: manifest.version, files }, null, 2)}\n`;
}
