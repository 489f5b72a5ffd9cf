import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCommand, type CheckCommandOptions } from '../../src/cli/commands/check.js';
import { checklistCommand } from '../../src/cli/commands/checklist.js';
import { memoryOutput } from '../../src/cli/output.js';
import { runCheck, type CheckOptions } from '../../src/engine/run-check.js';
import { git, tempProject, writeFiles } from '../helpers/temp-repo.js';
import { toyRules } from './toy-rules.js';

/** "Nothing passes unseen": every file the rules could read is checked, or counted and named as skipped. */

const check = (cwd: string, extra: Partial<CheckOptions> = {}) =>
  runCheck({ cwd, paths: [], rules: toyRules, toolVersion: 'test', cache: false, ...extra });

async function cli(cwd: string, paths: string[] = [], options: Partial<CheckCommandOptions> = {}) {
  const output = memoryOutput();
  const code = await checkCommand(
    output,
    cwd,
    paths,
    { format: 'pretty', rule: [], cache: false, ...options },
    toyRules,
  );
  return { code, stdout: output.stdout.join('\n'), stderr: output.stderr.join('\n') };
}

const relative = (root: string, paths: string[]) => paths.map((path) => path.slice(root.length + 1));
const findingsIn = (root: string, result: Awaited<ReturnType<typeof check>>) =>
  relative(
    root,
    result.findings.map((finding) => finding.file),
  );
const skippedIn = (root: string, result: Awaited<ReturnType<typeof check>>) =>
  result.skipped.map(
    (entry) => `${entry.path.slice(root.length + 1)}${entry.folder ? '/' : ''} ${entry.reason}`,
  );

// The process may run as root, which reads a chmod 000 file anyway: those cases run only for other users.
const root = process.getuid?.() === 0;

describe('explicit paths are always checked', () => {
  it('`secure check .` inside a folder the enclosing repository ignores checks its files', async () => {
    const outer = tempProject({
      '.gitignore': 'legacy/\n*.gen.ts\n',
      'legacy/package.json': '{}',
      'legacy/src/a.ts': 'debug(user.token);\n',
      // Still ignored: the enclosing rule that does not hide the requested folder keeps applying inside it.
      'legacy/src/b.gen.ts': 'debug(user.token);\n',
    });
    const legacy = join(outer, 'legacy');
    const result = await check(legacy);
    expect(findingsIn(legacy, result)).toEqual(['src/a.ts']);
    expect(skippedIn(legacy, result)).toEqual(['src/b.gen.ts ignored']);
    // The same folder named from the repository root.
    const named = await check(outer, { paths: ['legacy'] });
    expect(findingsIn(outer, named)).toEqual(['legacy/src/a.ts']);
    // A file named on the command line is read whatever the ignore files say.
    const file = await check(legacy, { paths: ['src/b.gen.ts'] });
    expect(findingsIn(legacy, file)).toEqual(['src/b.gen.ts']);
  });

  it('a tracked file is checked even when a .gitignore matches it (git keeps tracking it)', async () => {
    const dir = tempProject({
      'package.json': '{}',
      '.gitignore': 'Dockerfile\nlocal/\n',
      Dockerfile: 'FROM node:22\nUSER root\n',
      'local/tracked.ts': 'debug(user.token);\n',
      'local/scratch.ts': 'debug(user.token);\n',
    });
    git(dir, 'add', '-f', 'Dockerfile', 'local/tracked.ts');
    git(dir, 'commit', '-q', '-m', 'force-added');
    const result = await check(dir);
    expect(findingsIn(dir, result)).toEqual(['Dockerfile', 'local/tracked.ts']);
    expect(skippedIn(dir, result)).toEqual(['local/scratch.ts ignored']);
  });

  it('a file named on the command line is checked even when its name says minified', async () => {
    const dir = tempProject({ 'package.json': '{}', 'public/app.min.js': 'debug(user.token);\n' });
    expect(skippedIn(dir, await check(dir))).toEqual(['public/app.min.js generated']);
    expect(findingsIn(dir, await check(dir, { paths: ['public/app.min.js'] }))).toEqual([
      'public/app.min.js',
    ]);
    // Named beside the folder that holds it: still checked, and no longer listed as skipped.
    const both = await check(dir, { paths: ['.', 'public/app.min.js'] });
    expect(findingsIn(dir, both)).toEqual(['public/app.min.js']);
    expect(both.skipped).toEqual([]);
  });
});

