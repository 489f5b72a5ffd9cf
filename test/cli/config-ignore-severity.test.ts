import { execa } from 'execa';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin, secureBin } from '../helpers/cli.js';
import { tempProject } from '../helpers/temp-repo.js';

// cors-wildcard (high) at line 4; the same file twice lets a test hide one of them.
const corsApp = `import express from 'express';\nimport cors from 'cors';\nconst app = express();\napp.use(cors());\n`;
// A 20-minute access token: inside the rules' 30 minutes, over a team's stricter 15.
const twentyMinuteToken = `import jwt from 'jsonwebtoken';\nexport const sign = (id: string, key: string) => jwt.sign({ sub: id }, key, { expiresIn: '20m' });\n`;

describe('secure check --config', () => {
  it("reads the named secure.config.json instead of the project's own", async () => {
    const dir = tempProject({ 'package.json': '{}', 'src/token.ts': twentyMinuteToken });
    writeFileSync(join(dir, 'team.json'), JSON.stringify({ jwt: { accessTokenMinutes: 15 } }));
    const own = await runBin(secureBin, ['check', '--no-cache', '--rule', 'jwt-expiry'], { cwd: dir });
    expect(own.exitCode, own.stderr).toBe(0);
    const team = await runBin(
      secureBin,
      ['check', '--no-cache', '--rule', 'jwt-expiry', '--config', 'team.json'],
      {
        cwd: dir,
      },
    );
    expect(team.exitCode, team.stderr).toBe(1);
    expect(team.stdout).toMatch(/src\/token\.ts:2:\d+ +\w+ +jwt-expiry/);
  });

  it('a --config file that does not exist is a one-line usage error, exit 2', async () => {
    const dir = tempProject({ 'package.json': '{}', 'src/token.ts': twentyMinuteToken });
    const run = await runBin(secureBin, ['check', '--config', 'nope.json'], { cwd: dir });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/^error: --config \S*nope\.json: no such file$/m);
  });
});

describe('.secureignore and --ignore-pattern', () => {
  const files = {
    'package.json': '{}',
    'src/app.ts': corsApp,
    'legacy/old.ts': corsApp,
    'scripts/seed.ts': corsApp,
  };

  it('.secureignore hides tracked files and folders (gitignore syntax), and --verbose says which file did', async () => {
    const dir = tempProject({ ...files, '.secureignore': '# not deployed\nlegacy/\nscripts/*.ts\n' });
    const run = await runBin(secureBin, ['check', '--no-cache', '--format', 'json', '--verbose'], {
      cwd: dir,
    });
    expect(run.exitCode).toBe(1);
    const report = JSON.parse(run.stdout) as { findings: { file: string }[] };
    expect(report.findings.map((finding) => finding.file)).toEqual(['src/app.ts']);
    expect(run.stderr).toMatch(/skipped legacy\/? .*ignored \(\.secureignore\)/);
    expect(run.stderr).toMatch(/skipped scripts\/seed\.ts ignored \(\.secureignore\)/);
  });

  it('--ignore-pattern adds patterns relative to the current folder; a file named on the command line is still read', async () => {
    const dir = tempProject(files);
    const run = await runBin(
      secureBin,
      [
        'check',
        '--no-cache',
        '--format',
        'json',
        '--ignore-pattern',
        'legacy/',
        '--ignore-pattern',
        'scripts',
      ],
      { cwd: dir },
    );
    const report = JSON.parse(run.stdout) as { findings: { file: string }[] };
    expect(report.findings.map((finding) => finding.file)).toEqual(['src/app.ts']);
    const named = await runBin(
      secureBin,
      ['check', '--no-cache', '--format', 'json', '--ignore-pattern', 'legacy/', 'legacy/old.ts'],
      { cwd: dir },
    );
    expect(
      (JSON.parse(named.stdout) as { findings: { file: string }[] }).findings.map((f) => f.file),
    ).toEqual(['legacy/old.ts']);
  });
});

describe('secure check --severity', () => {
  it('shows only findings at the level or above, counts the rest, and passes when none is shown', async () => {
    const dir = tempProject({ 'package.json': '{}', 'src/app.ts': corsApp });
    const run = await runBin(secureBin, ['check', '--no-cache', '--severity', 'critical'], { cwd: dir });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).not.toMatch(/cors-wildcard/);
    expect(run.stdout).toMatch(/No findings\. .*1 finding below critical not shown \(--severity\)/);
    const high = await runBin(secureBin, ['check', '--no-cache', '--severity', 'high', '--format', 'json'], {
      cwd: dir,
    });
    expect(high.exitCode).toBe(1);
    expect((JSON.parse(high.stdout) as { findings: unknown[] }).findings).toHaveLength(1);
    const bad = await runBin(secureBin, ['check', '--severity', 'urgent'], { cwd: dir });
    expect(bad.exitCode).toBe(2);
  });
});

describe('where a finding is explained', () => {
  it("pretty output links each rule's section of the shipped docs/rules.md once", async () => {
    const dir = tempProject({ 'package.json': '{}', 'src/app.ts': `${corsApp}app.use(cors());\n` });
    const run = await runBin(secureBin, ['check', '--no-cache'], { cwd: dir });
    const links = run.stdout.match(/^ {2}docs: .*docs\/rules\.md#cors-wildcard$/gm) ?? [];
    expect(links).toHaveLength(1);
  });

  it("SARIF rules carry the rule's README as help markdown, and no helpUri", async () => {
    const dir = tempProject({ 'package.json': '{}', 'src/app.ts': corsApp });
    const run = await runBin(secureBin, ['check', '--no-cache', '--format', 'sarif'], { cwd: dir });
    const sarif = JSON.parse(run.stdout) as {
      runs: { tool: { driver: { rules: { id: string; help: { markdown: string }; helpUri?: string }[] } } }[];
    };
    const rule = sarif.runs[0].tool.driver.rules.find((candidate) => candidate.id === 'cors-wildcard')!;
    expect(rule.help.markdown).toMatch(/^Checklist: \*\*CORS restricted to known origins\*\*/);
    expect(rule.help.markdown).toMatch(/## What it finds/);
    expect(rule.helpUri).toBeUndefined();
  });
});

describe('secure check --staged', () => {
  it('checks only what is staged; nothing staged for the rules is a clean run', async () => {
    const dir = tempProject({ 'package.json': '{}', 'src/old.ts': corsApp });
    writeFileSync(join(dir, 'src/new.ts'), corsApp);
    writeFileSync(join(dir, 'src/unstaged.ts'), corsApp);
    const nothing = await runBin(secureBin, ['check', '--no-cache', '--staged'], { cwd: dir });
    expect(nothing.exitCode, nothing.stderr).toBe(0);
    expect(nothing.stdout).toMatch(/^No staged files to check/);
    await execa('git', ['add', 'src/new.ts'], { cwd: dir });
    const staged = await runBin(secureBin, ['check', '--no-cache', '--staged', '--format', 'json'], {
      cwd: dir,
    });
    expect(staged.exitCode).toBe(1);
    expect(
      (JSON.parse(staged.stdout) as { findings: { file: string }[] }).findings.map((f) => f.file),
    ).toEqual(['src/new.ts']);
  });
});
