import { Option, type Command } from 'commander';
import type { AddPlan, AddResult } from '../../add/index.js';
import type { StartVerified } from '../../add/verify-start.js';
import type { GeneratorSource, PromptDeclaration } from '../../add/generator-source.js';
import { canPrompt, flagOf, type Answers } from '../../add/prompts.js';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { gitRoot } from '../../engine/git.js';
import { ExitCode, SecureError, usageError } from '../../errors.js';
import type { Output } from '../output.js';

export interface AddCommandOptions {
  list?: boolean;
  entry?: string;
  yes?: boolean;
  force?: boolean;
  dryRun?: boolean;
  install?: boolean;
  upgrade?: boolean;
  /** `--verify=start`: start the app with the changes in a temporary copy and probe it before writing. */
  verify?: 'start';
  /** `--config`: the secure.config.json the modules render from, instead of the project's own. */
  config?: string;
  [promptAnswer: string]: unknown;
}

/** Each generator prompt once, keyed by flag, so `secure add` accepts `--ws socket.io` and friends. */
function uniquePrompts(source: GeneratorSource): PromptDeclaration[] {
  const byFlag = new Map<string, PromptDeclaration>();
  for (const generator of source.generators)
    for (const prompt of generator.prompts ?? [])
      if (!byFlag.has(flagOf(prompt))) byFlag.set(flagOf(prompt), prompt);
  return [...byFlag.values()];
}

function camelCase(flag: string): string {
  return flag.replace(/^--/, '').replace(/-([a-z])/g, (_match, letter: string) => letter.toUpperCase());
}

/** The options of `secure add`: its own, plus one per generator prompt. */
export function addCommandOptions(command: Command, source: GeneratorSource): Command {
  command
    .option('--list', 'list the modules, one line each')
    .option('--entry <file>', 'the file that creates the app (default: detected)')
    .option('-y, --yes', 'take the default answer to every question')
    .option('-f, --force', 'overwrite generated files you changed (the diff is shown otherwise)')
    .option('-d, --dry-run', 'print a unified diff of every change and write nothing')
    .option('--install', "run the project's package manager after adding dependencies")
    .option('--upgrade', 'move a package installed below what a module needs to its tested version')
    .option('-c, --config <file>', "render the modules from this secure.config.json instead of the project's")
    .addOption(
      new Option(
        '--verify <check>',
        'start: before writing, start the app from a temporary copy with the changes and probe one route',
      ).choices(['start']),
    );
  for (const prompt of uniquePrompts(source)) {
    const flag = flagOf(prompt);
    // A prompt may share its flag with one of the options above (--redis): commander refuses a second one.
    if (command.options.some((option) => option.long === flag)) continue;
    command.addOption(
      prompt.choices
        ? new Option(`${flag} <value>`, prompt.message).choices([...prompt.choices])
        : new Option(flag, prompt.message),
    );
  }
  return command;
}

function answersFrom(source: GeneratorSource, options: AddCommandOptions): Answers {
  const answers: Answers = {};
  for (const prompt of uniquePrompts(source)) {
    const value = options[camelCase(flagOf(prompt))];
    if (typeof value === 'string' || typeof value === 'boolean') answers[prompt.name] = value;
  }
  return answers;
}

function listModules(output: Output, source: GeneratorSource): number {
  const width = Math.max(...source.generators.map((generator) => generator.name.length));
  for (const generator of source.generators)
    output.out(`${generator.name.padEnd(width)}  ${generator.description}`);
  return ExitCode.ok;
}

