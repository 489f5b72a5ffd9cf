import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { versionsFor } from '../../generators/versions.js';
import type { Framework, ProjectFacts } from '../../src/engine/generator.js';
import { renderGenerators } from '../../src/engine/render.js';
import { rulesPreset } from '../../src/policy/index.js';
import { probe, startApp } from './http-probe.js';
import { facts, moduleContext } from './module-context.js';

/**
 * The generated cors, trusted-host and rate-limit modules in existing apps that have their own error handler,
 * one answering 500 (with a stack) to every error it does not know, over real HTTP on the installed majors:
 * Express 4 and Fastify 4. One install for all the apps (2 cores are shared).
 */

const allowedOrigin = 'https://app.example.com';
const settings = `{ allowedHosts: ['127.0.0.1', 'localhost'], corsOrigins: ['${allowedOrigin}'] }`;
const express4 = facts({ expressMajor: 4, routeMethods: ['GET', 'PUT', 'DELETE'] });
const fastify4 = facts({ fastifyMajor: 4, routeMethods: ['GET', 'PUT', 'DELETE'] });
const pages = facts({ expressMajor: 4, html: true, routeMethods: ['GET', 'POST'] });

const withBcryptjs = facts({ expressMajor: 4, installed: { bcryptjs: '3.0.3' } });

const apps: Record<
  string,
  { framework: Framework; project: ProjectFacts; entry: string; modules?: string[] }
> = {
  'express4-auth': {
    framework: 'express',
    project: withBcryptjs,
    modules: ['config', 'logging', 'password', 'validation', 'auth'],
    entry: `import express from 'express';
import type { ErrorRequestHandler } from 'express';
import { createAuth, type UserRecord, type UserStore } from './security/auth-setup.js';
import { userIdOf } from './security/auth.js';

// The project's own users, behind the adapter the auth module asks for.
const users = new Map<string, UserRecord>();
const userStore: UserStore = {
  async findByEmail(email) {
    return [...users.values()].find((user) => user.email === email);
  },
  async findById(id) {
    return users.get(id);
  },
  async insert(user) {
    if ([...users.values()].some((other) => other.email === user.email)) return false;
    users.set(user.id, { ...user });
    return true;
  },
  async updatePasswordHash(id, passwordHash) {
    const user = users.get(id);
    if (user) user.passwordHash = passwordHash;
  },
};

const auth = createAuth({ users: userStore });
const app = express();
app.use(express.json());
app.use('/auth', auth.routes);
app.get('/', (_request, response) => {
  response.send('public');
});
app.get('/orders', auth.requireAuth, (request, response) => {
  response.json({ owner: userIdOf(request) });
});
// The project's own handler: it knows none of our errors and answers 500 with the stack.
const onError: ErrorRequestHandler = (error: Error, _request, response, _next) => {
  response.status(500).json({ message: error.message, stack: error.stack });
};
app.use(onError);
app.listen(Number(process.env.PORT), '127.0.0.1');
`,
  },
  'express4-api': {
    framework: 'express',
    project: express4,
    entry: `import express from 'express';
import type { ErrorRequestHandler } from 'express';
import { corsMiddleware } from './security/cors.js';
import { rateLimiter } from './security/rate-limit.js';
import { trustedHost } from './security/trusted-host.js';

const settings = ${settings};
const app = express();
app.use(trustedHost(settings));
app.use(corsMiddleware(settings));
app.use(rateLimiter());
app.get('/hello', (_request, response) => {
  response.json({ hello: 'world' });
});
app.put('/items/:id', (request, response) => {
  response.json({ id: request.params.id });
});
// The project's own handler: it knows none of our errors and answers 500 with the stack.
const onError: ErrorRequestHandler = (error: Error, _request, response, _next) => {
  response.status(500).json({ message: error.message, stack: error.stack });
};
app.use(onError);
app.listen(Number(process.env.PORT), '127.0.0.1');
`,
  },
  // An app whose own cors sent cookies: `secure add` keeps its credentials on, for the allowlist only.
  'express4-cookies': {
    framework: 'express',
    project: express4,
    entry: `import express from 'express';
import { corsMiddleware } from './security/cors.js';

const settings = ${settings};
const app = express();
app.use(corsMiddleware(settings, { credentials: true }));
app.get('/hello', (_request, response) => {
  response.json({ hello: 'world' });
});
app.listen(Number(process.env.PORT), '127.0.0.1');
`,
  },
  'express4-pages': {
    framework: 'express',
    project: pages,
    entry: `import express from 'express';
import { rateLimiter } from './security/rate-limit.js';

const app = express();
app.use(rateLimiter());
app.use('/assets', express.static('public'));
app.get('/hello', (_request, response) => {
  response.type('html').send('<h1>hello</h1>');
});
app.listen(Number(process.env.PORT), '127.0.0.1');
`,
  },
  'fastify4-api': {
    framework: 'fastify',
    project: fastify4,
    entry: `import Fastify from 'fastify';
import { corsAllowlist } from './security/cors.js';
import { rateLimiter } from './security/rate-limit.js';
import { trustedHost } from './security/trusted-host.js';

const settings = ${settings};
const app = Fastify();
app.register(trustedHost(settings));
app.register(corsAllowlist(settings));
app.register(rateLimiter());
app.get('/hello', async () => ({ hello: 'world' }));
app.put('/items/:id', async (request) => ({ id: (request.params as { id: string }).id }));
// The project's own handler: it knows none of our errors and answers 500 with the stack.
app.setErrorHandler(async (error, _request, reply) => reply.code(500).send({ message: error.message, stack: error.stack }));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
`,
  },
};

