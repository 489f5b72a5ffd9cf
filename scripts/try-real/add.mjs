import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bootApp, bootEnv, freePort } from './boot.mjs';
import { exportProject } from './export.mjs';
import { startPostgres } from './postgres.mjs';
import { probeApp } from './probe.mjs';
import {
  addOutcome,
  build,
  describeProject,
  install,
  lastLines,
  ownTests,
  readJson,
  run,
  status,
} from './project-steps.mjs';

/**
 * `npm run try-real add [name...] [--modules=a,b] [--skip-install] [--scripts] [--no-tests]` (not in CI): each
 * project of add-projects.json is exported at its pinned commit into a temp folder, installed, built, tested
 * and booted; `secure add` runs with every module; then it is installed, built, tested and booted again with the
 * env the printed next steps name, and probed over real HTTP on 127.0.0.1 (headers, Origin, Host, 429).
 * When the run with every module writes nothing, the reason is kept and the HTTP modules are added alone.
 * Prints the table for the note in Markdown (each refused module with its reason), then where each project
 * lies with its diff (`<project>.add.diff` beside it) to read and how long it took, and the whole run's time.
 * A project that boots only with PostgreSQL gets a private one (postgres.mjs). Nothing of the projects is ever
 * written into this repository.
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
/** What the HTTP probes measure: added alone when a run with every module writes nothing. */
const httpModules = ['config', 'logging', 'cors', 'headers', 'trusted-host', 'rate-limit'];
const allowedOrigin = 'http://localhost:5173';

function commitAll(root, message) {
  run('git', ['add', '-A'], root);
  run(
    'git',
    ['-c', 'user.name=try-real', '-c', 'user.email=try-real@localhost', 'commit', '-qm', message],
    root,
  );
}

/**
 * A project that targets a newer Node than this machine's (`"node": "24"` in add-projects.json) runs on that
 * release from the npm registry's `node` package, installed once into the temp folder; returns its bin folder.
 */
function nodeBinFor(major) {
  if (!major) return undefined;
  const prefix = join(tmpdir(), `try-real-node-${major}`);
  const bin = join(prefix, 'node_modules', '.bin');
  if (!existsSync(join(bin, 'node'))) {
    const installed = run(
      'npm',
      ['install', '--prefix', prefix, '--no-save', '--no-audit', `node@${major}`],
      tmpdir(),
    );
    if (installed.code !== 0)
      throw new Error(`node ${major} cannot install here: ${lastLines(installed.output, 1)}`);
  }
  return bin;
}

/**
 * Package entries that only a git host serves (`github:owner/repo`), which this machine cannot reach: removed
 * from package.json (paths like `dependencies.bootstrap-social`, `overrides`) before the first commit, with the
 * lockfile that pins them, so the project installs from the registry. Listed in add-projects.json, never guessed.
 */
function dropUnreachable(root, paths = [], emptyPackages = []) {
  if (paths.length === 0 && emptyPackages.length === 0) return;
  const file = join(root, 'package.json');
  const pkg = readJson(file);
  for (const path of paths) {
    const [section, name] = path.split('.');
    if (name === undefined) delete pkg[section];
    else delete pkg[section]?.[name];
  }
  // A placeholder package the registry no longer serves (npm's `fs`, deep in a dependency's list): an
  // empty local one stands in, through an override.
  for (const name of emptyPackages) {
    const folder = join(root, '.try-real-empty', name);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'package.json'), `${JSON.stringify({ name, version: '0.0.0' })}\n`);
    pkg.overrides = { ...pkg.overrides, [name]: `file:./.try-real-empty/${name}` };
  }
  writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
  rmSync(join(root, 'package-lock.json'), { force: true });
}

/**
 * Files a dropped GitHub-only package would have brought that the project's build reads (a stylesheet its
 * SCSS imports): written empty after each install, so the build runs without that package's styling.
 */