function report(output: Output, result: AddResult, dryRun: boolean, started?: StartVerified): void {
  const { colors } = output;
  const { project } = result;
  if ('importLine' in project)
    output.out(
      colors.dim(
        `FastAPI app \`${project.appName}\` in ${project.entry} (Python, package ${project.packageDir})`,
      ),
    );
  else {
    const moduleSystem = project.moduleSystem === 'esm' ? 'ESM' : 'CommonJS';
    output.out(
      colors.dim(
        project.otherFramework
          ? `${project.otherFramework} project: modules written, nothing wired (${moduleSystem}, source folder ${project.srcDir})`
          : `${project.nest ? `NestJS${project.nest.major === undefined ? '' : ` ${project.nest.major}`} on ` : ''}${project.framework}${project.frameworkMajor ? ` ${project.frameworkMajor}` : ''} app \`${project.appName}\` in ${project.entry} (${moduleSystem}, source folder ${project.srcDir})`,
      ),
    );
  }
  for (const change of result.changes)
    output.out(
      `  ${change.before === undefined ? colors.green('create') : colors.yellow('update')} ${change.path}`,
    );
  for (const name of result.upToDate)
    output.out(`  ${colors.dim('up to date')} ${name}: already added, nothing to change`);
  for (const note of result.notes) output.out(`  ${colors.dim('note')} ${note}`);
  for (const conflict of result.conflicts) {
    const why =
      conflict.reason === 'edited'
        ? `changed since \`secure add ${conflict.generator}\` wrote it`
        : 'your own file, not written by secure add';
    output.out(`  ${colors.red('kept')} ${conflict.path}: ${why}; --force replaces it with:`);
    output.out(conflict.diff.trimEnd());
  }
  if (dryRun) return;
  if (started)
    output.out(
      `  ${colors.green('started')} ${started.command} with the changes: GET ${started.route} answered ${started.status}${started.installed.length ? ` (installed for the trial only: ${started.installed.join(', ')})` : ''}`,
    );
  // The modules added read no variable (logging alone, docker): no list to copy.
  const envStep =
    result.env?.length === 0
      ? undefined
      : `set the variables listed in ${(result.envFiles ?? ['.env.example']).join(' or ')} in .env`;
  if ('importLine' in project) {
    if (result.written)
      output.out(
        `Next: install the dependencies (${result.changes.some((change) => change.path === 'requirements.txt') ? 'pip install -r requirements.txt' : 'uv sync, or pip install -e .'}), then ${envStep}.`,
      );
  } else if (result.changes.some((change) => change.path === 'package.json') && !result.installed)
    output.out(`Next: run \`npm install\` (or pass --install)${envStep ? `, then ${envStep}` : ''}.`);
  else if (result.written && envStep) output.out(`Next: ${envStep}.`);
}

/** A bad --entry is a usage error; writing outside git (nothing to review or undo) needs --force, as in fix. */
function assertAddable(cwd: string, modules: string[], options: AddCommandOptions): void {
  if (options.entry) {
    const entry = resolve(cwd, options.entry);
    if (!existsSync(entry) || !statSync(entry).isFile())
      throw usageError(
        `--entry ${options.entry}: no such file in ${cwd}`,
        'Give the file that creates the app, relative to the project root, or leave --entry out to detect it.',
      );
  }
  // With no module named, the usage error (`name at least one module`) says more than a refusal.
  if (modules.length > 0 && !options.force && !options.dryRun && gitRoot(cwd) === undefined)
    throw new SecureError('REFUSED', `${cwd} is not in a git repository; secure add wrote nothing`, {
      hint: 'Run it inside a git work tree so every change can be reviewed and undone, or pass --force (or --dry-run to see the diff).',
    });
}

export async function addCommand(
  output: Output,
  cwd: string,
  modules: string[],
  options: AddCommandOptions,
  source: GeneratorSource,
): Promise<number> {
  if (options.list) return listModules(output, source);
  assertAddable(cwd, modules, options);
  // Loaded here, not at the top: ts-morph and TypeScript would slow every other `secure` command's start.
  const { addModules, formatPlanDiff } = await import('../../add/index.js');
  const { loadPolicy } = await import('../../policy/index.js');
  const policy = options.config ? loadPolicy(cwd, resolve(cwd, options.config)) : undefined;
  let started: StartVerified | undefined;
  const result = await addModules(cwd, modules, {
    source,
    ...(policy ? { policy } : {}),
    ...(options.verify === 'start' && !options.dryRun
      ? {
          beforeWrite: async (plan: AddPlan) => {
            output.err(output.colors.dim('Starting the app with the changes in a temporary copy...'));
            const { verifyByStarting } = await import('../../add/verify-start.js');
            started = await verifyByStarting(cwd, plan, { policy: policy ?? loadPolicy(cwd) });
          },
        }
      : {}),
    entry: options.entry,
    yes: options.yes,
    force: options.force,
    dryRun: options.dryRun,
    install: options.install,
    upgrade: options.upgrade,
    answers: answersFrom(source, options),
    interactive: output.interactive && canPrompt(),
  });
  // Every module asked for was refused: nothing was added, which is a refused action (exit 1), not success.
  // A rerun where the others are up to date is not that: it reports them and the refusal as a note.
  const [firstRefusal] = result.refused;
  if (firstRefusal && result.generators.length === 0 && result.upToDate.length === 0)
    throw new SecureError('REFUSED', `not added: ${firstRefusal.generator}: ${firstRefusal.reason}`, {
      hint:
        result.refused.length > 1
          ? `${result.refused.length} modules were refused; run with --dry-run to see each reason.`
          : undefined,
    });
  if (options.dryRun) {
    const diff = formatPlanDiff(result);
    if (diff) output.out(diff.trimEnd());
  }
  report(output, result, Boolean(options.dryRun), started);
  // A module whose code failed verification was left out: the rest is written, and the run did not succeed.
  return result.conflicts.length > 0 || result.refused.some((refusal) => refusal.failedVerification)
    ? ExitCode.findings
    : ExitCode.ok;
}
