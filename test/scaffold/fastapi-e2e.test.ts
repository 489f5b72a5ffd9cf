import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presets } from '../../src/policy/index.js';
import { pythonProjectDir, venvPython } from '../../src/scaffold/python.js';
import { appEnvironment, decodeJwt, freePort, probe, scaffoldApp, stopApp } from './generated-app.js';

/**
 * Scaffold `--framework fastapi` -> python3 -m venv + pip install (the scaffolder's own install step) -> the
 * app's own pytest suite -> `python -m app` -> probes over real HTTP. One app, one pip install: SQLite, or
 * PostgreSQL (and Redis) when .ci/services provides them. pip's cache is kept between runs.
 */
const policy = presets.rules;
const python = process.env.PYTHON ?? 'python3';
const pythonReady =
  spawnSync(python, ['-c', 'import sys, venv; assert sys.version_info >= (3, 11)'], { stdio: 'ignore' })
    .status === 0;
const skipReason = pythonReady ? '' : ` (skipped: ${python} 3.11+ with venv is not available)`;
const databaseUrl = process.env.TEST_DATABASE_URL;
const redisUrl = process.env.TEST_REDIS_URL;
const db = databaseUrl ? 'postgres' : 'sqlite';
// pip's own default (~/.cache/pip, HOME is passed on) unless CI names a cache to keep between runs.
const pipCache = process.env.PIP_CACHE_DIR;
const installTimeout = 15 * 60_000;

/** Python's own environment for the generated app: ours never leaks in (a stray VIRTUAL_ENV, PYTHONPATH). */
function pythonEnvironment(extra: Record<string, string | undefined> = {}) {
  return appEnvironment({
    PIP_CACHE_DIR: pipCache,
    PIP_DISABLE_PIP_VERSION_CHECK: '1',
    PYTHON: python,
    ...extra,
  });
}

/** Runs Python code with the app's interpreter (SQLAlchemy is there) to create or drop a scratch schema. */
async function postgresSchema(dir: string, action: 'create' | 'drop', schema: string) {
  const statement = action === 'create' ? `CREATE SCHEMA "${schema}"` : `DROP SCHEMA "${schema}" CASCADE`;
  const code = [
    'import re, sys, sqlalchemy',
    'url = re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", sys.argv[1])',
    'engine = sqlalchemy.create_engine(url)',
    'with engine.begin() as connection: connection.execute(sqlalchemy.text(sys.argv[2]))',
  ].join('\n');
  const result = await execa(venvPython(dir), ['-c', code, databaseUrl!, statement], { reject: false });
  if (result.exitCode !== 0) throw new Error(`${action} schema failed: ${result.stderr}`);
}

/** socket.io's connect over the Engine.IO polling transport: plain HTTP, so no client library is needed. */
async function socketConnect(port: number, token: string | undefined): Promise<string> {
  const base = `http://127.0.0.1:${port}/socket.io/?EIO=4&transport=polling`;
  const open = await (await fetch(base)).text();
  const { sid } = JSON.parse(open.slice(1)) as { sid: string };
  const auth = token ? JSON.stringify({ token }) : '';
  await fetch(`${base}&sid=${sid}`, {
    method: 'POST',
    body: `40${auth}`,
    headers: { 'Content-Type': 'text/plain' },
  });
  const answer = await (await fetch(`${base}&sid=${sid}`)).text();
  if (answer.startsWith('40')) return 'connected';
  if (answer.startsWith('44')) return (JSON.parse(answer.slice(2)) as { message: string }).message;
  return answer;
}

