import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { it, expect } from 'vitest';
import { addModules } from '../../src/add/index.js';
import { generatorSource } from '../../src/add/registry.js';
import { probe, startApp } from './http-probe.js';
import { makeProject } from './projects.js';

const extra: Record<string, any> = {
  cors: {
    module: 'security/cors',
    imports: ['corsAllowlist'],
    statement: 'app.register(corsAllowlist(settings));',
    position: 'before-routes',
  },
  headers: {
    module: 'security/headers',
    imports: ['securityHeaders'],
    statement: 'app.register(securityHeaders(settings));',
    position: 'before-routes',
  },
  'trusted-host': {
    module: 'security/trusted-host',
    imports: ['trustedHost'],
    statement: 'app.register(trustedHost(settings));',
    position: 'before-routes',
  },
  'rate-limit': {
    module: 'security/rate-limit',
    imports: ['rateLimiter'],
    statement: 'app.register(rateLimiter());',
    position: 'before-routes',
  },
};
const source = {
  ...generatorSource,
  generators: generatorSource.generators.map((g) =>
    extra[g.name] ? { ...g, wiring: { ...g.wiring, fastify: extra[g.name] } } : g,
  ),
};

it('fastify', async () => {
  const root = await makeProject('fastify5-esm');
  const result = await addModules(root, ['headers', 'trusted-host', 'cors', 'rate-limit', 'auth'], {
    yes: true,
    source,
  });
  console.log(result.notes, (await execa('git', ['diff', 'src'], { cwd: root })).stdout);
  await execa('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: root });
  const tc = await execa('npx', ['tsc', '--noEmit'], { cwd: root, reject: false });
  console.log(tc.stdout);
  await execa('npm', ['run', 'build', '--silent'], { cwd: root, reject: false });
  const app = await startApp(root, {
    NODE_ENV: 'development',
    JWT_SECRET: randomBytes(48).toString('base64url'),
    CORS_ORIGINS: 'https://app.example.com',
    ALLOWED_HOSTS: '127.0.0.1',
    PATH: process.env.PATH!,
    HOME: process.env.HOME!,
  });
  try {
    const r = await probe(app.port, '/hello', {
      headers: { Host: '127.0.0.1', Origin: 'https://app.example.com' },
    });
    console.log(r.status, r.body, r.headers);
    console.log((await probe(app.port, '/hello', { headers: { Host: 'evil.example' } })).status);
  } finally {
    app.process.kill();
  }
  expect(tc.exitCode).toBe(0);
});
