import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPolicy } from '../../dist/src/policy/index.js';
import { bootApp, bootEnv, freePort } from './boot.mjs';
import { exportProject } from './export.mjs';
import { startPostgres } from './postgres.mjs';
import { probeApp } from './probe.mjs';
import { addOutcome, lastLines, readJson, run, testCounts } from './project-steps.mjs';

/**
 * `node scripts/try-real/run.mjs add-python [name...]` (not in CI): each FastAPI project of
 * add-python-projects.json is exported at its pinned commit into a temp folder, gets a virtualenv with its own
 * requirements (PyPI), and is imported, booted with uvicorn and tested; then `secure add` runs with every
 * FastAPI module, the requirements it added are installed, and the app is imported, booted, tested and probed
 * over real HTTP on 127.0.0.1 (headers, Origin, Host, 429) with the variables of .env.example. `secure check`
 * runs before and after the add (which rules the modules answered); `secure fix --dry-run` runs last. Beside
 * the project lie the add diff, the fix diff, the test output and a failed boot's output, to read. PostgreSQL
 * (postgres.mjs) and Redis (redis-server from apt) are private to the run. Virtualenvs are kept under the temp
 * folder between runs (TRY_REAL_VENVS) so a rerun does not download again. Takes about 4 minutes for the four.
 */
const here = dirname(fileURLToPath(import.meta.url));
const secureBin = join(here, '..', '..', 'dist', 'src', 'bin', 'secure.js');
const modules = ['config', 'cors', 'headers', 'trusted-host', 'rate-limit'];
const venvs = process.env.TRY_REAL_VENVS ?? join(tmpdir(), 'try-real-venvs');

function venvFor(project, root) {
  const venv = join(venvs, project.name);
  if (!existsSync(join(venv, 'bin', 'python'))) {
    mkdirSync(venvs, { recursive: true });
    const made = run('python3', ['-m', 'venv', venv], root);
    if (made.code !== 0)
      throw new Error(`${project.name}: python3 -m venv failed: ${lastLines(made.output, 2)}`);
  }
  return venv;
}

function pip(venv, args, cwd) {
  return run(
    join(venv, 'bin', 'pip'),
    ['install', '-q', '--disable-pip-version-check', ...args],
    cwd,
    1_200_000,
  );
}

/** `import <module>` with the boot env: the cheapest sign the app still loads. */
function imports(venv, app, env) {
  const [module] = app.split(':');
  const result = run(join(venv, 'bin', 'python'), ['-c', `import ${module}`], env.cwd, 120_000, env.vars);
  return result.code === 0 ? 'ok' : `fail: ${lastLines(result.output, 1)}`;
}

function ownTests(venv, project, cwd, env, log) {
  if (!project.test) return 'none';
  const [command, ...args] = project.test;
  const result = run(join(venv, 'bin', command), args, cwd, 600_000, { ...env, ...project.testEnv });
  writeFileSync(log, result.output);
  const { passed, failed } = testCounts(result.output);
  const counts = [failed ? `${failed} failed` : '', passed !== undefined ? `${passed} passed` : '']
    .filter(Boolean)
    .join(', ');
  return `${result.code === 0 ? 'ok' : 'fail'}${counts ? ` (${counts})` : ''}`;
}

async function boot(venv, project, cwd, vars) {
  const port = await freePort();
  const booted = await bootApp(cwd, {
    command: [join(venv, 'bin', 'python'), '-m', 'uvicorn', project.app, '--port', String(port)],
    env: vars,
    port,
    path: project.route,
    seconds: 60,
  });
  return { port, booted };
}

/** The variables for one run: .env.example's, this machine's stand-ins, then the project's own. */
/**
 * A private Redis for a project whose lifespan connects to one (`"redis": true`): the machine's redis-server
 * (apt-get install redis-server), on a free loopback port, nothing saved to disk, stopped after the project.
 */
async function startRedis() {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  let failed;
  child.on('error', (error) => (failed = error));
  await sleep(500);
  if (failed) throw new Error(`redis-server cannot start (${failed.message}): apt-get install redis-server`);
  return { env: { port: String(port) }, stop: () => child.kill('SIGTERM') };
}

function varsFor(root, cwd, project, services) {
  // `{postgres.port}`, `{redis.port}` in a project's value: the private server's address.
  const own = Object.fromEntries(
    Object.entries(project.env ?? {}).map(([name, value]) => [
      name,
      value.replace(/\{(postgres|redis)\.(\w+)\}/g, (_, service, key) => services[service]?.env[key] ?? ''),
    ]),
  );
  return bootEnv(cwd, 0, { PYTHONDONTWRITEBYTECODE: '1', ...own }, project.envFiles ?? []);
}

async function step(label, venv, project, root, cwd, services, probe) {
  const vars = varsFor(root, cwd, project, services);
  const row = { import: imports(venv, project.app, { cwd, vars }) };
  const { port, booted } = await boot(venv, project, cwd, vars);
  row.boot = booted.status === 'answers' ? `ok (${booted.first.status})` : booted.status;
  if (booted.status !== 'answers') writeFileSync(`${root}.boot-${label}.txt`, booted.output());
  if (probe && booted.status === 'answers') {
    const policy = loadPolicy(root);
    row.probes = await probeApp(port, {
      route: project.route,
      host: `127.0.0.1:${port}`,
      origin: 'http://localhost:5173',
      preflightMethod: project.preflight ?? 'POST',
      policy,
    });
  }
  await booted.stop();
  row.tests = ownTests(venv, project, cwd, vars, `${root}.tests-${label}.txt`);
  return row;
}

