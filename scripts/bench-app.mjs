#!/usr/bin/env node
/**
 * `npm run bench:app` (not in CI): what the security layers of a generated app cost under load. For Express
 * and Fastify, autocannon on loopback (50 connections, 20 s each) against a bare hello-world of the same
 * framework version, the generated app's /health, and its authenticated /users/me, all in the same run, so
 * the cost reads as ratios. The generated app's rate limit is raised for the run (in its copy only), or
 * every request after the 100th would be a cheap 429.
 *
 *   node scripts/bench-app.mjs [--seconds 20] [--connections 50] [--app express=DIR] [--app fastify=DIR]
 *
 * --app reuses an installed generated app (its folder is copied; node_modules linked); otherwise the app is
 * scaffolded and installed into a temp folder. autocannon is installed into a temp folder, pinned.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';

/* global fetch -- Node 20+ has fetch built in. */

const autocannonVersion = '9.0.0';
const root = join(new URL('.', import.meta.url).pathname, '..');
const { values: options } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    connections: { type: 'string', default: '50' },
    app: { type: 'string', multiple: true, default: [] },
  },
});
const seconds = Number(options.seconds);
const connections = Number(options.connections);
const reused = Object.fromEntries(options.app.map((pair) => pair.split('=')));
const work = mkdtempSync(join(tmpdir(), 'bench-app-'));

function loadAutocannon() {
  const folder = join(work, 'autocannon');
  mkdirSync(folder);
  writeFileSync(join(folder, 'package.json'), '{"private":true}');
  execFileSync(
    'npm',
    ['install', '--no-audit', '--no-fund', '--save-exact', `autocannon@${autocannonVersion}`],
    {
      cwd: folder,
      stdio: 'ignore',
    },
  );
  return createRequire(join(folder, 'package.json'))('autocannon');
}

/** The generated app in a folder of its own (a copy of --app, or freshly scaffolded), rate limit raised. */
function prepareApp(framework) {
  // Not named after the framework: npm refuses a package that depends on its own name.
  const dir = join(work, `bench-${framework}`);
  if (reused[framework]) {
    cpSync(reused[framework], dir, {
      recursive: true,
      filter: (source) => !/\/(node_modules|dist|data)$/.test(source),
    });
    symlinkSync(join(reused[framework], 'node_modules'), join(dir, 'node_modules'));
  } else {
    execFileSync(
      'node',
      [
        join(root, 'dist/src/bin/create-secure-app.js'),
        `bench-${framework}`,
        '--framework',
        framework,
        '--skip-git',
        '--yes',
      ],
      { cwd: work, stdio: 'inherit' },
    );
  }
  const configPath = join(dir, 'src/security/config.ts');
  const config = readFileSync(configPath, 'utf8');
  const raised = config.replace(/("rateLimit": \{\s*"max": )\d+/, '$11000000000');
  if (raised === config) throw new Error(`${configPath}: the rendered rate limit was not found`);
  writeFileSync(configPath, raised);
  execFileSync('npm', ['run', 'build'], { cwd: dir, stdio: 'ignore' });
  writeFileSync(join(dir, 'bare-hello.mjs'), bareHello(framework));
  return dir;
}

/** The framework alone, same version as the app's: one JSON route. */
function bareHello(framework) {
  if (framework === 'express') {
    return `import express from 'express';
const app = express();
app.get('/health', (_request, response) => response.json({ status: 'ok' }));
app.listen(Number(process.env.PORT), '127.0.0.1');
`;
  }
  return `import Fastify from 'fastify';
const app = Fastify();
app.get('/health', async () => ({ status: 'ok' }));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
`;
}

function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function start(dir, script, env) {
  const port = await freePort();
  const child = spawn('node', [script], {
    cwd: dir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let attempt = 0; attempt < 100; attempt += 1) {
    try {
      const response = await fetch(`http://localhost:${port}/health`);
      if (response.ok) return { port, stop: () => child.kill('SIGTERM') };
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  child.kill('SIGTERM');
  throw new Error(`${dir}: ${script} did not start`);
}

async function login(port) {
  const credentials = { email: `bench-${Date.now()}@example.com`, password: 'Correct-Horse-9' };
  const post = (path) =>
    fetch(`http://localhost:${port}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(credentials),
    });
  await post('/auth/register');
  const answer = await post('/auth/login');
  if (!answer.ok) throw new Error(`login failed: ${answer.status}`);
  return (await answer.json()).access_token;
}

function load(autocannon, port, path, headers = {}) {
  return new Promise((resolve, reject) => {
    autocannon(
      { url: `http://localhost:${port}${path}`, connections, duration: seconds, headers },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

const rows = [];
function record(framework, target, result) {
  rows.push({
    framework,
    target,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  });
  console.log(
    `${framework} ${target}: ${Math.round(result.requests.average)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms`,
  );
}

const autocannon = loadAutocannon();
// Development mode (production refuses plain HTTP, and the bench has no TLS proxy); logs at warn so the
// ratios measure the security layers, not log volume.
const appEnv = { ALLOWED_HOSTS: 'localhost', CORS_ORIGINS: 'https://app.example.com', LOG_LEVEL: 'warn' };
for (const framework of ['express', 'fastify']) {
  const dir = prepareApp(framework);
  const bare = await start(dir, 'bare-hello.mjs', {});
  record(framework, 'bare /health', await load(autocannon, bare.port, '/health'));
  bare.stop();
  const app = await start(dir, 'dist/server.js', appEnv);
  const token = await login(app.port);
  record(framework, 'app /health', await load(autocannon, app.port, '/health'));
  record(
    framework,
    'app /users/me',
    await load(autocannon, app.port, '/users/me', { Authorization: `Bearer ${token}` }),
  );
  app.stop();
}

const ratio = (value, base) => (base ? (value / base).toFixed(2) : 'n/a');
console.log(`\n${cpus().length} CPUs, ${connections} connections, ${seconds} s per target, loopback`);
console.log('framework | target | req/s | p50 ms | p99 ms | non-2xx | req/s ratio | p50 ratio | p99 ratio');
for (const row of rows) {
  const base = rows.find(
    (candidate) => candidate.framework === row.framework && candidate.target === 'bare /health',
  );
  console.log(
    [
      row.framework,
      row.target,
      Math.round(row.rps),
      row.p50,
      row.p99,
      row.non2xx + row.errors,
      ratio(row.rps, base.rps),
      ratio(row.p50, base.p50),
      ratio(row.p99, base.p99),
    ].join(' | '),
  );
}
rmSync(work, { recursive: true, force: true });
