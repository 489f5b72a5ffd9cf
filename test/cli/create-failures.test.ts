import { chmodSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBin, runBin } from '../helpers/cli.js';

const workspace = () => mkdtempSync(join(tmpdir(), 'csa-fail-'));

/** A folder holding only a stand-in `npm` whose install fails as npm does when the registry is unreachable. */
function unreachableRegistryNpm(): string {
  const bin = mkdtempSync(join(tmpdir(), 'csa-fake-npm-'));
  const output = [
    'npm error code ECONNREFUSED',
    'npm error syscall connect',
    'npm error errno ECONNREFUSED',
    'npm error FetchError: request to http://127.0.0.1:9/zod failed, reason: connect ECONNREFUSED 127.0.0.1:9',
    'npm error     at ClientRequest.<anonymous> (/usr/lib/node_modules/npm/node_modules/minipass-fetch/lib/index.js:130:14)',
    "npm error   code: 'ECONNREFUSED',",
    'npm error }',
    'npm error',
    "npm error If you are behind a proxy, please make sure that the 'proxy' config is set properly.  See: 'npm help config'",
    'npm error A complete log of this run can be found in: /root/.npm/_logs/debug-0.log',
  ];
  writeFileSync(
    join(bin, 'npm'),
    `#!/bin/sh\nif [ "$1" = "--version" ]; then echo 10.0.0; exit 0; fi\ncat >&2 <<'OUT'\n${output.join('\n')}\nOUT\nexit 1\n`,
  );
  chmodSync(join(bin, 'npm'), 0o755);
  return bin;
}

const create = (cwd: string, args: string[], env: Record<string, string> = {}) =>
  runBin(createBin, args, { cwd, env: { CI: '1', ...env } });

describe('create-secure-app when the install fails', () => {
  const failingPath = () => ({ PATH: `${unreachableRegistryNpm()}:${process.env.PATH}` });

  it('shows the cause, not the proxy advice, and removes the folder it created', async () => {
    const cwd = workspace();
    const result = await create(cwd, ['my-api', '--yes', '-p', 'npm'], failingPath());
    expect(result.exitCode).toBe(2);
    const [error, hint] = result.stderr.trim().split('\n');
    expect(error).toMatch(
      /^error: npm install failed in .*my-api \(exit 1\): .*connect ECONNREFUSED 127\.0\.0\.1:9$/,
    );
    expect(result.stderr).not.toMatch(/proxy|complete log|ClientRequest/);
    expect(hint).toMatch(/removed .*my-api, which this run created; git init did not run/);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('--keep-on-failure keeps the folder and names it', async () => {
    const cwd = workspace();
    const result = await create(cwd, ['my-api', '--yes', '-p', 'npm', '--keep-on-failure'], failingPath());
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/Kept .*my-api \(--keep-on-failure\); git init did not run/);
    expect(readdirSync(join(cwd, 'my-api'))).toContain('package.json');
    expect(readdirSync(join(cwd, 'my-api'))).not.toContain('.git');
  });

  it('never removes a folder that existed before', async () => {
    const cwd = workspace();
    mkdirSync(join(cwd, 'mine'));
    writeFileSync(join(cwd, 'mine', 'notes.txt'), 'keep me');
    const result = await create(cwd, ['mine', '--yes', '--force', '-p', 'npm'], failingPath());
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/which existed before and is kept/);
    expect(readdirSync(join(cwd, 'mine'))).toEqual(expect.arrayContaining(['notes.txt', 'package.json']));
  });

  it('-p pnpm without pnpm installed is refused before any file is written', async () => {
    const cwd = workspace();
    // A PATH holding node and nothing else: no pnpm, whatever this machine has installed.
    const onlyNode = mkdtempSync(join(tmpdir(), 'csa-only-node-'));
    symlinkSync(process.execPath, join(onlyNode, 'node'));
    const result = await create(cwd, ['my-api', '--yes', '-p', 'pnpm'], { PATH: onlyNode });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^error: -p pnpm: pnpm is not installed .*nothing was written$/m);
    expect(readdirSync(cwd)).toEqual([]);
  });
});

describe('create-secure-app when the install succeeds', () => {
  it('reads a long install output to the end, then makes the first commit', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'csa-fake-npm-'));
    // 300 KB on each stream: more than a pipe holds, so a reader that stopped would hang the install.
    writeFileSync(
      join(bin, 'npm'),
      '#!/bin/sh\nif [ "$1" = "--version" ]; then echo 10.0.0; exit 0; fi\nhead -c 300000 /dev/zero | tr "\\0" x\nhead -c 300000 /dev/zero | tr "\\0" y >&2\nexit 0\n',
    );
    chmodSync(join(bin, 'npm'), 0o755);
    const cwd = workspace();
    const result = await create(cwd, ['my-api', '--yes', '-p', 'npm'], {
      PATH: `${bin}:${process.env.PATH}`,
    });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('Dependencies installed');
    expect(result.stdout).toContain('Initialized a git repository');
  });
});

describe('create-secure-app usage and file-system errors', () => {
  it('an empty folder argument is a usage error, not the current folder', async () => {
    const cwd = workspace();
    const result = await create(cwd, ['', '--yes', '--skip-install']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^error: the project folder is an empty string$/m);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('a parent that is a file is one line naming it, exit 2', async () => {
    const cwd = workspace();
    writeFileSync(join(cwd, 'afile'), '');
    const result = await create(cwd, ['afile/my-api', '--yes', '--skip-install']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^error: .*afile: .*\((EEXIST|ENOTDIR)\)$/m);
    expect(result.stderr).not.toMatch(/internal error|staging|\n\s+at /);
  });

  it('--force lists the files it replaced', async () => {
    const cwd = workspace();
    mkdirSync(join(cwd, 'mine'));
    writeFileSync(join(cwd, 'mine', 'README.md'), 'mine');
    writeFileSync(join(cwd, 'mine', 'notes.txt'), 'mine');
    const dry = await create(cwd, ['mine', '--yes', '--force', '--dry-run']);
    expect(dry.stdout).toMatch(/^ {2}README\.md {2}\(replaces the existing file\)$/m);
    const result = await create(cwd, ['mine', '--yes', '--force', '--skip-install', '--skip-git']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/Replaced 1 existing file \(--force\): README\.md$/m);
  });
});
