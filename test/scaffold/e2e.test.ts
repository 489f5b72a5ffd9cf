import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResultPromise } from 'execa';
import { presets } from '../../src/policy/index.js';
import { repoRoot } from '../helpers/cli.js';
import {
  betterSqliteMirror,
  decodeJwt,
  freePort,
  passedTests,
  probe,
  rawProbe,
  requireFromApp,
  runScript,
  scaffoldApp,
  startApp,
  stopApp,
} from './generated-app.js';

/**
 * Scaffold -> install -> the app's own `npm test` -> build -> `npm start` -> probe over real HTTP, once per
 * framework whose templates exist. Slow (an npm install each), so one app per framework covers it all.
 */
const policy = presets.rules;
const frameworks = ['express', 'fastify'].filter((framework) =>
  existsSync(join(repoRoot, 'templates', 'app', framework, 'app.ts.hbs')),
);
const installTimeout = 15 * 60_000;

let mirror: Awaited<ReturnType<typeof betterSqliteMirror>>;
beforeAll(async () => {
  mirror = await betterSqliteMirror();
});
afterAll(() => mirror.close());

describe.each(frameworks)('a scaffolded %s app', (framework) => {
  let dir: string;
  let port: number;
  let app: { process: ResultPromise } | undefined;
  /** An access token the development start issued (signed with the JWT_SECRET in the app's .env). */
  let accessToken: string;

  beforeAll(async () => {
    const scaffolded = await scaffoldApp(
      `e2e-${framework}`,
      ['--framework', framework, '--db', 'sqlite', '--ws', 'socket.io', '--skip-git'],
      mirror.env,
    );
    dir = scaffolded.dir;
    console.log(`[e2e ${framework}] scaffold + install: ${scaffolded.seconds.toFixed(1)} s`);
  }, installTimeout);

  afterAll(async () => {
    await stopApp(app);
  });

  it('installs a native SQLite binding that loads', () => {
    const Database = requireFromApp(dir, 'better-sqlite3');
    expect(new Database(':memory:').prepare('select 1 as one').get()).toEqual({ one: 1 });
  });

  it('passes its own test suite', async () => {
    const result = await runScript(dir, 'test');
    const count = passedTests(result.stdout);
    console.log(`[e2e ${framework}] the generated app's own tests: ${count} passed`);
    expect(result.exitCode, result.stdout.slice(-3000)).toBe(0);
    expect(count).toBeGreaterThanOrEqual(60);
  }, 600_000);

  it('builds, starts with npm start and answers over HTTP', async () => {
    const build = await runScript(dir, 'build');
    expect(build.exitCode, build.stderr + build.stdout).toBe(0);
    port = await freePort();
    app = await startApp(dir, {
      PORT: String(port),
      HOST: '127.0.0.1',
      ALLOWED_HOSTS: 'localhost',
      CORS_ORIGINS: 'https://app.example.com',
      // info: the request log lines, which must never carry a token from the URL.
      LOG_LEVEL: 'info',
    });
    let requests = 1; // startApp's successful /health probe

    const health = await probe(port, 'GET', '/health');
    requests += 1;
    expect(health.status).toBe(200);
    expect(health.headers['x-frame-options']).toBe('DENY');
    expect(health.headers['x-content-type-options']).toBe('nosniff');
    expect(health.headers['x-xss-protection']).toBe(policy.headers.xssProtection);
    expect(health.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(health.headers['x-powered-by']).toBeUndefined();

    const allowed = await probe(port, 'GET', '/health', { headers: { Origin: 'https://app.example.com' } });
    const evil = await probe(port, 'OPTIONS', '/auth/login', {
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' },
    });
    const badHost = await probe(port, 'GET', '/health', { headers: { Host: 'evil.example' } });
    requests += 3;
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(String(allowed.headers.vary)).toMatch(/origin/i);
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    expect(badHost.status).toBe(400);

    const credentials = { email: `e2e-${Date.now()}@example.com`, password: 'Correct-Horse-9' };
    const register = await probe(port, 'POST', '/auth/register', { body: credentials });
    const login = await probe(port, 'POST', '/auth/login', { body: credentials });
    requests += 2;
    expect(register.status).toBe(201);
    expect(login.status).toBe(200);
    accessToken = login.json.access_token;
    const access = decodeJwt(login.json.access_token);
    const refresh = decodeJwt(login.json.refresh_token);
    expect(access.header).toEqual({ alg: 'HS256', typ: 'at+jwt' });
    expect(access.payload.exp - access.payload.iat).toBe(policy.jwt.accessTokenMinutes * 60);
    expect(refresh.payload.exp - refresh.payload.iat).toBe(policy.jwt.refreshTokenDays * 86_400);

    const me = await probe(port, 'GET', '/users/me', {
      headers: { Authorization: `Bearer ${login.json.access_token}` },
    });
    const anonymous = await probe(port, 'GET', '/users/me');
    requests += 2;
    expect(me.status).toBe(200);
    expect(me.json.email).toBe(credentials.email);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toBe('Bearer');

    const { io } = requireFromApp(dir, 'socket.io-client');
    const connect = (token: string | undefined) =>
      new Promise<string>((resolve) => {
        const socket = io(`http://localhost:${port}`, {
          auth: token ? { token } : {},
          transports: ['websocket'],
          reconnection: false,
        });
        socket.on('connect', () => (socket.close(), resolve('connected')));
        socket.on('connect_error', (error: Error) => (socket.close(), resolve(error.message)));
      });
    expect(await connect(login.json.access_token)).toBe('connected');
    expect(await connect(undefined)).toBe('unauthorized');
    expect(await connect(login.json.refresh_token)).toBe('unauthorized');

    // socket.io's long polling answers with the app's headers, inside its rate limit.
    const polling = await probe(port, 'GET', '/socket.io/?EIO=4&transport=polling');
    requests += 1;
    expect(polling.status).toBe(200);
    expect(polling.headers['x-content-type-options']).toBe('nosniff');
    expect(polling.headers['x-frame-options']).toBe('DENY');
    expect(polling.headers['content-security-policy']).toContain("frame-ancestors 'none'");

    // A token in the URL is refused, and never written to the log (grepped after the app stops).
    const urlToken = await probe(port, 'GET', `/users/me?access_token=${login.json.access_token}`);
    requests += 1;
    expect(urlToken.status).toBe(401);

    // 20 parallel wrong passwords for one account: at most the login limit is checked, the rest are 429.
    const guesses = await Promise.all(
      Array.from({ length: 20 }, () =>
        probe(port, 'POST', '/auth/login', { body: { ...credentials, password: 'Wrong-Horse-9' } }),
      ),
    );
    requests += 20;
    const checked = guesses.filter((guess) => guess.status === 401).length;
    expect(checked).toBeLessThanOrEqual(policy.rateLimit.login.maxFailures);
    expect(guesses.filter((guess) => guess.status === 429)).toHaveLength(20 - checked);

    // A 64 KB header: Node answers 431 itself, with the app's headers and JSON shape.
    const oversized = await rawProbe(
      port,
      `GET /users/me HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${'a'.repeat(64 * 1024)}\r\n\r\n`,
    );
    expect(oversized.status).toBe(431);
    expect(oversized.headers['x-content-type-options']).toBe('nosniff');
    expect(oversized.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(oversized.json).toEqual({
      error: 'request_header_fields_too_large',
      requestId: expect.any(String),
    });

    let limited;
    while (requests <= policy.rateLimit.max) {
      limited = await probe(port, 'GET', '/health');
      requests += 1;
      expect(limited.status).toBe(200);
    }
    limited = await probe(port, 'GET', '/health');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await probe(port, 'GET', '/socket.io/?EIO=4&transport=polling')).status).toBe(429);

    const running = app!;
    app = undefined;
    await stopApp(running);
    const { stdout } = await running.process;
    expect(stdout).toContain('access_token=****');
    for (const token of [login.json.access_token, login.json.refresh_token])
      expect(stdout).not.toContain(token);
  }, 180_000);

  it('refuses a production start from the app folder without its variables (.env is not read)', async () => {
    const start = await runScript(dir, 'start', { NODE_ENV: 'production', PORT: String(await freePort()) });
    expect(start.exitCode).not.toBe(0);
    const output = start.stderr + start.stdout;
    for (const variable of ['JWT_SECRET', 'DATABASE_URL', 'TRUST_PROXY']) expect(output).toContain(variable);
  }, 60_000);

  it('in production, a direct client forging X-Forwarded-For/-Proto gets neither a new budget nor HTTPS', async () => {
    port = await freePort();
    app = await startApp(dir, {
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      ALLOWED_HOSTS: 'localhost',
      CORS_ORIGINS: 'https://app.example.com',
      // The TLS proxy is elsewhere: this test connects directly from 127.0.0.1.
      TRUST_PROXY: '10.0.0.0/8',
      // The development secret, passed explicitly (production never reads .env): its tokens stay valid.
      JWT_SECRET: /^JWT_SECRET=(.+)$/m.exec(readFileSync(join(dir, '.env'), 'utf8'))![1],
      DATABASE_URL: join(mkdtempSync(join(tmpdir(), 'e2e-production-')), 'app.sqlite'),
      LOG_LEVEL: 'warn',
    });
    let requests = 1;
    const forged = (index: number) => ({
      'X-Forwarded-For': `198.51.${Math.floor(index / 250)}.${index % 250}`,
      'X-Forwarded-Proto': 'https',
    });
    const login = await probe(port, 'POST', '/auth/login', {
      headers: forged(0),
      body: { email: 'a@example.com', password: 'Correct-Horse-9' },
    });
    const health = await probe(port, 'GET', '/health', { headers: forged(1) });
    // The login was refused by the HTTPS check, before the rate limiter counted it.
    requests += 1;
    expect(login.status).toBe(403);
    expect(login.json.error).toBe('https_required');
    expect(health.status).toBe(200);
    expect(health.headers['strict-transport-security']).toBeUndefined();

    const { io } = requireFromApp(dir, 'socket.io-client');
    const plainSocket = await new Promise<string>((resolve) => {
      const socket = io(`http://localhost:${port}`, {
        auth: { token: accessToken },
        extraHeaders: forged(2),
        transports: ['websocket'],
        reconnection: false,
      });
      socket.on('connect', () => (socket.close(), resolve('connected')));
      socket.on('connect_error', (error: Error) => (socket.close(), resolve(error.message)));
    });
    // Refused by the HTTPS check (a token failure would say "unauthorized").
    expect(plainSocket).not.toBe('connected');
    expect(plainSocket).not.toBe('unauthorized');

    while (requests < policy.rateLimit.max) {
      expect((await probe(port, 'GET', '/health', { headers: forged(requests) })).status).toBe(200);
      requests += 1;
    }
    expect((await probe(port, 'GET', '/health', { headers: forged(requests) })).status).toBe(429);
  }, 120_000);
});