describe('build output is skipped only at a package root', () => {
  it('checks src/build and src/out, skips build/ and dist/ beside a package.json, and counts them', async () => {
    const dir = tempProject({
      'package.json': '{}',
      'src/build/x.js': 'debug(user.token);\n',
      'src/out/y.ts': 'debug(user.token);\n',
      'build/app.js': 'debug(user.token);\n',
      'packages/api/package.json': '{}',
      'packages/api/dist/index.js': 'debug(user.token);\n',
      'packages/api/src/dist/z.ts': 'debug(user.token);\n',
      'node_modules/lib/index.js': 'debug(user.token);\n',
    });
    const result = await check(dir);
    expect(findingsIn(dir, result)).toEqual(['packages/api/src/dist/z.ts', 'src/build/x.js', 'src/out/y.ts']);
    expect(skippedIn(dir, result)).toEqual([
      'build/ build-output',
      'node_modules/ dependencies',
      'packages/api/dist/ build-output',
    ]);
  });

  it('skips a Python virtual environment (pyvenv.cfg) and site-packages, and counts them as such', async () => {
    const dir = tempProject({
      'package.json': '{}',
      'app.js': 'debug(user.token);\n',
      'venv/pyvenv.cfg': 'home = /usr/bin\n',
      'venv/lib/python3.12/site-packages/notebook/static/main.js': 'debug(user.token);\n',
      'vendor/site-packages/x.js': 'debug(user.token);\n',
    });
    const result = await check(dir);
    expect(findingsIn(dir, result)).toEqual(['app.js']);
    expect(skippedIn(dir, result)).toEqual(['vendor/site-packages/ dependencies', 'venv/ python-venv']);
    const { stdout } = await cli(dir);
    expect(stdout).toMatch(/skipped 1 folder of dependencies, 1 folder of a Python virtual environment\./);
  });
});

describe('files that cannot be checked fail the run', () => {
  it('a FIFO named like a source file, found or named, is unreadable: exit 2 naming it', async () => {
    // Simulates an unreadable file without permissions (root reads a chmod 000 file): a FIFO is never
    // opened, so it can never block the run, and it is reported as not a regular file.
    const dir = tempProject({ 'package.json': '{}', 'src/a.ts': 'debug(user.token);\n' });
    execFileSync('mkfifo', [join(dir, 'src/pipe.js')]);
    const found = await cli(dir);
    expect(found.code).toBe(2);
    expect(found.stderr).toMatch(
      /^error: src\/pipe\.js unreadable \(not a regular file\); it was not checked$/m,
    );
    const named = await cli(dir, ['src/pipe.js']);
    expect(named.code).toBe(2);
    expect(named.stderr).toMatch(/^error: src\/pipe\.js unreadable/m);
    // Accepted: the finding in a.ts still decides the exit code, and the file is still listed.
    const accepted = await cli(dir, [], { allowSkipped: true });
    expect(accepted.code).toBe(1);
    expect(accepted.stderr).toMatch(/^warning: src\/pipe\.js unreadable/m);
    expect(accepted.stdout).toMatch(/1 file checked \(1 parsed\) in [\d.]+s; skipped 1 file unreadable\./);
  });

  it.skipIf(root)('a file without read permission, even named on the command line, exits 2', async () => {
    const dir = tempProject({ 'package.json': '{}', 'src/a.ts': 'debug(user.token);\n', 'src/b.ts': 'x;\n' });
    chmodSync(join(dir, 'src/b.ts'), 0o000);
    for (const paths of [[], ['src/b.ts']]) {
      const result = await cli(dir, paths, { format: 'json' });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^error: src\/b\.ts unreadable \(EACCES\); it was not checked$/m);
      expect(JSON.parse(result.stdout).summary.skipped.files).toEqual({ unreadable: 1 });
    }
  });

  it('a file that does not parse: exit 2 naming the file and line, never counted as parsed; 0 when accepted', async () => {
    const dir = tempProject({
      'package.json': '{}',
      'src/ok.ts': 'debug("constant");\n',
      'src/broken.ts': 'const a = 1;\ndebug(user.token\n',
    });
    const failed = await cli(dir);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toMatch(/^error: src\/broken\.ts:3:1 does not parse \(.+\); it was not checked$/m);
    expect(failed.stderr).toMatch(/--allow-skipped/);
    const accepted = await cli(dir, [], { allowSkipped: true });
    expect(accepted.code).toBe(0);
    expect(accepted.stdout).toMatch(
      /^No findings\. 1 file checked \(1 parsed\) in [\d.]+s; skipped 1 file that does not parse\.$/m,
    );
    const result = await check(dir);
    expect(result.parsed).toBe(1);
    expect(result.files).toBe(1);
  });

  it.skipIf(root)('an unreadable folder is counted and fails the run', async () => {
    const dir = tempProject({ 'package.json': '{}', 'src/a.ts': 'x;\n', 'private/b.ts': 'x;\n' });
    chmodSync(join(dir, 'private'), 0o000);
    try {
      const result = await cli(dir);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^error: private\/ folder unreadable \(EACCES\)/m);
    } finally {
      chmodSync(join(dir, 'private'), 0o755);
    }
  });
});

