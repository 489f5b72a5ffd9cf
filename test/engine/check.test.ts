import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { checkCommand } from '../../src/cli/commands/check.js';
import { memoryOutput } from '../../src/cli/output.js';
import { runCheck, selectRules, type CheckOptions } from '../../src/engine/run-check.js';
import { git, tempProject, writeFiles } from '../helpers/temp-repo.js';
import { parsedFiles, toyRules } from './toy-rules.js';

const check = (cwd: string, extra: Partial<CheckOptions> = {}) =>
  runCheck({ cwd, paths: [], rules: toyRules, toolVersion: 'test', cache: false, ...extra });

const located = (findings: { file: string; line: number; rule: string }[], root: string) =>
  findings.map((f) => `${f.file.slice(root.length + 1)}:${f.line} ${f.rule}`);

beforeEach(() => {
  parsedFiles.length = 0;
});

describe('file discovery', () => {
  it('honours .gitignore (nested too), skips dependencies, build output and minified files', async () => {
    const dir = tempProject({
      'package.json': '{}',
      '.gitignore': 'generated/\n*.local.ts\n',
      'src/a.ts': 'debug(user.token);\n',
      'src/b.local.ts': 'debug(user.token);\n',
      'src/nested/.gitignore': 'secret-*.js\n',
      'src/nested/secret-1.js': 'debug(user.token);\n',
      'src/nested/kept.mjs': 'debug(user.token);\n',
      'generated/x.ts': 'debug(user.token);\n',
      'node_modules/lib/index.js': 'debug(user.token);\n',
      'dist/app.js': 'debug(user.token);\n',
      'build/app.js': 'debug(user.token);\n',
      'public/app.min.js': 'debug(user.token);\n',
      'public/bundle.js': `debug(user.token);${'var a=1;'.repeat(600)}\n`,
      'types.d.ts': 'declare function debug(x: unknown): void;\n',
      'README.md': 'debug(user.token)\n',
    });
    const result = await check(dir);
    expect(located(result.findings, dir)).toEqual([
      'src/a.ts:1 toy-debug',
      'src/nested/kept.mjs:1 toy-debug',
    ]);
    expect(result.minified).toBe(1);
    expect(result.skipped.map((entry) => `${entry.path.slice(dir.length + 1)} ${entry.reason}`)).toEqual([
      'build build-output',
      'dist build-output',
      'generated ignored',
      'node_modules dependencies',
      'public/app.min.js generated',
      'public/bundle.js generated',
      'src/b.local.ts ignored',
      'src/nested/secret-1.js ignored',
    ]);
  });

  it('reads Dockerfiles and .env files for text rules, and a file named on the command line', async () => {
    const dir = tempProject({
      'package.json': '{}',
      Dockerfile: 'FROM node:22\nUSER root\nCMD ["node", "a.js"]\n',
      'deploy/api.Dockerfile': 'FROM node:22\n',
      'node_modules/x/Dockerfile': 'USER root\n',
      'dist/a.js': 'debug(user.token);\n',
    });
    const all = await check(dir);
    expect(located(all.findings, dir)).toEqual(['Dockerfile:2 toy-docker']);
    const named = await check(dir, { paths: ['dist/a.js'] });
    expect(located(named.findings, dir)).toEqual(['dist/a.js:1 toy-debug']);
  });

  it('a path that does not exist is a usage error', async () => {
    const dir = tempProject({ 'package.json': '{}' });
    await expect(check(dir, { paths: ['nope'] })).rejects.toThrow(/nope: no such file or folder/);
  });
});

describe('prefilter and parsing', () => {
  it('never parses a file no selected rule can match, so its syntax errors go unnoticed', async () => {
    const dir = tempProject({
      'package.json': '{}',
      'src/clean.ts': 'export const x = ;\n',
      'src/match.ts': 'debug(user.token);\n',
      'src/broken.ts': 'debug(user.token\n',
    });
    const result = await check(dir, { rules: selectRules(toyRules, ['toy-debug']) });
    expect(parsedFiles.map((file) => file.slice(dir.length + 1))).toEqual(['src/match.ts']);
    // broken.ts was tried and did not parse: it is skipped, not counted as parsed.
    expect(result.parsed).toBe(1);
    expect(result.parseErrors.map((error) => [error.file.slice(dir.length + 1), error.line])).toEqual([
      ['src/broken.ts', 2],
    ]);
    expect(located(result.findings, dir)).toEqual(['src/match.ts:1 toy-debug']);
  });

  it('an unknown --rule is a usage error naming the known rules', () => {
    expect(() => selectRules(toyRules, ['nope'])).toThrow(/unknown rule "nope"/);
  });
});

