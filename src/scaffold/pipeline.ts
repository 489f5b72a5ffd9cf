import { relative } from 'node:path';
import type { Output } from '../cli/output.js';
import type { Answers } from '../engine/generator.js';
import { presets } from '../policy/index.js';
import { initializeRepository, type GitOutcome } from './git.js';
import { installDependencies } from './install.js';
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
import { renderProject, type ProjectFile } from './render-project.js';
import { assertWritableTarget, writeProject } from './write.js';

export interface ScaffoldEnvironment {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Prompts allowed: stdin and stdout are terminals and CI is unset. */
  interactive: boolean;
  output: Output;
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
  flags: RawFlags,
  environment: ScaffoldEnvironment,
): Promise<ScaffoldResult> {
  const { output } = environment;
  const promptEnvironment = { interactive: environment.interactive, yes: Boolean(flags.yes) };

  // 1. flags
  const given = answersFromFlags(flags);
  const packageManager = detectPackageManager(flags.packageManager, environment.env);
  const target = resolveTargetDirectory(dir ?? (await askDirectory(promptEnvironment)), environment.cwd);
  assertWritableTarget(target.path, Boolean(flags.force));

  // 2. prompts
  const answers = await completeAnswers(given, promptEnvironment);

  // 3. render: everything in memory before anything touches the disk
  const files = renderProject(answers, target.appName);
  const result: ScaffoldResult = { target, answers, files, written: false, installed: false, git: 'skipped' };

  if (flags.dryRun) {
    output.out(`Would create ${files.length} files in ${target.path}:`);
    for (const file of files) output.out(`  ${file.path}`);
    output.out('Nothing was written (--dry-run).');
    return result;
  }

  // 4. write
  writeProject(target.path, files);
  result.written = true;
  output.out(
    `${output.colors.green('✔')} Created ${files.length} files in ${target.path} (${describe(answers)})`,
  );

  // 5. install
  const python = answers.framework === 'fastapi';
  if (!flags.skipInstall) {
    output.out(
      python
        ? 'Creating backend/.venv and installing with pip...'
        : `Installing dependencies with ${packageManager}...`,
    );
    const install = { showProgress: output.interactive, env: environment.env };
    if (python) await installPythonDependencies(target.path, install);
    else await installDependencies(target.path, packageManager, install);
    result.installed = true;
    output.out(`${output.colors.green('✔')} Dependencies installed`);
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
