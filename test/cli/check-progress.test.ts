import { afterEach, describe, expect, it, vi } from 'vitest';
import { progressReporter } from '../../src/cli/format/progress.js';
import { memoryOutput } from '../../src/cli/output.js';

function fakeTerminal(isTTY: boolean) {
  const written: string[] = [];
  return {
    written,
    stream: { isTTY, write: (text: string) => written.push(text) } as unknown as NodeJS.WriteStream,
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('check progress', () => {
  it('stays silent for the first two seconds, then counts files on the terminal and clears its line', () => {
    vi.useFakeTimers();
    vi.setSystemTime(0);
    const terminal = fakeTerminal(true);
    const progress = progressReporter({ ...memoryOutput(), interactive: true }, terminal.stream);
    progress.update(10, 1000);
    vi.setSystemTime(1999);
    progress.update(20, 1000);
    expect(terminal.written).toEqual([]);
    vi.setSystemTime(2500);
    progress.update(500, 1000);
    expect(terminal.written.join('')).toContain('checking 500/1000 files');
    progress.clear();
    expect(terminal.written.at(-1)).toBe('\r\u001b[2K');
  });

  it('never writes when the output is not an interactive terminal (CI logs, pipes)', () => {
    vi.useFakeTimers();
    vi.setSystemTime(0);
    const terminal = fakeTerminal(false);
    const progress = progressReporter({ ...memoryOutput(), interactive: false }, terminal.stream);
    vi.setSystemTime(10_000);
    progress.update(1, 2);
    progress.clear();
    expect(terminal.written).toEqual([]);
  });
});
