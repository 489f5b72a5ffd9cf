import { execa, type ResultPromise } from 'execa';
import { createRequire } from 'node:module';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, copyFileSync } from 'node:fs';
import {
  createServer as createHttpServer,
  request as httpRequest,
  type IncomingHttpHeaders,
} from 'node:http';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBin, repoRoot } from '../helpers/cli.js';
import { versions } from '../../generators/versions.js';

/**
 * Helpers for the end-to-end tests: scaffold with the built bin, run the generated app's own scripts with a
 * clean environment (nothing of this test runner leaks into the app's vitest), and talk to it over HTTP.
 */
export function appEnvironment(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'npm_config_cache', 'LANG'];
  const env: Record<string, string> = { NO_COLOR: '1', CI: '1', npm_config_prefer_offline: 'true' };
  for (const name of keep) if (process.env[name]) env[name] = process.env[name]!;
  for (const [name, value] of Object.entries(extra)) if (value !== undefined) env[name] = value;
  return env;
}

/**
 * better-sqlite3 downloads its prebuilt binding from GitHub, which CI cannot reach, and then compiles for
 * minutes. This repository's own install already built the same version for this Node: serve that binary to
 * prebuild-install from 127.0.0.1 (its documented `npm_config_<package>_binary_host` mirror setting).
 */
export async function betterSqliteMirror(): Promise<{ env: Record<string, string>; close(): void }> {
  const rootPackage = join(repoRoot, 'node_modules', 'better-sqlite3');
  const binary = join(rootPackage, 'build', 'Release', 'better_sqlite3.node');
  const sameVersion =
    existsSync(binary) &&
    JSON.parse(readFileSync(join(rootPackage, 'package.json'), 'utf8')).version ===
      versions['better-sqlite3'];
  if (!sameVersion) return { env: {}, close: () => undefined };
  const staging = mkdtempSync(join(tmpdir(), 'csa-prebuild-'));
  mkdirSync(join(staging, 'build', 'Release'), { recursive: true });
  copyFileSync(binary, join(staging, 'build', 'Release', 'better_sqlite3.node'));
  const tarball = join(staging, 'prebuild.tar.gz');
  await execa('tar', ['-czf', tarball, '-C', staging, 'build']);
  const server = createHttpServer((request, response) => {
    if (!request.url?.endsWith('.tar.gz')) return void response.writeHead(404).end();
    response.writeHead(200, { 'Content-Type': 'application/gzip' });
    createReadStream(tarball).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    env: { npm_config_better_sqlite3_binary_host: `http://127.0.0.1:${port}` },
    close: () => server.close(),
  };
}

export async function scaffoldApp(name: string, flags: string[], env: Record<string, string> = {}) {
  const parent = mkdtempSync(join(tmpdir(), 'csa-e2e-'));
  const started = Date.now();
  const result = await execa('node', [createBin, name, ...flags], {
    cwd: parent,
    env: appEnvironment(env),
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
  });
  if (result.exitCode !== 0) throw new Error(`scaffolding failed:\n${result.stdout}\n${result.stderr}`);
  return { dir: join(parent, name), seconds: (Date.now() - started) / 1000, output: result.stdout };
}

export function runScript(dir: string, script: string, env: Record<string, string | undefined> = {}) {
  return execa('npm', ['run', script], {
    cwd: dir,
    env: appEnvironment(env),
    extendEnv: false,
    reject: false,
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Probe {
  status: number;
  headers: IncomingHttpHeaders;
  json: any;
}

export function probe(
  port: number,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: unknown } = {},
): Promise<Probe> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = { Host: 'localhost', ...options.headers };
  if (payload !== undefined) {
    headers['Content-Type'] = 'application/json';
    headers['Content-Length'] = String(Buffer.byteLength(payload));
  }
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: response.statusCode ?? 0, headers: response.headers, json });
      });
    });
    outgoing.on('error', reject);
    if (payload !== undefined) outgoing.write(payload);
    outgoing.end();
  });
}

/** Bytes straight to the socket (requests no HTTP client sends); the answer is parsed by hand. */
export function rawProbe(port: number, text: string): Promise<Probe> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', ...rest] = Buffer.concat(chunks).toString('utf8').split('\r\n\r\n');
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const headers: IncomingHttpHeaders = {};
      for (const line of headerLines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      let json: unknown;
      try {
        json = JSON.parse(rest.join('\r\n\r\n'));
      } catch {
        json = undefined;
      }
      resolve({ status: Number(statusLine.split(' ')[1] ?? 0), headers, json });
    });
    socket.end(text);
  });
}

/**
 * `npm start` in the background; resolves once /health answers. Wrapped in an object: an execa process is a
 * thenable, and returning it from an async function would wait for the process to exit.
 */
export async function startApp(
  dir: string,
  env: Record<string, string>,
): Promise<{ process: ResultPromise }> {
  // Its own process group: npm does not pass SIGTERM on to the node process it started (which would keep
  // the output pipes, and so this promise, open); stopApp signals the whole group.
  const child = execa('npm', ['start'], {
    cwd: dir,
    env: appEnvironment(env),
    extendEnv: false,
    reject: false,
    detached: true,
  });
  const port = Number(env.PORT);
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (child.exitCode !== null) break;
    try {
      if ((await probe(port, 'GET', '/health')).status === 200) return { process: child };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stopApp({ process: child });
  const result = await child;
  throw new Error(`the app did not start:\n${result.stdout}\n${result.stderr}`);
}

/** SIGTERM to npm and the app it started (the generated server shuts down cleanly on it). */
export async function stopApp(app: { process: ResultPromise } | undefined): Promise<void> {
  if (!app?.process.pid) return;
  try {
    process.kill(-app.process.pid, 'SIGTERM');
  } catch {
    // already gone
  }
  await app.process;
}

export function decodeJwt(token: string): { header: any; payload: any } {
  const [header, payload] = token
    .split('.')
    .slice(0, 2)
    .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')));
  return { header, payload };
}

/** A package from the generated app's own node_modules (socket.io-client), so this repo needs no copy. */
export function requireFromApp(dir: string, name: string): any {
  return createRequire(join(dir, 'package.json'))(name);
}

/** "Tests  83 passed (83)" from a vitest run (piped with NO_COLOR, so plain text). */
export function passedTests(output: string): number {
  const match = /Tests\s+(\d+) passed/.exec(output);
  return match ? Number(match[1]) : 0;
}
