import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { ExitCode, fromSystemError, isSecureError, usageError } from '../../errors.js';
import { configFileName, presetNames, resolvePolicy } from '../../policy/index.js';
import type { Output } from '../output.js';
import { packageVersion } from '../package-info.js';

export interface InitCommandOptions {
  preset?: string;
  origins?: string;
  ci: boolean;
  hook: boolean;
  yes?: boolean;
  dryRun?: boolean;
}

interface PlannedFile {
  /** Absolute path. */
  path: string;
  content: string;
  executable?: boolean;
}

const workflowPath = join('.github', 'workflows', 'secure.yml');
/** The baseline file the README suggests; the hook and the workflow use it when it exists. */
const baselineFile = '.secure-baseline.json';

function configFile(preset: string, origins: string[]): string {
  for (const origin of origins) {
    // The same validation as every later `secure` run, so that init never writes a file they refuse.
    try {
      resolvePolicy({ cors: { origins: [origin] } });
    } catch (error) {
      if (!isSecureError(error)) throw error;
      throw usageError(
        `--origins "${origin}": ${error.message.replace(/^.*?cors\.origins\.0: /, '')}`,
        'Pass exact origins, comma separated, e.g. --origins https://app.example.com,https://admin.example.com',
      );
    }
  }
  const config = { preset, ...(origins.length > 0 ? { cors: { origins } } : {}) };
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** The CI job: findings fail it, and the SARIF is uploaded either way so they show in code scanning. */
function workflowFile(): string {
  return `# Written by \`secure init\`: checks every push and pull request against the security rules.
name: secure check
on:
  push:
  pull_request:
permissions:
  contents: read
  security-events: write
jobs:
  secure-check:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 22
      - name: secure check
        # Findings recorded in ${baselineFile} (secure check --write-baseline) do not fail the job.
        run: npx --yes -p create-secure-app@${packageVersion} secure check --format sarif $([ -f ${baselineFile} ] && echo --baseline ${baselineFile}) > secure.sarif
      - name: upload findings to code scanning
        if: always()
        uses: github/codeql-action/upload-sarif@v3
        with:
          sarif_file: secure.sarif
`;
}

/**
 * The hook checks the staged files only; findings already recorded in the baseline do not stop a commit
 * that merely touches their file.
 */
function hookFile(): string {
  return `#!/bin/sh
# Written by \`secure init\`: refuses a commit whose staged files break the security rules
# (\`git commit --no-verify\` skips it). Findings recorded in ${baselineFile} are let through.
if command -v secure >/dev/null 2>&1; then secure=secure; else secure="npx --no-install secure"; fi
baseline=
if [ -f ${baselineFile} ]; then baseline="--baseline ${baselineFile}"; fi
exec $secure check --staged $baseline
`;
}

/** Where git looks for hooks (core.hooksPath respected), or undefined outside a repository. */
function hooksDir(cwd: string): string | undefined {
  const result = spawnSync('git', ['rev-parse', '--git-path', 'hooks'], { cwd, encoding: 'utf8' });
  if (result.status !== 0) return undefined;
  const path = result.stdout.trim();
  return isAbsolute(path) ? path : join(cwd, path);
}

function parseOrigins(text: string): string[] {
  return text
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
}

async function askAnswers(
  options: InitCommandOptions,
  interactive: boolean,
): Promise<{ preset: string; origins: string[] }> {
  if (options.preset !== undefined && !(presetNames as readonly string[]).includes(options.preset))
    throw usageError(`--preset must be one of ${presetNames.join(', ')} (got "${options.preset}")`);
  let preset = options.preset;
  let origins = options.origins === undefined ? undefined : parseOrigins(options.origins);
  if (interactive && !options.yes) {
    const { input, select } = await import('@inquirer/prompts');
    preset ??= await select({
      message:
        'Security preset (rules = the security rules; asvs = OWASP ASVS 5: argon2id, no composition rule)',
      choices: presetNames.map((value) => ({ value })),
      default: 'rules',
    });
    origins ??= parseOrigins(
      await input({
        message: 'Origins allowed to call the API from a browser (comma separated, empty for none)',
        validate: (typed) => originProblem(parseOrigins(typed)) ?? true,
      }),
    );
  }
  return { preset: preset ?? 'rules', origins: origins ?? [] };
}

function originProblem(origins: string[]): string | undefined {
  try {
    configFile('rules', origins);
    return undefined;
  } catch (error) {
    if (isSecureError(error)) return error.message;
    throw error;
  }
}

/** `secure init`: secure.config.json, a CI workflow and a pre-commit hook, each only if absent. */
export async function initCommand(
  output: Output,
  cwd: string,
  options: InitCommandOptions,
  interactive: boolean,
): Promise<number> {
  const { preset, origins } = await askAnswers(options, interactive);
  const planned: PlannedFile[] = [{ path: join(cwd, configFileName), content: configFile(preset, origins) }];
  if (options.ci) planned.push({ path: join(cwd, workflowPath), content: workflowFile() });
  const notes: string[] = [];
  if (options.hook) {
    const hooks = hooksDir(cwd);
    if (hooks) planned.push({ path: join(hooks, 'pre-commit'), content: hookFile(), executable: true });
    else notes.push('not a git repository: no pre-commit hook (run `git init`, then `secure init` again)');
  }

  const { colors } = output;
  for (const file of planned) {
    const shown = relative(cwd, file.path) || file.path;
    if (existsSync(file.path)) {
      output.out(`  ${colors.dim('kept')}   ${shown} (it exists; remove it to have secure init write it)`);
      continue;
    }
    if (options.dryRun) {
      output.out(`  ${colors.green('would create')} ${shown}:`);
      output.out(file.content.replace(/^/gm, '    ').trimEnd());
      continue;
    }
    try {
      mkdirSync(dirname(file.path), { recursive: true });
      writeFileSync(file.path, file.content, { flag: 'wx' });
      if (file.executable) chmodSync(file.path, 0o755);
    } catch (error) {
      throw fromSystemError(error, file.path) ?? error;
    }
    output.out(`  ${colors.green('create')} ${shown}`);
  }
  if (!existsSync(join(cwd, baselineFile)))
    notes.push(
      `to adopt the rules with findings already there, record them: \`secure check --write-baseline ${baselineFile}\` (the hook and the workflow then fail only on new ones)`,
    );
  for (const note of notes) output.out(`  ${colors.dim('note')}   ${note}`);
  if (options.dryRun) output.out('Nothing was written (--dry-run).');
  return ExitCode.ok;
}
