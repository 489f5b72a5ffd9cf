import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { writeChanges } from '../../src/add/apply.js';
import { planModules } from '../../src/add/index.js';
import { rulesPreset } from '../../src/policy/index.js';
import { probe, startApp } from './http-probe.js';

/**
 * A fastify-cli app whose plugins/ register its own @fastify/cors, @fastify/helmet and @fastify/rate-limit
 * 10.3 (older than the 11.2 our pins name), after `secure add`, over real HTTP: the replaced plugins boot
 * (no "decorator already added"), and answer with the policy's headers, allowlist, host check and limit.
 */

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'fastify-autoload');
const fixture = (name: string) => readFileSync(join(fixtures, name), 'utf8');
const allowedOrigin = 'https://shop.example.com';
const host = { Host: '127.0.0.1' };
const slow = { timeout: 300_000 };
let root: string;

function write(path: string, text: string) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'secure-autoload-http-'));
  write(
    'package.json',
    JSON.stringify({
      name: 'shop-api',
      private: true,
      // What `fastify start app.js` does, without fastify-cli's install: the app as a fastify-plugin.
      scripts: { start: 'node start.js' },
      dependencies: {
        fastify: '5.6.2',
        '@fastify/autoload': '6.3.1',
        'fastify-plugin': '5.1.0',
        '@fastify/cors': '11.2.0',
        '@fastify/helmet': '13.0.2',
        '@fastify/rate-limit': '10.3.0',
      },
    }),
  );
  write('app.js', fixture('fastify-cli-app.input.js'));
  write('plugins/cors.js', fixture('cors-inline-require.input.js'));
  write('plugins/rate-limit.js', fixture('rate-limit.input.js'));
  write(
    'plugins/helmet.js',
    `'use strict'\n\nconst fp = require('fastify-plugin')\n\nmodule.exports = fp(async (fastify) => {\n  fastify.register(require('@fastify/helmet'), { contentSecurityPolicy: false })\n})\n`,
  );
  write(
    'routes/root.js',
    `'use strict'\n\nmodule.exports = async function (fastify) {\n  fastify.get('/', async () => ({ root: true }))\n}\n`,
  );
  write(
    'start.js',
    `'use strict'\n\nconst app = require('fastify')()\napp.register(require('fastify-plugin')(require('./app.js')))\napp.listen({ port: Number(process.env.PORT), host: '127.0.0.1' })\n`,
  );
  const plan = await planModules(root, ['cors', 'headers', 'trusted-host', 'rate-limit'], { yes: true });
  expect(plan.refused).toEqual([]);
  writeChanges(root, plan.changes);
  await execa('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: root });
}, 300_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

it(
  'boots with the replaced plugins and answers with the policy: headers, origin, host, 429',
  slow,
  async () => {
    const app = await startApp(root, {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'development',
      JWT_SECRET: randomBytes(48).toString('base64url'),
      CORS_ORIGINS: allowedOrigin,
      ALLOWED_HOSTS: '127.0.0.1',
      TRUST_PROXY: '0',
    });
    try {
      const allowed = await probe(app.port, '/', { headers: { ...host, Origin: allowedOrigin } });
      expect(allowed.status, app.output()).toBe(200);
      expect(allowed.headers['x-frame-options']).toBe('DENY');
      expect(allowed.headers['content-security-policy']).toContain("default-src 'none'");
      expect(allowed.headers['access-control-allow-origin']).toBe(allowedOrigin);
      // The plugin's own `credentials: true`, kept for the allowlisted origin.
      expect(allowed.headers['access-control-allow-credentials']).toBe('true');

      const foreignOrigin = await probe(app.port, '/', {
        headers: { ...host, Origin: 'https://evil.example' },
      });
      expect(foreignOrigin.headers['access-control-allow-origin']).toBeUndefined();

      const foreignHost = await probe(app.port, '/', { headers: { Host: 'evil.example' } });
      expect(foreignHost.status).toBe(400);

      const { max } = rulesPreset.rateLimit;
      let limited = allowed;
      for (let index = 0; index <= max && limited.status !== 429; index++)
        limited = await probe(app.port, '/', { headers: host });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(JSON.parse(limited.body)).toMatchObject({ error: 'too_many_requests' });
    } finally {
      await app.stop();
    }
  },
);
