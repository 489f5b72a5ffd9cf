import { execa, type ResultPromise } from 'execa';
import { request } from 'node:http';
import { createServer } from 'node:net';

export interface ProbeResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request to 127.0.0.1 with any headers, Host included (fetch would not let us set it), and a body. */
export function probe(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<ProbeResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: options.headers,
        agent: false,
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
        );
      },
    );
    req.on('error', reject);
    req.setTimeout(5_000, () => req.destroy(new Error(`${path}: no answer in 5 s`)));
    req.end(options.body);
  });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** SIGTERM to npm and the node process it started: npm does not pass the signal on, so the group gets it. */
async function stopGroup(child: ResultPromise): Promise<void> {
  if (!child.pid) return;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    // already gone
  }
  await child;
}

/** Runs the app's own start script and waits until it answers; the caller stops it. */
export async function startApp(
  root: string,
  env: Record<string, string>,
): Promise<{ port: number; process: ResultPromise; output: () => string; stop: () => Promise<void> }> {
  const port = await freePort();
  // Its own process group, so that stop() reaches the server npm started, not only npm.
  const child = execa('npm', ['start', '--silent'], {
    cwd: root,
    env: { ...env, PORT: String(port) },
    reject: false,
    all: true,
    stdin: 'ignore',
    detached: true,
  });
  let output = '';
  child.all?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      await probe(port, '/', { headers: { Host: '127.0.0.1' } });
      return { port, process: child, output: () => output, stop: () => stopGroup(child) };
    } catch {
      if (Date.now() > deadline || child.exitCode !== null) {
        await stopGroup(child);
        throw new Error(`the app did not start on ${port}:\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