const slow = { timeout: 300_000 };
let root: string;

function write(path: string, text: string) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'secure-wired-modules-'));
  const expressPins = versionsFor({ project: express4, moduleSystem: 'esm', redis: false });
  const fastifyPins = versionsFor({ project: fastify4, moduleSystem: 'esm', redis: false });
  const pin = (pins: Record<string, string>, ...names: string[]) =>
    Object.fromEntries(names.map((name) => [name, pins[name]]));
  write(
    'package.json',
    JSON.stringify({
      name: 'wired-modules',
      private: true,
      type: 'module',
      scripts: { start: 'node dist/$APP/server.js' },
      dependencies: {
        ...pin(
          expressPins,
          'express',
          'cors',
          'express-rate-limit',
          'zod',
          'jose',
          'rate-limiter-flexible',
          'pino',
        ),
        bcryptjs: withBcryptjs.installed.bcryptjs,
        ...pin(fastifyPins, 'fastify', '@fastify/cors', '@fastify/rate-limit', 'fastify-plugin'),
      },
      devDependencies: pin(expressPins, '@types/express', '@types/cors', '@types/node'),
    }),
  );
  write('public/style.css', 'h1 { color: teal; }\n');
  for (const [name, { framework, project, entry, modules }] of Object.entries(apps)) {
    const rendered = renderGenerators(
      modules ?? ['config', 'cors', 'trusted-host', 'rate-limit'],
      moduleContext(framework, project),
      {
        srcDir: `src/${name}`,
      },
    );
    for (const file of rendered.values()) write(file.path, file.content);
    write(`src/${name}/server.ts`, entry);
  }
  write(
    'tsconfig.json',
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        esModuleInterop: true,
        skipLibCheck: true,
        outDir: 'dist',
        rootDir: 'src',
        types: ['node'],
      },
      include: ['src'],
    }),
  );
  await execa('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: root });
}, 300_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

it('the modules type-check against Express 4 and Fastify 4 types', slow, async () => {
  const tsc = await execa('node', [join(process.cwd(), 'node_modules/typescript/bin/tsc'), '-p', root], {
    reject: false,
  });
  expect(tsc.stdout, tsc.stdout).toBe('');
  expect(tsc.exitCode).toBe(0);
});

const host = { Host: '127.0.0.1' };
const { max } = rulesPreset.rateLimit;

