import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { memoryOutput } from '../../src/cli/output.js';
import { runProgram } from '../../src/cli/run.js';

/** Node's own shape of a failed fs call, e.g. `mkdir` on a read-only mount. */
function systemError(code: string, syscall: string, path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: failed, ${syscall} '${path}'`), { code, syscall, path });
}

// Tests run as root, which chmod cannot stop, and a read-only mount needs privileges CI lacks: the errors
// are injected with the exact shape Node gives them.
const throwing = (error: unknown) =>
  new Command('tool').action(() => {
    throw error;
  });

describe('file-system errors reaching the bin', () => {
  it.each([
    [
      'EROFS',
      'mkdir',
      '/mnt/ro/my-api',
      /^error: \/mnt\/ro\/my-api: the file system is read-only \(EROFS\)$/,
    ],
    ['EACCES', 'open', '/srv/app/b.json', /^error: \/srv\/app\/b\.json: permission denied \(EACCES\)$/],
    [
      'ENOENT',
      'open',
      '/nonexistent/dir/b.json',
      /^error: \/nonexistent\/dir\/b\.json: no such file or folder \(ENOENT\)$/,
    ],
    [
      'ENOTDIR',
      'mkdir',
      '/tmp/file/sub',
      /^error: \/tmp\/file\/sub: a part of the path is a file, not a folder \(ENOTDIR\)$/,
    ],
  ])('%s is one line naming the path and the cause, exit 2', async (code, syscall, path, expected) => {
    const output = memoryOutput();
    const exit = await runProgram(throwing(systemError(code, syscall, path)), [], output);
    expect(exit).toBe(2);
    expect(output.stderr[0]).toMatch(expected);
    expect(output.stderr.join('\n')).not.toMatch(/internal error|\n\s+at /);
  });

  it('an unexpected error is still reported as a bug', async () => {
    const output = memoryOutput();
    const exit = await runProgram(throwing(new TypeError('x is undefined')), [], output);
    expect(exit).toBe(2);
    expect(output.stderr[0]).toMatch(/^internal error: TypeError: x is undefined/);
  });

  it('Ctrl-C at a prompt is exit 130 and prints nothing', async () => {
    const interrupted = Object.assign(new Error('User force closed the prompt with SIGINT'), {
      name: 'ExitPromptError',
    });
    const output = memoryOutput();
    expect(await runProgram(throwing(interrupted), [], output)).toBe(130);
    expect(output.stderr).toEqual([]);
  });
});
