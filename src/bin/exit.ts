import { ExitCode } from '../errors.js';

/**
 * A reader that stops early (`secure check --format json | head`) closes the pipe: later writes fail with
 * EPIPE, which is not an error of ours. Without a listener, Node would throw it as an unhandled 'error'.
 */
export function ignoreClosedPipes(): void {
  for (const stream of [process.stdout, process.stderr])
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
    });
}

/**
 * Exits once stdout and stderr have handed everything to the OS. A pipe takes 64 KB at a time: an
 * immediate process.exit() would cut a long JSON or SARIF report short when the reader is slower.
 */
export async function exitWhenFlushed(code: number): Promise<never> {
  const flushed = (stream: NodeJS.WriteStream) =>
    new Promise<void>((resolve) => {
      // Called once this empty write, and so every write before it, is done (or failed: a closed pipe).
      if (stream.writable) stream.write('', () => resolve());
      else resolve();
    });
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(code);
}

/**
 * Ctrl-C (or a SIGTERM) as an AbortSignal: the scaffolder stops the step under way and removes the folder
 * it created, then exits 130. A second Ctrl-C exits at once, for a cleanup that hangs.
 */
export function interruptSignal(): AbortSignal {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(ExitCode.interrupted);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return controller.signal;
}
