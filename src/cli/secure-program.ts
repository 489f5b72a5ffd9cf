import { Command, Option } from 'commander';
import { canPrompt } from '../add/prompts.js';
import { presetNames } from '../policy/preset-names.js';
import type { AddCommandOptions } from './commands/add.js';
import type { CheckCommandOptions } from './commands/check.js';
import type { ChecklistCommandOptions } from './commands/checklist.js';
import type { FixCommandOptions } from './commands/fix.js';
import type { InitCommandOptions } from './commands/init.js';
import { checkFormats, checklistFormats, listFormats } from './choices.js';
import { severities } from './format/report.js';
import type { Output } from './output.js';
import { packageVersion } from './package-info.js';
import { setExitCode } from './run.js';

// Each command's code is imported when that command runs: the rules, Babel, the fixer's recast and
// jscodeshift, ts-morph and zod would otherwise load for every command, `secure --version` included.
/** The `secure` command line: flags in, one handler per command, an exit code out. */
export function secureProgram(output: Output, cwd: string = process.cwd()): Command {
  const program = new Command('secure')
    .description(
      'Add security modules to a Node backend, check it against the security rules, and fix what is safe.',
    )
    .version(packageVersion, '-v, --version')
    .allowExcessArguments(false);

  const add = program
    .command('add')
    .description(
      'add security modules (auth, cors, headers, rate-limit, ...) to an existing Express or Fastify app',
    )
    .argument('[modules...]', 'modules to add (secure add --list shows them)')
    .usage('[options] [modules...]')
    .allowUnknownOption(false)
    .action(async function (this: Command, modules: string[], options: AddCommandOptions) {
      const { addCommand } = await import('./commands/add.js');
      const { generatorSource } = await import('../add/registry.js');
      setExitCode(this, await addCommand(output, cwd, modules, options, generatorSource));
    });
  // The generators' prompts are `secure add`'s options (`--ws socket.io`): declared once add is chosen
  // (to run it, or for `secure add --help`), before its arguments are parsed.
  const declareAddOptions = async () => {
    const { addCommandOptions } = await import('./commands/add.js');
    const { generatorSource } = await import('../add/registry.js');
    addCommandOptions(add, generatorSource);
  };
  program.hook('preSubcommand', async (_program, subcommand) => {
    if (subcommand === add) await declareAddOptions();
  });

  const collect = (value: string, previous: string[]) => [...previous, value];

  program
    .command('check')
    // Subcommands made before runProgram's exitOverride do not inherit it: usage errors must still exit 2.
    .exitOverride()
    .description('report violations of the security rules (exit 1 when there are findings, see --fail-on)')
    .argument('[paths...]', 'files or folders to check (default: the current folder)')
    .addOption(new Option('--format <format>', 'output format').choices(checkFormats).default('pretty'))
    .option('--rule <id>', 'run only this rule (repeatable)', collect, [])
    .option('--baseline <file>', 'hide the findings recorded in this baseline file')
    .option('--write-baseline <file>', 'record the current findings as the baseline and exit 0')
    .option('--changed', 'check only files changed against the default branch (or HEAD)')
    .option('--staged', 'check only the files staged for the next commit (for a pre-commit hook)')
    .option('--no-cache', 'do not read or write the content-hash cache')
    .option('--verbose', 'list every skipped file and folder with the reason (stderr)')
    .option(
      '--allow-skipped',
      'report files that cannot be read or parsed without failing the run (exit 2 otherwise)',
    )
    .option('-o, --output-file <file>', 'write the report to this file instead of stdout')
    .option('-q, --quiet', 'print the findings only: no progress and no summary line')
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 only for findings of this severity or higher')
        .choices(severities)
        .default('low'),
    )
    .addOption(
      new Option('--severity <severity>', 'report only findings of this severity or higher').choices(
        severities,
      ),
    )
    .option('--include-tests', 'also check test files, their findings marked as such (not read by default)')
    .option('--color', 'colour the report even when it does not go to a terminal')
    .option('--no-color', 'never colour the report')
    .option('-c, --config <file>', "use this secure.config.json as every project's policy instead of its own")
    .option(
      '--ignore-pattern <pattern>',
      'skip what this gitignore-style pattern matches, like a .secureignore line (repeatable)',
      collect,
      [],
    )
    .action(async function (this: Command, paths: string[], options: CheckCommandOptions) {
      const { checkCommand } = await import('./commands/check.js');
      setExitCode(this, await checkCommand(output, cwd, paths, options));
    });

  program
    .command('fix')
    // Subcommands made before runProgram's exitOverride do not inherit it: usage errors must still exit 2.
    .exitOverride()
    .description('rewrite code to remove the violations that can be fixed safely')
    .argument('[paths...]', 'files or folders to fix (default: the current folder)')
    .option('--rule <id>', 'apply only this rule (repeatable)', collect, [])
    .option('--dry-run', 'print the changes as a unified diff and write nothing', false)
    .option('--force', 'run even outside a git repository or with uncommitted changes', false)
    .option('--install', "run the project's package manager when fixes added dependencies", false)
    .option('--baseline <file>', 'leave the findings recorded in this baseline file alone')
    .option('--no-cache', 'do not read or write the content-hash cache')
    .option('-c, --config <file>', "use this secure.config.json as every project's policy instead of its own")
    .option(
      '--ignore-pattern <pattern>',
      'skip what this gitignore-style pattern matches, like a .secureignore line (repeatable)',
      collect,
      [],
    )
    .option('--include-tests', 'also fix findings in test files (left alone by default)')
    .option(
      '--allow-skipped',
      'files that cannot be read or parsed are reported and the rest fixed, without failing the run (exit 2 otherwise, after fixing the rest)',
    )
    .action(async function (this: Command, paths: string[], options: FixCommandOptions) {
      const { fixCommand } = await import('./commands/fix.js');
      setExitCode(this, await fixCommand(output, cwd, paths, options));
    });

  program
    .command('list')
    // Subcommands made before runProgram's exitOverride do not inherit it: usage errors must still exit 2.
    .exitOverride()
    .description('list the rules and the generators')
    .addOption(new Option('--format <format>', 'output format').choices(listFormats).default('pretty'))
    .action(async function (this: Command, options: { format: (typeof listFormats)[number] }) {
      const { listRulesAndGenerators } = await import('./commands/list.js');
      setExitCode(this, listRulesAndGenerators(output, options));
    });

  program
    .command('checklist')
    // Subcommands made before runProgram's exitOverride do not inherit it: usage errors must still exit 2.
    .exitOverride()
    .description(
      "tick the security rules' checklist from a check of this project (exit 1 when an item fails)",
    )
    .argument('[paths...]', 'files or folders to check (default: the current folder)')
    .addOption(
      new Option('--format <format>', 'output format (markdown: a task list to paste into a pull request)')
        .choices(checklistFormats)
        .default('pretty'),
    )
    .option('--verbose', 'list every skipped file and folder with the reason (stderr)')
    .option(
      '--allow-skipped',
      'tick the checklist even when some files cannot be read or parsed (exit 2 otherwise)',
    )
    .option('-c, --config <file>', "use this secure.config.json as every project's policy instead of its own")
    .option(
      '--ignore-pattern <pattern>',
      'skip what this gitignore-style pattern matches, like a .secureignore line (repeatable)',
      collect,
      [],
    )
    .action(async function (this: Command, paths: string[], options: ChecklistCommandOptions) {
      const { checklistCommand } = await import('./commands/checklist.js');
      setExitCode(this, await checklistCommand(output, cwd, paths, options));
    });

  program
    .command('init')
    // Subcommands made before runProgram's exitOverride do not inherit it: usage errors must still exit 2.
    .exitOverride()
    .description(
      'set a project up for the rules: secure.config.json, a CI workflow (SARIF to code scanning) and a pre-commit hook',
    )
    .addOption(new Option('--preset <name>', 'security preset').choices(presetNames))
    .option('--origins <list>', 'origins allowed to call the API from a browser, comma separated')
    .option('--no-ci', 'do not write .github/workflows/secure.yml')
    .option('--no-hook', 'do not write the git pre-commit hook')
    .option('-y, --yes', 'take the defaults (preset rules, no origins) instead of asking')
    .option('-d, --dry-run', 'print the files that would be written and write nothing')
    .action(async function (this: Command, options: InitCommandOptions) {
      const { initCommand } = await import('./commands/init.js');
      setExitCode(this, await initCommand(output, cwd, options, output.interactive && canPrompt()));
    });

  // Commander's own help command prints a command's help without the hook: `secure help add` would miss
  // add's options.
  program.helpCommand(false);
  program
    .command('help')
    .argument('[command]', 'the command to explain')
    .description('display help for command')
    .action(async (name?: string) => {
      const command = program.commands.find((candidate) => candidate.name() === name);
      if (command === add) await declareAddOptions();
      (command ?? program).help();
    });

  return program;
}
