import { execa } from 'execa';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin, secureBin } from '../helpers/cli.js';
import { runInTerminal } from './terminal.js';

const gitEnv = {
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@example.com',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@example.com',
};

async function repository(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'secure-init-'));
  await execa('git', ['init', '-q'], { cwd: dir });
  return dir;
}

const init = (cwd: string, args: string[]) => runBin(secureBin, ['init', ...args], { cwd, env: { CI: '1' } });

describe('secure init', () => {
  it('writes the config, the CI workflow and the pre-commit hook, each only if absent', async () => {
    const cwd = await repository();
    writeFileSync(join(cwd, 'secure.config.json'), '{ "preset": "asvs" }\n');
    const result = await init(cwd, ['--origins', 'https://app.example.com']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/kept +secure\.config\.json/);
    expect(readFileSync(join(cwd, 'secure.config.json'), 'utf8')).toBe('{ "preset": "asvs" }\n');
    const workflow = readFileSync(join(cwd, '.github', 'workflows', 'secure.yml'), 'utf8');
    expect(workflow).toMatch(/secure check --format sarif .*> secure\.sarif$/m);
    expect(workflow).toMatch(/if: always\(\)\n\s+uses: github\/codeql-action\/upload-sarif@v3/);
    expect(statSync(join(cwd, '.git', 'hooks', 'pre-commit')).mode & 0o111).not.toBe(0);

    const again = await init(cwd, []);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).not.toMatch(/create/);
  });

  it('writes the flags into secure.config.json, and the result is a config every command accepts', async () => {
    const cwd = await repository();
    await init(cwd, [
      '--preset',
      'asvs',
      '--origins',
      'https://a.example.com, https://b.example.com',
      '--no-ci',
    ]);
    expect(JSON.parse(readFileSync(join(cwd, 'secure.config.json'), 'utf8'))).toEqual({
      preset: 'asvs',
      cors: { origins: ['https://a.example.com', 'https://b.example.com'] },
    });
    expect(existsSync(join(cwd, '.github'))).toBe(false);
    // A project with code to check: an empty folder is exit 2 for another reason (nothing was checked).
    writeFileSync(join(cwd, 'server.js'), "const express = require('express');\nmodule.exports = express;\n");
    expect((await runBin(secureBin, ['checklist'], { cwd })).exitCode).not.toBe(2);
  });

  it('--dry-run shows the files and writes nothing', async () => {
    const cwd = await repository();
    const result = await init(cwd, ['--dry-run']);
    expect(result.stdout).toMatch(/would create secure\.config\.json/);
    expect(result.stdout).toContain('Nothing was written (--dry-run).');
    expect(existsSync(join(cwd, 'secure.config.json'))).toBe(false);
    expect(existsSync(join(cwd, '.git', 'hooks', 'pre-commit'))).toBe(false);
  });

  it('refuses a wildcard origin as a usage error and writes nothing', async () => {
    const cwd = await repository();
    const result = await init(cwd, ['--origins', 'https://ok.example.com,*']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^error: --origins "\*": '\*' allows every origin/m);
    expect(existsSync(join(cwd, 'secure.config.json'))).toBe(false);
  });

  it('outside git writes no hook and says so', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'secure-init-'));
    const result = await init(cwd, ['--no-ci']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/not a git repository: no pre-commit hook/);
  });

  it('the hook refuses a commit that stages a hard-coded secret and lets a clean one through', async () => {
    const cwd = await repository();
    await init(cwd, ['--no-ci']);
    // `secure` on PATH, as `npm link` or a global install would put it.
    const bin = mkdtempSync(join(tmpdir(), 'secure-bin-'));
    writeFileSync(join(bin, 'secure'), `#!/bin/sh\nexec node ${secureBin} "$@"\n`);
    chmodSync(join(bin, 'secure'), 0o755);
    const env = { ...gitEnv, PATH: `${bin}:${process.env.PATH}`, NO_COLOR: '1' };
    const commit = async (file: string, content: string) => {
      writeFileSync(join(cwd, file), content);
      await execa('git', ['add', file], { cwd });
      return execa('git', ['commit', '-qm', file], { cwd, env, reject: false });
    };
    const clean = await commit('clean.js', 'export const port = Number(process.env.PORT);\n');
    expect(clean.exitCode, clean.stderr + clean.stdout).toBe(0);
    // A commit with nothing the rules read (docs only) is not "nothing checked": it goes through.
    const docs = await commit('NOTES.md', '# notes\n');
    expect(docs.exitCode, docs.stderr + docs.stdout).toBe(0);
    mkdirSync(join(cwd, 'src'));
    const leaked = await commit('src/db.js', "export const password = 'hunter2-Pr0duction!';\n");
    expect(leaked.exitCode).not.toBe(0);
    expect(leaked.stdout + leaked.stderr).toMatch(/hardcoded-secret/);

    // Adopting with the finding recorded in the baseline: the same file now commits.
    await runBin(secureBin, ['check', '--write-baseline', '.secure-baseline.json'], { cwd });
    await execa('git', ['add', '-A'], { cwd });
    const adopted = await execa('git', ['commit', '-qm', 'adopt'], { cwd, env, reject: false });
    expect(adopted.exitCode, adopted.stdout + adopted.stderr).toBe(0);
  });

  it('asks the preset and the origins on a terminal, and asks again for a wildcard', async () => {
    const cwd = await repository();
    const terminal = runInTerminal(['node', secureBin, 'init', '--no-ci', '--no-hook'], { cwd });
    await terminal.waitFor(/Security preset/);
    terminal.type('\u001b[B\r'); // arrow down: asvs
    await terminal.waitFor(/Origins allowed/);
    terminal.type('*\r');
    await terminal.waitFor(/allows every origin/);
    terminal.type('\u0015https://app.example.com\r');
    expect(await terminal.exitCode()).toBe(0);
    expect(JSON.parse(readFileSync(join(cwd, 'secure.config.json'), 'utf8'))).toEqual({
      preset: 'asvs',
      cors: { origins: ['https://app.example.com'] },
    });
  });
});