describe('suppressions', () => {
  it('hides a finding on the same line or the line below, and reports one without a reason', async () => {
    const dir = tempProject({
      'package.json': '{}',
      'src/a.ts': [
        'debug(a.token); // secure-ignore toy-debug: test data only',
        '// secure-ignore toy-debug: the logger masks it',
        'debug(b.token);',
        'debug(c.token); // secure-ignore toy-debug',
        'debug(d.token); // secure-ignore other-rule: not this one',
        '',
      ].join('\n'),
      Dockerfile: '# secure-ignore toy-docker: the base image needs root for apt\nUSER root\n',
    });
    const result = await check(dir);
    expect(result.findings.map((f) => `${f.line}:${f.column} ${f.rule}`)).toEqual([
      '4:1 toy-debug',
      '4:17 secure-ignore',
      '5:1 toy-debug',
    ]);
    expect(result.suppressed).toBe(3);
  });
});

describe('baseline', () => {
  it('hides known findings even after lines move, and still reports new ones', async () => {
    const dir = tempProject({ 'package.json': '{}', 'src/a.ts': 'debug(a.token);\ndebug(a.token);\n' });
    const output = memoryOutput();
    const baseline = { format: 'pretty' as const, rule: [] as string[], cache: false };
    expect(
      await checkCommand(output, dir, [], { ...baseline, writeBaseline: 'secure-baseline.json' }, toyRules),
    ).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'secure-baseline.json'), 'utf8')).fingerprints).toHaveLength(2);
    expect(
      await checkCommand(
        memoryOutput(),
        dir,
        [],
        { ...baseline, baseline: 'secure-baseline.json' },
        toyRules,
      ),
    ).toBe(0);

    writeFileSync(
      join(dir, 'src/a.ts'),
      '// a new header\nimport x from "x";\n\ndebug(a.token);\n  debug( a.token );\n',
    );
    const shifted = memoryOutput();
    expect(
      await checkCommand(shifted, dir, [], { ...baseline, baseline: 'secure-baseline.json' }, toyRules),
    ).toBe(0);
    appendFileSync(join(dir, 'src/a.ts'), 'debug(a.token);\ndebug(other.token);\n');
    const grown = memoryOutput();
    expect(
      await checkCommand(
        grown,
        dir,
        [],
        { ...baseline, format: 'json' as const, baseline: 'secure-baseline.json' },
        toyRules,
      ),
    ).toBe(1);
    const report = JSON.parse(grown.stdout.join('\n'));
    expect(report.findings.map((f: { line: number }) => f.line)).toEqual([6, 7]);
    expect(report.summary.baselined).toBe(2);
  });

  it('a baseline that is not one is a usage error', async () => {
    const dir = tempProject({ 'package.json': '{}', 'b.json': '{"x":1}' });
    await expect(
      checkCommand(
        memoryOutput(),
        dir,
        [],
        { format: 'pretty', rule: [], cache: false, baseline: 'b.json' },
        toyRules,
      ),
    ).rejects.toThrow(/b\.json: not a secure baseline/);
  });
});

describe('project rules', () => {
  it('run once per project root the check covers, on the files git tracks', async () => {
    const dir = tempProject({
      'package.json': '{}',
      '.env': 'A=1\n',
      'src/a.ts': 'x;\n',
      'src/.env': 'C=3\n',
      'pkg/package.json': '{}',
      'pkg/.env': 'B=2\n',
      'pkg/deep/config/.env': 'D=4\n',
    });
    const result = await check(dir);
    // Each file is reported once, by the nearest project above it.
    expect(located(result.findings, dir)).toEqual([
      '.env:1 toy-env',
      'src/.env:1 toy-env',
      'pkg/.env:1 toy-env',
      'pkg/deep/config/.env:1 toy-env',
    ]);
    const onlySrc = await check(dir, { paths: ['src'] });
    expect(onlySrc.findings).toEqual([]);
  });
});

