/**
 * `npm run try-real fix [names...]`: `secure fix` on real legacy apps (projects-fix.json: repo, pinned commit,
 * entry). Each project is exported into a temp folder and committed to a throw-away git repository, then:
 *   before  - the entry loads (node -r load-with-stubs.cjs: packages not installed are inert stubs) and, with a
 *             tsconfig, the tsc diagnostics (the project's dependencies are not installed, so only NEW ones count);
 *   fix     - `secure fix`; the diff is kept in the output folder for reading, its hunks are counted;
 *   after   - the same load and tsc checks, `node --check` on every changed .js file;
 *   again   - a second `secure fix` (without the cache) must write nothing.
 * Results go to <out>/results.json and a table on stdout; read every hunk in <out>/<name>.diff.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { exportProject } from './export.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..');
const secureBin = join(repoRoot, 'dist', 'src', 'bin', 'secure.js');
const tscBin = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
const stubLoader = join(here, 'load-with-stubs.cjs');

function run(command, args, cwd, timeout = 120_000) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout, maxBuffer: 256 * 1024 * 1024 });
  return {
    status: result.status,
    signal: result.signal,
    stdout: result.stdout ?? '',
    stderr: result.stderr ?? '',
  };
}

function git(cwd, ...args) {
  return execFileSync('git', ['-c', 'user.email=try-real@localhost', '-c', 'user.name=try-real', ...args], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
}

function isModuleEntry(dir, entry) {
  if (entry.endsWith('.mjs')) return true;
  if (/\.c[jt]s$/.test(entry)) return false;
  try {
    return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).type === 'module';
  } catch {
    return false;
  }
}

/** "loaded", "kept running" (a server or timer that never exits is a successful load) or the first error line. */
function loadStatus(dir, entry) {
  if (!entry) return 'n/a';
  // An ES module entry ("type": "module", .mjs) is imported, so that load-with-stubs' ESM hooks stub its packages.
  const loadEntry = isModuleEntry(dir, entry)
    ? `import(${JSON.stringify(pathToFileURL(join(dir, entry)).href)}).catch((error) => { console.error(String(error)); process.exit(1); })`
    : `require(${JSON.stringify('./' + entry)})`;
  const result = run(process.execPath, ['-r', stubLoader, '-e', loadEntry], dir, 15_000);
  if (result.signal) return 'kept running';
  if (result.status === 0) return 'loaded';
  const error = result.stderr.split('\n').find((line) => /^\w*Error\b|^\s*Error:/.test(line));
  return `failed: ${(error ?? result.stderr.split('\n')[0]).trim()}`;
}

/** tsc diagnostics without their positions, so a fix that shifts lines does not count as a new diagnostic. */
function tscDiagnostics(dir, tsconfig) {
  if (!tsconfig) return undefined;
  const result = run(
    process.execPath,
    [tscBin, '--noEmit', '--pretty', 'false', '-p', tsconfig],
    dir,
    300_000,
  );
  return result.stdout
    .split('\n')
    .filter((line) => /error TS\d+/.test(line))
    .map((line) => line.replace(/\(\d+,\d+\)/, ''));
}

function hunkCount(diff) {
  return diff.split('\n').filter((line) => line.startsWith('@@')).length;
}

function syntaxErrors(dir, files) {
  return files
    .filter((file) => /\.(c|m)?js$/.test(file) && existsSync(join(dir, file)))
    .filter((file) => run(process.execPath, ['--check', file], dir).status !== 0);
}

function tryProject(project, out) {
  const dir = exportProject(project);
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '--no-verify', '-m', 'pinned');

  // A monorepo-like project (one app per folder) names the app's folder as root: fix, load and tsc run there.
  const app = project.root ? join(dir, project.root) : dir;
  const before = { load: loadStatus(app, project.entry), tsc: tscDiagnostics(app, project.tsconfig) };
  const first = run(process.execPath, [secureBin, 'fix', ...(project.paths ?? [])], app, 600_000);
  const diff = git(dir, 'diff', 'HEAD');
  const untracked = git(dir, 'ls-files', '--others', '--exclude-standard').split('\n').filter(Boolean);
  const changed = git(dir, 'diff', '--name-only', 'HEAD').split('\n').filter(Boolean);
  writeFileSync(join(out, `${project.name}.diff`), diff);
  writeFileSync(join(out, `${project.name}.fix-output.txt`), first.stdout + first.stderr);

  const after = { load: loadStatus(app, project.entry), tsc: tscDiagnostics(app, project.tsconfig) };
  const newTsc = after.tsc ? after.tsc.filter((line) => !before.tsc.includes(line)) : [];

  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '--no-verify', '--allow-empty', '-m', 'first fix');
  // Without the cache: it keys a file's analysis by its own content, so a fact read elsewhere in the project
  // (a refresh flow, a folder the app writes) that the first run changed would not be looked at again.
  const second = run(
    process.execPath,
    [secureBin, 'fix', '--no-cache', ...(project.paths ?? [])],
    app,
    600_000,
  );
  const secondDiff = git(dir, 'diff', 'HEAD') + git(dir, 'ls-files', '--others', '--exclude-standard');
  if (secondDiff) writeFileSync(join(out, `${project.name}.second.diff`), secondDiff);

  return {
    name: project.name,
    repo: project.repo,
    commit: project.commit,
    dir,
    fixExit: first.status,
    hunks: hunkCount(diff),
    changedFiles: changed,
    newFiles: untracked,
    syntaxErrorsAfter: syntaxErrors(dir, changed),
    loadBefore: before.load,
    loadAfter: after.load,
    tscBefore: before.tsc?.length,
    tscAfter: after.tsc?.length,
    newTscDiagnostics: newTsc,
    secondRunWrites: secondDiff.length > 0,
    secondExit: second.status,
  };
}

export async function runFix(names) {
  if (!existsSync(secureBin)) throw new Error(`${secureBin} is missing: run npm run build first`);
  const projects = JSON.parse(readFileSync(join(here, 'projects-fix.json'), 'utf8'));
  const selected = names.length ? projects.filter((project) => names.includes(project.name)) : projects;
  const out = process.env.TRY_REAL_OUT ?? join(tmpdir(), `try-real-fix-${Date.now()}`);
  mkdirSync(out, { recursive: true });
  const results = [];
  for (const project of selected) {
    process.stderr.write(`${project.name}...\n`);
    const mirror = project.mirror ?? project.repo.replace('/', '+');
    results.push(tryProject({ ...project, mirror }, out));
  }
  writeFileSync(join(out, 'results.json'), JSON.stringify(results, null, 2));
  for (const r of results) {
    const tsc =
      r.tscBefore === undefined
        ? ''
        : ` tsc ${r.tscBefore}->${r.tscAfter} (new ${r.newTscDiagnostics.length})`;
    console.log(
      `${r.name}: ${r.hunks} hunks in ${r.changedFiles.length} files (+${r.newFiles.length} new), load ${r.loadBefore} -> ${r.loadAfter}` +
        `${tsc}, syntax errors ${r.syntaxErrorsAfter.length}, second run ${r.secondRunWrites ? 'WRITES' : 'empty'}`,
    );
  }
  console.log(`diffs and results.json in ${out}`);
}
