import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Output } from '../cli/output.js';
import type { Answers } from '../engine/generator.js';
import { SecureError, isSecureError, usageError } from '../errors.js';
import { presets } from '../policy/index.js';
import { initializeRepository, type GitOutcome } from './git.js';
import { assertPackageManagerAvailable, installDependencies } from './install.js';
import { installPythonDependencies, pythonNextSteps } from './python.js';
import {
  answersFromFlags,
  detectPackageManager,
  resolveTargetDirectory,
  type PackageManager,
  type RawFlags,
  type TargetDirectory,
} from './options.js';
import { askDirectory, completeAnswers } from './prompts.js';
import { mergeDotEnv } from './env-files.js';
import { renderProjectThroughPlop, type ProjectFile } from './render-project.js';
import { assertWritableTarget, writeProject, type WriteOutcome } from './write.js';

export interface ScaffoldEnvironment {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Prompts allowed: stdin and stdout are terminals and CI is unset. */
  interactive: boolean;
  output: Output;
  /** Aborted on Ctrl-C: the step under way stops, and a folder this run created is removed. */
  signal?: AbortSignal;
}

/** The scaffolder's own flags on top of the project choices. */
export interface ScaffoldFlags extends RawFlags {
  /** Keep a folder this run created when the install fails or is interrupted (to look into it). */
  keepOnFailure?: boolean;
}

export interface ScaffoldResult {
  target: TargetDirectory;
  answers: Answers;
  files: ProjectFile[];
  written: boolean;
  installed: boolean;
  git: GitOutcome | 'skipped';
}

/**
 * The scaffolder as a pipeline of small named steps:
 * flags -> prompts -> render (in memory) -> write (all or nothing) -> install -> git -> next steps.
 */
export async function scaffold(
  dir: string | undefined,
  flags: ScaffoldFlags,
  environment: ScaffoldEnvironment,
): Promise<ScaffoldResult> {
  const { output, signal } = environment;
  const promptEnvironment = { interactive: environment.interactive, yes: Boolean(flags.yes), signal };
  const force = Boolean(flags.force);

  // 1. flags
  const given = answersFromFlags(flags);
  const packageManager = detectPackageManager(flags.packageManager, environment.env);
  if (dir !== undefined && dir.trim() === '')
    throw usageError(
      'the project folder is an empty string',
      'Pass a folder name, e.g. `create-secure-app my-api`, or `.` for the current folder.',
    );
  const target = resolveTargetDirectory(
    dir ?? (await askDirectory(promptEnvironment, (typed) => folderProblem(typed, environment.cwd, force))),
    environment.cwd,
  );
  assertWritableTarget(target.path, force);
  if (!flags.skipInstall && !flags.dryRun)
    await assertPackageManagerAvailable(packageManager, {
      requested: flags.packageManager !== undefined,
      env: environment.env,
    });

  // 2. prompts
  const answers = await completeAnswers(given, promptEnvironment);

  // 3. render: through the plopfile into a staging folder, before anything touches the target; a .env there
  // (--force) is kept
  const { files, keptDotEnv } = keepUsersDotEnv(
    await renderProjectThroughPlop(answers, target.appName),
    target.path,
  );
  const result: ScaffoldResult = { target, answers, files, written: false, installed: false, git: 'skipped' };

  if (flags.dryRun) {
    output.out(`Would create ${plural(files.length, 'file')} in ${target.path}:`);
    for (const file of files)
      output.out(
        `  ${file.path}${file.path === keptDotEnv ? '  (yours is kept; the variables it lacks are added)' : existsSync(join(target.path, file.path)) ? '  (replaces the existing file)' : ''}`,
      );
    output.out('Nothing was written (--dry-run).');
    return result;
  }
  if (signal?.aborted) throw new SecureError('INTERRUPTED', 'Interrupted: nothing was written.');

  // 4. write
  const written = writeProject(target.path, files);
  result.written = true;
  output.out(
    `${output.colors.green('✔')} Created ${plural(files.length, 'file')} in ${target.path} (${describe(answers)})`,
  );
  const replaced = written.replaced.filter((path) => path !== keptDotEnv);
  if (replaced.length > 0)
    output.out(
      `${output.colors.yellow('!')} Replaced ${plural(replaced.length, 'existing file')} (--force): ${replaced.join(', ')}`,
    );
  if (keptDotEnv)
    output.out(`${output.colors.yellow('!')} Kept your ${keptDotEnv}; the variables it lacked are added`);

  // 5. install: a failure or Ctrl-C up to here removes the folder this run created (see afterFailure)
  const python = answers.framework === 'fastapi';
  try {
    if (!flags.skipInstall) {
      output.out(
        python
          ? 'Creating backend/.venv and installing with pip...'
          : `Installing dependencies with ${packageManager}...`,
      );
      throwIfInterrupted(signal);
      const install = { showProgress: output.interactive, env: environment.env };
      if (python) await installPythonDependencies(target.path, install);
      else await installDependencies(target.path, packageManager, { ...install, signal });
      result.installed = true;
      output.out(`${output.colors.green('✔')} Dependencies installed`);
    }
    throwIfInterrupted(signal);
  } catch (error) {
    throw afterFailure(error, written, target.path, packageManager, flags, result.installed);
  }

  // 6. git
  if (!flags.skipGit) {
    result.git = await initializeRepository(target.path);
    output.out(gitMessage(result.git));
  }

  // 7. next steps
  const port = presets[answers.preset].docker.port;
  if (python) {
    output.out('');
    output.out('Next steps:');
    for (const step of pythonNextSteps(target.path, environment.cwd, result.installed, port))
      output.out(`  ${step}`);
    output.out(
      '  .env (project root) holds a fresh JWT_SECRET (mode 0600, git-ignored); README.md says the rest.',
    );
    return result;
  }
  printNextSteps(output, target, packageManager, result.installed, environment.cwd, port);
  return result;
}

