import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rules } from '../../codemods/index.js';
import { projectInfo, ProjectResolver } from '../../src/engine/project.js';
import type { SourceRule } from '../../src/engine/rule.js';
import { isTestPath } from '../../src/engine/test-files.js';
import { runBin, secureBin } from '../helpers/cli.js';
import { loadFixtures, runRule } from '../helpers/rule-fixtures.js';
import { git, tempProject } from '../helpers/temp-repo.js';

const secure = (root: string, args: string[]) => runBin(secureBin, [...args, '--no-cache'], { cwd: root });
const codemodsDir = join(import.meta.dirname, '..', '..', 'codemods');

describe('test code is told apart by its path', () => {
  it.each([
    'src/api/user/__tests__/userRouter.test.ts',
    'src/auth.spec.js',
    'test/app.e2e-spec.ts',
    'e2e/login.ts',
    'tests/fixtures/users.js',
    'src/__mocks__/db.ts',
    'jest.setup.js',
    'jest.global-setup.ts',
    'vitest.setup.mts',
    'src/setupTests.ts',
    'test-setup.ts',
    'src/testUtils/createApp.ts',
    'vitest.config.ts',
    'app/conftest.py',
    'conftest.py',
    'app/test_users.py',
    'app/users_test.py',
  ])('%s is test code', (path) => {
    expect(isTestPath(path)).toBe(true);
  });

  it.each([
    'src/server.ts',
    'src/testimonials.ts',
    'src/contest/routes.js',
    'src/setup.ts',
    'src/latest/app.ts',
    'app/contest.py',
    'app/latest_test_run.py',
    'app/testimonials.py',
  ])('%s is production code', (path) => {
    expect(isTestPath(path)).toBe(false);
  });

  it("reads the setup files a project's Vitest or Jest config names", () => {
    const dir = tempProject({
      'package.json': JSON.stringify({
        jest: { setupFilesAfterEach: [], setupFiles: ['<rootDir>/src/boot/env.js'] },
      }),
      'vite.config.mts':
        "export default { test: { setupFiles: ['./src/harness.ts'], globalSetup: 'src/start-db.ts' } };",
    });
    expect(projectInfo(dir).testSetupFiles).toEqual(['src/boot/env.js', 'src/harness.ts', 'src/start-db.ts']);
    expect(projectInfo(tempProject({ 'package.json': '{}' })).testSetupFiles).toBeUndefined();
  });

  it('a project inside a test folder of its repository is test code as a whole', () => {
    const dir = tempProject({
      'package.json': '{}',
      'test/fixtures/legacy-app/package.json': '{}',
      'packages/api/package.json': '{}',
    });
    const resolver = new ProjectResolver(dir, dir);
    expect(resolver.info(join(dir, 'test/fixtures/legacy-app')).testProject).toBe(true);
    expect(resolver.info(join(dir, 'packages/api')).testProject).toBeUndefined();
    expect(resolver.info(dir).testProject).toBeUndefined();
  });
});

describe('the rules that judge the app never read test code', () => {
  const appRules = rules.filter(
    (rule): rule is SourceRule => rule.kind === 'source' && Boolean(rule.productionOnly),
  );

  it('covers headers, rate limit, CORS and WebSocket auth', () => {
    expect(appRules.map((rule) => rule.meta.id).sort()).toEqual([
      'cors-wildcard',
      'missing-rate-limit',
      'missing-security-headers',
      'ws-unauthenticated',
    ]);
  });

  // The test-file fixtures are validated (silent) by the fixture suite; here the same code is shown to be
  // reported once it sits in production code, so that those fixtures test the path and nothing else.
  for (const rule of appRules) {
    const inTests = loadFixtures(join(codemodsDir, rule.meta.id)).filter(
      (fixture) => fixture.kind === 'valid' && isTestPath(fixture.relativePath),
    );
    it(`${rule.meta.id}: has a test-file fixture, reported when the same code is production code`, () => {
      expect(inTests.length).toBeGreaterThan(0);
      for (const fixture of inTests) {
        const production = fixture.relativePath.endsWith('.ts') ? 'src/server.ts' : 'src/server.js';
        const text = fixture.text.replace(/^\/\/ fixture: .*\n/, '');
        expect(runRule(rule, fixture.text, fixture.relativePath, fixture.project).findings).toEqual([]);
        expect(
          runRule(rule, text, production, fixture.project).findings.length,
          fixture.name,
        ).toBeGreaterThan(0);
      }
    });
  }
});

