#!/usr/bin/env node
// Runs `secure check` on real projects (fetched mirrors, pinned commits, exported into /tmp) and verifies that
// its counts are honest: every file a rule could read is either checked or listed as skipped (itself, or under
// a skipped folder), and parsed + cached never exceed the files checked. Not in CI; needs `npm run build` and
// the mirrors fetched (`fetch github:owner/name`). Usage: node scripts/try-real/check-counts.mjs
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportProject, mirrorGitDir } from './export.mjs';

const secureBin = fileURLToPath(new URL('../../dist/src/bin/secure.js', import.meta.url));

const projects = [
  {
    name: 'typescript-node-starter',
    mirror: 'microsoft+TypeScript-Node-Starter',
    commit: '1e15e8b4bf6136ee181a8d46ccda9d5b3ed4e479',
  },
  {
    name: 'bulletproof-nodejs',
    mirror: 'santiq+bulletproof-nodejs',
    commit: '7ce1b4690c4e96659cb1ed0d367b08b3ab35a24b',
  },
  {
    name: 'hackathon-starter',
    mirror: 'sahat+hackathon-starter',
    commit: 'dbcac7a7b159bf6b8e93eb071a6f066c0b0ab6c8',
  },
];

/** What the rules read, by name alone (the engine's own lists are not reused, so that this stays a check). */
const readable = (name) =>
  (/\.(c|m)?(j|t)sx?$/.test(name) && !/\.d\.(c|m)?ts$/.test(name)) ||
  /^dockerfile(\..+)?$/i.test(name) ||
  /\.dockerfile$/i.test(name) ||
  /^\.env(\..+)?$/.test(name);

function readableFiles(dir, root = dir, found = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.name === '.git') continue;
    if (entry.isDirectory()) readableFiles(path, root, found);
    else if (readable(entry.name)) found.push(relative(root, path));
  }
  return found;
}

function git(cwd, ...args) {
  execFileSync('git', args, {
    cwd,
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@t',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@t',
    },
  });
}

let failures = 0;
for (const project of projects) {
  if (!mirrorGitDir(project.mirror)) {
    console.log(`${project.name}: not fetched (fetch github:${project.mirror.replace('+', '/')})`);
    continue;
  }
  const dir = exportProject(project);
  git(dir, 'init', '-q', '-b', 'main');
  // -f: the export is exactly the commit's tracked tree, including files its .gitignore matches.
  git(dir, 'add', '-A', '-f');
  git(dir, 'commit', '-q', '-m', 'export');
  const run = spawnSync('node', [secureBin, 'check', '--format', 'json', '--no-cache', '--allow-skipped'], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const { findings, summary } = JSON.parse(run.stdout);
  const checked = new Set(findings.map((finding) => finding.file));
  const skipped = summary.skipped.entries;
  const skippedFolders = skipped.filter((entry) => entry.folder).map((entry) => entry.path);
  const skippedFiles = new Set(skipped.filter((entry) => !entry.folder).map((entry) => entry.path));
  const all = readableFiles(dir);
  const underSkippedFolder = all.filter((file) => skippedFolders.some((folder) => file.startsWith(folder)));
  const unaccounted = all.length - underSkippedFolder.length - skippedFiles.size - summary.files;
  const problems = [];
  if (unaccounted !== 0) problems.push(`${unaccounted} readable files neither checked nor skipped`);
  if (summary.parsed + summary.cached > summary.files) problems.push('parsed + cached exceed the files');
  for (const file of checked)
    if (skippedFiles.has(file) || skippedFolders.some((folder) => file.startsWith(folder)))
      problems.push(`${file} has findings but is listed as skipped`);
  failures += problems.length;
  console.log(
    `${project.name}: exit ${run.status}; ${all.length} readable files = ${summary.files} checked (${summary.parsed} parsed)` +
      ` + ${skippedFiles.size} skipped ${JSON.stringify(summary.skipped.files)}` +
      ` + ${underSkippedFolder.length} under ${skippedFolders.length} skipped folders ${JSON.stringify(summary.skipped.folders)};` +
      ` ${findings.length} findings${problems.length ? `\n  PROBLEMS: ${problems.join('; ')}` : ''}`,
  );
  for (const entry of skipped)
    console.log(`  skipped ${entry.path} ${entry.reason}${entry.detail ? ` (${entry.detail})` : ''}`);
  if (run.stderr.trim()) console.log(run.stderr.trim().replace(/^/gm, '  stderr: '));
}
process.exitCode = failures > 0 ? 1 : 0;
