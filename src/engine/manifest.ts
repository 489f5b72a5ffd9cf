/**
 * What the scaffolder and `secure add` generated, so that a re-run knows which files are ours and unchanged,
 * and so that rules can find the generated config module. Committed with the project.
 */
export const manifestPath = '.secure/manifest.json';

export interface ManifestEntry {
  /** The generator that wrote the file (`config`, `auth`, `cors`, ...). */
  generator: string;
  /** The create-secure-app version that wrote it. */
  version: string;
  /** `sha256-<hex>` of the content as written. */
  hash: string;
}

export interface Manifest {
  version: 1;
  /** Keyed by path relative to the project root, with `/`. */
  files: Record<string, ManifestEntry>;
}

/** The generated config module is the file the `config` generator wrote under `security/config.ts`. */
export function configModuleOf(manifest: Manifest): string | undefined {
  return Object.entries(manifest.files).find(
    ([path, entry]) => entry.generator === 'config' && /(^|\/)security\/config\.ts$/.test(path),
  )?.[0];
}