describe(`a scaffolded fastapi app (${db}${redisUrl && databaseUrl ? ', redis' : ''})${skipReason}`, () => {
  let dir = '';
  let app: { process: ResultPromise } | undefined;
  const schema = `fastapi_e2e_${randomBytes(6).toString('hex')}`;
  const withRedis = Boolean(databaseUrl && redisUrl);

  beforeAll(async () => {
    if (!pythonReady) return;
    const flags = ['--framework', 'fastapi', '--db', db, '--ws', 'socket.io', '--skip-git'];
    if (withRedis) flags.push('--redis');
    const scaffolded = await scaffoldApp('e2e-fastapi', flags, pythonEnvironment());
    dir = scaffolded.dir;
    console.log(`[e2e fastapi] scaffold + venv + pip install: ${scaffolded.seconds.toFixed(1)} s`);
  }, installTimeout);

  afterAll(async () => {
    await stopApp(app);
    if (dir && databaseUrl) await postgresSchema(dir, 'drop', schema).catch(() => undefined);
  });

  it.skipIf(!pythonReady)(
    'passes its own pytest suite',
    async () => {
      const result = await execa(venvPython(dir), ['-m', 'pytest', '-q', '-p', 'no:cacheprovider'], {
        cwd: join(dir, pythonProjectDir),
        env: pythonEnvironment({ TEST_DATABASE_URL: databaseUrl, TEST_REDIS_URL: redisUrl }),
        extendEnv: false,
        reject: false,
      });
      const passed = Number(/(\d+) passed/.exec(result.stdout)?.[1] ?? 0);
      console.log(`[e2e fastapi] the generated app's own tests: ${passed} passed`);
      expect(result.exitCode, result.stdout.slice(-4000)).toBe(0);
      expect(passed).toBeGreaterThanOrEqual(100);
    },
    600_000,
  );

  it.skipIf(!pythonReady)(
    'starts with python -m app and answers over HTTP',
    async () => {
      const port = await freePort();
      const env: Record<string, string> = {
        PORT: String(port),
        HOST: '127.0.0.1',
        ALLOWED_HOSTS: 'localhost,127.0.0.1',
        CORS_ORIGINS: 'https://app.example.com',
        LOG_LEVEL: 'WARNING',
      };
      if (databaseUrl) {
        await postgresSchema(dir, 'create', schema);
        env.DATABASE_URL = `${databaseUrl}?options=-csearch_path%3D${schema}`;
      }
      if (withRedis) env.REDIS_URL = redisUrl!;
      const child = execa(venvPython(dir), ['-m', 'app'], {
        cwd: join(dir, pythonProjectDir),
        env: pythonEnvironment(env),
        extendEnv: false,
        reject: false,
        detached: true,
      });
      app = { process: child };
      for (let attempt = 0; attempt < 150 && child.exitCode === null; attempt += 1) {
        const health = await probe(port, 'GET', '/health').catch(() => undefined);
        if (health) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(child.exitCode, 'the app exited before answering').toBeNull();

      const health = await probe(port, 'GET', '/health');
      expect(health.status).toBe(200);
      expect(health.headers['x-frame-options']).toBe('DENY');
      expect(health.headers['x-content-type-options']).toBe('nosniff');
      expect(health.headers['x-xss-protection']).toBe(policy.headers.xssProtection);
      expect(health.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(health.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(health.headers.server).toBeUndefined();

      const allowed = await probe(port, 'GET', '/health', { headers: { Origin: 'https://app.example.com' } });
      expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.com');
      expect(String(allowed.headers.vary)).toMatch(/origin/i);
      const evil = await probe(port, 'OPTIONS', '/auth/login', {
        headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' },
      });
      const badHost = await probe(port, 'GET', '/health', { headers: { Host: 'evil.example' } });
      expect(evil.headers['access-control-allow-origin']).toBeUndefined();
      expect(badHost.status).toBe(400);
      expect(badHost.headers['x-frame-options']).toBe('DENY');

      const credentials = { email: `e2e-${Date.now()}@example.com`, password: 'Correct-Horse-9' };
      const weak = await probe(port, 'POST', '/auth/register', {
        body: { email: credentials.email, password: 'tiny' },
      });
      const register = await probe(port, 'POST', '/auth/register', { body: credentials });
      const login = await probe(port, 'POST', '/auth/login', { body: credentials });
      expect(weak.status).toBe(422);
      expect(weak.json.error).toBe('validation_failed');
      expect(JSON.stringify(weak.json)).not.toContain('tiny');
      expect(register.status).toBe(201);
      expect(login.status).toBe(200);
      const access = decodeJwt(login.json.access_token);
      const refresh = decodeJwt(login.json.refresh_token);
      expect(access.header).toEqual({ alg: 'HS256', typ: 'at+jwt' });
      expect(refresh.header).toEqual({ alg: 'HS256', typ: 'refresh+jwt' });
      expect(access.payload.exp - access.payload.iat).toBe(policy.jwt.accessTokenMinutes * 60);
      expect(refresh.payload.exp - refresh.payload.iat).toBe(policy.jwt.refreshTokenDays * 86_400);

      const me = await probe(port, 'GET', '/users/me', {
        headers: { Authorization: `Bearer ${login.json.access_token}` },
      });
      const anonymous = await probe(port, 'GET', '/users/me');
      const withRefresh = await probe(port, 'GET', '/users/me', {
        headers: { Authorization: `Bearer ${login.json.refresh_token}` },
      });
      expect(me.status).toBe(200);
      expect(me.json.email).toBe(credentials.email);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers['www-authenticate']).toBe('Bearer');
      expect(withRefresh.status).toBe(401);

      // socket.io is served beside the API (its own requests are not rate limited by the API's middleware).
      expect(await socketConnect(port, login.json.access_token)).toBe('connected');
      expect(await socketConnect(port, undefined)).toBe('unauthorized');
      expect(await socketConnect(port, login.json.refresh_token)).toBe('unauthorized');

      // Counters may be shared (Redis) with the pytest run above: follow the budget the app reports.
      let last = await probe(port, 'GET', '/health');
      expect(Number(last.headers['ratelimit-limit'])).toBe(policy.rateLimit.max);
      for (let sent = 0; last.status === 200 && sent <= policy.rateLimit.max; sent += 1) {
        const remaining = Number(last.headers['ratelimit-remaining']);
        const next = await probe(port, 'GET', '/health');
        expect(next.status, `after ${remaining} remaining`).toBe(remaining === 0 ? 429 : 200);
        last = next;
      }
      const limited = last;
      expect(limited.status).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(limited.headers['x-frame-options']).toBe('DENY');
    },
    180_000,
  );
});
