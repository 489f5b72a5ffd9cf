import { execa, type ResultPromise } from 'execa';
import { request } from 'node:http';
import { createServer } from 'node:net';

export interface ProbeResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request to 127.0.0.1 with any headers, Host included (fetch would not let us set it). */
export function probe(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string> } = {},
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
    req.end();
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

/** Runs the app's own start script and waits until it answers; the caller kills it. */
export async function startApp(
  root: string,
  env: Record<string, string>,
): Promise<{ port: number; process: ResultPromise; output: () => string }> {
  const port = await freePort();
  const child = execa('npm', ['start', '--silent'], {
    cwd: root,
    env: { ...env, PORT: String(port) },
    reject: false,
    all: true,
    stdin: 'ignore',
  });
  let output = '';
  child.all?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      await probe(port, '/', { headers: { Host: '127.0.0.1' } });
      return { port, process: child, output: () => output };
    } catch {
      if (Date.now() > deadline || child.exitCode !== null) {
        child.kill();
        throw new Error(`the app did not start on ${port}:\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
