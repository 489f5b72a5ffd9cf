#!/usr/bin/env node
/**
 * `node scripts/try-real/test-findings.mjs [names...]`: how findings in test code are kept apart on real apps
 * (projects-fix.json, pinned commits, exported into a temp folder and committed to a throw-away repository).
 * For each project: `secure check` with and without --include-tests (findings in production and test code,
 * fixable, test files not checked), and `secure fix --dry-run` (files and hunks, and whether any hunk touches test code).
 * SECURE_BIN compares another build (a checkout of an earlier commit) on the same projects. Not in CI; needs
 * `npm run build` and the mirrors fetched.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportProject, mirrorGitDir } from './export.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const secureBin = process.env.SECURE_BIN ?? join(here, '..', '..', 'dist', 'src', 'bin', 'secure.js');
const projects = JSON.parse(readFileSync(join(here, 'projects-fix.json'), 'utf8'));
const wanted = process.argv.slice(2);

/** The engine's classification is not reused, so that this stays a check of it: the issue's own list. */
const testCode =
  /(^|\/)(__tests__|__mocks__|tests?|e2e|fixtures?|mocks?)\/|\.(test|spec|e2e-spec)\.[cm]?[jt]sx?$|(^|\/)(jest|vitest)\.setup\./;

function secure(dir, args) {
  const run = spawnSync('node', [secureBin, ...args, '--no-cache'], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: 600_000,
  });
  return run.stdout ?? '';
}

function git(dir, ...args) {
  execFileSync('git', ['-c', 'user.email=try-real@localhost', '-c', 'user.name=try-real', ...args], {
    cwd: dir,
  });
}

function checkCounts(dir, includeTests) {
  const args = ['check', '--format', 'json', '--allow-skipped', ...(includeTests ? ['--include-tests'] : [])];
  const { findings, summary } = JSON.parse(secure(dir, args));
  const inTests = findings.filter((finding) => testCode.test(finding.file));
  return {
    production: findings.length - inTests.length,
    tests: inTests.length,
    fixable: summary.fixable,
    // Test files are not read without --include-tests; a build from before that counted their findings.
    notChecked:
      summary.testFilesSkipped !== undefined
        ? `${summary.testFilesSkipped} test files not checked`
        : `${summary.testFindings ?? 0} test findings hidden`,
    testRules: [...new Set(inTests.map((finding) => finding.rule))].sort().join(' '),
  };
}

function dryRunCounts(dir) {
  const diff = secure(dir, ['fix', '--dry-run']);
  const files = [...diff.matchAll(/^diff --git a\/(\S+)/gm)].map((match) => match[1]);
  return {
    files: files.length,
    hunks: diff.split('\n').filter((line) => line.startsWith('@@')).length,
    testFiles: files.filter((file) => testCode.test(file)).length,
    summary: /^Dry run: .*$/m.exec(diff)?.[0] ?? '(no summary)',
  };
}

for (const project of projects) {
  if (wanted.length > 0 && !wanted.includes(project.name)) continue;
  const mirror = project.mirror ?? project.repo.replace('/', '+');
  if (!mirrorGitDir(mirror.split('/')[0])) {
    console.log(`${project.name}: not fetched (fetch github:${project.repo})`);
    continue;
  }
  const dir = exportProject({ ...project, mirror });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A', '-f');
  git(dir, 'commit', '-q', '-m', 'export');
  const shown = checkCounts(dir, false);
  // A build from before --include-tests showed every finding already.
  const all = secure(dir, ['check', '--help']).includes('--include-tests') ? checkCounts(dir, true) : shown;
  const fix = dryRunCounts(dir);
  console.log(
    `${project.name}: check ${shown.production} production + ${shown.tests} test findings shown, ${shown.fixable} fixable, ${shown.notChecked}; ` +
      `--include-tests ${all.production} + ${all.tests} (${all.testRules || 'none'}); ` +
      `fix --dry-run ${fix.files} files, ${fix.hunks} hunks, ${fix.testFiles} test files: ${fix.summary}`,
  );
}
