import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The steps try-real add runs in a real project, each answering a short status for the table: install, build,
 * the project's own tests, and what `secure add` said it added and refused. Nothing here throws for a project's
 * failure: a failure is a status, so no project is silently dropped.
 */

export function run(command, args, cwd, timeoutMs = 600_000, env = {}) {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    timeout: timeoutMs,
    env: { ...process.env, NO_COLOR: '1', CI: '1', ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  const timedOut = result.error?.code === 'ETIMEDOUT';
  return {
    code: result.status ?? 1,
    timedOut,
    output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error && !timedOut ? result.error.message : ''}`,
  };
}

export const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));

export function lastLines(text, count = 6) {
  return text.trim().split('\n').slice(-count).join('\n');
}

export const status = (result) =>
  result === undefined
    ? '-'
    : result.code === 0
      ? 'ok'
      : result.timedOut
        ? 'timed out'
        : `fail (${result.detail ?? result.code})`;

/**
 * `npm ci` where a lockfile is, else `npm install`; install scripts stay off unless asked (they download
 * browsers and binaries this machine cannot reach). Native modules build against the local headers
 * (npm_config_nodedir), as the project's own install would.
 */
export function install(root, { scripts = false } = {}) {
  const args = [
    existsSync(join(root, 'package-lock.json')) ? 'ci' : 'install',
    '--no-audit',
    '--no-fund',
    '--legacy-peer-deps',
    // A lockfile resolved from a mirror this machine cannot reach (registry.npmmirror.com) installs from ours.
    '--replace-registry-host=always',
    ...(scripts ? [] : ['--ignore-scripts']),
  ];
  const env = { npm_config_nodedir: process.env.npm_config_nodedir ?? '/usr' };
  const first = run('npm', args, root, 1_200_000, env);
  // A lockfile out of step with package.json (common in real projects) is no reason to give up: install instead.
  if (first.code !== 0 && args[0] === 'ci')
    return run('npm', ['install', ...args.slice(1)], root, 1_200_000, env);
  return first;
}

/**
 * `npm run build`, or `tsc --noEmit` for a TypeScript project without one; undefined when nothing builds.
 * The output is kept beside the project (`<project>.build-<label>.txt`); the status counts TypeScript errors,
 * so a build that failed before and fails worse after shows it.
 */
export function build(root, label) {
  const pkg = readJson(join(root, 'package.json'));
  const result = pkg.scripts?.build
    ? run('npm', ['run', 'build', '--silent'], root)
    : existsSync(join(root, 'tsconfig.json'))
      ? run('npx', ['--no-install', 'tsc', '--noEmit'], root)
      : undefined;
  if (!result) return undefined;
  writeFileSync(`${root}.build-${label}.txt`, result.output);
  // tsc colours its output even when piped (`pretty` in a project's tsconfig): read it without the colours.
  const plain = result.output.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '');
  const errors = [...plain.matchAll(/error TS\d+/g)].length;
  return { ...result, detail: result.code !== 0 && errors > 0 ? `${errors} TS errors` : undefined };
}

/** The last pass/fail counts a test runner printed (jest, mocha, vitest, node:test). */
export function testCounts(output) {
  const last = (pattern) => [...output.matchAll(pattern)].at(-1)?.[1];
  const passed = last(/(\d+) (?:passed|passing|pass)\b/g);
  const failed = last(/(\d+) (?:failed|failing|fail)\b/g);
  return { passed: passed && Number(passed), failed: failed && Number(failed) };
}

/** The project's own `npm test`, summarised as `ok (12 passed)` / `fail (3 failed, 9 passed)`. */
/** `env`: the variables the printed next steps name, as a user would have them in .env when running the tests. */
export function ownTests(root, project, env = {}) {
  if (typeof project.tests === 'string') return { status: `not run: ${project.tests}` };
  const pkg = readJson(join(root, 'package.json'));
  if (!project.test && !pkg.scripts?.test) return { status: 'none' };
  const [command, ...args] = project.test ?? ['npm', 'test', '--silent'];
  const result = run(command, args, root, 300_000, { ...env, NODE_ENV: 'test', ...project.testEnv });
  const { passed, failed } = testCounts(result.output);
  const counts = [failed ? `${failed} failed` : '', passed !== undefined ? `${passed} passed` : '']
    .filter(Boolean)
    .join(', ');
  // jest exits 1 when the suite it is given holds no test (an app whose tests are all end-to-end elsewhere).
  if (result.code !== 0 && /^No tests found/m.test(result.output))
    return { status: 'none (its test script finds no test)', output: result.output };
  const summary = result.code === 0 ? 'ok' : result.timedOut ? 'timed out' : 'fail';
  return { status: counts ? `${summary} (${counts})` : status(result), output: result.output };
}

/** Framework, its installed version, TS/JS and CJS/ESM, read from the installed tree. */
export function describeProject(root) {
  const pkg = readJson(join(root, 'package.json'));
  const deps = { ...pkg.dependencies, ...pkg.devDependencies };
  const framework = ['@nestjs/core', 'fastify', 'express'].find((name) => deps[name]) ?? 'none';
  const installed = join(root, 'node_modules', framework, 'package.json');
  const version = existsSync(installed) ? readJson(installed).version : deps[framework];
  const typescript = existsSync(join(root, 'tsconfig.json')) || Boolean(deps.typescript);
  return {
    framework: `${framework} ${version ?? '?'}`,
    language: typescript ? 'TS' : 'JS',
    modules: pkg.type === 'module' ? 'ESM' : 'CJS',
  };
}

/** What `secure add` says it did: the modules it refused (with the reason) and those it wrote. */
export function addOutcome(output, requested) {
  const refused = new Map();
  // `error: not added: ...` when every module was refused (exit 1), `note not added: ...` beside the others.
  for (const match of output.matchAll(/^\s*(?:note |error: )?not added: ([\w-]+): (.*)$/gm))
    refused.set(match[1], match[2]);
  const upToDate = [...output.matchAll(/^\s*up to date ([\w-]+):/gm)].map((match) => match[1]);
  // A run that refused everything (or crashed) wrote nothing: no module counts as added.
  const wroteSomething = /^\s*(?:create|update) /m.test(output);
  const added = wroteSomething
    ? requested.filter((name) => !refused.has(name) && !upToDate.includes(name))
    : [];
  return { added, refused, upToDate };
}
