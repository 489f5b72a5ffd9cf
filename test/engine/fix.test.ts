import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixCommand } from '../../src/cli/commands/fix.js';
import { memoryOutput } from '../../src/cli/output.js';
import { runFix, type GeneratorRunner } from '../../src/engine/run-fix.js';
import { git, tempProject } from '../helpers/temp-repo.js';
import { toyRules } from './toy-rules.js';

const options = { rule: [], dryRun: false, force: false, cache: false };
const read = (dir: string, path: string) => readFileSync(join(dir, path), 'utf8');

describe('secure fix', () => {
  it('rewrites only files with fixable findings, keeping CRLF, BOM, comments and the file mode', async () => {
    const dir = tempProject({
      'package.json': '{}',
      'src/crlf.ts': '\uFEFF// keep me\r\nfunction f(u) {\r\n    debug( u.token ) ;   // and me\r\n}\r\n',
      'src/clean.ts': 'debug("constant");\n',
      'src/other.ts': 'export const x   =  1;\n',
      'bin/run.js': '#!/usr/bin/env node\ndebug(process.argv[2]);\n',
      Dockerfile: 'FROM node:22\r\nUSER root\r\nCMD ["node", "a.js"]\r\n',
    });
    chmodSync(join(dir, 'bin/run.js'), 0o755);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'mode');
    const untouched = ['src/clean.ts', 'src/other.ts'].map((path) => statSync(join(dir, path)).mtimeMs);

    const output = memoryOutput();
    expect(await fixCommand(output, dir, [], options, toyRules)).toBe(0);
    expect(read(dir, 'src/crlf.ts')).toBe(
      "\uFEFF// keep me\r\nfunction f(u) {\r\n    debug( '***' ) ;   // and me\r\n}\r\n",
    );
    expect(read(dir, 'bin/run.js')).toBe("#!/usr/bin/env node\ndebug('***');\n");
    expect(statSync(join(dir, 'bin/run.js')).mode & 0o777).toBe(0o755);
    expect(read(dir, 'Dockerfile')).toBe('FROM node:22\r\nUSER node\r\nCMD ["node", "a.js"]\r\n');
    expect(['src/clean.ts', 'src/other.ts'].map((path) => statSync(join(dir, path)).mtimeMs)).toEqual(
      untouched,
    );
    expect(git(dir, 'status', '--porcelain').split('\n').filter(Boolean).sort()).toEqual([
      ' M Dockerfile',
      ' M bin/run.js',
      ' M src/crlf.ts',
      '?? .env.example',
    ]);
    // Side effects: env names (never values) once, and each note once.
    expect(read(dir, '.env.example')).toBe('DEBUG_TOKEN=\n');
    expect(output.stdout.filter((line) => line.includes('rotate the debug token'))).toHaveLength(1);

    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'fixed');
    const second = memoryOutput();
    expect(await fixCommand(second, dir, [], options, toyRules)).toBe(0);
    expect(git(dir, 'status', '--porcelain')).toBe('');
    expect(second.stdout.join('\n')).toContain('Fixed 0 findings in 0 files');
  });

  it("adds the names a fix reads to the project's own env lists, not a new .env.example beside them", async () => {
    const dir = tempProject({
      'package.json': '{}',
      'src/a.ts': 'debug(u.token);\n',
      'env-example-relational': 'PORT=3000\n',
      'env-example-document': 'PORT=3000\nDEBUG_TOKEN=\n',
    });
    expect(await fixCommand(memoryOutput(), dir, [], options, toyRules)).toBe(0);
    expect(git(dir, 'status', '--porcelain').split('\n').filter(Boolean).sort()).toEqual([
      ' M env-example-relational',
      ' M src/a.ts',
    ]);
    expect(read(dir, 'env-example-relational')).toBe('PORT=3000\nDEBUG_TOKEN=\n');
  });

  it("adds env names to the project's own list (.env.template), never a second .env.example", async () => {
    const dir = tempProject({
      'package.json': '{}',
      '.env.template': 'APP_PORT=3000\n',
      'src/a.ts': 'debug(u.token);\n',
    });
    expect(await fixCommand(memoryOutput(), dir, [], options, toyRules)).toBe(0);
    expect(read(dir, '.env.template')).toBe('APP_PORT=3000\nDEBUG_TOKEN=\n');
    expect(git(dir, 'status', '--porcelain').split('\n').filter(Boolean).sort()).toEqual([
      ' M .env.template',
      ' M src/a.ts',
    ]);
  });

  it('refuses on a dirty tree and outside a git repository, writing nothing, unless --force', async () => {
    const dir = tempProject({ 'package.json': '{}', 'src/a.ts': 'debug(u.token);\n' });
    writeFileSync(join(dir, 'notes.txt'), 'work in progress\n');
    await expect(fixCommand(memoryOutput(), dir, [], options, toyRules)).rejects.toMatchObject({
      exitCode: 1,
      message: expect.stringMatching(/uncommitted changes \(1: notes\.txt\)/),
    });
    expect(read(dir, 'src/a.ts')).toBe('debug(u.token);\n');

    const outside = tempProject({ 'package.json': '{}', 'src/a.ts': 'debug(u.token);\n' }, { git: false });
    await expect(fixCommand(memoryOutput(), outside, [], options, toyRules)).rejects.toMatchObject({
      exitCode: 1,
      message: expect.stringMatching(/not in a git repository/),
    });
    expect(read(outside, 'src/a.ts')).toBe('debug(u.token);\n');
    expect(await fixCommand(memoryOutput(), outside, [], { ...options, force: true }, toyRules)).toBe(0);
    expect(read(outside, 'src/a.ts')).toBe("debug('***');\n");
  });

  it('--dry-run prints a unified diff and writes nothing', async () => {
    const dir = tempProject({ 'package.json': '{}', 'src/a.ts': 'const a = 1;\ndebug(u.token);\n' });
    const output = memoryOutput();
    expect(await fixCommand(output, dir, [], { ...options, dryRun: true }, toyRules)).toBe(0);
    const text = output.stdout.join('\n');
    expect(text).toMatch(/^--- a\/src\/a\.ts$/m);
    expect(text).toMatch(/^\+\+\+ b\/src\/a\.ts$/m);
    expect(text).toContain('Dry run: 2 files would change (1 fix); nothing was written.');
    expect(text).toContain('-debug(u.token);');
    expect(text).toContain("+debug('***');");
    expect(text).toContain('+DEBUG_TOKEN=');
    expect(git(dir, 'status', '--porcelain')).toBe('');
  });

  it('reports unparsable files and unfixable findings with the reason, and goes on', async () => {
    const dir = tempProject({
      'package.json': '{}',
      'src/broken.ts': 'debug(u.token\n',
      'src/unsafe.ts': 'debug(unsafe);\n',
      'src/ok.ts': 'debug(u.token);\n',
    });
    const output = memoryOutput();
    // The broken file fails the run (exit 2, as in secure check) after the rest is fixed.
    expect(await fixCommand(output, dir, [], options, toyRules)).toBe(2);
    expect(output.stderr.join('\n')).toMatch(
      /error: src\/broken\.ts:2:\d+ does not parse .*; it was not checked/,
    );
    expect(output.stdout.join('\n')).toMatch(
      /src\/unsafe\.ts:1:1 {2}toy-debug {2}debug of unsafe\n {4}unsafe cannot be masked/,
    );
    expect(read(dir, 'src/ok.ts')).toBe("debug('***');\n");
    expect(read(dir, 'src/broken.ts')).toBe('debug(u.token\n');
    expect(read(dir, 'src/unsafe.ts')).toBe('debug(unsafe);\n');
  });

  it('groups generator-backed findings per project and runs each generator once', async () => {
    const dir = tempProject({
      'package.json': '{}',
      'src/a.ts': 'app.listen(3000);\n',
      'src/b.ts': 'server.listen(3001);\n',
    });
    const calls: string[][] = [];
    const runGenerator: GeneratorRunner = async (project, generators) => {
      calls.push([project.root, ...generators]);
      return { changes: [{ path: 'src/security/headers.ts', after: 'export const headers = {};\n' }] };
    };
    const outcome = await runFix({
      cwd: dir,
      paths: [],
      rules: toyRules,
      toolVersion: 't',
      cache: false,
      dryRun: false,
      force: false,
      runGenerator,
    });
    expect(calls).toEqual([[dir, 'headers']]);
    expect(outcome.unfixed).toEqual([]);
    const without = await runFix({
      cwd: dir,
      paths: [],
      rules: toyRules,
      toolVersion: 't',
      cache: false,
      dryRun: true,
      force: false,
    });
    expect(without.unfixed.map((finding) => finding.unfixableReason)).toEqual([
      'run `secure add headers` in .',
      'run `secure add headers` in .',
    ]);
  });

  it('leaves suppressed findings alone', async () => {
    const dir = tempProject({
      'package.json': '{}',
      'src/a.ts': 'debug(u.token); // secure-ignore toy-debug: masked by the logger\ndebug(v.token);\n',
    });
    expect(await fixCommand(memoryOutput(), dir, [], options, toyRules)).toBe(0);
    expect(read(dir, 'src/a.ts')).toBe(
      "debug(u.token); // secure-ignore toy-debug: masked by the logger\ndebug('***');\n",
    );
  });
});
