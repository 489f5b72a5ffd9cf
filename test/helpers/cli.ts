import { execa } from 'execa';
import { join } from 'node:path';

export const repoRoot = join(import.meta.dirname, '..', '..');
export const secureBin = join(repoRoot, 'dist', 'src', 'bin', 'secure.js');
export const createBin = join(repoRoot, 'dist', 'src', 'bin', 'create-secure-app.js');

/** Runs a built bin as a user would (npm test builds first); never throws on a non-zero exit. */
export function runBin(
  bin: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
) {
  return execa('node', [bin, ...args], {
    cwd: options.cwd ?? repoRoot,
    env: { NO_COLOR: '1', ...options.env },
    reject: false,
    stdin: 'ignore',
  });
}
