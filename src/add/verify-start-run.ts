import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { connect, createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** What the app printed, kept short: the first error line is all a failure message shows. */
const keptOutput = 64 * 1024;

export interface RunningApp {
  child: ChildProcess;
  stderr(): string;
  /** Set once the process ended (code or signal). */
  exited(): string | undefined;
}

/** A port nothing listens on now, for the trial's PORT. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

/** Runs a script line as `npm run` would (node_modules/.bin first on the PATH), in its own process group. */
export function runScript(dir: string, line: string, env: NodeJS.ProcessEnv): RunningApp {
  const path = [join(dir, 'node_modules', '.bin'), env.PATH ?? process.env.PATH ?? ''].join(delimiter);
  const child = spawn('sh', ['-c', line], {
    cwd: dir,
    env: { ...env, PATH: path },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let exit: string | undefined;
  child.stdout?.resume();
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    if (stderr.length < keptOutput) stderr += chunk;
  });
  // The app runs in a group of its own, which Ctrl-C on `secure` does not reach: it is ended when we are.
  const killGroup = () => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  };
  process.once('exit', killGroup);
  child.on('exit', (code, signal) => {
    exit = signal ? `signal ${signal}` : `exit ${code}`;
    process.removeListener('exit', killGroup);
  });
  child.on('error', (error) => {
    exit = error.message;
    process.removeListener('exit', killGroup);
  });
  return { child, stderr: () => stderr, exited: () => exit };
}

/** Stops the app and whatever its script started (npm, nodemon, the server): the whole process group. */
export async function stopApp(app: RunningApp): Promise<void> {
  const group = app.child.pid;
  if (group === undefined || app.exited() !== undefined) return;
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-group, name);
    } catch {
      // The group is gone already.
    }
  };
  signal('SIGTERM');
  for (let waited = 0; waited < 3000 && app.exited() === undefined; waited += 100) await sleep(100);
  signal('SIGKILL');
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(1000);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

/** The address the app listens on (IPv4 or IPv6 loopback), once it does; undefined if it exited or timed out. */
export async function waitForListening(
  app: RunningApp,
  port: number,
  timeoutMs: number,
): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && app.exited() === undefined) {
    for (const host of ['127.0.0.1', '::1']) if (await accepts(host, port)) return host;
    await sleep(200);
  }
  return undefined;
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
}

export function get(host: string, port: number, path: string, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const call = request(
      { host, port, path, method: 'GET', headers: { host: `localhost:${port}` }, timeout: timeoutMs },
      (response) => {
        response.resume();
        resolve({ status: response.statusCode ?? 0, headers: response.headers });
      },
    );
    call.once('timeout', () => call.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    call.once('error', reject);
    call.end();
  });
}

/** Terminal colour codes (`\x1b[37m`), which some loggers print even into a pipe. */
const colourCode = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/**
 * The line of the app's stderr a person would read first: the error (`ReferenceError: ...`), not the code
 * frame Node prints above it nor a rule of `====` around a banner; else the first line printed. A line that
 * ends with a colon (`Missing environment variables:`) takes the next one along, which names what is missing.
 */
export function firstErrorLine(stderr: string): string | undefined {
  const lines = stderr
    .replace(colourCode, '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => /[\p{L}\p{N}]/u.test(line));
  const index = lines.findIndex((line) =>
    /^(?:Uncaught )?[A-Z]\w*(?:Error|Exception)\b|^\w*Error:|^error\b/i.test(line),
  );
  const at = index === -1 ? 0 : index;
  const line = lines[at];
  if (line === undefined) return undefined;
  return line.endsWith(':') && lines[at + 1] !== undefined ? `${line} ${lines[at + 1]}` : line;
}
