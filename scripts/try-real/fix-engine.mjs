// Runs `secure fix` on real legacy apps exported at pinned commits (never committed here) and records, per
// project: files and hunks written, tsc errors before and after (ours, over the project's tsconfig; missing
// packages count the same both times since nothing is installed), JS syntax after, and whether a second
// `secure fix` writes nothing. The diffs are left in the temp folder for reading. Not part of CI.
//   node scripts/try-real/fix-engine.mjs   (after `npm run build` and fetching the mirrors listed below)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportProject } from './export.mjs';

const projects = [
  {
    name: 'ts-node-starter',
    mirror: 'microsoft+TypeScript-Node-Starter',
    commit: '1e15e8b4bf6136ee181a8d46ccda9d5b3ed4e479',
  },
  {
    name: 'bulletproof',
    mirror: 'santiq+bulletproof-nodejs',
    commit: '7ce1b4690c4e96659cb1ed0d367b08b3ab35a24b',
  },
  {
    name: 'mongoose-demo',
    mirror: 'madhums+node-express-mongoose-demo',
    commit: '8a134ab5deeef553d6de51d91d4ed8ee378acace',
  },
  {
    name: 'devconnector',
    mirror: 'bradtraversy+devconnector_2.0',
    commit: '0da5372c1f26d5e3f7d419844b4c23e9872909b1',
  },
  {
    name: 'hackathon-starter',
    mirror: 'sahat+hackathon-starter',
    commit: 'dbcac7a7b159bf6b8e93eb071a6f066c0b0ab6c8',
  },
];

const repoRoot = join(import.meta.dirname, '..', '..');
const secure = join(repoRoot, 'dist/src/bin/secure.js');
const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');
const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@t',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@t',
};
const git = (cwd, ...args) =>
  execFileSync('git', args, { cwd, encoding: 'utf8', env: gitEnv, maxBuffer: 1 << 28 });
const run = (cwd, args) =>
  spawnSync('node', [secure, ...args, '--no-cache'], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });

function tscErrors(dir) {
  if (!existsSync(join(dir, 'tsconfig.json'))) return undefined;
  const result = spawnSync('node', [tsc, '--noEmit', '--pretty', 'false', '-p', dir], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  return (result.stdout.match(/error TS\d+/g) ?? []).length;
}

function syntaxErrors(dir, files) {
  return files.filter(
    (file) => /\.c?js$/.test(file) && spawnSync('node', ['--check', join(dir, file)]).status !== 0,
  );
}

const rows = [];
const only = process.argv.slice(2);
for (const project of projects.filter((candidate) => only.length === 0 || only.includes(candidate.name))) {
  const dir = exportProject(project);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'legacy');
  const tscBefore = tscErrors(dir);
  const started = Date.now();
  const first = run(dir, ['fix']);
  const seconds = (Date.now() - started) / 1000;
  git(dir, 'add', '-A');
  const diff = git(dir, 'diff', '--cached');
  writeFileSync(join(dir, '..', `${project.name}.fix.diff`), diff);
  writeFileSync(join(dir, '..', `${project.name}.fix.out`), `${first.stdout}\n${first.stderr}`);
  const files = git(dir, 'diff', '--cached', '--name-only').split('\n').filter(Boolean);
  const hunks = (diff.match(/^@@ /gm) ?? []).length;
  const tscAfter = tscErrors(dir);
  git(dir, 'commit', '-q', '-m', 'secure fix', '--allow-empty');
  const second = run(dir, ['fix']);
  const secondWrites = git(dir, 'status', '--porcelain').trim();
  rows.push({
    project: project.name,
    exit: first.status,
    seconds,
    files: files.length,
    hunks,
    tsc: tscBefore === undefined ? 'n/a' : `${tscBefore} -> ${tscAfter}`,
    jsSyntaxErrors: syntaxErrors(dir, files).join(' ') || 'none',
    secondRun: secondWrites === '' ? 'writes nothing' : `writes: ${secondWrites.replace(/\n/g, ', ')}`,
    secondExit: second.status,
    dir,
  });
}
console.table(rows);
