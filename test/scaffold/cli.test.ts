import { execa } from 'execa';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBin, runBin, secureBin } from '../helpers/cli.js';

const workspace = () => mkdtempSync(join(tmpdir(), 'csa-cli-'));
const create = (cwd: string, args: string[]) => runBin(createBin, args, { cwd, env: { CI: '1' } });

describe('create-secure-app (no install)', () => {
  it('--dry-run lists the files and writes nothing', async () => {
    const cwd = workspace();
    const result = await create(cwd, ['my-api', '--yes', '--dry-run']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('src/security/config.ts');
    expect(result.stdout).toContain('Nothing was written');
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('without a terminal, a missing answer is a one-line error naming the flag (exit 2)', async () => {
    const cwd = workspace();
    const result = await create(cwd, ['my-api', '--db', 'sqlite', '--ws', 'none']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr.split('\n')[0]).toContain('--framework');
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('refuses a folder name npm would not accept', async () => {
    const result = await create(workspace(), ['My API', '--yes']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('cannot be a package name');
  });

  it('refuses an unknown choice', async () => {
    const result = await create(workspace(), ['my-api', '--framework', 'koa']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('express, fastify');
  });

  it('refuses a non-empty folder, naming its files, and changes nothing', async () => {
    const cwd = workspace();
    mkdirSync(join(cwd, 'my-api'));
    writeFileSync(join(cwd, 'my-api', 'notes.txt'), 'keep me');
    const result = await create(cwd, ['my-api', '--yes', '--skip-install', '--skip-git']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('notes.txt');
    expect(readdirSync(join(cwd, 'my-api'))).toEqual(['notes.txt']);
  });

  it('--force adds the project next to existing files and keeps them', async () => {
    const cwd = workspace();
    mkdirSync(join(cwd, 'my-api'));
    writeFileSync(join(cwd, 'my-api', 'notes.txt'), 'keep me');
    const result = await create(cwd, ['my-api', '--yes', '--skip-install', '--skip-git', '--force']);
    expect(result.exitCode).toBe(0);
    expect(readFileSync(join(cwd, 'my-api', 'notes.txt'), 'utf8')).toBe('keep me');
    expect(existsSync(join(cwd, 'my-api', 'src', 'server.ts'))).toBe(true);
  });

  it('writes .env with mode 0600, commits everything else, and never prints the secret', async () => {
    const cwd = workspace();
    const result = await create(cwd, ['my-api', '--yes', '--skip-install']);
    expect(result.exitCode).toBe(0);
    const project = join(cwd, 'my-api');
    expect(statSync(project).mode & 0o777).toBe(0o755);
    expect(statSync(join(project, '.env')).mode & 0o777).toBe(0o600);
    const secret = /^JWT_SECRET=(.+)$/m.exec(readFileSync(join(project, '.env'), 'utf8'))![1];
    expect(result.stdout + result.stderr).not.toContain(secret);
    const tracked = (await execa('git', ['ls-files'], { cwd: project })).stdout.split('\n');
    expect(tracked).toContain('.env.example');
    expect(tracked).toContain('.secure/manifest.json');
    expect(tracked).not.toContain('.env');
    expect((await execa('git', ['status', '--porcelain'], { cwd: project })).stdout).toBe('');
    expect(result.stdout).toContain('Next steps');
  });

  it('does not create a repository inside an existing one', async () => {
    const cwd = workspace();
    await execa('git', ['init', '--quiet'], { cwd });
    const result = await create(cwd, ['my-api', '--yes', '--skip-install']);
    expect(result.exitCode).toBe(0);
    expect(existsSync(join(cwd, 'my-api', '.git'))).toBe(false);
    expect(result.stdout).toContain('existing git repository');
  });

  it('scaffolds into the current folder with "."', async () => {
    const cwd = join(workspace(), 'dot-api');
    mkdirSync(cwd);
    const result = await create(cwd, ['.', '--yes', '--skip-install', '--skip-git']);
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8')).name).toBe('dot-api');
  });

  it.each([
    ['express', 'sqlite', 'socket.io', '--no-redis'],
    ['fastify', 'postgres', 'ws', '--redis'],
  ])('a fresh %s app (%s, %s, %s) has no findings in `secure check`', async (framework, db, ws, redis) => {
    const cwd = workspace();
    const flags = ['--framework', framework, '--db', db, '--ws', ws, redis, '--skip-install', '--skip-git'];
    const result = await create(cwd, ['my-api', ...flags]);
    expect(result.exitCode, result.stderr).toBe(0);
    const check = await runBin(secureBin, ['check', '.'], { cwd: join(cwd, 'my-api') });
    expect(check.stdout + check.stderr).toContain('No findings');
    expect(check.exitCode).toBe(0);
  });
});
