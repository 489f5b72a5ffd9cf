// ast-grep is installed on demand into a cache folder, not as a devDependency: its package lists platform
// binaries (darwin, windows, arm) that the registry this project installs from does not carry, which leaves
// package-lock.json unusable by `npm ci`. The linux x64 binary installs fine on its own.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const astGrepVersion = '0.40.0';
const toolDir = join(root, 'node_modules', '.cache', 'create-secure-app-bench', `ast-grep-${astGrepVersion}`);
const platformPackage = `@ast-grep/cli-${process.platform}-${process.arch}${process.platform === 'linux' ? '-gnu' : ''}`;

/** The path of the ast-grep binary, installing the platform's package into the cache on first use. */
export function astGrepBinary() {
  const bin = join(toolDir, 'node_modules', platformPackage, process.platform === 'win32' ? 'ast-grep.exe' : 'ast-grep');
  if (existsSync(bin)) return bin;
  mkdirSync(toolDir, { recursive: true });
  writeFileSync(
    join(toolDir, 'package.json'),
    JSON.stringify({ private: true, dependencies: { [platformPackage]: astGrepVersion } }, null, 2),
  );
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock'], { cwd: toolDir, stdio: 'ignore' });
  if (!existsSync(bin)) throw new Error(`ast-grep: ${platformPackage}@${astGrepVersion} installed no binary at ${bin}`);
  return bin;
}
