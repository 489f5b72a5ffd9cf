#!/usr/bin/env node
// `node scripts/try-real/python-check.mjs`: secure check, then secure fix, on real Python projects fetched under
// /work/.mirror (pinned commits, exported into /tmp, never committed). Prints every finding and every fix diff to
// be read one by one. Uses the built bins (npm run build first).
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportProject, mirrorGitDir } from './export.mjs';

const secureBin = join(fileURLToPath(new URL('../..', import.meta.url)), 'dist', 'src', 'bin', 'secure.js');
const projects = [
  {
    name: 'full-stack-fastapi-template',
    mirror: 'fastapi+full-stack-fastapi-template',
    commit: '68adb40d37425f6f8668ec7e5a054500d045e43e',
  },
  {
    name: 'full-stack-fastapi-postgresql',
    mirror: 'tiangolo+full-stack-fastapi-postgresql',
    commit: '31f604264f7f663052ce0112ddc859dca562710f',
  },
  {
    name: 'fastapi-react',
    mirror: 'Buuntu+fastapi-react',
    commit: 'af17f2d422d0ebc5f173e83f2c6931045ab055b0',
  },
  {
    name: 'fastapi-crud-async',
    mirror: 'testdrivenio+fastapi-crud-async',
    commit: '4fa7ae952ece61e228135285de1b6a5ff65a1dc8',
  },
  {
    name: 'microblog',
    mirror: 'miguelgrinberg+microblog',
    commit: 'a975ef64864354867c88e0ed3a17ba7d17dca752',
  },
  { name: 'flask', mirror: 'pallets+flask', commit: '2ac89889f4cc330eabd50f295dcef02828522c69' },
  // Written vulnerable on purpose (not held out): findings to read for recall and for the fixes.
  { name: 'dvpwa', mirror: 'anxolerd+dvpwa', commit: 'a1d8f89fac2e57093189853c6527c2b01fc1d9c1' },
  {
    name: 'vulnerable-flask-app',
    mirror: 'we45+Vulnerable-Flask-App',
    commit: 'b6a4f97afd466e83e1f60781494252dec1c37039',
  },
  { name: 'pygoat', mirror: 'adeyosemanputra+pygoat', commit: '19d17cc8874861142b330636d068bbde54e86b85' },
];
const only = process.env.ONLY?.split(',');
const rules = (process.env.RULES ?? 'sql-injection,cors-wildcard,jwt-algorithm,jwt-unverified').split(',');
const ruleArgs = rules.flatMap((rule) => ['--rule', rule]);
const git = (cwd, ...args) => execFileSync('git', args, { cwd, encoding: 'utf8' });

for (const project of projects.filter((entry) => !only || only.includes(entry.name))) {
  if (!mirrorGitDir(project.mirror)) {
    console.log(`\n## ${project.name}: not fetched (fetch github:${project.mirror.replace('+', '/')})`);
    continue;
  }
  const dir = exportProject(project);
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'export');
  const check = spawnSync(
    'node',
    [secureBin, 'check', '--format', 'json', '--no-cache', '--allow-skipped', ...ruleArgs],
    {
      cwd: dir,
      encoding: 'utf8',
    },
  );
  const report = JSON.parse(check.stdout);
  const python = report.findings.filter((finding) => finding.file.endsWith('.py'));
  console.log(
    `\n## ${project.name} (${dir}): ${python.length} Python findings, summary ${JSON.stringify(report.summary.skipped.files)}`,
  );
  for (const finding of python)
    console.log(
      `${finding.file}:${finding.line} ${finding.rule} ${finding.fixable ? 'fixable' : 'unfixable'}\n    ${finding.message}`,
    );
  spawnSync('node', [secureBin, 'fix', '--no-cache', ...ruleArgs], { cwd: dir, encoding: 'utf8' });
  console.log(git(dir, 'diff', '--', '*.py') || '(no Python change)');
}