function standInFiles(root, paths = []) {
  for (const path of paths) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    if (!existsSync(join(root, path))) writeFileSync(join(root, path), '');
  }
}

function startCommand(root, project) {
  if (project.start) return project.start;
  const pkg = readJson(join(root, 'package.json'));
  return pkg.scripts?.start ? ['npm', 'run', 'start', '--silent'] : undefined;
}

/** The file `secure add`'s next steps say to copy into .env (`.env.template` when the project has one). */
function namedEnvFiles(output) {
  // Handles: `listed in .env.example in .env.`, `listed in env-example-document or env-example-relational in .env.`
  return /set the variables listed in (.+?) in \.env\./.exec(output)?.[1].split(' or ') ?? [];
}

/**
 * A project that cannot boot here before or after (its database is not on this machine: `needs` in
 * add-projects.json) says so beside the status, so the table does not read as a failure of the add.
 */
const bootStatus = (status, project) =>
  project.needs && !status.startsWith('answers') ? `${status}: needs ${project.needs}` : status;

/** Boots the app; with `policy`, probes it over HTTP while it runs. Always stops what it started. */
async function bootAndProbe(root, project, policy, envFiles = project.envFiles) {
  const command = startCommand(root, project);
  if (!command) return { status: 'no start command' };
  // `port`: an app that listens on one port whatever PORT says (the NestJS starter's `app.listen(3000)`).
  const port = project.port ?? (await freePort());
  const env = bootEnv(root, port, project.env, envFiles);
  const route = project.route ?? '/';
  const binPath = nodeBinFor(project.node);
  const app = await bootApp(root, { command, env, port, stubs: project.stubs, path: route, binPath });
  try {
    if (app.status !== 'answers') return { status: bootStatus(app.status, project), output: app.output() };
    if (!policy) return { status: `answers (${app.first.status})`, output: app.output() };
    const target = { route, host: `127.0.0.1:${port}`, origin: allowedOrigin, policy };
    const probes = await probeApp(port, { ...target, preflightMethod: project.preflight });
    return { status: `answers (${app.first.status})`, probes, output: app.output() };
  } finally {
    await app.stop();
  }
}

