import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeDotEnv } from '../../src/scaffold/env-files.js';
import { createBin, runBin } from '../helpers/cli.js';

/**
 * `create-secure-app --force` over a folder with the user's own .env: their settings and secrets cannot be
 * given back once replaced, so the file is kept and only the variables it lacks are added.
 */

const theirs =
  'DATABASE_URL=postgres://me@db/prod\nJWT_SECRET=their-own-long-secret-value-0123456789abcdef\n';

describe('create-secure-app --force and an existing .env', () => {
  it('keeps every line of the user .env and appends only what it lacks', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'csa-force-env-'));
    mkdirSync(join(cwd, 'mine'));
    writeFileSync(join(cwd, 'mine', '.env'), theirs);
    const dry = await runBin(createBin, ['mine', '--yes', '--force', '--dry-run'], { cwd, env: { CI: '1' } });
    expect(dry.stdout).toMatch(/^ {2}\.env {2}\(yours is kept; the variables it lacks are added\)$/m);
    const result = await runBin(createBin, ['mine', '--yes', '--force', '--skip-install', '--skip-git'], {
      cwd,
      env: { CI: '1' },
    });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Kept your \.env; the variables it lacked are added$/m);
    expect(result.stdout).not.toMatch(/Replaced .*\.env/);
    const env = readFileSync(join(cwd, 'mine', '.env'), 'utf8');
    expect(env.startsWith(theirs)).toBe(true);
    expect(env.match(/^JWT_SECRET=/gm)).toHaveLength(1);
    expect(env.match(/^DATABASE_URL=/gm)).toHaveLength(1);
    expect(env).toMatch(/^CORS_ORIGINS=\S+$/m);
    expect(statSync(join(cwd, 'mine', '.env')).mode & 0o777).toBe(0o600);
  }, 60_000);

  it('adds nothing to a .env that already sets every variable', () => {
    expect(mergeDotEnv('A=1\r\nB=2\r\n', '# ours\nA=x\nB=y\n')).toBeUndefined();
    expect(mergeDotEnv('A=1\r\n', 'A=x\nB=y\n')).toBe('A=1\r\n# Added by create-secure-app\r\nB=y\r\n');
  });
});
