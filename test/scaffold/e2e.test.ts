import { existsSync } from 'node:fs';
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
  }, 300_000);

  it('builds, starts with npm start and answers over HTTP', async () => {
    const build = await runScript(dir, 'build');
    expect(build.exitCode, build.stderr + build.stdout).toBe(0);
    port = await freePort();
    app = await startApp(dir, {
      PORT: String(port),
      HOST: '127.0.0.1',
      ALLOWED_HOSTS: 'localhost',
      CORS_ORIGINS: 'https://app.example.com',
      LOG_LEVEL: 'warn',
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

    let limited;
    while (requests <= policy.rateLimit.max) {
      limited = await probe(port, 'GET', '/health');
      requests += 1;
      expect(limited.status).toBe(200);
    }
    limited = await probe(port, 'GET', '/health');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  }, 180_000);
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