describe('zero files checked is an error', () => {
  it('an empty folder, or one with only skipped files, exits 2 saying what was looked for and where', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'secure-empty-'));
    const none = await cli(empty);
    expect(none.code).toBe(2);
    expect(none.stdout).toBe('');
    expect(none.stderr).toMatch(
      /^error: no file checked in \/.+: looked for JavaScript and TypeScript files \(.*\.ts .*\.js.*\), Dockerfiles and \.env files, and found none$/,
    );
    const onlyDependencies = tempProject({ 'package.json': '{}', 'node_modules/x/index.js': 'x;\n' });
    mkdirSync(join(onlyDependencies, 'docs'));
    const notSource = await cli(onlyDependencies, ['package.json']);
    expect(notSource.code).toBe(2);
    expect(notSource.stderr).toMatch(/in package\.json: .*, and skipped 1 file not read by any rule/);
    const sarif = await cli(empty, [], { format: 'sarif' });
    expect(sarif.code).toBe(2);
    expect(JSON.parse(sarif.stdout).runs[0].invocations[0].executionSuccessful).toBe(false);
    const skipped = await cli(onlyDependencies, ['docs', '.']);
    expect(skipped.code).toBe(2);
    expect(skipped.stderr).toMatch(
      /in docs, \/.+: .*, and skipped 1 folder of dependencies \(--verbose lists them\)$/,
    );
  });

  it('--changed with nothing changed is not an error: it says so, exit 0', async () => {
    const dir = tempProject({ 'package.json': '{}', 'src/a.ts': 'debug(user.token);\n' });
    const result = await cli(dir, [], { changed: true });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^No changed files to check \([\d.]+s\)\.$/);
  });
});

