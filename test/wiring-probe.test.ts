import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { rulesPreset } from '../src/policy/index.js';
// @ts-expect-error: a plain .mjs script without type declarations
import { probeApp } from '../scripts/try-real/probe.mjs';
// @ts-expect-error: a plain .mjs script without type declarations
import { addOutcome, testCounts } from '../scripts/try-real/project-steps.mjs';

/**
 * The HTTP probes `npm run try-real add` runs against real wired apps decide the table's verdicts: an `ok` must
 * mean a browser and a client would see the policy, and every way an app can miss it must be named. Each case
 * is a small local server on 127.0.0.1 that gets one thing wrong.
 */

interface Behaviour {
  /** The headers every answer carries; defaults to the policy's. */
  headers?: Record<string, string>;
  /** Echo the allowed origin only (default) or answer `*` to everyone. */
  cors?: 'allowlist' | 'star';
  methods?: string;
  /** What a foreign Host gets. */
  foreignHost?: { status: number; body: string };
  /** Requests per client address before 429. */
  limit?: number;
}

const allowedOrigin = 'http://localhost:5173';
const policyHeaders = {
  'x-content-type-options': rulesPreset.headers.contentTypeOptions,
  'x-frame-options': rulesPreset.headers.frameOptions,
  'referrer-policy': rulesPreset.headers.referrerPolicy,
  'x-xss-protection': rulesPreset.headers.xssProtection,
  'content-security-policy': "default-src 'none'",
};

function handler(behaviour: Behaviour) {
  const counts = new Map<string, number>();
  return (request: IncomingMessage, response: ServerResponse) => {
    for (const [name, value] of Object.entries(behaviour.headers ?? policyHeaders))
      response.setHeader(name, value);
    const origin = request.headers.origin;
    if (behaviour.cors === 'star') response.setHeader('access-control-allow-origin', '*');
    else if (origin === allowedOrigin) {
      response.setHeader('access-control-allow-origin', origin);
      response.setHeader('access-control-allow-methods', behaviour.methods ?? 'GET,POST,PUT,DELETE');
    }
    if (!/^(127\.0\.0\.1|localhost)(:\d+)?$/.test(request.headers.host ?? '')) {
      const answer = behaviour.foreignHost ?? { status: 400, body: '{"error":"unknown host"}' };
      response.writeHead(answer.status).end(answer.body);
      return;
    }
    const address = request.socket.remoteAddress ?? '';
    const count = (counts.get(address) ?? 0) + 1;
    counts.set(address, count);
    if (count > (behaviour.limit ?? rulesPreset.rateLimit.max)) {
      response.writeHead(429).end('{"error":"too many requests"}');
      return;
    }
    response.writeHead(request.method === 'OPTIONS' ? 204 : 200).end('{"ok":true}');
  };
}

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function probe(behaviour: Behaviour) {
  server = createServer(handler(behaviour));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return probeApp(port, {
    route: '/',
    host: `127.0.0.1:${port}`,
    origin: allowedOrigin,
    policy: rulesPreset,
    preflightMethod: 'PUT',
  });
}

describe('try-real add: the HTTP probes of a wired app', () => {
  it('calls an app that answers as the policy says ok on all four', async () => {
    expect(await probe({})).toEqual({ headers: 'ok', origin: 'ok', host: 'ok', rateLimit: 'ok' });
  });

  it("names each header that is missing or not the policy's value", async () => {
    const { headers } = await probe({ headers: { 'x-frame-options': 'SAMEORIGIN' } });
    expect(headers).toContain('x-frame-options: SAMEORIGIN');
    expect(headers).toContain('x-content-type-options: missing');
    expect(headers).toContain('content-security-policy: missing');
  });

  it('reports `*` answered to a foreign origin, for the request and its preflight', async () => {
    const { origin } = await probe({ cors: 'star' });
    expect(origin).toContain('foreign origin got ACAO *');
    expect(origin).toContain('foreign preflight got ACAO *');
  });

  it("reports a preflight whose allowed methods miss the app's own PUT", async () => {
    const { origin } = await probe({ methods: 'GET,POST' });
    expect(origin).toBe('allowed preflight for PUT got methods "GET,POST"');
  });

  it('reports a foreign Host answered 500 with a stack trace', async () => {
    const body = 'Error: unknown host\n    at trustedHost (/srv/app/src/security/trusted-host.js:12:11)';
    const { host } = await probe({ foreignHost: { status: 500, body } });
    expect(host).toBe('foreign Host got 500; a stack trace in the body');
  });

  it('reports a limit reached before the policy number, and one never reached', async () => {
    expect((await probe({ limit: 40 })).rateLimit).toBe('429 already at request 41');
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    expect((await probe({ limit: 1000 })).rateLimit).toBe(`request ${rulesPreset.rateLimit.max + 1} got 200`);
  });
});

describe("try-real add: reading secure add's and the tests' output into the table", () => {
  const requested = ['config', 'cors', 'headers', 'ws-auth', 'docker'];

  it('counts as added what was written and not refused nor already there', () => {
    const output = [
      '  create src/security/config.js',
      '  update src/app.js',
      '  up to date docker: already added, nothing to change',
      '  note not added: headers: helmet 4.6.0 is installed and the generated code needs 7 or later',
      '  note not added: ws-auth: no WebSocket library (socket.io or ws) in package.json',
    ].join('\n');
    const outcome = addOutcome(output, requested);
    expect(outcome.added).toEqual(['config', 'cors']);
    expect([...outcome.refused.keys()]).toEqual(['headers', 'ws-auth']);
    expect(outcome.refused.get('headers')).toContain('helmet 4.6.0');
  });

  it('counts nothing as added when the run wrote nothing', () => {
    const output =
      'error: src/security/logger.ts: the change would add a TypeScript error; secure add wrote nothing';
    expect(addOutcome(output, requested).added).toEqual([]);
  });

  it("reads jest's, mocha's and vitest's closing counts", () => {
    expect(testCounts('Tests:       7 failed, 3 passed, 10 total')).toEqual({ passed: 3, failed: 7 });
    expect(testCounts('  12 passing (2s)\n  1 failing')).toEqual({ passed: 12, failed: 1 });
    expect(testCounts(' Tests  21 passed (21)')).toEqual({ passed: 21, failed: undefined });
  });
});