/** An app whose production entry has helmet and a limiter, and whose test builds a bare app with supertest. */
const helmetedAppWithTestHarness = {
  'package.json': JSON.stringify({
    name: 'api',
    type: 'module',
    dependencies: { express: '^5.1.0', helmet: '^8.1.0', 'express-rate-limit': '^7.5.0', pg: '^8.16.0' },
  }),
  'src/server.js': `import express from 'express';
import helmet from 'helmet';
import rateLimit from 'express-rate-limit';
import { usersRouter } from './users.js';

const app = express();
app.use(helmet());
app.use(rateLimit({ windowMs: 60_000, limit: 100 }));
app.use('/users', usersRouter);
app.listen(3000);
`,
  'src/users.js': `import { Router } from 'express';

export const usersRouter = Router();
usersRouter.get('/', (_req, res) => res.json([]));
`,
  'src/__tests__/users.test.js': `import express from 'express';
import pg from 'pg';
import request from 'supertest';
import { usersRouter } from '../users.js';

const app = express();
app.use('/users', usersRouter);
const pool = new pg.Pool();
const seed = (name) => pool.query(\`INSERT INTO users (name) VALUES ('\${name}')\`);

it('lists the users', async () => {
  await seed('ada');
  await request(app).get('/users').expect(200);
});
`,
};