const databaseUrl = process.env.TEST_DATABASE_URL;
const redisUrl = process.env.TEST_REDIS_URL;
const variantReason =
  !databaseUrl || !redisUrl
    ? ` (skipped: ${!databaseUrl ? 'TEST_DATABASE_URL' : 'TEST_REDIS_URL'} is not set; .ci/services sets it in CI)`
    : '';

describe('a scaffolded express app on PostgreSQL and Redis, ws, preset asvs', () => {
  it.skipIf(variantReason !== '')(
    `passes its own test suite against the real services${variantReason}`,
    async () => {
      const scaffolded = await scaffoldApp('e2e-postgres-redis', [
        '--framework',
        'express',
        '--db',
        'postgres',
        '--redis',
        '--ws',
        'ws',
        '--preset',
        'asvs',
        '--skip-git',
      ]);
      const result = await runScript(scaffolded.dir, 'test', {
        TEST_DATABASE_URL: databaseUrl,
        TEST_REDIS_URL: redisUrl,
      });
      console.log(`[e2e postgres+redis] own tests: ${passedTests(result.stdout)} passed`);
      expect(result.exitCode, result.stdout.slice(-3000)).toBe(0);
      expect(passedTests(result.stdout)).toBeGreaterThanOrEqual(60);
    },
    installTimeout,
  );
});
