import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
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

  it('with no arguments prints the help on stdout and exits 0, as Semgrep does', async () => {
    const result = await runBin(secureBin, []);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^Usage: secure /);
    expect(result.stderr).toBe('');
  });

  it('--write-baseline into a missing folder is one line naming the file, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-'));
    writeFileSync(join(dir, 'a.js'), 'export const a = 1;\n');
    const target = join(dir, 'nonexistent', 'dir', 'b.json');
    const result = await runBin(secureBin, ['check', '--write-baseline', target], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe(`error: ${target}: no such file or folder (ENOENT)`);
    expect(result.stderr).not.toMatch(/internal error|\.tmp/);
  });

  it('secure add --entry with a missing file is a usage error, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-'));
    const result = await runBin(secureBin, ['add', 'cors', '--entry', 'nope.js', '--yes'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^error: --entry nope\.js: no such file in /m);
  });

  it('secure add outside git refuses, writing nothing, as secure fix does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-'));
    writeFileSync(join(dir, 'package.json'), '{"name":"x","dependencies":{"express":"5.1.0"}}\n');
    const result = await runBin(secureBin, ['add', 'cors', '--yes'], { cwd: dir });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/is not in a git repository; secure add wrote nothing/);
    expect(readdirSync(dir)).toEqual(['package.json']);
  });

  it('an unknown command prints an error and exits 2', async () => {
    const result = await runBin(secureBin, ['deploy']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/unknown command 'deploy'/);
  });

  it('colours output without a TTY only when FORCE_COLOR asks for it (every command, as Node reads it)', async () => {
    const plain = await runBin(secureBin, ['list']);
    expect(plain.stdout.includes('\u001b[')).toBe(false);
    const forced = await runBin(secureBin, ['list'], { env: { FORCE_COLOR: '1' } });
    expect(forced.stdout.includes('\u001b[')).toBe(true);
    const off = await runBin(secureBin, ['list'], { env: { FORCE_COLOR: '0' } });
    expect(off.stdout.includes('\u001b[')).toBe(false);
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
