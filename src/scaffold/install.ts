import { execa } from 'execa';
import { SecureError } from '../errors.js';
import type { PackageManager } from './options.js';

/** Installs the new project's dependencies; its output goes to our stderr so progress stays visible. */
export async function installDependencies(
  target: string,
  packageManager: PackageManager,
  options: { showProgress: boolean; env?: NodeJS.ProcessEnv },
): Promise<void> {
  const args = packageManager === 'npm' ? ['install', '--no-audit', '--no-fund'] : ['install'];
  const result = await execa(packageManager, args, {
    cwd: target,
    env: options.env,
    stdin: 'ignore',
    stdout: options.showProgress ? 'inherit' : 'pipe',
    stderr: options.showProgress ? 'inherit' : 'pipe',
    reject: false,
  });
  if (result.failed) {
    const detail = String(result.stderr ?? '')
      .trim()
      .split('\n')
      .slice(-3)
      .join(' ');
    throw new SecureError(
      'IO',
      `${packageManager} install failed in ${target}${detail ? `: ${detail}` : ''}`,
      {
        hint: `The project is written; fix the problem and run \`${packageManager} install\` there.`,
      },
    );
  }
}
