#!/usr/bin/env node
// `npm run eval-real` (not in CI): recall and precision of `secure check` on real public apps. Each app in
// apps.json is exported at its pinned commit from the fetched mirror (/work/.mirror, see
// scripts/try-real/export.mjs) into a temp folder, committed there (so env-committed sees tracked files), and
// checked with every rule; the findings are compared with a reviewer's list, eval/expected/<app>.txt, written by
// reading the code. Production code and test files are scored apart.
// Usage: npm run eval-real [-- --app NAME ...] [--keep] [--quiet]   (needs `npm run build`, which the script runs)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportProject, mirrorGitDir } from '../try-real/export.mjs';
import { LINE_TOLERANCE, formatTable, isTestPath, match, parseExpected, tally } from './score.mjs';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const secureBin = join(repoRoot, 'dist/src/bin/secure.js');
const apps = JSON.parse(readFileSync(new URL('./apps.json', import.meta.url), 'utf8'));

const args = process.argv.slice(2);
const only = args.flatMap((arg, index) => (arg === '--app' ? [args[index + 1]] : []));
const keep = args.includes('--keep');
const quiet = args.includes('--quiet');

function git(cwd, ...gitArgs) {
  const identity = { GIT_AUTHOR_NAME: 'eval', GIT_AUTHOR_EMAIL: 'eval@localhost' };
  execFileSync('git', gitArgs, {
    cwd,
    env: { ...process.env, ...identity, GIT_COMMITTER_NAME: 'eval', GIT_COMMITTER_EMAIL: 'eval@localhost' },
  });
}

function checkApp(dir) {
  const run = spawnSync('node', [secureBin, 'check', '--format', 'json', '--no-cache', '--allow-skipped'], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (run.status !== 0 && run.status !== 1)
    throw new Error(`secure check exited ${run.status}: ${run.stderr.trim()}`);
  return JSON.parse(run.stdout).findings.map(({ file, line, rule, message }) => ({
    file,
    line,
    rule,
    message,
  }));
}

const byRule = {};
const byApp = {};
const testsByRule = {};
const listings = [];
const parent = mkdtempSync(join(tmpdir(), 'secure-eval-'));
let failed = false;
for (const app of apps.filter((candidate) => only.length === 0 || only.includes(candidate.name))) {
  const expectedPath = join(repoRoot, 'eval/expected', `${app.name}.txt`);
  if (!mirrorGitDir(app.mirror)) {
    console.log(`${app.name}: not fetched (fetch github:${app.mirror.replace('+', '/')}), skipped`);
    continue;
  }
  if (!existsSync(expectedPath)) {
    console.log(`${app.name}: no eval/expected/${app.name}.txt, skipped`);
    continue;
  }
  const expected = parseExpected(readFileSync(expectedPath, 'utf8'), `eval/expected/${app.name}.txt`);
  if (expected.errors.length > 0) {
    console.error(expected.errors.join('\n'));
    failed = true;
    continue;
  }
  const dir = exportProject(app, parent);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A', '-f'); // the export is exactly the commit's tracked tree, ignored files included
  git(dir, 'commit', '-q', '-m', 'export');
  const findings = checkApp(dir);
  const production = match(
    expected.production,
    findings.filter((finding) => !isTestPath(finding.file)),
  );
  const tests = match(
    expected.tests,
    findings.filter((finding) => isTestPath(finding.file)),
  );
  tally(byRule, production, (item) => item.rule);
  tally(byApp, production, () => app.name);
  tally(testsByRule, tests, (item) => item.rule);
  listings.push({ app: app.name, production, tests });
}
if (!keep) rmSync(parent, { recursive: true, force: true });

const sortByPlace = (a, b) => a.file.localeCompare(b.file) || a.line - b.line;
if (!quiet) {
  for (const { app, production, tests } of listings) {
    const lines = [];
    for (const [label, result] of [
      ['', production],
      ['test ', tests],
    ]) {
      for (const miss of [...result.misses].sort(sortByPlace))
        lines.push(
          `  ${label}miss            ${miss.file}:${miss.line} ${(miss.rules ?? [miss.rule]).join('|')}  # ${miss.why}`,
        );
      for (const extra of [...result.falsePositives].sort(sortByPlace))
        lines.push(`  ${label}false positive  ${extra.file}:${extra.line} ${extra.rule}  (${extra.message})`);
    }
    if (lines.length > 0) console.log(`${app}\n${lines.join('\n')}\n`);
  }
}
console.log(`Matching: same file and rule, line within ±${LINE_TOLERANCE}; one finding per expectation.\n`);
console.log(formatTable('rule (production)', byRule) + '\n');
console.log(formatTable('app (production)', byApp) + '\n');
console.log(formatTable('rule (test files)', testsByRule));
if (keep) console.log(`\nexports kept in ${parent}`);
if (failed) process.exitCode = 1;