describe.each(['express4-api', 'fastify4-api'])('%s with its own 500 error handler', (name) => {
  it(
    'boots, refuses a foreign Host with 400, lets PUT preflights through, answers 429 after the limit',
    slow,
    async () => {
      const app = await startApp(root, {
        APP: name,
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
      });
      try {
        const hello = await probe(app.port, '/hello', { headers: host });
        expect(hello.status, app.output()).toBe(200);

        const foreign = await probe(app.port, '/hello', { headers: { Host: 'evil.example' } });
        expect(foreign.status).toBe(400);
        expect(JSON.parse(foreign.body)).toMatchObject({ error: 'invalid_host' });
        expect(foreign.body).not.toContain('stack');

        for (const method of ['PUT', 'DELETE']) {
          const preflight = await probe(app.port, '/items/1', {
            method: 'OPTIONS',
            headers: { ...host, Origin: allowedOrigin, 'Access-Control-Request-Method': method },
          });
          expect(preflight.headers['access-control-allow-origin']).toBe(allowedOrigin);
          expect(String(preflight.headers['access-control-allow-methods'])).toContain(method);
        }

        let first429 = 0;
        let limited = hello;
        for (let index = 1; index <= max + 1 && first429 === 0; index++) {
          const response = await probe(app.port, '/hello', { headers: host });
          if (response.status === 429) {
            first429 = index;
            limited = response;
          } else expect(response.status).toBe(200);
        }
        // Up to 6 requests above were counted too (the start probe, /hello, the refusal, the preflights).
        expect(first429).toBeGreaterThan(max - 6);
        expect(limited.status).toBe(429);
        expect(JSON.parse(limited.body)).toMatchObject({ error: 'too_many_requests' });
        expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
        expect(limited.body).not.toContain('stack');
      } finally {
        await app.stop();
      }
    },
  );
});

it("credentials kept from the app's own cors go to allowlisted origins only", slow, async () => {
  const app = await startApp(root, {
    APP: 'express4-cookies',
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
  });
  try {
    const allowed = await probe(app.port, '/hello', { headers: { ...host, Origin: allowedOrigin } });
    expect(allowed.status, app.output()).toBe(200);
    expect(allowed.headers['access-control-allow-origin']).toBe(allowedOrigin);
    expect(allowed.headers['access-control-allow-credentials']).toBe('true');
    const foreign = await probe(app.port, '/hello', { headers: { ...host, Origin: 'https://evil.example' } });
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
  } finally {
    await app.stop();
  }
});

it('an HTML app: static assets never spend the budget, its pages still do', slow, async () => {
  const app = await startApp(root, {
    APP: 'express4-pages',
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
  });
  try {
    for (let index = 0; index < max + 5; index++) {
      const asset = await probe(app.port, '/assets/style.css', { headers: host });
      expect(asset.status, app.output()).toBe(200);
    }
    let first429 = 0;
    for (let index = 1; index <= max + 1 && first429 === 0; index++)
      if ((await probe(app.port, '/hello', { headers: host })).status === 429) first429 = index;
    expect(first429).toBeGreaterThan(max - 2);
  } finally {
    await app.stop();
  }
});

it(
  'auth in an existing app: its own user store plugged in, routes mounted, one route protected',
  slow,
  async () => {
    const env = {
      APP: 'express4-auth',
      JWT_SECRET: randomBytes(48).toString('base64url'),
      LOG_LEVEL: 'silent',
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
    };
    const app = await startApp(root, env);
    const json = { ...host, 'Content-Type': 'application/json' };
    const credentials = JSON.stringify({ email: 'ada@example.com', password: 'Correct-Horse-9-battery' });
    try {
      const registered = await probe(app.port, '/auth/register', {
        method: 'POST',
        headers: json,
        body: credentials,
      });
      expect(registered.status, registered.body + app.output()).toBe(201);
      const login = await probe(app.port, '/auth/login', {
        method: 'POST',
        headers: json,
        body: credentials,
      });
      expect(login.status, login.body).toBe(200);
      const { access_token: accessToken } = JSON.parse(login.body) as { access_token: string };

      const anonymous = await probe(app.port, '/orders', { headers: host });
      expect(anonymous.status).toBe(401);
      expect(JSON.parse(anonymous.body)).toEqual({ error: 'unauthorized' });
      expect(anonymous.headers['www-authenticate']).toBe('Bearer');
      const invalid = await probe(app.port, '/auth/login', {
        method: 'POST',
        headers: json,
        body: '{"email":1}',
      });
      expect(invalid.status).toBe(422);
      expect(invalid.body).not.toContain('stack');

      const orders = await probe(app.port, '/orders', {
        headers: { ...host, Authorization: `Bearer ${accessToken}` },
      });
      expect(orders.status).toBe(200);
      expect(JSON.parse(orders.body)).toEqual({ owner: expect.any(String) });
      expect((await probe(app.port, '/', { headers: host })).status).toBe(200);
    } finally {
      await app.stop();
    }
  },
);
