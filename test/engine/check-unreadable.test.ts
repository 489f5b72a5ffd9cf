import { describe, expect, it, vi } from 'vitest';
import { checkCommand } from '../../src/cli/commands/check.js';
import { memoryOutput } from '../../src/cli/output.js';
import { tempProject } from '../helpers/temp-repo.js';
import { toyRules } from './toy-rules.js';

// An unreadable file without needing a non-root user (root reads a chmod 000 file): reading any file named
// `locked.ts` fails with EACCES, exactly as fs reports a missing read permission.
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  const readFileSync = ((path: Parameters<typeof actual.readFileSync>[0], ...rest: unknown[]) => {
    if (String(path).endsWith('locked.ts'))
      throw Object.assign(new Error(`EACCES: permission denied, open '${String(path)}'`), { code: 'EACCES' });
    return (actual.readFileSync as (...args: unknown[]) => unknown)(path, ...rest);
  }) as typeof actual.readFileSync;
  return { ...actual, readFileSync, default: { ...actual, readFileSync } };
});

describe('a file without read permission (EACCES injected)', () => {
  it('found or named on the command line: exit 2 naming it, listed in JSON; accepted with allowSkipped', async () => {
    const dir = tempProject({
      'package.json': '{}',
      'src/a.ts': 'debug(user.token);\n',
      'src/locked.ts': 'x;\n',
    });
    for (const paths of [[], ['src/locked.ts', 'src/a.ts']]) {
      const output = memoryOutput();
      const code = await checkCommand(
        output,
        dir,
        paths,
        { format: 'json', rule: [], cache: false },
        toyRules,
      );
      expect(code).toBe(2);
      expect(output.stderr).toContain('error: src/locked.ts unreadable (EACCES); it was not checked');
      const summary = JSON.parse(output.stdout.join('\n')).summary;
      expect(summary.files).toBe(1);
      expect(summary.skipped.entries).toEqual([
        { path: 'src/locked.ts', reason: 'unreadable', detail: 'EACCES' },
      ]);
    }
    const accepted = memoryOutput();
    const options = { format: 'pretty' as const, rule: [], cache: false, allowSkipped: true };
    expect(await checkCommand(accepted, dir, [], options, toyRules)).toBe(1);
    expect(accepted.stdout.join('\n')).toMatch(
      /1 file checked \(1 parsed\) in [\d.]+s; skipped 1 file unreadable\./,
    );
  });
});
