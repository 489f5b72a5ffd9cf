import { CommanderError, type Command } from 'commander';
import { ExitCode, fromSystemError, isSecureError, type SecureError } from '../errors.js';
import type { Output } from './output.js';

/**
 * Runs a commander program and turns every outcome into an exit code: commander's own errors
 * (unknown command or option) are usage errors (2); SecureErrors carry their code; Ctrl-C at a prompt is
 * 130, quietly; a file-system error is a one-line message naming the path; anything else is a bug.
 */
export async function runProgram(program: Command, argv: string[], output: Output): Promise<number> {
  let exitCode: number = ExitCode.ok;
  program.exitOverride();
  program.configureOutput({
    writeOut: (text) => output.out(text.trimEnd()),
    writeErr: (text) => output.err(text.trimEnd()),
    outputError: (text, write) => write(output.colors.red(text.trimEnd())),
  });
  program.hook('postAction', (_this, action) => {
    const code = action.getOptionValue('__exitCode');
    if (typeof code === 'number') exitCode = code;
  });
  // A bare `secure` asks what it can do: the help, on stdout, exit 0 (as Semgrep does), not an error.
  const args = argv.length === 0 && program.commands.length > 0 ? ['--help'] : argv;
  try {
    await program.parseAsync(args, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
      )
        return ExitCode.ok;
      return ExitCode.usage;
    }
    // @inquirer/prompts rejects with these on Ctrl-C (a key press, or SIGINT aborting it): a choice, not a failure.
    if (error instanceof Error && (error.name === 'ExitPromptError' || error.name === 'AbortPromptError'))
      return ExitCode.interrupted;
    const known = isSecureError(error) ? error : fromSystemError(error);
    if (known) return report(known, output);
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    output.err(`${output.colors.red('internal error:')} ${message}`);
    output.err('This is a bug in create-secure-app; please report it with the command you ran.');
    return ExitCode.usage;
  }
}

function report(error: SecureError, output: Output): number {
  // An interrupt is what the user asked for: say what was cleaned up, without calling it an error.
  const label = error.code === 'INTERRUPTED' ? '' : `${output.colors.red('error:')} `;
  output.err(`${label}${error.message}`);
  if (error.hint) output.err(`${output.colors.dim('hint:')} ${error.hint}`);
  return error.exitCode;
}

/** Commands report their exit code through this, so that actions stay plain async functions. */
export function setExitCode(command: Command, code: number): void {
  command.setOptionValue('__exitCode', code);
}
