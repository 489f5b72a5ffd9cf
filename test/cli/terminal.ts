import { execa } from 'execa';

const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;
// Escape sequences (colours, cursor moves) stripped, so that assertions read the text a person sees.
// eslint-disable-next-line no-control-regex
const ansi = /\u001b\[[0-9;?]*[A-Za-z]|\u001b[()][A-Z0-9]|\r/g;

/**
 * Runs a command in a pseudo-terminal (util-linux `script`), as a person at a keyboard would: stdin and
 * stdout are a TTY, and typed "\u0003" is Ctrl-C (a key press to a prompt in raw mode, SIGINT otherwise).
 */
export function runInTerminal(command: string[], options: { cwd: string; env?: Record<string, string> }) {
  const child = execa(
    'script',
    ['--quiet', '--return', '--command', command.map(quote).join(' '), '/dev/null'],
    {
      cwd: options.cwd,
      env: { TERM: 'xterm', NO_COLOR: '1', CI: '', ...options.env },
      extendEnv: true,
      reject: false,
      stdin: 'pipe',
    },
  );
  let screen = '';
  child.stdout!.on('data', (chunk: Buffer) => (screen += chunk.toString()));
  return {
    /** Everything printed so far, without escape sequences. */
    text: () => screen.replace(ansi, ''),
    /** Resolves once the terminal shows `pattern`; rejects with the screen after `timeoutMs`. */
    async waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(screen.replace(ansi, ''))) {
        if (Date.now() > deadline || child.exitCode !== null)
          throw new Error(`never showed ${pattern}; the terminal shows:\n${screen.replace(ansi, '')}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    type(keys: string): void {
      child.stdin!.write(keys);
    },
    /** The exit code of the command itself (script --return passes it through). */
    async exitCode(): Promise<number | undefined> {
      child.stdin!.end();
      return (await child).exitCode;
    },
  };
}
