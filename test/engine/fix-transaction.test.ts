import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixCommand } from '../../src/cli/commands/fix.js';
import { memoryOutput } from '../../src/cli/output.js';
import { calleeName } from '../../src/engine/ast-utils.js';
import type { Rule, RuleMeta, SourceRule } from '../../src/engine/rule.js';
import type { GeneratorRunner } from '../../src/engine/run-fix.js';
import { git, tempProject } from '../helpers/temp-repo.js';
import { debugRule, toyRules } from './toy-rules.js';

const options = { rule: [], dryRun: false, force: false, cache: false };
const bytes = (dir: string, path: string) => readFileSync(join(dir, path));

const meta: Omit<RuleMeta, 'id' | 'title'> = {
  description: 'toy rule for the fix transaction',
  checklist: 'secrets',
  severity: 'high',
  cwe: [],
  fixable: true,
  hint: 'toy',
};

// `breaks(x)` is "fixed" into code that does not parse.
const breakingRule: SourceRule = {
  kind: 'source',
  meta: { ...meta, id: 'toy-breaks', title: 'breaks' },
  prefilter: /\bbreaks\(/,
  create: (context) => ({
    CallExpression(node) {
      if (calleeName(node) !== 'breaks') return;
      context.report({
        node,
        message: 'breaks',
        fix: (api) => {
          api.pathOf(node).replace(api.j.identifier('not valid'));
        },
      });
    },
  }),
};

// `guard()` is "fixed" by a statement at the top of the file that reads `limiter`, declared further down.
const earlyUseRule: SourceRule = {
  kind: 'source',
  meta: { ...meta, id: 'toy-early', title: 'early' },
  prefilter: /\bguard\(/,
  create: (context) => ({
    CallExpression(node) {
      if (calleeName(node) !== 'guard') return;
      context.report({
        node,
        message: 'unguarded',
        fix: (api) => {
          const program = api.root.find(api.j.Program).paths()[0].node;
          program.body.unshift(
            api.j.expressionStatement(
              api.j.callExpression(api.j.identifier('use'), [api.j.identifier('limiter')]),
            ),
          );
        },
      });
    },
  }),
};

const rules: Rule[] = [...toyRules, breakingRule, earlyUseRule];

describe('secure fix: byte-exact', () => {
  it('round-trips a Latin-1 file: every byte outside the fixed range comes back as it was', async () => {
    const latin1 = Buffer.concat([
      Buffer.from('// caf', 'ascii'),
      Buffer.from([0xe9]), // é in Latin-1: not valid UTF-8
      Buffer.from(' cr\xe8me\r\ndebug(u.token);\n// na\xefve\n', 'latin1'),
    ]);
    const dir = tempProject({ 'package.json': '{}' });
    writeFileSync(join(dir, 'src.js'), latin1);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'latin1');

    const expected = Buffer.from(
      latin1.toString('latin1').replace('debug(u.token)', "debug('***')"),
      'latin1',
    );
    // The dry run's patch of a non-UTF-8 file is a git binary patch: git apply writes the fixed bytes.
    const dry = memoryOutput();
    expect(await fixCommand(dry, dir, [], { ...options, dryRun: true }, rules)).toBe(0);
    expect(dry.stdout.join('\n')).toMatch(
      /^diff --git a\/src\.js b\/src\.js\nindex [0-9a-f]{40}\.\.[0-9a-f]{40} 100644\nGIT binary patch$/m,
    );
    expect(dry.stderr.join('\n')).toContain('src.js is not valid UTF-8: its patch is a git binary patch');
    expect(dry.stderr.join('\n')).toContain('the fix changes lines 2');
    expect(bytes(dir, 'src.js').equals(latin1)).toBe(true);
    const patchFile = join(tempProject({}, { git: false }), 'fix.patch');
    writeFileSync(patchFile, `${dry.stdout.join('\n')}\n`);
    expect(() => git(dir, 'apply', '--check', patchFile)).not.toThrow();
    git(dir, 'apply', patchFile);
    expect(bytes(dir, 'src.js').equals(expected)).toBe(true);
    git(dir, 'checkout', '--', 'src.js');
    git(dir, 'clean', '-fdq'); // the .env.example the patch created

    expect(await fixCommand(memoryOutput(), dir, [], options, rules)).toBe(0);
    expect(bytes(dir, 'src.js').equals(expected)).toBe(true);
  });

  it('keeps the BOM, mixed CRLF/LF line ends and a missing final newline', async () => {
    const text = "\uFEFFconst a = 1;\r\nconst b = 2;\ndebug(u.token);\r\nconst c = 'x'";
    const dir = tempProject({ 'package.json': '{}', 'src/a.ts': text });
    expect(await fixCommand(memoryOutput(), dir, [], options, rules)).toBe(0);
    expect(bytes(dir, 'src/a.ts').equals(Buffer.from(text.replace('u.token', "'***'"), 'utf8'))).toBe(true);
  });
});

describe('secure fix: verified before writing', () => {
  it('drops a fix that would not parse, reports why, and still applies the other fixes', async () => {
    const dir = tempProject({ 'package.json': '{}', 'src/a.js': 'breaks(1);\ndebug(u.token);\n' });
    const output = memoryOutput();
    expect(await fixCommand(output, dir, [], options, rules)).toBe(1);
    expect(readFileSync(join(dir, 'src/a.js'), 'utf8')).toBe("breaks(1);\ndebug('***');\n");
    expect(output.stdout.join('\n')).toMatch(
      /src\/a\.js:1:1 {2}toy-breaks {2}breaks\n {4}the automatic fix did not produce valid code .*; the fix was not applied, fix by hand/,
    );
  });

  it('drops a fix that would read a binding before its declaration at module level', async () => {
    const source = 'guard();\nconst limiter = makeLimiter();\ndebug(u.token);\n';
    const dir = tempProject({ 'package.json': '{}', 'src/a.js': source });
    const output = memoryOutput();
    expect(await fixCommand(output, dir, [], options, rules)).toBe(1);
    expect(readFileSync(join(dir, 'src/a.js'), 'utf8')).toBe(source.replace('u.token', "'***'"));
    expect(output.stdout.join('\n')).toContain(
      'the change would use limiter on line 1 before its declaration on line 3 runs (a ReferenceError at start)',
    );
  });

  it('rolls back a fix that adds a tsc error in a TypeScript project, keeping the one that does not', async () => {
    const dir = tempProject({
      'package.json': '{"name":"typed"}',
      'tsconfig.json': JSON.stringify({
        compilerOptions: { strict: true, noEmit: true, types: [] },
        include: ['src'],
      }),
      'src/numbers.ts':
        'declare function debug(value: number): void;\ndeclare const u: { token: number };\ndebug(u.token);\nexport {};\n',
      'src/any.ts':
        'declare function debug(value: unknown): void;\ndeclare const u: { token: string };\ndebug(u.token);\nexport {};\n',
    });
    const output = memoryOutput();
    expect(await fixCommand(output, dir, [], options, [debugRule])).toBe(1);
    expect(readFileSync(join(dir, 'src/numbers.ts'), 'utf8')).toContain('debug(u.token);');
    expect(readFileSync(join(dir, 'src/any.ts'), 'utf8')).toContain("debug('***');");
    expect(output.stdout.join('\n')).toMatch(
      /src\/numbers\.ts:3:1 {2}toy-debug .*\n {4}the fix would add a TypeScript error \(line 3: TS2345 Argument of type 'string' is not assignable/,
    );
  });
});

describe('secure fix: output', () => {
  it('--dry-run prints one git patch per file that `git apply --check` accepts, also from another folder', async () => {
    const dir = tempProject({
      'package.json': '{}',
      'sub/src/a.ts': 'const a = 1;\r\ndebug(u.token);\r\n',
      'sub/package.json': '{}',
      Dockerfile: 'FROM node:22\nUSER root\n',
    });
    const elsewhere = tempProject({}, { git: false });
    const output = memoryOutput();
    expect(await fixCommand(output, elsewhere, [dir], { ...options, dryRun: true }, rules)).toBe(0);
    const patch = `${output.stdout.join('\n')}\n`;
    expect(patch.match(/^diff --git .*$/gm)).toEqual([
      'diff --git a/Dockerfile b/Dockerfile',
      'diff --git a/sub/.env.example b/sub/.env.example',
      'diff --git a/sub/src/a.ts b/sub/src/a.ts',
    ]);
    expect(patch).toMatch(/^--- \/dev\/null\n\+\+\+ b\/sub\/\.env\.example$/m);
    writeFileSync(join(elsewhere, 'fix.patch'), patch);
    expect(() => git(dir, 'apply', '--check', join(elsewhere, 'fix.patch'))).not.toThrow();
    git(dir, 'apply', join(elsewhere, 'fix.patch'));
    expect(readFileSync(join(dir, 'sub/src/a.ts'), 'utf8')).toBe("const a = 1;\r\ndebug('***');\r\n");
  });

  it("says on the last line how to install the dependencies a fix added, with the lockfile's manager", async () => {
    const dir = tempProject({
      'package.json': '{"name":"api"}\n',
      'pnpm-lock.yaml': 'lockfileVersion: 9.0\n',
      'src/a.ts': 'app.listen(3000);\n',
    });
    const runGenerator: GeneratorRunner = async () => ({
      changes: [
        {
          path: 'package.json',
          before: '{"name":"api"}\n',
          after: '{"name":"api","dependencies":{"helmet":"8.1.0"}}\n',
        },
        { path: 'src/headers.ts', after: "export { default as helmet } from 'helmet';\n" },
      ],
    });
    const output = memoryOutput();
    expect(await fixCommand(output, dir, [], options, rules, runGenerator)).toBe(0);
    expect(output.stdout.at(-1)).toBe('Next: run `pnpm install` in . to install helmet (or pass --install).');
    expect(readFileSync(join(dir, 'package.json'), 'utf8')).toContain('"helmet":"8.1.0"');
  });

  it('--install runs the package manager and shows its last meaningful lines when it fails', async () => {
    const dir = tempProject({ 'package.json': '{"name":"api"}\n', 'src/a.ts': 'app.listen(3000);\n' });
    const bin = tempProject({}, { git: false });
    // A stand-in npm that fails the way a missing package does.
    writeFileSync(
      join(bin, 'npm'),
      '#!/bin/sh\necho "npm error code E404" >&2\necho "npm error 404 Not Found - GET https://registry.npmjs.org/helmet" >&2\necho "npm error A complete log of this run can be found in: /tmp/x.log" >&2\nexit 1\n',
      { mode: 0o755 },
    );
    const runGenerator: GeneratorRunner = async () => ({
      changes: [
        {
          path: 'package.json',
          before: '{"name":"api"}\n',
          after: '{"name":"api","dependencies":{"helmet":"8.1.0"}}\n',
        },
      ],
    });
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path}`;
    const output = memoryOutput();
    try {
      expect(await fixCommand(output, dir, [], { ...options, install: true }, rules, runGenerator)).toBe(2);
    } finally {
      process.env.PATH = path;
    }
    const errors = output.stderr.join('\n');
    expect(errors).toContain('`npm install` failed in .: exit 1');
    expect(errors).toContain('npm error 404 Not Found - GET https://registry.npmjs.org/helmet');
    expect(errors).not.toContain('complete log');
    expect(output.stdout.at(-1)).toBe('Next: fix the error above and run `npm install` in . again.');
  });
});