describe('findings in test files are kept apart', () => {
  it('check says 0 fixable and fix writes nothing for an app built in a test beside a helmeted production app', async () => {
    const root = tempProject(helmetedAppWithTestHarness);
    const check = await secure(root, ['check', '--format', 'json']);
    const report = JSON.parse(check.stdout);
    expect(report.findings).toEqual([]);
    expect(report.summary.fixable).toBe(0);
    // The test file (and its sql-injection) is not read, only counted; no header or rate-limit finding at all.
    expect(report.summary.testFilesSkipped).toBe(1);
    expect(report.summary.files).toBe(2);
    expect(check.exitCode).toBe(0);

    const dryRun = await secure(root, ['fix', '--dry-run']);
    expect(dryRun.exitCode, dryRun.stderr).toBe(0);
    expect(dryRun.stdout).not.toContain('diff --git');
    expect(dryRun.stdout).toContain('Dry run: 0 files would change (0 fixes)');
    const fix = await secure(root, ['fix']);
    expect(fix.exitCode, fix.stderr).toBe(0);
    expect(fix.stdout).toContain('1 test file left alone: --include-tests fixes them too');
    expect(git(root, 'status', '--porcelain')).toBe('');
  });

  it('pretty counts the test files not checked; --include-tests shows their findings marked in pretty, JSON, SARIF and GitHub, never the test app', async () => {
    const root = tempProject(helmetedAppWithTestHarness);
    const pretty = await secure(root, ['check']);
    expect(pretty.stdout).toMatch(
      /^No findings\. 2 files checked .*; 1 test file not checked: --include-tests checks it\.$/m,
    );

    const shown = await secure(root, ['check', '--include-tests']);
    expect(shown.exitCode).toBe(1);
    expect(shown.stdout).toMatch(
      /^src\/__tests__\/users\.test\.js:9:\d+ {2}\w+ {2}sql-injection {2}\(test file\)$/m,
    );
    expect(shown.stdout).not.toMatch(/missing-security-headers|missing-rate-limit/);

    const json = JSON.parse((await secure(root, ['check', '--include-tests', '--format', 'json'])).stdout);
    expect(json.findings).toEqual([
      expect.objectContaining({ rule: 'sql-injection', file: 'src/__tests__/users.test.js', testFile: true }),
    ]);
    expect(json.summary.testFilesSkipped).toBe(0);
    expect(json.summary.files).toBe(3);

    const sarif = JSON.parse((await secure(root, ['check', '--include-tests', '--format', 'sarif'])).stdout);
    expect(sarif.runs[0].results.map((result: any) => [result.ruleId, result.properties])).toEqual([
      ['sql-injection', { fixable: true, testFile: true, tags: ['test'] }],
    ]);
    const github = await secure(root, ['check', '--include-tests', '--format', 'github']);
    expect(github.stdout).toMatch(
      /^::error file=src\/__tests__\/users\.test\.js,.*title=sql-injection \(test file\)::/m,
    );
    const hidden = JSON.parse((await secure(root, ['check', '--format', 'sarif'])).stdout);
    expect(hidden.runs[0].results).toEqual([]);
    expect(hidden.runs[0].invocations[0].properties).toEqual({ testFilesSkipped: 1 });
  });

  it('fix edits a test file only with --include-tests', async () => {
    const root = tempProject(helmetedAppWithTestHarness);
    const before = readFileSync(join(root, 'src/__tests__/users.test.js'), 'utf8');
    const fix = await secure(root, ['fix', '--include-tests']);
    expect(fix.exitCode, fix.stderr).toBe(0);
    expect(readFileSync(join(root, 'src/__tests__/users.test.js'), 'utf8')).toBe(
      before.replace("VALUES ('${name}')`)", 'VALUES ($1)`, [name])'),
    );
    expect(git(root, 'status', '--porcelain').trim()).toBe('M src/__tests__/users.test.js');
  });

  it('a production app without helmet is still reported at its own line, and check and fix agree on it', async () => {
    const files = { ...helmetedAppWithTestHarness };
    files['src/server.js'] = files['src/server.js']
      .replace("import helmet from 'helmet';\n", '')
      .replace('app.use(helmet());\n', '');
    const root = tempProject(files);
    const report = JSON.parse((await secure(root, ['check', '--format', 'json'])).stdout);
    expect(report.findings.map((finding: any) => [finding.rule, finding.file, finding.line])).toEqual([
      ['missing-security-headers', 'src/server.js', 5],
    ]);
    const dryRun = await secure(root, ['fix', '--dry-run']);
    expect(dryRun.stdout).toContain(`(${report.summary.fixable} fix)`);
    expect(dryRun.stdout).toContain('diff --git a/src/server.js b/src/server.js');
    expect(dryRun.stdout).not.toContain('__tests__');
  });

  it('a fixture app in test/fixtures is test code: its Dockerfile finding is hidden, its app never judged', async () => {
    const root = tempProject({
      'package.json': '{"name":"api"}',
      'src/index.js': "console.log('ok');\n",
      'test/fixtures/legacy/package.json': '{"name":"legacy"}',
      'test/fixtures/legacy/server.js': `const express = require('express');
const app = express();
app.get('/', (req, res) => res.send('hi'));
app.listen(3000);
`,
      'test/fixtures/legacy/Dockerfile': 'FROM node:22\nCOPY . .\nCMD ["node", "server.js"]\n',
    });
    const report = JSON.parse((await secure(root, ['check', '--format', 'json'])).stdout);
    expect(report.findings).toEqual([]);
    // Its server.js and Dockerfile are not read.
    expect(report.summary.testFilesSkipped).toBe(2);
    const shown = JSON.parse((await secure(root, ['check', '--include-tests', '--format', 'json'])).stdout);
    // The fixture app's own headers and rate limit are not judged: only its Dockerfile is reported, as test code.
    expect(shown.findings.map((finding: any) => [finding.rule, finding.file, finding.testFile])).toEqual([
      expect.arrayContaining(['test/fixtures/legacy/Dockerfile', true]),
    ]);
  });
});

