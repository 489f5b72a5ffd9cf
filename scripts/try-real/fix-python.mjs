/**
 * `npm run try-real fix-python [names...]`: `secure fix` on real Python apps (projects-fix-python.json: mirror,
 * pinned commit, and how to import the app). Each project is exported into a temp folder, committed to a
 * throw-away git repository, then:
 *   check   - `secure check`: how many findings it calls fixable;
 *   fix     - `secure fix`; the diff is kept in the output folder for reading, its hunks counted;
 *   import  - before and after, `python -c "import <module>"` (or the project's `script`) in the venv under
 *             TRY_REAL_VENVS (default /tmp/try-real-venvs/<venv>), with only the project's env set;
 *   again   - a second `secure fix` must write nothing.
 * Results go to <out>/results.json and a table on stdout; read every hunk in <out>/<name>.diff.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportProject } from './export.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const secureBin = join(here, '..', '..', 'dist', 'src', 'bin', 'secure.js');
const venvs = process.env.TRY_REAL_VENVS ?? '/tmp/try-real-venvs';

const git = (cwd, ...args) =>
  execFileSync('git', ['-c', 'user.email=try-real@localhost', '-c', 'user.name=try-real', ...args], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });

const secure = (cwd, ...args) =>
  spawnSync(process.execPath, [secureBin, ...args], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

/** "imports", "n/a" (no venv) or the last line of the error: the app module loads with only the project's env. */
function importStatus(project, dir) {
  const python = join(venvs, project.venv ?? '', 'bin', 'python');
  if (!project.venv || !existsSync(python)) return 'n/a';
  const code = project.script ?? `import ${project.import}`;
  const env = { PATH: '/usr/bin:/bin', HOME: tmpdir(), PYTHONPATH: '.', ...(project.env ?? {}) };
  const cwd = join(dir, project.root ?? '.');
  const result = spawnSync(python, ['-c', code], { cwd, env, encoding: 'utf8', timeout: 120_000 });
  if (result.status === 0) return 'imports';
  const lines = result.stderr.trim().split('\n');
  return `fails: ${(lines.findLast((line) => /^\w+(?:Error|Exception)\b/.test(line)) ?? lines.at(-1) ?? '').trim()}`;
}

const hunks = (diff) => diff.split('\n').filter((line) => line.startsWith('@@')).length;

export function runFixPython(names) {
  const projects = JSON.parse(readFileSync(join(here, 'projects-fix-python.json'), 'utf8')).filter(
    (project) => names.length === 0 || names.includes(project.name),
  );
  const out = mkdtempSync(join(tmpdir(), 'try-real-fix-python-'));
  const results = [];
  for (const project of projects) {
    const dir = exportProject(project, mkdtempSync(join(tmpdir(), 'secure-real-')));
    // Files the app needs to load that its repository leaves out (an empty .env it insists on)
    for (const [file, text] of Object.entries(project.files ?? {})) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), text);
    }
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'before');
    const check = secure(dir, 'check', '--format', 'json');
    let fixable = 'n/a';
    try {
      fixable = JSON.parse(check.stdout).findings.filter((finding) => finding.fixable).length;
    } catch {
      // an older build without --format json: the table shows n/a
    }
    const before = importStatus(project, dir);
    secure(dir, 'fix');
    git(dir, 'add', '-A');
    const diff = git(dir, 'diff', '--cached');
    if (diff) git(dir, 'commit', '-qm', 'secure fix');
    writeFileSync(join(out, `${project.name}.diff`), diff);
    const after = importStatus(project, dir);
    secure(dir, 'fix');
    const again = git(dir, 'status', '--porcelain');
    results.push({
      name: project.name,
      fixable,
      hunks: hunks(diff),
      before,
      after,
      secondRunWrites: again !== '',
    });
  }
  writeFileSync(join(out, 'results.json'), JSON.stringify(results, null, 2));
  console.table(results);
  console.log(`diffs and results.json in ${out}`);
}