async function tryProject(project, options, row) {
  const root = exportProject(project);
  row.root = root;
  console.error(`# ${project.name} (${project.covers}) in ${root}`);
  dropUnreachable(root, project.drop, project.emptyPackages);
  run('git', ['init', '-q'], root);
  commitAll(root, 'export');
  if (!options.skipInstall) {
    const installed = install(root, { scripts: options.scripts || project.installScripts });
    row.install = status(installed);
    if (installed.code !== 0) {
      const reason = installed.output.match(/^npm error (?!A complete log|code |syscall |errno ).*$/m)?.[0];
      row.note = `cannot install here: ${reason ?? lastLines(installed.output, 1)}`;
      return row;
    }
    standInFiles(root, project.emptyFiles);
  }
  Object.assign(row, describeProject(root));
  row.before = {
    build: status(build(root, 'before')),
    boot: (await bootAndProbe(root, project)).status,
    tests: options.tests
      ? ownTests(root, project, testEnv(root, project, project.envFiles)).status
      : 'skipped',
  };
  // What the boot and the tests left behind (logs, dist/) is not part of the diff to read.
  commitAll(root, 'before secure add');
  const modules = project.modules ?? options.modules;
  const addModules = (names) =>
    run('node', [secureBin, 'add', ...names, '--yes', ...(project.upgrade ? ['--upgrade'] : [])], root);
  let added = addModules(modules);
  writeFileSync(`${root}.add-output.txt`, added.output);
  row.add = { exit: added.code, ...addOutcome(added.output, modules) };
  // A run that wrote nothing says why (one line); the HTTP modules alone are then added, so the wiring and
  // the probes are still measured, and the table says it was a retry.
  if (row.add.added.length === 0 && added.code !== 0 && !options.modulesGiven) {
    row.add.failed = lastLines(added.output.replace(/^hint:.*$/gm, ''), 1);
    added = addModules(httpModules);
    writeFileSync(
      `${root}.add-output.txt`,
      `${row.add.failed}\n\n--- retry: ${httpModules.join(' ')}\n${added.output}`,
    );
    row.add = { ...row.add, retry: { exit: added.code, ...addOutcome(added.output, httpModules) } };
  }
  // The files the add created are in the diff to read too (intent-to-add: nothing is staged).
  run('git', ['add', '-A', '--intent-to-add'], root);
  writeFileSync(`${root}.add.diff`, run('git', ['diff', 'HEAD'], root).output);
  row.changed = run('git', ['status', '--porcelain'], root).output.trim().split('\n').filter(Boolean).length;
  // Installed here with npm, as before: `--install` would pick the lockfile's manager, maybe not on this machine.
  if (!options.skipInstall) install(root, { scripts: options.scripts || project.installScripts });
  standInFiles(root, project.emptyFiles);
  const builtAfter = build(root, 'after');
  const envFiles = [...new Set([...(project.envFiles ?? []), ...namedEnvFiles(added.output)])];
  const bootAfter = await bootAndProbe(root, project, options.policy, envFiles);
  row.after = {
    build: status(builtAfter),
    boot: bootAfter.status,
    tests: options.tests ? ownTests(root, project, testEnv(root, project, envFiles)).status : 'skipped',
  };
  row.probes = bootAfter.probes;
  console.error(lastLines(added.output, 25));
  if (builtAfter && builtAfter.code !== 0) console.error(`build after:\n${lastLines(builtAfter.output, 15)}`);
  if (!bootAfter.status.startsWith('answers'))
    console.error(`boot after:\n${lastLines(bootAfter.output ?? '', 15)}`);
  return row;
}

/** The next steps' variables for the project's own tests: no port to listen on, and its test NODE_ENV. */
/**
 * The tests run as after `cp .env.example .env` with the secrets filled in: a variable of the app's own left
 * blank stays blank (its tests may check the default it falls back to, nest9-hantsy's MONGODB_URI).
 */
function testEnv(root, project, envFiles) {
  const env = bootEnv(root, 0, project.env, envFiles, { blank: '' });
  delete env.PORT;
  delete env.NODE_ENV;
  return env;
}

const cell = (text) => String(text ?? '-').replaceAll('|', '\\|');

/**
 * The private PostgreSQL, or (when this machine cannot run one) where the project's default would be: the
 * project is still installed, built and tested, and its boot reads `exited 1: needs PostgreSQL ...`.
 */
async function databaseFor(name) {
  try {
    return await startPostgres(name);
  } catch (error) {
    console.error(`no private PostgreSQL: ${error instanceof Error ? error.message : String(error)}`);
    return { env: { host: '127.0.0.1', port: '5432', user: 'postgres', database: name }, stop() {} };
  }
}

/** `{pghost}`, `{pgport}`, `{pguser}`, `{pgdatabase}` in a project's env: the private PostgreSQL it runs with. */
function withDatabase(project, database) {
  const fill = (value) =>
    Object.entries(database).reduce((text, [name, actual]) => text.replaceAll(`{pg${name}}`, actual), value);
  const env = Object.fromEntries(
    Object.entries(project.env ?? {}).map(([name, value]) => [name, fill(value)]),
  );
  return { ...project, env };
}

const duration = (seconds) => `${Math.floor(seconds / 60)} min ${seconds % 60} s`;

