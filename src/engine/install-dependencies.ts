import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execa } from 'execa';

export type PackageManagerName = 'npm' | 'pnpm' | 'yarn' | 'bun';

const lockfiles: [string, PackageManagerName][] = [
  ['pnpm-lock.yaml', 'pnpm'],
  ['yarn.lock', 'yarn'],
  ['bun.lock', 'bun'],
  ['bun.lockb', 'bun'],
  ['package-lock.json', 'npm'],
  ['npm-shrinkwrap.json', 'npm'],
];

/** The project's package manager, from its lockfile (here or in a workspace root above, up to `top`); npm without one. */
export function detectPackageManager(root: string, top?: string): PackageManagerName {
  for (let dir = root; ; dir = dirname(dir)) {
    for (const [file, manager] of lockfiles) if (existsSync(join(dir, file))) return manager;
    if (dir === top || dirname(dir) === dir) return 'npm';
  }
}

/** What to type: `npm install`, `pnpm install`... (the fix already wrote the versions into package.json). */
export function installCommandLine(manager: PackageManagerName): string {
  return manager === 'npm' ? 'npm install' : `${manager} install`;
}

/** The last lines worth reading of a failed install (npm ends with a log path and blank lines). */
function lastMeaningfulLines(output: string, count = 5): string {
  return output
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== '' && !/complete log of this run|^npm (error|ERR!) *$/i.test(line))
    .slice(-count)
    .join('\n');
}

export interface InstallResult {
  command: string;
  /** The last meaningful lines of the package manager's output, when it failed. */
  failure?: string;
}

/** Runs the project's package manager in `root`; a failure comes back with its last lines, not thrown. */
export async function installDependencies(root: string, manager: PackageManagerName): Promise<InstallResult> {
  const args = manager === 'npm' ? ['install', '--no-audit', '--no-fund'] : ['install'];
  const command = installCommandLine(manager);
  const result = await execa(manager, args, { cwd: root, reject: false, stdin: 'ignore', all: true });
  if (result.exitCode === 0 && !result.failed) return { command };
  const detail = lastMeaningfulLines(String(result.all ?? result.stderr ?? result.message ?? ''));
  return { command, failure: `exit ${result.exitCode ?? 'none'}${detail ? `\n${detail}` : ''}` };
}
