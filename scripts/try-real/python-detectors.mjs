#!/usr/bin/env node
// Runs the Python detectors (codemods/<rule>/python.ts, built into dist/) on real FastAPI/Flask projects: fetched
// mirrors, pinned commits, exported into /tmp, never committed. Prints every finding with its source line so each
// can be judged right or wrong, applies the fixes in memory and byte-compiles the result (python3 py_compile), and
// counts the committed virtual environments it skipped. Not in CI; needs `npm run build` and the mirrors fetched
// (`fetch github:owner/name`). Usage: node scripts/try-real/python-detectors.mjs [project-name ...]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { parse, registerDynamicLanguage } from '@ast-grep/napi';
import python from '@ast-grep/lang-python';
import { exportProject, mirrorGitDir } from './export.mjs';

const dist = new URL('../../dist/', import.meta.url);
const { rulesPreset } = await import(new URL('src/policy/index.js', dist));
const { applyTextEdits } = await import(new URL('src/engine/text-edits.js', dist));
const { matchesPrefilter } = await import(new URL('src/engine/rule.js', dist));

const ruleIds = [
  'hardcoded-secret',
  'default-password',
  'log-secret',
  'weak-password-hash',
  'jwt-expiry',
  'ws-unauthenticated',
  'missing-security-headers',
  'missing-rate-limit',
];
const detectors = await Promise.all(
  ruleIds.map(async (id) => [id, (await import(new URL(`codemods/${id}/python.js`, dist))).default]),
);

export const projects = [
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
    name: 'fastapi-boilerplate',
    mirror: 'igorbenav+FastAPI-boilerplate',
    commit: '61d84fa0d5b550ca35561114d0173c764da8a1e1',
  },
  {
    name: 'teamhide-fastapi-boilerplate',
    mirror: 'teamhide+fastapi-boilerplate',
    commit: 'df4e6d4f817ec187eeaf2d1c5a877b27c06bb77b',
  },
  {
    name: 'microblog',
    mirror: 'miguelgrinberg+microblog',
    commit: 'a975ef64864354867c88e0ed3a17ba7d17dca752',
  },
  {
    name: 'python-socketio',
    mirror: 'miguelgrinberg+python-socketio',
    commit: '2d21903008b185b66ee644bfe231bb953298e9b1',
  },
  { name: 'dispatch', mirror: 'Netflix+dispatch', commit: 'dd2837e82a0bf5565b1b4b4b91ea30b7262d4061' },
  { name: 'fitness', mirror: 'pipihhh+fitness', commit: 'ea08c9e131b01aae09f6b6d14431544d9c7c4711' },
  { name: 'rdoriol-fastapi', mirror: 'rdoriol+FastAPI', commit: 'a479122eeb9d06974dd3f5373697cf3231634451' },
  // The framework's documentation examples (docs_src/): many small apps, the shapes users copy.
  { name: 'fastapi', mirror: 'fastapi+fastapi', commit: 'c3f316b7e814667e8ee81e03a7330d00ee61e45c' },
];

const skippedFolders = new Set([
  '.git',
  'node_modules',
  '__pycache__',
  'site-packages',
  '.tox',
  '.mypy_cache',
]);

/** The .py files of a project, and the virtual environments (a folder with pyvenv.cfg) skipped on the way. */
function pythonFiles(root) {
  const files = [];
  const venvs = [];
  const visit = (dir) => {
    const entries = readdirSync(dir, { withFileTypes: true });
    if (entries.some((entry) => entry.name === 'pyvenv.cfg')) {
      venvs.push(relative(root, dir));
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && !skippedFolders.has(entry.name)) visit(path);
      else if (entry.isFile() && entry.name.endsWith('.py')) files.push(path);
    }
  };
  visit(root);
  return { files, venvs };
}

function compileErrors(texts) {
  const dir = mkdtempSync(join(tmpdir(), 'python-detectors-compile-'));
  try {
    const paths = texts.map((text, index) => {
      const path = join(dir, `m${index}.py`);
      writeFileSync(path, text);
      return path;
    });
    const script =
      'import py_compile, sys\nfor path in sys.argv[1:]:\n    try: py_compile.compile(path, doraise=True)\n    except py_compile.PyCompileError as error: print(path)';
    const result = spawnSync('python3', ['-c', script, ...paths], { encoding: 'utf8' });
    return result.stdout.split('\n').filter(Boolean).length;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

registerDynamicLanguage({ python });
const chosen = process.argv.slice(2);
const totals = { files: 0, findings: 0, fixable: 0, venvs: 0 };
for (const project of projects.filter((p) => chosen.length === 0 || chosen.includes(p.name))) {
  if (!mirrorGitDir(project.mirror)) {
    console.log(`# ${project.name}: not fetched (fetch github:${project.mirror.replace('+', '/')})`);
    continue;
  }
  const root = exportProject(project);
  const { files, venvs } = pythonFiles(root);
  console.log(
    `# ${project.name} @ ${project.commit.slice(0, 8)}: ${files.length} .py files, ${venvs.length} venvs skipped`,
  );
  const fixedTexts = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
    const lines = text.split('\n');
    let tree;
    for (const [id, detector] of detectors) {
      if (!matchesPrefilter(detector.prefilter, text)) continue;
      tree ??= parse('python', text).root();
      const reports = [];
      detector.check({
        file,
        text,
        project: { root, policy: rulesPreset, moduleSystem: 'esm' },
        policy: rulesPreset,
        root: tree,
        report: (report) => reports.push(report),
      });
      for (const report of reports) {
        const where = `${relative(root, file)}:${report.line}`;
        const source = (lines[report.line - 1] ?? '').trim().slice(0, 110);
        console.log(`${where} [${id}] ${report.message} ${report.fix ? '(fix)' : ''}\n    ${source}`);
      }
      const edits = reports.flatMap((report) => report.fix ?? []);
      if (edits.length > 0) fixedTexts.push(applyTextEdits(text, edits));
      totals.findings += reports.length;
      totals.fixable += reports.filter((report) => report.fix).length;
    }
  }
  if (fixedTexts.length > 0)
    console.log(`  fixed files that do not compile: ${compileErrors(fixedTexts)} of ${fixedTexts.length}`);
  totals.files += files.length;
  totals.venvs += venvs.length;
  if (existsSync(root)) rmSync(dirname(root), { recursive: true, force: true });
}
console.log(
  `\n${totals.files} files, ${totals.findings} findings (${totals.fixable} with a fix), ${totals.venvs} venvs skipped`,
);
