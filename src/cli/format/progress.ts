import type { Output } from '../output.js';

/**
 * A one-line progress counter on stderr, shown only on an interactive terminal and only once a run has
 * taken more than two seconds, so that quick runs and CI logs stay clean.
 */
export function progressReporter(output: Output, stream: NodeJS.WriteStream = process.stderr) {
  const started = Date.now();
  let shown = false;
  let last = 0;
  const enabled = output.interactive && Boolean(stream.isTTY);
  return {
    update(done: number, total: number) {
      if (!enabled) return;
      const now = Date.now();
      if (now - started < 2000 || now - last < 100) return;
      last = now;
      shown = true;
      stream.write(`\r\u001b[2Kchecking ${done}/${total} files`);
    },
    clear() {
      if (shown) stream.write('\r\u001b[2K');
    },
  };
}