/** The rules `secure check` reports, `rule×count`: before and after show what the added modules answered. */
function checkRules(root) {
  const checked = run('node', [secureBin, 'check', '--format', 'json'], root);
  try {
    const counts = new Map();
    for (const finding of JSON.parse(checked.output).findings ?? [])
      counts.set(finding.rule, (counts.get(finding.rule) ?? 0) + 1);
    return [...counts].map(([rule, count]) => (count > 1 ? `${rule}×${count}` : rule)).join(', ') || 'none';
  } catch {
    return `check failed: ${lastLines(checked.output, 1)}`;
  }
}

async function runProject(project) {
  const dest = exportProject(project);
  const root = project.root ? join(dest, project.root) : dest;
  const cwd = project.cwd ? join(root, project.cwd) : root;
  // Files its README has the user create first (fastapi-boilerplate refuses to start without src/.env).
  for (const [path, text] of Object.entries(project.files ?? {})) writeFileSync(join(root, path), text);
  run('git', ['init', '-q'], root);
  const commit = (message) => {
    run('git', ['add', '-A'], root);
    run(
      'git',
      ['-c', 'user.name=try-real', '-c', 'user.email=try-real@localhost', 'commit', '-qm', message],
      root,
    );
  };
  commit('as exported');
  const venv = venvFor(project, root);
  const installed = pip(venv, project.pip, root);
  if (installed.code !== 0) return { name: project.name, error: `pip: ${lastLines(installed.output, 2)}` };
  const postgres = project.postgres ? await startPostgres(project.postgres) : undefined;
  const redis = project.redis ? await startRedis() : undefined;
  const services = { postgres, redis };
  try {
    // The project's own preparation (migrations, first data), as its start script runs it.
    for (const [command, ...args] of project.setup ?? []) {
      const prepared = run(
        join(venv, 'bin', command),
        args,
        cwd,
        300_000,
        varsFor(root, cwd, project, services),
      );
      if (prepared.code !== 0)
        return { name: project.name, error: `${command}: ${lastLines(prepared.output, 2)}` };
    }
    const before = await step('before', venv, project, root, cwd, services, false);
    before.check = checkRules(root);
    const added = run('node', [secureBin, 'add', ...modules, '--yes'], root);
    writeFileSync(`${root}.add.txt`, added.output);
    // Staged first: the files secure add created show in the diff too.
    run('git', ['add', '-A'], root);
    const diff = run('git', ['diff', '--cached'], root).output;
    writeFileSync(`${root}.add.diff`, diff);
    const outcome = addOutcome(added.output, modules);
    // What `secure add` declared, installed as the user's `pip install -r requirements.txt` / `uv sync` would.
    const declared = [
      ...[...diff.matchAll(/^\+[ \t]*"?([A-Za-z0-9._-]+==[^",\s]+)"?,?$/gm)].map((match) => match[1]),
      ...[...diff.matchAll(/^\+([A-Za-z0-9._-]+) = "([0-9][^"]*)"$/gm)].map(
        (match) => `${match[1]}==${match[2]}`,
      ),
    ];
    const afterInstall = pip(venv, [...project.pip, ...declared], root);
    commit('secure add');
    const after = await step('after', venv, project, root, cwd, services, true);
    if (afterInstall.code !== 0) after.install = `fail: ${lastLines(afterInstall.output, 1)}`;
    after.check = checkRules(root);
    const fixed = run('node', [secureBin, 'fix', '--dry-run'], root);
    writeFileSync(`${root}.fix.txt`, fixed.output);
    return {
      name: project.name,
      root,
      before,
      after,
      added: outcome.added,
      refused: Object.fromEntries(outcome.refused),
      addExit: added.code,
    };
  } finally {
    postgres?.stop();
    redis?.stop();
  }
}

export async function runAddPython(names) {
  const projects = readJson(join(here, 'add-python-projects.json')).filter(
    (project) => names.length === 0 || names.includes(project.name),
  );
  const rows = [];
  for (const project of projects) {
    const started = Date.now();
    const result = await runProject(project);
    rows.push(result);
    console.log(JSON.stringify(result, null, 2));
    console.log(`${project.name}: ${Math.round((Date.now() - started) / 1000)} s`);
  }
  console.log('\n| project | import | boot | tests | headers | origin | host | 429 | check before → after |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const row of rows) {
    if (row.error) {
      console.log(`| ${row.name} | ${row.error} |`);
      continue;
    }
    const cell = (key) => `${row.before[key]} → ${row.after[key]}`;
    const probes = row.after.probes ?? {};
    console.log(
      `| ${row.name} | ${cell('import')} | ${cell('boot')} | ${cell('tests')} | ${probes.headers ?? '-'} | ${probes.origin ?? '-'} | ${probes.host ?? '-'} | ${probes.rateLimit ?? '-'} | ${cell('check')} |`,
    );
  }
}
