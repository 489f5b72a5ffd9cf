import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The bench's timing helper reads GNU time's report: peak memory, exit status and the command's output must
 * come back right, or the table would be wrong. No timing is asserted.
 */
const measurePath = join(import.meta.dirname, '..', '..', 'scripts', 'bench', 'measure.mjs');
const load = (): Promise<any> => import(measurePath);
const outDir = mkdtempSync(join(tmpdir(), 'bench-measure-'));

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe.skipIf(!existsSync('/usr/bin/time'))('runTimed', () => {
  it('reports the peak RSS, the exit status and where the output went', async () => {
    const { runTimed } = await load();
    // Holds ~200 MB, prints a line, exits 3.
    const script = 'const b = Buffer.alloc(200 * 1024 * 1024, 1); console.log("sum", b[0] + b[b.length - 1]); process.exit(3)';
    const run = runTimed({ command: process.execPath, args: ['-e', script], cwd: outDir, outDir, label: 'alloc' });
    expect(run.exitCode).toBe(3);
    expect(run.peakRssMb).toBeGreaterThan(190);
    expect(run.wallSeconds).toBeGreaterThan(0);
    expect(readFileSync(run.stdoutFile, 'utf8')).toBe('sum 2\n');
  });

  it('reports a command killed by a signal as 128 + the signal', async () => {
    const { runTimed } = await load();
    const run = runTimed({ command: 'sh', args: ['-c', 'kill -9 $$'], cwd: outDir, outDir, label: 'killed' });
    expect(run.exitCode).toBe(137);
  });
});

describe('median', () => {
  it('takes the middle value, or the mean of the two middle ones', async () => {
    const { median } = await load();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
