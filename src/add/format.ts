import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ts } from 'ts-morph';

interface PrettierApi {
  /** Prettier 3 answers a promise, Prettier 2 a string. */
  format(text: string, options: Record<string, unknown>): Promise<string> | string;
  resolveConfig(file: string): Promise<Record<string, unknown> | null>;
  getFileInfo(file: string, options: { ignorePath?: string }): Promise<{ ignored: boolean }>;
}

/** Formats a file the way the project does: with the project's own Prettier and config, when it has one. */
export type Formatter = (relativePath: string, text: string) => Promise<string>;

const identity: Formatter = async (_path, text) => text;

/** The project's Prettier (from its node_modules, listed in its package.json), or no formatting at all. */
export async function projectFormatter(root: string, declared: boolean): Promise<Formatter> {
  if (!declared) return identity;
  let resolved: string;
  try {
    resolved = createRequire(join(root, 'package.json')).resolve('prettier');
  } catch {
    return identity;
  }
  const prettier = (await import(pathToFileURL(resolved).href)) as Partial<PrettierApi> & {
    default?: Partial<PrettierApi>;
  };
  // Prettier 2 is CommonJS: Node's import sees only the exports it can read statically (`format`, not
  // `getFileInfo`), so the whole API is on `default` there; Prettier 3's ESM build has it on the namespace.
  const api = [prettier, prettier.default].find(
    (candidate): candidate is PrettierApi =>
      typeof candidate?.format === 'function' &&
      typeof candidate.getFileInfo === 'function' &&
      typeof candidate.resolveConfig === 'function',
  );
  if (!api) return identity;
  const ignorePath = existsSync(join(root, '.prettierignore')) ? join(root, '.prettierignore') : undefined;
  return async (relativePath, text) => {
    const file = join(root, relativePath);
    if ((await api.getFileInfo(file, { ignorePath })).ignored) return text;
    const config = (await api.resolveConfig(file)) ?? {};
    try {
      return await api.format(text, { ...config, filepath: file });
    } catch {
      return text;
    }
  };
}

/**
 * For a JavaScript project: the generated TypeScript module as plain JavaScript in the project's module
 * system (types erased; the `.js` import suffixes already point at the emitted names).
 */
export function toJavaScript(text: string, moduleSystem: 'esm' | 'cjs'): string {
  return ts.transpileModule(text, {
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: moduleSystem === 'esm' ? ts.ModuleKind.ESNext : ts.ModuleKind.CommonJS,
      esModuleInterop: true,
      removeComments: false,
    },
  }).outputText;
}
