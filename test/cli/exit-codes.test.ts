import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBin, repoRoot, runBin, secureBin } from '../helpers/cli.js';
import { readFileSync } from 'node:fs';

const version = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version;

describe.each([
  ['secure', secureBin],
  ['create-secure-app', createBin],
])('%s', (_name, bin) => {
  it('--version prints the package version', async () => {
    const result = await runBin(bin, ['--version']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim()).toBe(version);
  });

  it('an unknown option is a one-line usage error, exit 2', async () => {
    const result = await runBin(bin, ['--no-such-flag']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('--no-such-flag');
  });
});

describe('secure', () => {
  it('--help lists add, check and fix', async () => {
    const result = await runBin(secureBin, ['--help']);
    expect(result.exitCode).toBe(0);
    for (const command of ['add', 'check', 'fix', 'list', 'checklist'])
      expect(result.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
  });

  it('an unknown command prints an error and exits 2', async () => {
    const result = await runBin(secureBin, ['deploy']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/unknown command 'deploy'/);
  });

  it('never colours output without a TTY', async () => {
    const result = await runBin(secureBin, ['list'], { env: { FORCE_COLOR: '1' } });
    expect(result.stdout.includes('\u001b[')).toBe(false);
  });

  it('an invalid secure.config.json is a one-line configuration error, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-'));
    writeFileSync(join(dir, 'secure.config.json'), JSON.stringify({ jwt: { accessTokenMinutes: 120 } }));
    const result = await runBin(secureBin, ['checklist'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(
      /^error: secure\.config\.json: jwt\.accessTokenMinutes: 120 is over the rules' maximum of 30$/m,
    );
  });
});
