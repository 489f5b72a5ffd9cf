import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * What the bench tells its reader besides timings: the targets judged on a corpus's rows, and a
 * clear note (not a crash) when the headline monorepo was never fetched on this machine.
 */
const benchDir = join(import.meta.dirname, '..', '..', 'scripts', 'bench');
// The bench is plain ESM JavaScript; a computed specifier keeps TypeScript from asking for declarations.
const load = (name: string): Promise<any> => import(join(benchDir, name));

const row = (id: string, wallSeconds: number, peakRssMb = 100) => ({ id, wallSeconds, peakRssMb });

describe('targets', () => {
  it("judges the warm-cache run against ast-grep's two-rule time and peak RSS against 300 MB", async () => {
    const { targets } = await load('report.mjs');
    const checks = targets(
      [row('secure-2-rules', 0.4, 250), row('secure-all-rules', 1.2, 320), row('secure-cached', 0.2), row('ast-grep', 1)],
      650_000,
    );
    const byName = Object.fromEntries(checks.map((check: any) => [check.target, check]));
    expect(byName['secure (2 rules) / ast-grep'].met).toBe(true);
    expect(byName['secure (all rules) / ast-grep (2 rules)'].met).toBe(false);
    expect(byName['secure (all rules, warm cache) / ast-grep (2 rules)']).toMatchObject({ value: 0.2, met: true });
    expect(byName['secure peak RSS at 0.65M lines']).toMatchObject({ value: 320, limit: 300, met: false });
  });
});

describe('the real monorepo corpus', () => {
  it('is skipped with a message naming what to fetch when its mirror is absent', async () => {
    const { prepareMonorepo } = await load('corpora.mjs');
    const messages: string[] = [];
    const corpus = prepareMonorepo({
      corpusRoot: '/nonexistent-bench-corpus',
      project: { name: 'absent', mirror: 'nobody+absent-monorepo', commit: '0'.repeat(40) },
      log: (message: string) => messages.push(message),
    });
    expect(corpus).toBeUndefined();
    expect(messages).toEqual([expect.stringContaining('fetch github:nobody/absent-monorepo')]);
  });
});
