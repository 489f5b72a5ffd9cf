import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin, secureBin } from '../helpers/cli.js';
import { git, tempProject } from '../helpers/temp-repo.js';
import { pyCompileError, pythonAvailable } from './helpers.js';

const injectable = [
  'import sqlite3',
  '',
  '',
  'def find(conn: sqlite3.Connection, email: str):',
  '    return conn.execute(f"SELECT * FROM users WHERE email = \'{email}\'").fetchone()',
  '',
].join('\r\n');

const parameterised = injectable.replace(
  `f"SELECT * FROM users WHERE email = '{email}'")`,
  `"SELECT * FROM users WHERE email = ?", (email,))`,
);

function project() {
  return tempProject({
    'app/db.py': injectable,
    'app/__init__.py': '',
    'app/plain.py': 'def add(a, b):\n    return a + b\n',
    'app/broken.py': 'def f(:\n    cur.execute(f"SELECT * FROM t WHERE id = {x}")\n',
    'pyproject.toml': '[project]\nname = "app"\n',
    'build/lib/app/db.py': injectable,
    '.venv/pyvenv.cfg': 'home = /usr/bin\n',
    '.venv/lib/python3.11/site-packages/lib.py': 'cur.execute(f"SELECT * FROM t WHERE id = {x}")\n',
  });
}

describe('secure check and secure fix on Python files', () => {
  it('reports Python findings in every format, counts the unparsable file and the committed venv', async () => {
    const dir = project();
    const json = await runBin(secureBin, ['check', '--format', 'json', '--no-cache'], { cwd: dir });
    expect(json.exitCode, 'a file that does not parse fails the check').toBe(2);
    const report = JSON.parse(json.stdout);
    expect(
      report.findings.map((finding: { rule: string; line: number }) => `${finding.rule}:${finding.line}`),
    ).toEqual(['sql-injection:5']);
    const skipped = report.summary.skipped.entries as { path: string; reason: string; line?: number }[];
    expect(skipped.find((entry) => entry.path.endsWith('broken.py'))).toMatchObject({
      reason: 'unparsable',
      line: 1,
    });
    expect(skipped.find((entry) => entry.path.startsWith('.venv'))).toMatchObject({ reason: 'python-venv' });
    expect(skipped.find((entry) => entry.path.startsWith('build'))).toMatchObject({ reason: 'build-output' });
    expect(json.stderr).toMatch(/app\/broken\.py:1:\d+ does not parse/);
    // plain.py and the empty __init__.py match no detector's prefilter: read, never parsed.
    expect(report.summary).toMatchObject({ files: 3, parsed: 1 });

    // A worker thread reads and checks the Python files as the main thread does.
    const inWorker = await runBin(secureBin, ['check', '--format', 'json', '--no-cache', '--allow-skipped'], {
      cwd: dir,
      env: { SECURE_WORKERS: '1' },
    });
    expect(JSON.parse(inWorker.stdout)).toMatchObject({ findings: report.findings, summary: { workers: 1 } });

    const sarif = await runBin(secureBin, ['check', '--format', 'sarif', '--allow-skipped', '--no-cache'], {
      cwd: dir,
    });
    expect(sarif.exitCode).toBe(1);
    const results = JSON.parse(sarif.stdout).runs[0].results as { ruleId: string }[];
    expect(results.map((result) => result.ruleId)).toEqual(['sql-injection']);

    await runBin(secureBin, ['check', '--allow-skipped', '--write-baseline', '.secure-baseline.json'], {
      cwd: dir,
    });
    const baselined = await runBin(
      secureBin,
      ['check', '--allow-skipped', '--baseline', '.secure-baseline.json'],
      {
        cwd: dir,
      },
    );
    expect(baselined.exitCode, baselined.stdout).toBe(0);
  });

  it('fixes a Python file in place, keeping its CRLF lines, and a second fix changes nothing', async () => {
    const dir = project();
    const fix = await runBin(secureBin, ['fix', 'app/db.py', '--no-cache'], { cwd: dir });
    expect(fix.exitCode, fix.stdout + fix.stderr).toBe(0);
    const fixed = readFileSync(join(dir, 'app/db.py'), 'utf8');
    expect(fixed).toBe(parameterised);
    if (pythonAvailable) expect(pyCompileError(fixed)).toBeUndefined();
    git(dir, 'commit', '-qam', 'fixed');
    const again = await runBin(secureBin, ['fix', 'app/db.py', '--no-cache'], { cwd: dir });
    expect(again.exitCode).toBe(0);
    expect(git(dir, 'status', '--porcelain')).toBe('');
    const check = await runBin(secureBin, ['check', 'app/db.py', '--no-cache'], { cwd: dir });
    expect(check.exitCode, check.stdout).toBe(0);
  });

  it('keeps the default of a setting nothing reads, and says which variables a fix made required', async () => {
    const config = [
      'from pydantic_settings import BaseSettings',
      'from starlette.config import Config',
      '',
      'config = Config()',
      '',
      '',
      'class MySQLSettings(BaseSettings):',
      '    MYSQL_PASSWORD: str = config("MYSQL_PASSWORD", default="password")',
      '',
      '',
      'class PostgresSettings(BaseSettings):',
      '    POSTGRES_PASSWORD: str = config("POSTGRES_PASSWORD", default="postgres")',
      '',
      '',
      'settings = PostgresSettings()',
      '',
    ].join('\n');
    const dir = tempProject({
      'app/__init__.py': '',
      'app/config.py': config,
      'app/db.py':
        'from .config import settings\n\nURL = f"postgresql://app:{settings.POSTGRES_PASSWORD}@db/app"\n',
    });
    const fix = await runBin(secureBin, ['fix', '--no-cache'], { cwd: dir });
    const fixed = readFileSync(join(dir, 'app/config.py'), 'utf8');
    expect(fixed).toContain('config("MYSQL_PASSWORD", default="password")');
    expect(fixed).toContain('config("POSTGRES_PASSWORD")\n');
    expect(fix.stdout).toContain('app/config.py:12: POSTGRES_PASSWORD has no default any more');
    expect(fix.stdout).not.toContain('MYSQL_PASSWORD has no default');
    expect(fix.stdout).toMatch(/app\/config\.py:8:\d+ +default-password/);
    expect(fix.stdout).toContain('nothing in the project reads `MYSQL_PASSWORD`');
  });
});
