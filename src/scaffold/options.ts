import { basename, resolve } from 'node:path';
import validatePackageName from 'validate-npm-package-name';
import type { Answers } from '../engine/generator.js';
import { presetNames } from '../policy/index.js';
import { SecureError, usageError } from '../errors.js';

/** The command line, as commander hands it over (every value still unchecked). */
export interface RawFlags {
  framework?: string;
  db?: string;
  ws?: string;
  redis?: boolean;
  preset?: string;
  packageManager?: string;
  skipInstall?: boolean;
  skipGit?: boolean;
  yes?: boolean;
  dryRun?: boolean;
  force?: boolean;
}

export const packageManagers = ['npm', 'pnpm', 'yarn'] as const;
export type PackageManager = (typeof packageManagers)[number];

/** The choices each select flag accepts; the flag name is what a user types. */
export const choiceFlags = {
  framework: { flag: '--framework', choices: ['express', 'fastify', 'fastapi'] },
  db: { flag: '--db', choices: ['sqlite', 'postgres'] },
  ws: { flag: '--ws', choices: ['socket.io', 'ws', 'none'] },
  preset: { flag: '--preset', choices: presetNames },
} as const;

function checkChoice(name: keyof typeof choiceFlags, value: string | undefined): void {
  if (value === undefined) return;
  const { flag, choices } = choiceFlags[name];
  if (!(choices as readonly string[]).includes(value)) {
    throw usageError(`${flag} must be one of ${choices.join(', ')} (got "${value}")`);
  }
}

/** The answers given on the command line; anything missing is asked for or defaulted later. */
export function answersFromFlags(flags: RawFlags): Partial<Answers> {
  for (const name of Object.keys(choiceFlags) as (keyof typeof choiceFlags)[]) checkChoice(name, flags[name]);
  if (
    flags.packageManager !== undefined &&
    !(packageManagers as readonly string[]).includes(flags.packageManager)
  ) {
    throw usageError(
      `--package-manager must be one of ${packageManagers.join(', ')} (got "${flags.packageManager}")`,
    );
  }
  if (flags.framework === 'fastapi' && flags.ws === 'ws') {
    throw usageError(
      '--ws ws is for the Node frameworks; with --framework fastapi use --ws socket.io or --ws none',
    );
  }
  const answers: Partial<Answers> = {};
  if (flags.framework) answers.framework = flags.framework as Answers['framework'];
  if (flags.db) answers.db = flags.db as Answers['db'];
  if (flags.ws) answers.ws = flags.ws as Answers['ws'];
  if (flags.preset) answers.preset = flags.preset as Answers['preset'];
  if (flags.redis !== undefined) answers.redis = flags.redis;
  return answers;
}

export interface TargetDirectory {
  /** Absolute path of the folder to create or fill. */
  path: string;
  /** The package name (the folder's name). */
  appName: string;
}

/** `dir` as typed (`.` = the current folder), checked against npm's package-name rules. */
export function resolveTargetDirectory(dir: string, cwd: string): TargetDirectory {
  const path = resolve(cwd, dir);
  const appName = basename(path);
  const verdict = validatePackageName(appName);
  if (!verdict.validForNewPackages) {
    const problems = [...(verdict.errors ?? []), ...(verdict.warnings ?? [])];
    throw new SecureError('USAGE', `"${appName}" cannot be a package name: ${problems.join('; ')}`, {
      hint: 'Use lowercase letters, digits and dashes, e.g. `create-secure-app my-api`.',
    });
  }
  return { path, appName };
}

/** The package manager that ran us (npm_config_user_agent), unless one was asked for. */
export function detectPackageManager(requested: string | undefined, env: NodeJS.ProcessEnv): PackageManager {
  if (requested) return requested as PackageManager;
  const agent = env.npm_config_user_agent ?? '';
  if (agent.startsWith('pnpm')) return 'pnpm';
  if (agent.startsWith('yarn')) return 'yarn';
  return 'npm';
}
