import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync, type Dirent } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fileKind } from '../../src/engine/discover.js';
import { parseSource } from '../../src/engine/parse.js';
import { repoRoot, runBin, secureBin } from '../helpers/cli.js';
import { git, tempProject } from '../helpers/temp-repo.js';

/**
 * Real-world code the rules were not written against: JavaScript and TypeScript shipped in this project's
 * own node_modules, copied (flattened, so no folder is skipped as build output) into a temp git repo.
 */
const maxFiles = 2000;
const brokenFile = 'planted/broken-server.js';

function collect(): { source: string; target: string }[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && fileKind(entry.name) === 'source' && statSync(path).size < 200_000)
        found.push(path);
    }
  };
  walk(join(repoRoot, 'node_modules'));
  // An even spread over every package, not the first few alphabetically.
  const step = Math.max(1, found.length / maxFiles);
  const picked: string[] = [];
  for (let index = 0; index < found.length && picked.length < maxFiles; index += step)
    picked.push(found[Math.floor(index)]);
  return picked.map((source) => ({
    source,
    target: `corpus/${relative(join(repoRoot, 'node_modules'), source).replaceAll('/', '__')}`,
  }));
}

function hashes(dir: string, files: readonly string[]): Map<string, string> {
  return new Map(
    files.map((file) => [
      file,
      createHash('sha1')
        .update(readFileSync(join(dir, file)))
        .digest('hex'),
    ]),
  );
}

interface Report {
  findings: { rule: string; file: string; line: number; fixable: boolean }[];
  summary: {
    files: number;
    testFilesSkipped: number;
    skipped: { files: Record<string, number> };
    parseErrors: { file: string; line: number; message: string }[];
    ruleErrors: unknown[];
  };
}

describe('check and fix over thousands of real files', () => {
  let dir: string;
  let files: string[];
  let report: Report;

  beforeAll(async () => {
    const corpus = collect();
    dir = tempProject({ 'package.json': '{"name":"corpus","private":true}' }, { git: false });
    for (const { source, target } of corpus) {
      mkdirSync(join(dir, 'corpus'), { recursive: true });
      writeFileSync(join(dir, target), readFileSync(source));
    }
    // Among them, code with violations the registered rules fix (the demo's legacy app) and a file that
    // does not parse, so that neither half of the test can pass for want of material.
    const legacyDir = join(repoRoot, 'examples', 'legacy-api', 'src');
    const planted = readdirSync(legacyDir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && fileKind(entry.name) === 'source')
      .map((entry) => {
        const source = join(entry.parentPath, entry.name);
        return { source, target: `planted/${relative(legacyDir, source).replaceAll('/', '__')}` };
      });
    mkdirSync(join(dir, 'planted'), { recursive: true });
    for (const { source, target } of planted) writeFileSync(join(dir, target), readFileSync(source));
    writeFileSync(join(dir, brokenFile), "import cors from 'cors';\napp.use(cors(;\n");
    files = [...corpus, ...planted].map((entry) => entry.target).concat(brokenFile);
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'corpus');

    // --allow-skipped: the planted file does not parse, which alone would make the run exit 2.
    const result = await runBin(secureBin, ['check', '--format', 'json', '--no-cache', '--allow-skipped'], {
      cwd: dir,
    });
    expect(result.exitCode, result.stderr).toBeLessThanOrEqual(1);
    report = JSON.parse(result.stdout);
  }, 240_000);

  it('check never crashes and reports unparsable files as such', () => {
    expect(files.length).toBeGreaterThan(maxFiles);
    // Every file is either checked, skipped with a reason (generated, too large, does not parse), or test code.
    const skipped = Object.values(report.summary.skipped.files).reduce((sum, count) => sum + count, 0);
    expect(report.summary.files + skipped + report.summary.testFilesSkipped).toBe(files.length);
    expect(report.summary.parseErrors.map((error) => error.file)).toContain(brokenFile);
    expect(report.summary.ruleErrors).toEqual([]);
    for (const error of report.summary.parseErrors) {
      expect(error.message).toBeTruthy();
      expect(() => parseSource(readFileSync(join(dir, error.file), 'utf8'), error.file)).toThrow();
    }
  });

  it('fix --force rewrites only files with fixable findings, into code that parses, and a second fix changes nothing', async () => {
    const before = hashes(dir, files);
    const fixable = new Set(
      report.findings.filter((finding) => finding.fixable).map((finding) => finding.file),
    );
    // As ESLint --fix: everything that parses is fixed, the planted broken file is named, and the run exits 2.
    const first = await runBin(secureBin, ['fix', '--force', '--no-cache'], { cwd: dir });
    expect(first.exitCode, first.stderr).toBe(2);
    expect(first.stderr).toMatch(/planted\/broken-server\.js:\d+:\d+ does not parse/);
    expect(first.stderr).not.toMatch(/internal error|a rule failed/);
    const after = hashes(dir, files);
    const changed = files.filter((file) => before.get(file) !== after.get(file));
    expect(changed.length).toBeGreaterThan(0);
    expect(changed).not.toContain(brokenFile);
    for (const file of changed) {
      expect(fixable.has(file), `${file} changed without a fixable finding`).toBe(true);
      expect(
        () => parseSource(readFileSync(join(dir, file), 'utf8'), file),
        `${file} no longer parses`,
      ).not.toThrow();
    }
    const extra = git(dir, 'status', '--porcelain', '--untracked-files=all')
      .split('\n')
      .filter(Boolean)
      .map((line) => line.slice(3))
      .filter((path) => !changed.includes(path));
    expect(extra.filter((path) => path !== '.env.example')).toEqual([]);

    const second = await runBin(secureBin, ['fix', '--force', '--no-cache', '--allow-skipped'], { cwd: dir });
    expect(second.exitCode, second.stderr).toBeLessThanOrEqual(1);
    const again = hashes(dir, files);
    expect(files.filter((file) => after.get(file) !== again.get(file))).toEqual([]);
  }, 240_000);
});