describe('test code is not read unless asked for', () => {
  const withBrokenTest = {
    ...helmetedAppWithTestHarness,
    // Would fail the run as unparsable (exit 2) if it were read: its query call passes the prefilter.
    'test/broken.test.js': 'const rows = await db.query(`SELECT * FROM t WHERE id = ${id}`\n',
  };

  it('a test file that does not parse does not fail the run; --include-tests reads it and says so', async () => {
    const root = tempProject(withBrokenTest);
    const check = await secure(root, ['check', '--format', 'json']);
    expect(check.exitCode, check.stderr).toBe(0);
    expect(JSON.parse(check.stdout).summary.testFilesSkipped).toBe(2);
    const included = await secure(root, ['check', '--include-tests']);
    expect(included.exitCode).toBe(2);
    expect(included.stderr).toMatch(/^error: test\/broken\.test\.js:2:\d+ does not parse/m);
  });

  it('a test file named on the command line is checked, its findings marked', async () => {
    const root = tempProject(helmetedAppWithTestHarness);
    const named = await secure(root, ['check', 'src/__tests__/users.test.js', '--format', 'json']);
    expect(named.exitCode, named.stderr).toBe(1);
    const report = JSON.parse(named.stdout);
    expect(report.findings.map((finding: any) => [finding.rule, finding.file, finding.testFile])).toEqual([
      ['sql-injection', 'src/__tests__/users.test.js', true],
    ]);
    expect(report.summary.testFilesSkipped).toBe(0);
  });

  it("pytest's conftest.py is test code: its SQL is reported only with --include-tests", async () => {
    const root = tempProject({
      'pyproject.toml': '[project]\nname = "app"\ndependencies = ["fastapi", "sqlalchemy"]\n',
      'app/main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n',
      // Shape of rafsaf/minimal-fastapi-postgres-template's app/conftest.py: a per-worker test database.
      'app/conftest.py':
        'import sqlalchemy\n\n\nasync def fixture_db(conn, worker_name):\n' +
        '    name = f"test_db_{worker_name}"\n' +
        '    await conn.execute(sqlalchemy.text(f"DROP DATABASE IF EXISTS {name}"))\n',
    });
    const check = await secure(root, ['check', '--rule', 'sql-injection', '--format', 'json']);
    expect(check.exitCode, check.stderr).toBe(0);
    expect(JSON.parse(check.stdout).findings).toEqual([]);
    const included = await secure(root, [
      'check',
      '--rule',
      'sql-injection',
      '--include-tests',
      '--format',
      'json',
    ]);
    expect(
      JSON.parse(included.stdout).findings.map((finding: any) => [
        finding.rule,
        finding.file,
        finding.testFile,
      ]),
    ).toEqual([['sql-injection', 'app/conftest.py', true]]);
  });

  it('a folder of test code alone is never reported as checked and clean', async () => {
    const root = tempProject(helmetedAppWithTestHarness);
    const pretty = await secure(root, ['check', 'src/__tests__']);
    expect(pretty.exitCode).toBe(2);
    expect(pretty.stdout).not.toMatch(/No findings/);
    expect(pretty.stderr).toMatch(
      /^error: no file checked in src\/__tests__: looked for .*; 1 test file not checked: --include-tests checks it$/m,
    );
    const included = await secure(root, ['check', 'src/__tests__', '--include-tests']);
    expect(included.exitCode).toBe(1);
    expect(included.stdout).toMatch(/^src\/__tests__\/users\.test\.js:9:\d+ .*sql-injection/m);
  });

  it('the cache serves both modes: each run finds what a run without the cache finds', async () => {
    const root = tempProject(helmetedAppWithTestHarness);
    const cached = (args: string[]) =>
      runBin(secureBin, ['check', '--format', 'json', ...args], {
        cwd: root,
        env: { SECURE_CACHE_DIR: join(root, '.cache-secure') },
      });
    const findingsOf = (stdout: string) =>
      JSON.parse(stdout).findings.map((finding: any) => `${finding.rule} ${finding.file}:${finding.line}`);
    const fresh = {
      production: findingsOf((await secure(root, ['check', '--format', 'json'])).stdout),
      all: findingsOf((await secure(root, ['check', '--format', 'json', '--include-tests'])).stdout),
    };
    expect(fresh.all).toEqual(['sql-injection src/__tests__/users.test.js:9']);
    for (const args of [[], ['--include-tests'], [], ['--include-tests']]) {
      const run = await cached(args);
      expect(findingsOf(run.stdout), args.join(' ')).toEqual(args.length > 0 ? fresh.all : fresh.production);
    }
    const warm = JSON.parse((await cached(['--include-tests'])).stdout).summary;
    expect(warm.cached).toBe(warm.files);
  });
});
