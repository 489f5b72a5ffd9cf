#!/usr/bin/env node
/**
 * `node scripts/try-real/verify-start.mjs [name...] [--modules=a,b] [--keep]` (not in CI; `npm run build` first):
 * `secure add <modules> --yes --verify=start` on real projects of add-projects.json, exported at their pinned
 * commit into a temp folder and installed once. The user's .env is the one the next steps ask for
 * (bootEnv), databases are replaced by the stubs boot.mjs uses, preloaded through NODE_OPTIONS as a user's
 * environment would carry them. Per project: the exit code, the last line, and whether the project changed.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { bootEnv } from './boot.mjs';
import { exportProject } from './export.mjs';
import { install, lastLines, run } from './project-steps.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const secureBin = join(here, '..', '..', 'dist', 'src', 'bin', 'secure.js');
const projects = JSON.parse(readFileSync(join(here, 'add-projects.json'), 'utf8'));
const defaultModules = ['config', 'logging', 'cors', 'headers', 'trusted-host', 'rate-limit'];

function git(root, ...args) {
  return run('git', ['-c', 'user.name=try-real', '-c', 'user.email=try-real@localhost', ...args], root);
}

const argv = process.argv.slice(2);
const modulesArg = argv.find((arg) => arg.startsWith('--modules='));
const modules = modulesArg ? modulesArg.slice('--modules='.length).split(',') : defaultModules;
const names = argv.filter((arg) => !arg.startsWith('--'));
const rows = [];
for (const project of projects.filter((each) => names.length === 0 || names.includes(each.name))) {
  const root = exportProject(project);
  console.error(`${project.name}: ${root}`);
  const installed = install(root);
  if (installed.code !== 0) {
    rows.push({ name: project.name, result: `install failed: ${lastLines(installed.output, 1)}` });
    continue;
  }
  // The user's own settings, as the project's README asks for them; the port is the trial's to choose.
  const env = bootEnv(root, 0, project.env ?? {}, project.envFiles ?? []);
  delete env.PORT;
  writeFileSync(
    join(root, '.env'),
    Object.entries(env)
      .map(([name, value]) => `${name}=${value}`)
      .join('\n') + '\n',
  );
  writeFileSync(join(root, '.gitignore'), 'node_modules\n.env\n', { flag: 'a' });
  git(root, 'init', '-q');
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'as fetched');
  const stubs = project.stubs?.length
    ? {
        NODE_OPTIONS: `--require ${join(here, 'load-with-stubs.cjs')}`,
        TRY_REAL_STUBS: project.stubs.join(','),
      }
    : {};
  const added = run('node', [secureBin, 'add', ...modules, '--yes', '--verify=start'], root, 900_000, stubs);
  const changed = git(root, 'status', '--porcelain').output.trim().split('\n').filter(Boolean).length;
  rows.push({
    name: project.name,
    exit: added.code,
    changed,
    result: lastLines(added.output, 3).replace(/\n/g, ' | '),
  });
  console.error(added.output);
}
for (const row of rows)
  console.log(`| ${row.name} | ${row.exit ?? '-'} | ${row.changed ?? '-'} files | ${row.result} |`);
