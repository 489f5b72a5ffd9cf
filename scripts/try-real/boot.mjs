import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { send } from './probe.mjs';

/**
 * Boots a real app as its own start command would, on a free loopback port, and waits until it answers HTTP.
 * Databases are not on this machine: `stubs` names installed packages (mongoose, connect-mongo...) that the
 * preload load-with-stubs.cjs replaces with inert stand-ins, so the app's own code and middleware run.
 */
const here = dirname(fileURLToPath(import.meta.url));
const stubLoader = join(here, 'load-with-stubs.cjs');

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Values for a local boot: never a real secret, only what lets the config validate. */
const localValues = (port) => ({
  NODE_ENV: 'development',
  PORT: String(port),
  JWT_SECRET: 'try-real-local-secret-0123456789abcdef0123456789',
  CORS_ORIGINS: 'http://localhost:5173',
  ALLOWED_HOSTS: 'localhost,127.0.0.1',
  TRUST_PROXY: '0',
  LOG_LEVEL: 'info',
  DATABASE_URL: 'data/app.sqlite',
});

/**
 * The environment the printed next steps name: every variable of .env.example, with its example value where it
 * has one and a local stand-in where it is blank (tools like dotenv-safe refuse blank values; `blank` says
 * which, '' for a copy of the list as it stands). The project's
 * own `env` (from add-projects.json) comes last: it says what this machine lacks (a database host...).
 */
export function bootEnv(root, port, projectEnv = {}, envFiles = [], { blank = 'try-real' } = {}) {
  const local = localValues(port);
  const env = {};
  for (const file of ['.env.example', ...envFiles]) {
    const example = join(root, file);
    if (!existsSync(example)) continue;
    for (const line of readFileSync(example, 'utf8').split(/\r?\n/)) {
      const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
      if (!match) continue;
      const value = match[2]
        .replace(/\s+#.*$/, '')
        .replace(/^(['"])(.*)\1$/, '$2')
        .trim();
      env[match[1]] ??= local[match[1]] ?? (value === '' ? blank : value);
    }
  }
  // `{port}` in a project's own value: an app that reads its port from another variable (FASTIFY_PORT).
  const own = Object.fromEntries(
    Object.entries(projectEnv).map(([name, value]) => [name, value.replaceAll('{port}', String(port))]),
  );
  return { ...env, ...local, ...own };
}

/**
 * The next steps say "set the variables listed in .env.example in .env": a project that refuses to start
 * without a .env file (dotenv + throw) gets one with those values, removed again when the app stops.
 */
function writeDotenv(root, env) {
  const file = join(root, '.env');
  if (existsSync(file)) return () => {};
  writeFileSync(
    file,
    Object.entries(env)
      .map(([name, value]) => `${name}=${value}\n`)
      .join(''),
  );
  return () => rmSync(file, { force: true });
}

/**
 * Starts `command` (argv) in `root` and resolves when GET `path` answers on `port`, or when the process exits,
 * or after `seconds`. Returns { status: 'answers' | 'exited N' | 'no answer in Ns', output, stop }.
 */
export async function bootApp(root, { command, env, port, stubs = [], path = '/', seconds = 90, binPath }) {
  const nodeOptions = [process.env.NODE_OPTIONS ?? '', stubs.length > 0 ? `--require ${stubLoader}` : '']
    .join(' ')
    .trim();
  const removeDotenv = writeDotenv(root, env);
  const child = spawn(command[0], command.slice(1), {
    cwd: root,
    detached: true,
    env: {
      ...process.env,
      CI: '1',
      NO_COLOR: '1',
      ...env,
      PATH: binPath ? `${binPath}:${process.env.PATH}` : process.env.PATH,
      NODE_OPTIONS: nodeOptions,
      TRY_REAL_STUBS: stubs.join(','),
    },
  });
  let output = '';
  let exited;
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  child.on('exit', (code, signal) => (exited = signal ? `exited ${signal}` : `exited ${code}`));
  const stop = async () => {
    removeDotenv();
    if (exited) return;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return;
    }
    for (let waited = 0; waited < 50 && !exited; waited += 1) await sleep(100);
    if (!exited)
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
  };
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (exited) {
      removeDotenv();
      return { status: exited, output: () => output, stop };
    }
    const answer = await send(port, { path, headers: { host: `127.0.0.1:${port}` } });
    if (!answer.error) return { status: 'answers', output: () => output, stop, first: answer };
    await sleep(500);
  }
  await stop();
  return { status: `no answer in ${seconds} s`, output: () => output, stop };
}
