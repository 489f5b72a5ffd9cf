#!/usr/bin/env node
// `npm run demo`: scaffold a demo API (express, sqlite) into a temp folder, install it, start it, probe it over
// HTTP, stop it; the same for a FastAPI app (when python3 is there); then run `secure check` on examples/legacy-api and examples/legacy-fastapi. Uses the built bins in dist/ (npm run demo builds).
import { execa } from 'execa';
import { copyFileSync, createReadStream, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const createBin = join(root, 'dist', 'src', 'bin', 'create-secure-app.js');
const secureBin = join(root, 'dist', 'src', 'bin', 'secure.js');
const legacyApp = join(root, 'examples', 'legacy-api');
// A legacy FastAPI service with one violation per rule that reads Python.
const legacyFastApi = join(root, 'examples', 'legacy-fastapi');
const summary = [];

const step = (text) => console.log(`\n▶ ${text}`);
const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function call(port, method, path, body, headers = {}) {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const allHeaders = { Host: 'localhost', ...headers };
  if (payload)
    Object.assign(allHeaders, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(payload),
    });
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port, method, path, headers: allHeaders }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => {
        let json;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: response.statusCode, headers: response.headers, json });
      });
    });
    outgoing.on('error', reject);
    if (payload) outgoing.write(payload);
    outgoing.end();
  });
}

async function waitForHealth(port, child) {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (child.exitCode !== null) break;
    try {
      if ((await call(port, 'GET', '/health')).status === 200) return;
    } catch {
      // not listening yet
    }
    await delay(200);
  }
  throw new Error('the demo app did not start');
}

const decode = (token) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));

/**
 * better-sqlite3 fetches a prebuilt binding from GitHub and compiles for minutes when it cannot. This checkout
 * already built the same version for this Node (npm ci): offer that binary to prebuild-install on 127.0.0.1
 * through its `npm_config_better_sqlite3_binary_host` mirror setting.
 */