describe('the minified heuristic decides on the whole file', () => {
  const dataUri = `data:image/png;base64,${'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk'.repeat(400)}`;

  it('checks a hand-written file with one long data-URI or base64 line; skips and lists real minified code', async () => {
    const handWritten = [
      "import express from 'express';",
      `const logo = '${dataUri}';`,
      'export function route(user) {',
      '  debug(user.token);',
      '  return logo;',
      '}',
      '',
    ].join('\n');
    // A hand-written validator whose one regex is longer than the rest of the file.
    const alternatives = Array.from(
      { length: 60 },
      (_, index) => `[a-z]{${(index % 5) + 1},}(?:\\.[a-z0-9-]+)*`,
    );
    const longRegex = `export const pattern = /^(?:${alternatives.join('|')})$/;\nexport function valid(user) {\n  debug(user.token);\n  return pattern.test(user.email);\n}\n`;
    const minified = `${'var a=function(b){return b.c?d(b):e(b,{f:1,g:[2,3]})};'.repeat(200)}debug(user.token);\n`;
    const dir = tempProject({
      'package.json': '{}',
      'src/logo.js': handWritten,
      'src/email.js': longRegex,
      'src/key.ts': `export const key = "${'QUJD'.repeat(3000)}";\ndebug(user.token);\n`,
      'public/vendor.js': minified,
    });
    const result = await check(dir);
    expect(findingsIn(dir, result)).toEqual(['src/email.js', 'src/key.ts', 'src/logo.js']);
    expect(skippedIn(dir, result)).toEqual(['public/vendor.js generated']);
    // Named on the command line it is checked, even when a cached walk recorded it as generated.
    const env = { SECURE_CACHE_DIR: mkdtempSync(join(tmpdir(), 'secure-cache-')) };
    await check(dir, { cache: true, env });
    const named = await check(dir, { cache: true, env, paths: ['public/vendor.js'] });
    expect(findingsIn(dir, named)).toEqual(['public/vendor.js']);
    expect((await check(dir, { cache: true, env })).skipped).toHaveLength(1);
    const verbose = await cli(dir, [], { verbose: true });
    expect(verbose.stderr).toMatch(/^skipped public\/vendor\.js generated or minified$/m);
    expect(verbose.stdout).toMatch(
      /3 files checked \(3 parsed\) in [\d.]+s; skipped 1 file generated or minified\./,
    );
  });

  it('a file past the size limit is skipped as too large and counted', async () => {
    const dir = tempProject({
      'package.json': '{}',
      'src/a.ts': 'debug(user.token);\n',
      'src/huge.ts': `${'debug(user.token);\n'.repeat(120_000)}`,
    });
    const result = await check(dir);
    expect(findingsIn(dir, result)).toEqual(['src/a.ts']);
    expect(skippedIn(dir, result)).toEqual(['src/huge.ts too-large']);
  });
});

