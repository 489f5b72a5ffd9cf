import { execa } from 'execa';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRule } from '../../codemods/index.js';
import { repoRoot, runBin, secureBin } from '../helpers/cli.js';
import { tempProject } from '../helpers/temp-repo.js';

// cors-wildcard (high, fixable) finds app.use(cors()) at line 4, column 9.
const corsApp = `import express from 'express';\nimport cors from 'cors';\nconst app = express();\napp.use(cors());\n`;
const clean = `// cors is set up elsewhere\nexport const one = 1;\n`;
// The ANSI escape (ESC then "[") that starts every colour code.
const escapeCodes = new RegExp(`${String.fromCharCode(27)}\\[`);

/** Python's expat is a strict XML parser: a report it rejects would be rejected by CI test viewers too. */
async function parsesAsXml(path: string) {
  const parsed = await execa(
    'python3',
    ['-c', 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1]); print("ok")', path],
    { reject: false },
  );
  return parsed.stdout.trim() === 'ok' ? 'valid' : parsed.stderr;
}

describe.runIf(findRule('cors-wildcard'))('secure check CI output (the built bin)', () => {
  it('--format github prints one workflow annotation per finding, escaping the path', async () => {
    const dir = tempProject({ 'package.json': '{}', 'src/a,b:c.ts': corsApp });
    const run = await runBin(secureBin, ['check', '--no-cache', '--format', 'github'], { cwd: dir });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toBe(
      '::error file=src/a%2Cb%3Ac.ts,line=4,col=9,endLine=4,endColumn=15,title=cors-wildcard::cors without options allows every origin (high)',
    );
  });

  it('--format github writes an empty report when no file could be checked (exit 2, the error on stderr)', async () => {
    const dir = tempProject({ 'package.json': '{}', 'notes.txt': 'nothing to read\n' });
    const run = await runBin(secureBin, ['check', '--no-cache', '--format', 'github', '-o', 'out.txt'], {
      cwd: dir,
    });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/^error: no file checked/m);
    // Not even a blank line: the runner reads every line of an annotations file.
    expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe('');
  });

  it('--format junit writes valid, escaped XML with a failing testcase per finding and passes a clean run', async () => {
    const dir = tempProject({ 'package.json': '{}', 'src/a&<b>.ts': corsApp, 'src/ok.ts': clean });
    const run = await runBin(secureBin, ['check', '--no-cache', '--format', 'junit', '-o', 'report.xml'], {
      cwd: dir,
    });
    expect(run.exitCode).toBe(1);
    const xml = readFileSync(join(dir, 'report.xml'), 'utf8');
    expect(await parsesAsXml(join(dir, 'report.xml'))).toBe('valid');
    expect(xml).toContain('<testsuite name="src/a&amp;&lt;b&gt;.ts" tests="1" failures="1" errors="0">');
    expect(xml).toContain('<failure message="cors without options allows every origin" type="high">');

    const cleanDir = tempProject({ 'package.json': '{}', 'src/ok.ts': clean });
    const passed = await runBin(secureBin, ['check', '--no-cache', '--format', 'junit'], { cwd: cleanDir });
    expect(passed.exitCode).toBe(0);
    expect(passed.stdout).toContain('failures="0"');
    expect(passed.stdout).not.toContain('<failure');
  });

  it('-o writes the report to the file and nothing to stdout; a folder that does not exist is one line, exit 2', async () => {
    const dir = tempProject({ 'package.json': '{}', 'src/a.ts': corsApp });
    const written = await runBin(secureBin, ['check', '--no-cache', '--format', 'json', '-o', 'out.json'], {
      cwd: dir,
    });
    expect(written.exitCode).toBe(1);
    expect(written.stdout).toBe('');
    expect(written.stderr).toBe('Wrote the json report to out.json.');
    const report = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as {
      findings: { rule: string; file: string }[];
    };
    expect(report.findings.map((finding) => `${finding.rule} ${finding.file}`)).toEqual([
      'cors-wildcard src/a.ts',
    ]);

    const missing = await runBin(secureBin, ['check', '--no-cache', '-o', 'no/such/dir/out.txt'], {
      cwd: dir,
    });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr.split('\n')[0]).toBe('error: no/such/dir/out.txt: no such file or folder (ENOENT)');
    expect(missing.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  it('-o replaces an existing report in one piece and leaves no temporary file beside it', async () => {
    const dir = tempProject({ 'package.json': '{}', 'src/a.ts': corsApp, 'out.txt': 'old report\n' });
    const run = await runBin(secureBin, ['check', '--no-cache', '-o', 'out.txt'], { cwd: dir });
    expect(run.exitCode).toBe(1);
    const text = readFileSync(join(dir, 'out.txt'), 'utf8');
    expect(text).toMatch(/^src\/a\.ts:4:9 {2}high {2}cors-wildcard$/m);
    expect(text).not.toContain('old report');
    expect(text).not.toMatch(escapeCodes);
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('--quiet prints the findings without the summary line, and nothing at all on a clean run', async () => {
    const dir = tempProject({ 'package.json': '{}', 'src/a.ts': corsApp });
    const quiet = await runBin(secureBin, ['check', '--no-cache', '--quiet'], { cwd: dir });
    expect(quiet.exitCode).toBe(1);
    expect(quiet.stdout).toMatch(/^src\/a\.ts:4:9 {2}high {2}cors-wildcard$/m);
    expect(quiet.stdout).not.toMatch(/finding.*checked/);
    const cleanDir = tempProject({ 'package.json': '{}', 'src/ok.ts': clean });
    const silent = await runBin(secureBin, ['check', '--no-cache', '-q'], { cwd: cleanDir });
    expect(silent.exitCode).toBe(0);
    expect(silent.stdout).toBe('');
  });

  it('--fail-on sets the lowest severity that fails the run; the findings below it are still reported', async () => {
    const dir = tempProject({ 'package.json': '{}', 'src/a.ts': corsApp });
    const below = await runBin(secureBin, ['check', '--no-cache', '--fail-on', 'critical'], { cwd: dir });
    expect(below.exitCode).toBe(0);
    expect(below.stdout).toContain('cors-wildcard');
    const at = await runBin(secureBin, ['check', '--no-cache', '--fail-on', 'high'], { cwd: dir });
    expect(at.exitCode).toBe(1);
    const wrong = await runBin(secureBin, ['check', '--fail-on', 'urgent'], { cwd: dir });
    expect(wrong.exitCode).toBe(2);
    expect(wrong.stderr).toMatch(/urgent/);
  });

  it('--color, FORCE_COLOR and --no-color decide the escape codes when stdout is not a terminal', async () => {
    const dir = tempProject({ 'package.json': '{}', 'src/a.ts': corsApp });
    const plain = await runBin(secureBin, ['check', '--no-cache'], { cwd: dir });
    expect(plain.stdout).not.toMatch(escapeCodes);
    const flag = await runBin(secureBin, ['check', '--no-cache', '--color'], { cwd: dir });
    expect(flag.stdout).toMatch(escapeCodes);
    const forced = await runBin(secureBin, ['check', '--no-cache'], { cwd: dir, env: { FORCE_COLOR: '1' } });
    expect(forced.stdout).toMatch(escapeCodes);
    const refused = await runBin(secureBin, ['check', '--no-cache', '--no-color'], {
      cwd: dir,
      env: { FORCE_COLOR: '1' },
    });
    expect(refused.stdout).not.toMatch(escapeCodes);
  });

  it('the fix line of a fixable finding offers secure fix or the remedy by hand, not one inside the other', async () => {
    const dir = tempProject({ 'package.json': '{}', 'src/a.ts': corsApp });
    const run = await runBin(secureBin, ['check', '--no-cache'], { cwd: dir });
    expect(run.stdout).toMatch(/^ {2}fix: run `secure fix`, or by hand: list the allowed origins/m);
    expect(run.stdout).not.toMatch(/secure fix` \(/);
  });
});

describe('README', () => {
  it("lists every flag of secure check that the bin's help shows", async () => {
    const help = await runBin(secureBin, ['check', '--help']);
    const flags = [...help.stdout.matchAll(/^\s+(?:-\w, )?(--[a-z-]+)/gm)]
      .map((match) => match[1])
      .filter((flag) => flag !== '--help');
    expect(flags).toContain('--fail-on');
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const block = readme.slice(readme.indexOf('## 3. Legacy code'));
    const usage = block.slice(block.indexOf('```sh'), block.indexOf('```', block.indexOf('```sh') + 5));
    expect(flags.filter((flag) => !usage.includes(flag))).toEqual([]);
  });
});
