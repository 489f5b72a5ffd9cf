import { Command } from 'commander';
import { SecureError } from '../errors.js';
import { loadPolicy } from '../policy/index.js';
import { printChecklist } from './commands/checklist.js';
import { listRulesAndGenerators } from './commands/list.js';
import type { Output } from './output.js';
import { packageVersion } from './package-info.js';
import { setExitCode } from './run.js';

function notYetAvailable(command: string): never {
  throw new SecureError('USAGE', `secure ${command} is not available in this version`, {
    hint: 'Run `secure --help` to see the commands this version supports.',
  });
}

/** The `secure` command line: flags in, one handler per command, an exit code out. */
export function secureProgram(output: Output, cwd: string = process.cwd()): Command {
  const program = new Command('secure')
    .description(
      'Add security modules to a Node backend, check it against the security rules, and fix what is safe.',
    )
    .version(packageVersion, '-v, --version')
    .allowExcessArguments(false);

  program
    .command('add')
    .description(
      'add security modules (auth, cors, headers, rate-limit, ...) to an existing Express or Fastify app',
    )
    .argument('[modules...]')
    .allowUnknownOption(false)
    .action(() => notYetAvailable('add'));

  program
    .command('check')
    .description('report violations of the security rules (exit 1 when there are findings)')
    .argument('[paths...]')
    .action(() => notYetAvailable('check'));

  program
    .command('fix')
    .description('rewrite code to remove the violations that can be fixed safely')
    .argument('[paths...]')
    .action(() => notYetAvailable('fix'));

  program
    .command('list')
    .description('list the rules and the generators')
    .action(function (this: Command) {
      setExitCode(this, listRulesAndGenerators(output));
    });

  program
    .command('checklist')
    .description("print the security rules' checklist for this project")
    .action(function (this: Command) {
      loadPolicy(cwd);
      setExitCode(this, printChecklist(output, {}));
    });

  return program;
}