describe('reports', () => {
  it('json and sarif carry the skipped files by reason; sarif marks the run unsuccessful for an unparsable file', async () => {
    const dir = tempProject({
      'package.json': '{}',
      'src/a.ts': 'debug(user.token);\n',
      'src/broken.ts': 'debug(user.token\n',
      'src/app.min.js': 'x;\n',
      'dist/x.js': 'x;\n',
    });
    const json = await cli(dir, [], { format: 'json', allowSkipped: true });
    const summary = JSON.parse(json.stdout).summary;
    expect(summary).toMatchObject({ files: 1, parsed: 1, cached: 0 });
    expect(summary.skipped.files).toEqual({ generated: 1, unparsable: 1 });
    expect(summary.skipped.folders).toEqual({ 'build-output': 1 });
    expect(summary.skipped.entries.map((entry: { path: string }) => entry.path)).toEqual([
      'dist/',
      'src/app.min.js',
      'src/broken.ts',
    ]);

    const sarif = await cli(dir, [], { format: 'sarif' });
    expect(sarif.code).toBe(2);
    const invocation = JSON.parse(sarif.stdout).runs[0].invocations[0];
    expect(invocation.executionSuccessful).toBe(false);
    const notes = invocation.toolExecutionNotifications.map(
      (note: {
        level: string;
        descriptor: { id: string };
        locations: {
          physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } };
        }[];
      }) => [
        note.level,
        note.descriptor.id,
        note.locations[0].physicalLocation.artifactLocation.uri,
        note.locations[0].physicalLocation.region?.startLine,
      ],
    );
    expect(notes).toEqual([
      ['note', 'skipped/build-output', 'dist/', undefined],
      ['note', 'skipped/generated', 'src/app.min.js', undefined],
      ['error', 'skipped/unparsable', 'src/broken.ts', 2],
    ]);
    const clean = tempProject({ 'package.json': '{}', 'src/a.ts': 'x;\n' });
    const ok = JSON.parse((await cli(clean, [], { format: 'sarif' })).stdout).runs[0].invocations[0];
    expect(ok).toEqual({ executionSuccessful: true, toolExecutionNotifications: [] });
  });

  it('says "1 file", and parsed + cached never exceed the files checked', async () => {
    const dir = tempProject({
      'package.json': '{}',
      'src/a.ts': 'debug("constant");\n',
      'src/b.ts': 'const b = 1;\n',
      'src/broken.ts': 'debug(user.token\n',
    });
    const env = { SECURE_CACHE_DIR: mkdtempSync(join(tmpdir(), 'secure-cache-')) };
    const first = await check(dir, { cache: true, env });
    const second = await check(dir, { cache: true, env });
    for (const result of [first, second]) {
      expect(result.files).toBe(2);
      expect(result.parsed + result.cached).toBeLessThanOrEqual(result.files);
      expect(skippedIn(dir, result)).toEqual(['src/broken.ts unparsable']);
    }
    expect([first.parsed, first.cached, second.parsed, second.cached]).toEqual([1, 0, 0, 2]);
    const single = tempProject({ 'package.json': '{}', 'src/a.ts': 'debug("constant");\n' });
    expect((await cli(single)).stdout).toMatch(/^No findings\. 1 file checked \(1 parsed\) in [\d.]+s\.$/);
  });

  it('a symbolic link is not followed, and is counted', async () => {
    const dir = tempProject({ 'package.json': '{}', 'src/a.ts': 'debug(user.token);\n' });
    symlinkSync(join(dir, 'src/a.ts'), join(dir, 'src/link.ts'));
    symlinkSync(join(dir, 'src/missing.ts'), join(dir, 'src/broken-link.ts'));
    const result = await check(dir);
    expect(findingsIn(dir, result)).toEqual(['src/a.ts']);
    expect(skippedIn(dir, result)).toEqual(['src/broken-link.ts ignored', 'src/link.ts ignored']);
  });
});

describe('secure checklist ticks only what was checked', () => {
  async function checklist(cwd: string, options = {}) {
    const output = memoryOutput();
    const code = await checklistCommand(output, cwd, [], options, toyRules);
    return { code, lines: output.stdout, stderr: output.stderr.join('\n') };
  }

  it('an empty folder: no ticks, every box says why, exit 2', async () => {
    const { code, lines, stderr } = await checklist(mkdtempSync(join(tmpdir(), 'secure-empty-')));
    expect(code).toBe(2);
    expect(lines).toHaveLength(8);
    for (const line of lines)
      expect(line).toMatch(/^\[\?\] .* \(not checked: (no file was checked|no rule covers it yet)\)$/);
    expect(stderr).toMatch(/^error: no file checked in /);
  });

  it('a box whose rules had nothing to read is "not checked", saying why; one whose rules ran clean is ticked', async () => {
    const dir = tempProject({ 'package.json': '{}', 'src/a.ts': 'debug("constant");\n' });
    const { code, lines } = await checklist(dir);
    expect(code).toBe(0);
    const line = (text: string) => lines.find((entry) => entry.includes(text))!;
    expect(line('No secrets in code or logs')).toMatch(
      /^\[x\] .*\(no findings from toy-debug in 1 file, toy-env in 2 files\)$/,
    );
    expect(line('Docker runs as non-root')).toMatch(
      /^\[\?\] .*\(not checked: none of the 1 file checked had anything for toy-docker to read\)$/,
    );
    expect(line('HTTPS in production')).toMatch(/^\[\?\] .*toy-listen to read\)$/);
    expect(line('CORS restricted to known origins')).toMatch(
      /^\[\?\] .*\(not checked: no rule covers it yet\)$/,
    );
    writeFiles(dir, { Dockerfile: 'FROM node:22\nUSER node\n' });
    const withDocker = await checklist(dir);
    expect(withDocker.lines.find((entry) => entry.includes('Docker'))).toMatch(
      /^\[x\] .*\(no findings from toy-docker in 1 file\)$/,
    );
  });
});