describe('cache and --changed', () => {
  it('does not parse an unchanged file again, and does parse it once it changes', async () => {
    const dir = tempProject({
      'package.json': '{}',
      'src/a.ts': 'debug(a.token);\n',
      'src/b.ts': 'debug(b.token);\n',
    });
    const env = { SECURE_CACHE_DIR: mkdtempSync(join(tmpdir(), 'secure-cache-')) };
    const first = await check(dir, { cache: true, env });
    expect(first.cached).toBe(0);
    parsedFiles.length = 0;
    const second = await check(dir, { cache: true, env });
    expect(second.cached).toBe(2);
    expect(parsedFiles).toEqual([]);
    expect(located(second.findings, dir)).toEqual(located(first.findings, dir));
    writeFileSync(join(dir, 'src/b.ts'), 'debug(b.token);\ndebug(c.token);\n');
    const third = await check(dir, { cache: true, env });
    expect(third.cached).toBe(1);
    expect(parsedFiles.map((file) => file.slice(dir.length + 1))).toEqual(['src/b.ts']);
    expect(located(third.findings, dir)).toEqual([
      'src/a.ts:1 toy-debug',
      'src/b.ts:1 toy-debug',
      'src/b.ts:2 toy-debug',
    ]);
    const otherRules = await check(dir, { cache: true, env, rules: selectRules(toyRules, ['toy-debug']) });
    expect(otherRules.cached).toBe(0);
  });

  it('--changed checks only files changed against the default branch, committed or not', async () => {
    const dir = tempProject({
      'package.json': '{}',
      'src/old.ts': 'debug(a.token);\n',
      'src/edited.ts': 'x;\n',
    });
    git(dir, 'checkout', '-q', '-b', 'feature');
    writeFiles(dir, { 'src/committed.ts': 'debug(b.token);\n' });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'feature');
    writeFiles(dir, { 'src/edited.ts': 'debug(c.token);\n', 'src/untracked.ts': 'debug(d.token);\n' });
    const result = await check(dir, { changed: true });
    expect(located(result.findings, dir)).toEqual([
      'src/committed.ts:1 toy-debug',
      'src/edited.ts:1 toy-debug',
      'src/untracked.ts:1 toy-debug',
    ]);
  });
});

describe('output formats', () => {
  const files = {
    'package.json': '{}',
    'src/a.ts': 'const ok = 1;\ndebug(user.token);\n',
    'src/b.ts': 'debug(unsafe);\n',
  };

  it('pretty: file:line:col, severity, rule, message, the code frame and the remedy', async () => {
    const dir = tempProject(files);
    const output = memoryOutput();
    expect(await checkCommand(output, dir, [], { format: 'pretty', rule: [], cache: false }, toyRules)).toBe(
      1,
    );
    const text = output.stdout.join('\n');
    expect(text).toContain('src/a.ts:2:1  high  toy-debug');
    expect(text).toMatch(/> 2 \| debug\(user\.token\);\n\s+\| \^{17}/);
    expect(text).toContain('fix: run `secure fix`');
    expect(text).toContain('fix by hand: unsafe cannot be masked');
    expect(text).toMatch(/2 findings \(2 high\) in 2 files; 1 fixable/);
  });

  it('json: the documented shape, paths relative to the current folder', async () => {
    const dir = tempProject(files);
    const output = memoryOutput();
    await checkCommand(output, join(dir, 'src'), [], { format: 'json', rule: [], cache: false }, toyRules);
    const report = JSON.parse(output.stdout.join('\n'));
    expect(report.findings[0]).toEqual({
      rule: 'toy-debug',
      file: 'a.ts',
      line: 2,
      column: 1,
      endLine: 2,
      endColumn: 18,
      message: 'debug of a dynamic value',
      severity: 'high',
      fixable: true,
    });
    expect(report.summary).toMatchObject({ findings: 2, fixable: 1, files: 2 });
  });

  it('sarif: 2.1.0 with rule help, security-severity, CWE tags and partial fingerprints', async () => {
    const dir = tempProject(files);
    const output = memoryOutput();
    await checkCommand(output, dir, [], { format: 'sarif', rule: [], cache: false }, toyRules);
    const log = JSON.parse(output.stdout.join('\n'));
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toMatch(/sarif-2\.1\.0/);
    const run = log.runs[0];
    const rule = run.tool.driver.rules.find((r: { id: string }) => r.id === 'toy-debug');
    expect(rule.shortDescription.text).toBeTruthy();
    expect(rule.fullDescription.text).toBeTruthy();
    expect(rule.help.text).toContain('do not debug secrets');
    expect(rule.properties['security-severity']).toMatch(/^\d+(\.\d)?$/);
    expect(rule.properties.tags).toEqual(expect.arrayContaining(['security', 'external/cwe/cwe-532']));
    expect(run.results).toHaveLength(2);
    for (const result of run.results) {
      expect(run.tool.driver.rules[result.ruleIndex].id).toBe(result.ruleId);
      expect(['error', 'warning', 'note']).toContain(result.level);
      const location = result.locations[0].physicalLocation;
      expect(location.artifactLocation.uri).toMatch(/^src\/[ab]\.ts$/);
      expect(location.region.startLine).toBeGreaterThan(0);
      expect(location.region.startColumn).toBeGreaterThan(0);
      expect(Object.values(result.partialFingerprints)[0]).toMatch(/^[0-9a-f]{32}$/);
    }
  });

  it('exit 0 when clean', async () => {
    const dir = tempProject({ 'package.json': '{}', 'src/a.ts': 'debug("constant");\n' });
    const output = memoryOutput();
    expect(await checkCommand(output, dir, [], { format: 'pretty', rule: [], cache: false }, toyRules)).toBe(
      0,
    );
    expect(output.stdout.join('\n')).toMatch(/No findings\. 1 file checked \(1 parsed\)/);
  });
});
