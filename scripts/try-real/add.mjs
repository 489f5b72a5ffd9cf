import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout, clearTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';
import { exportProject } from './export.mjs';

/**
 * `npm run try-real add [name...] [--modules a,b] [--skip-install] [--scripts]` (not in CI): each project of
 * add-projects.json is exported at its pinned commit into a temp folder, installed, built and booted; then
 * `secure add` runs with every module and the project is built and booted again. Prints a table and where
 * each project lies, so that every change can be read (`git diff` there: the export is committed first).
 * Nothing of the projects is ever written into this repository.
 */
const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..');
const secureBin = join(repoRoot, 'dist', 'src', 'bin', 'secure.js');
const allModules = [
  'config',
  'logging',
  'password',
  'validation',
  'auth',
  'cors',
  'headers',
  'trusted-host',
  'rate-limit',
  'ws-auth',
  'docker',
];

function run(command, args, cwd, timeoutMs = 600_000) {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    timeout: timeoutMs,
    env: { ...process.env, NO_COLOR: '1', CI: '1' },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: result.status ?? 1, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}

/** `npm run build`, or `tsc --noEmit` for a TypeScript project without one; `-` when there is nothing to build. */
function build(root) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  if (pkg.scripts?.build) return run('npm', ['run', 'build', '--silent'], root);
  if (existsSync(join(root, 'tsconfig.json'))) return run('npx', ['--no-install', 'tsc', '--noEmit'], root);
  return undefined;
}

/**
 * Starts `npm start` (or `npm run dev`) with the variables .env.example names, and calls it booted when it
 * is still running after `seconds` (an app that cannot reach its database exits or logs the error first).
 */
function boot(root, seconds = 8) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const script = pkg.scripts?.start ? 'start' : pkg.scripts?.dev ? 'dev' : undefined;
  if (!script) return Promise.resolve({ status: 'no start script', output: '' });
  const env = { ...process.env, NODE_ENV: 'development', PORT: '0', CI: '1' };
  const example = join(root, '.env.example');
  if (existsSync(example))
    for (const line of readFileSync(example, 'utf8').split(/\r?\n/)) {
      const name = /^([A-Z][A-Z0-9_]*)=/.exec(line)?.[1];
      if (name && env[name] === undefined) env[name] = exampleValue(name);
    }
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', script, '--silent'], { cwd: root, env, detached: true });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => {
      process.kill(-child.pid, 'SIGTERM');
      resolve({ status: 'running', output });
    }, seconds * 1000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ status: `exited ${code}`, output });
    });
  });
}

/** Values for a local boot: never a real secret, only what lets the config validate. */
function exampleValue(name) {
  const values = {
    NODE_ENV: 'development',
    PORT: '0',
    JWT_SECRET: 'try-real-local-secret-0123456789abcdef0123456789',
    CORS_ORIGINS: 'http://localhost:5173',
    ALLOWED_HOSTS: 'localhost,127.0.0.1',
    TRUST_PROXY: '0',
    LOG_LEVEL: 'info',
    DATABASE_URL: 'data/app.sqlite',
  };
  return values[name] ?? '';
}

const status = (result) => (result === undefined ? '-' : result.code === 0 ? 'ok' : `fail (${result.code})`);

function lastLines(text, count = 6) {
  return text.trim().split('\n').slice(-count).join('\n');
}

export async function runAdd(argv) {
  const projects = JSON.parse(readFileSync(join(here, 'add-projects.json'), 'utf8'));
  const named = argv.filter((arg) => !arg.startsWith('--'));
  const modulesArg = argv.find((arg) => arg.startsWith('--modules='));
  const modules = modulesArg ? modulesArg.slice('--modules='.length).split(',') : allModules;
  const skipInstall = argv.includes('--skip-install');
  const installArgs = [
    'install',
    '--no-audit',
    '--no-fund',
    ...(argv.includes('--scripts') ? [] : ['--ignore-scripts']),
  ];
  if (!existsSync(secureBin)) throw new Error('run `npm run build` first: dist/ is missing');
  const rows = [];
  for (const project of projects.filter((each) => named.length === 0 || named.includes(each.name))) {
    const root = exportProject(project);
    console.error(`# ${project.name} (${project.covers}) in ${root}`);
    run('git', ['init', '-q'], root);
    run('git', ['add', '-A'], root);
    run(
      'git',
      ['-c', 'user.name=try-real', '-c', 'user.email=try-real@localhost', 'commit', '-qm', 'export'],
      root,
    );
    const install = skipInstall ? undefined : run('npm', installArgs, root, 1_200_000);
    const buildBefore = build(root);
    const bootBefore = await boot(root);
    // Installed here, as before, with npm: `--install` would pick the lockfile's manager, maybe not on this machine.
    const added = run('node', [secureBin, 'add', ...modules, '--yes'], root);
    if (!skipInstall) run('npm', installArgs, root, 1_200_000);
    const diff = run('git', ['status', '--porcelain'], root).output.trim().split('\n').filter(Boolean);
    const buildAfter = build(root);
    const bootAfter = await boot(root);
    const row = {
      name: project.name,
      root,
      install: status(install),
      buildBefore: status(buildBefore),
      bootBefore: bootBefore.status,
      add: added.code,
      changed: diff.length,
      buildAfter: status(buildAfter),
      bootAfter: bootAfter.status,
    };
    rows.push(row);
    writeFileSync(join(root, '.secure-add-output.txt'), added.output);
    console.error(lastLines(added.output, 20));
    if (buildAfter && buildAfter.code !== 0)
      console.error(`build after:\n${lastLines(buildAfter.output, 15)}`);
    if (bootAfter.status !== 'running') console.error(`boot after:\n${lastLines(bootAfter.output, 10)}`);
  }
  const header =
    '| project | install | build before | boot before | secure add exit | files changed | build after | boot after |';
  console.log([header, header.replace(/[^|]+/g, ' --- ')].join('\n'));
  for (const row of rows)
    console.log(
      `| ${row.name} | ${row.install} | ${row.buildBefore} | ${row.bootBefore} | ${row.add} | ${row.changed} | ${row.buildAfter} | ${row.bootAfter} |`,
    );
  for (const row of rows) console.log(`${row.name}: ${row.root} (git diff there shows every change)`);
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await runAdd(process.argv.slice(2));