/**
 * The user's .env in the target (--force): their values stay, ours are appended for the names they lack. The
 * file is still written (through the same all-or-nothing move), so a missing variable cannot stop the app.
 */
function keepUsersDotEnv(
  files: ProjectFile[],
  target: string,
): { files: ProjectFile[]; keptDotEnv?: string } {
  const dotEnv = files.find((file) => file.path === '.env' || file.path.endsWith('/.env'));
  const path = dotEnv && join(target, dotEnv.path);
  if (!dotEnv || !path || !existsSync(path)) return { files };
  const theirs = readFileSync(path, 'utf8');
  const content = mergeDotEnv(theirs, dotEnv.content) ?? theirs;
  return {
    files: files.map((file) => (file === dotEnv ? { ...file, content } : file)),
    keptDotEnv: dotEnv.path,
  };
}

/** Why a folder typed at the prompt cannot be used, so that the prompt asks again; undefined when it can. */
function folderProblem(typed: string, cwd: string, force: boolean): string | undefined {
  if (typed.trim() === '') return 'Type a folder name (. for the current folder).';
  try {
    assertWritableTarget(resolveTargetDirectory(typed, cwd).path, force);
    return undefined;
  } catch (error) {
    if (isSecureError(error)) return error.hint ? `${error.message}. ${error.hint}` : error.message;
    throw error;
  }
}

/**
 * An install that failed or was interrupted: a folder this run created is removed (or kept with
 * --keep-on-failure); a folder that existed before is never removed. The message says which, and that
 * git init did not run.
 */
function afterFailure(
  error: unknown,
  written: WriteOutcome,
  target: string,
  packageManager: PackageManager,
  flags: ScaffoldFlags,
  installed: boolean,
): unknown {
  const removed = written.created !== undefined && !flags.keepOnFailure;
  if (removed) rmSync(written.created!, { recursive: true, force: true });
  if (!isSecureError(error)) return error;
  const folder = removed
    ? `removed ${written.created}, which this run created`
    : written.created
      ? `kept ${target} (--keep-on-failure)`
      : `the files are written in ${target}, which existed before and is kept`;
  const git = flags.skipGit ? '' : '; git init did not run';
  const when =
    flags.skipInstall || installed ? 'after writing the project' : `during ${packageManager} install`;
  const then = flags.skipGit
    ? `\`${packageManager} install\``
    : `\`${packageManager} install\` and \`git init\``;
  if (error.code === 'INTERRUPTED')
    return new SecureError('INTERRUPTED', `Interrupted ${when}: ${folder}${git}.`);
  return new SecureError('IO', `${error.message}`, {
    hint: removed
      ? `Nothing is left: ${folder}${git}. Fix the cause and run create-secure-app again (--keep-on-failure keeps the folder).`
      : `${folder[0].toUpperCase()}${folder.slice(1)}${git}. Fix the cause, then run ${then} in ${target}.`,
    cause: error,
  });
}

function throwIfInterrupted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new SecureError('INTERRUPTED', 'Interrupted');
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function describe(answers: Answers): string {
  const features = [answers.framework, answers.db, answers.ws === 'none' ? 'no websocket' : answers.ws];
  if (answers.redis) features.push('redis');
  return `${features.join(', ')}, preset ${answers.preset}`;
}

function gitMessage(outcome: GitOutcome): string {
  switch (outcome) {
    case 'committed':
      return '✔ Initialized a git repository with a first commit (.env is ignored)';
    case 'inside-repository':
      return 'Inside an existing git repository: no new repository created';
    case 'git-missing':
      return 'git is not installed: no repository created';
    case 'failed':
      return 'git init or the first commit failed: create the repository yourself';
  }
}

function printNextSteps(
  output: Output,
  target: TargetDirectory,
  packageManager: PackageManager,
  installed: boolean,
  cwd: string,
  port: number,
): void {
  const run = packageManager === 'npm' ? 'npm run' : packageManager;
  const folder = relative(cwd, target.path);
  const steps: [string, string][] = [];
  if (folder) steps.push([`cd ${folder}`, '']);
  if (!installed) steps.push([`${packageManager} install`, '']);
  steps.push([`${run} dev`, `start with reload on http://localhost:${port}`]);
  steps.push([`${packageManager} test`, "the app's own security tests"]);
  const width = Math.max(...steps.map(([command]) => command.length));
  output.out('');
  output.out('Next steps:');
  for (const [command, comment] of steps) {
    output.out(`  ${comment ? `${command.padEnd(width)}   # ${comment}` : command}`);
  }
  output.out('  .env holds a fresh JWT_SECRET (mode 0600, git-ignored); .env.example lists every variable.');
}