async function localBetterSqliteMirror(workspace) {
  const binary = join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  if (!existsSync(binary)) return { env: {}, close: () => undefined };
  const staging = join(workspace, 'prebuild');
  mkdirSync(join(staging, 'build', 'Release'), { recursive: true });
  copyFileSync(binary, join(staging, 'build', 'Release', 'better_sqlite3.node'));
  const tarball = join(workspace, 'better-sqlite3-prebuild.tar.gz');
  await execa('tar', ['-czf', tarball, '-C', staging, 'build']);
  const server = createHttpServer((req, res) => {
    if (!req.url?.endsWith('.tar.gz')) return void res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': 'application/gzip' });
    createReadStream(tarball).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    env: { npm_config_better_sqlite3_binary_host: `http://127.0.0.1:${server.address().port}` },
    close: () => server.close(),
  };
}

const pythonReady = () =>
  execa('python3', ['-c', 'import sys, venv; assert sys.version_info >= (3, 11)'], { reject: false }).then(
    (result) => result.exitCode === 0,
  );

/** The same walk for `--framework fastapi`: venv + pip install by the scaffolder, `python -m app`, probes. */
async function demoFastApi(workspace) {
  step('create-secure-app demo-fastapi --framework fastapi --db sqlite --ws socket.io --skip-git');
  if (!(await pythonReady())) {
    summary.push('FastAPI: skipped (python3 3.11+ with venv is not installed)');
    return;
  }
  let started = Date.now();
  await execa(
    'node',
    [
      createBin,
      'demo-fastapi',
      '--framework',
      'fastapi',
      '--db',
      'sqlite',
      '--ws',
      'socket.io',
      '--skip-git',
    ],
    { cwd: workspace, stdio: 'inherit', env: { CI: '1' } },
  );
  summary.push(`FastAPI: scaffolded, created backend/.venv and pip-installed in ${seconds(started)}`);

  step('backend/.venv/bin/python -m app');
  started = Date.now();
  const backend = join(workspace, 'demo-fastapi', 'backend');
  const port = await freePort();
  const server = execa(join(backend, '.venv', 'bin', 'python'), ['-m', 'app'], {
    cwd: backend,
    detached: true,
    env: { PORT: String(port), HOST: '127.0.0.1', ALLOWED_HOSTS: 'localhost', LOG_LEVEL: 'WARNING' },
    reject: false,
    stdout: 'inherit',
    stderr: 'inherit',
  });
  try {
    await waitForHealth(port, server);
    summary.push(`FastAPI: started on port ${port} in ${seconds(started)}`);
    const credentials = { email: 'demo@example.com', password: 'Correct-Horse-9' };
    const health = await call(port, 'GET', '/health');
    const weak = await call(port, 'POST', '/auth/register', { ...credentials, password: 'weak' });
    const register = await call(port, 'POST', '/auth/register', credentials);
    const login = await call(port, 'POST', '/auth/login', credentials);
    const me = await call(port, 'GET', '/users/me', undefined, {
      Authorization: `Bearer ${login.json.access_token}`,
    });
    const anonymous = await call(port, 'GET', '/users/me');
    const evilHost = await call(port, 'GET', '/health', undefined, { Host: 'evil.example' });
    const access = decode(login.json.access_token);
    console.log(`GET /health -> ${health.status}; X-Frame-Options ${health.headers['x-frame-options']}`);
    console.log(
      `POST /auth/register with a weak password -> ${weak.status}; a strong one -> ${register.status}`,
    );
    console.log(
      `POST /auth/login -> ${login.status}; access token lives ${(access.exp - access.iat) / 60} min`,
    );
    console.log(`GET /users/me -> ${me.status} with the token, ${anonymous.status} without`);
    console.log(`GET /health with Host: evil.example -> ${evilHost.status}`);
    const flowOk =
      health.status === 200 &&
      weak.status === 422 &&
      register.status === 201 &&
      login.status === 200 &&
      me.status === 200 &&
      anonymous.status === 401 &&
      evilHost.status === 400;
    summary.push(
      `FastAPI HTTP probe: ${flowOk ? 'health, 422 on a weak password, register, login, /users/me, 401 and Host check all as expected' : 'UNEXPECTED ANSWERS (see above)'}`,
    );
    if (!flowOk) process.exitCode = 1;
  } finally {
    try {
      process.kill(-server.pid, 'SIGTERM');
    } catch {
      // already stopped
    }
    await server;
  }
}

async function main() {
  const workspace = mkdtempSync(join(tmpdir(), 'secure-demo-'));
  const mirror = await localBetterSqliteMirror(workspace);
  const app = join(workspace, 'demo-api');
  let server;
  try {
    try {
      step('create-secure-app demo-api --framework express --db sqlite --ws socket.io --skip-git');
      let started = Date.now();
      await execa(
        'node',
        [
          createBin,
          'demo-api',
          '--framework',
          'express',
          '--db',
          'sqlite',
          '--ws',
          'socket.io',
          '--skip-git',
        ],
        {
          cwd: workspace,
          stdio: 'inherit',
          env: { CI: '1', ...mirror.env },
        },
      );
      summary.push(`scaffolded and installed ${app} in ${seconds(started)}`);

      step('npm run build && npm start');
      started = Date.now();
      await execa('npm', ['run', 'build'], { cwd: app, stdio: 'inherit' });
      const port = await freePort();
      // Its own process group: npm does not pass SIGTERM on to the node process it started.
      server = execa('npm', ['start'], {
        cwd: app,
        detached: true,
        env: { PORT: String(port), HOST: '127.0.0.1', ALLOWED_HOSTS: 'localhost', LOG_LEVEL: 'warn' },
        reject: false,
        stdout: 'inherit',
        stderr: 'inherit',
      });
      await waitForHealth(port, server);
      summary.push(`built and started on port ${port} in ${seconds(started)}`);

      step('probing it over HTTP');
      const health = await call(port, 'GET', '/health');
      console.log(
        `GET /health -> ${health.status}; X-Frame-Options ${health.headers['x-frame-options']}; CSP ${health.headers['content-security-policy']}`,
      );
      const credentials = { email: 'demo@example.com', password: 'Correct-Horse-9' };
      const register = await call(port, 'POST', '/auth/register', credentials);
      const login = await call(port, 'POST', '/auth/login', credentials);
      const me = await call(port, 'GET', '/users/me', undefined, {
        Authorization: `Bearer ${login.json.access_token}`,
      });
      const anonymous = await call(port, 'GET', '/users/me');
      const evilHost = await call(port, 'GET', '/health', undefined, { Host: 'evil.example' });
      const access = decode(login.json.access_token);
      const refresh = decode(login.json.refresh_token);
      console.log(`POST /auth/register -> ${register.status}`);
      console.log(
        `POST /auth/login -> ${login.status}; access token lives ${(access.exp - access.iat) / 60} min, refresh ${(refresh.exp - refresh.iat) / 86400} days`,
      );
      console.log(`GET /users/me with the token -> ${me.status} ${JSON.stringify(me.json)}`);
      console.log(
        `GET /users/me without a token -> ${anonymous.status} (WWW-Authenticate: ${anonymous.headers['www-authenticate']})`,
      );
      console.log(`GET /health with Host: evil.example -> ${evilHost.status}`);
      const flowOk =
        health.status === 200 &&
        register.status === 201 &&
        login.status === 200 &&
        me.status === 200 &&
        anonymous.status === 401 &&
        evilHost.status === 400;
      summary.push(
        `HTTP probe: ${flowOk ? 'health, register, login, /users/me, 401 and Host check all as expected' : 'UNEXPECTED ANSWERS (see above)'}`,
      );
      if (!flowOk) process.exitCode = 1;
    } finally {
      if (server) {
        try {
          process.kill(-server.pid, 'SIGTERM');
        } catch {
          // already stopped
        }
        await server;
        summary.push('stopped the demo app');
      }
      mirror.close();
    }
    await demoFastApi(workspace);
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }

  for (const [name, path] of [
    ['examples/legacy-api', legacyApp],
    ['examples/legacy-fastapi', legacyFastApi],
  ]) {
    step(`secure check ${name}`);
    if (!existsSync(path)) {
      summary.push(`secure check: skipped (${name} is not in this checkout)`);
      continue;
    }
    const check = await execa('node', [secureBin, 'check', path], { reject: false, stdio: 'inherit' });
    summary.push(
      `secure check ${name}: exit ${check.exitCode} (${check.exitCode === 1 ? 'findings reported, as expected for a legacy app' : check.exitCode === 0 ? 'no findings' : 'error'})`,
    );
  }

  console.log('\nSummary');
  for (const line of summary) console.log(`  • ${line}`);
}

main().catch((error) => {
  console.error(`demo failed: ${error instanceof Error ? error.message : error}`);
  for (const line of summary) console.error(`  • ${line}`);
  process.exit(1);
});