export function printTable(rows, seconds) {
  const columns = [
    'project',
    'framework',
    'TS/JS',
    'CJS/ESM',
    'before build/boot/tests',
    'secure add: added',
    'refused',
    'after build/boot/tests',
    'headers',
    'origin',
    'host',
    '429',
  ];
  const lines = [`| ${columns.join(' | ')} |`, `|${columns.map(() => ' --- ').join('|')}|`];
  for (const row of rows) {
    const triple = (side) => (side ? `${side.build} / ${side.boot} / ${side.tests}` : '-');
    const outcome = (add) => `${add.added.join(', ') || 'nothing'} (exit ${add.exit})`;
    const refusedOf = (add) =>
      [...add.refused].map(([module, reason]) => `${module}: ${reason}`).join('; ') || 'none';
    // A retry refused for the reason the whole run was: that reason once.
    const retried = (add) =>
      refusedOf(add.retry).includes(add.failed.replace(/^error: not added: [\w-]+: /, ''))
        ? `every module, then the HTTP modules alone: ${refusedOf(add.retry)}`
        : `all: ${add.failed}; then ${refusedOf(add.retry)}`;
    const refused = !row.add ? '-' : row.add.retry ? retried(row.add) : refusedOf(row.add);
    const added = !row.add ? '-' : row.add.retry ? `retry: ${outcome(row.add.retry)}` : outcome(row.add);
    const probes = row.probes ?? {};
    lines.push(
      `| ${[
        row.name,
        row.framework,
        row.language,
        row.modules,
        row.note ?? triple(row.before),
        added,
        refused,
        triple(row.after),
        probes.headers,
        probes.origin,
        probes.host,
        probes.rateLimit,
      ]
        .map(cell)
        .join(' | ')} |`,
    );
  }
  console.log(lines.join('\n'));
  console.log('');
  for (const row of rows)
    console.log(
      `${row.name} (${duration(row.seconds ?? 0)}): ${row.root ?? '-'} (diff: ${row.root}.add.diff)`,
    );
  if (seconds !== undefined) console.log(`\n${rows.length} projects in ${duration(seconds)}`);
}

export async function runAdd(argv) {
  const projects = readJson(join(here, 'add-projects.json'));
  const named = argv.filter((arg) => !arg.startsWith('--'));
  const unknown = named.filter((name) => !projects.some((project) => project.name === name));
  if (unknown.length > 0) throw new Error(`not in add-projects.json: ${unknown.join(', ')}`);
  const modulesArg = argv.find((arg) => arg.startsWith('--modules='));
  const options = {
    modules: modulesArg ? modulesArg.slice('--modules='.length).split(',') : allModules,
    modulesGiven: Boolean(modulesArg),
    skipInstall: argv.includes('--skip-install'),
    scripts: argv.includes('--scripts'),
    tests: !argv.includes('--no-tests'),
  };
  if (!existsSync(secureBin)) throw new Error('run `npm run build` first: dist/ is missing');
  // The numbers the probes expect come from the one copy of them, the policy the generated code renders.
  options.policy = (await import(join(repoRoot, 'dist', 'src', 'policy', 'index.js'))).rulesPreset;
  const rows = [];
  const started = Date.now();
  for (const project of projects.filter((each) => named.length === 0 || named.includes(each.name))) {
    const row = { name: project.name };
    const projectStarted = Date.now();
    let database;
    try {
      database = project.postgres ? await databaseFor(project.postgres) : undefined;
      await tryProject(database ? withDatabase(project, database.env) : project, options, row);
    } catch (error) {
      // A project this machine cannot take (not fetched, cannot export) is a row with the reason, never dropped.
      row.note = error instanceof Error ? error.message : String(error);
    } finally {
      database?.stop();
    }
    row.seconds = Math.round((Date.now() - projectStarted) / 1000);
    rows.push(row);
  }
  printTable(rows, Math.round((Date.now() - started) / 1000));
  writeFileSync(join(process.env.TMPDIR ?? '/tmp', 'try-real-add.json'), JSON.stringify(rows, replacer, 2));
  return rows;
}

const replacer = (_key, value) => (value instanceof Map ? Object.fromEntries(value) : value);

if (process.argv[1] === fileURLToPath(import.meta.url)) await runAdd(process.argv.slice(2));
