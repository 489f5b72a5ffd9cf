import { execa } from 'execa';
import { SecureError, usageError } from '../errors.js';
import type { PackageManager } from './options.js';
import { meaningfulLines } from './tool-output.js';

/** Refuses a package manager that is not installed, before anything is written. */
export async function assertPackageManagerAvailable(
  packageManager: PackageManager,
  options: { requested: boolean; env?: NodeJS.ProcessEnv },
): Promise<void> {
  const { env } = options;
  const probe = await execa(packageManager, ['--version'], { env, stdin: 'ignore', reject: false });
  if (probe.code !== 'ENOENT') return;
  throw usageError(
    `${options.requested ? `-p ${packageManager}: ` : ''}${packageManager} is not installed (not found on PATH); nothing was written`,
    packageManager === 'npm'
      ? 'Install Node.js with npm, or pass --skip-install.'
      : `Install it (\`corepack enable ${packageManager}\`), choose another with -p npm, or pass --skip-install.`,
  );
}

/**
 * Installs the new project's dependencies. Its output streams to ours on a terminal and is kept either
 * way, so that a failure can show its cause. Ctrl-C (the signal) stops it.
 */
export async function installDependencies(
  target: string,
  packageManager: PackageManager,
  options: { showProgress: boolean; env?: NodeJS.ProcessEnv; signal?: AbortSignal },
): Promise<void> {
  const args = packageManager === 'npm' ? ['install', '--no-audit', '--no-fund'] : ['install'];
  const stream = options.showProgress ? (['inherit', 'pipe'] as const) : ('pipe' as const);
  const result = await execa(packageManager, args, {
    cwd: target,
    env: options.env,
    stdin: 'ignore',
    stdout: stream,
    stderr: stream,
    all: true,
    reject: false,
    ...(options.signal ? { cancelSignal: options.signal } : {}),
  });
  // Ctrl-C reaches the package manager too, which may exit before our own handler has run.
  if (result.isCanceled || options.signal?.aborted || result.signal === 'SIGINT' || result.exitCode === 130)
    throw new SecureError('INTERRUPTED', `${packageManager} install was interrupted`);
  if (!result.failed) return;
  const cause = meaningfulLines(String(result.all ?? ''));
  const status = result.exitCode === undefined ? (result.signal ?? 'failed') : `exit ${result.exitCode}`;
  throw new SecureError(
    'IO',
    `${packageManager} install failed in ${target} (${status})${cause.length ? `: ${cause.join('; ')}` : ''}`,
  );
}
