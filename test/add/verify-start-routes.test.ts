import { describe, expect, it } from 'vitest';
import { routeToProbe } from '../../src/add/verify-start-routes.js';

/**
 * The route `--verify=start` asks for is one the app really serves, with the prefixes it is mounted under:
 * asking for `/status` when the app serves `/v1/status` reads the app's 404 as its answer. Each app below is
 * laid out as projects write it (a router in another file, a plugin with a prefix, a NestJS global prefix).
 */

const files = (entries: Record<string, string>) => new Map(Object.entries(entries));

describe('Express mounts', () => {
  it('adds the prefix a required router is mounted under (a folder with index.js)', () => {
    const app = files({
      'src/config/express.js': `const express = require('express');
const routes = require('../api/routes/v1');
const app = express();
app.use(express.json());
app.use('/v1', routes);
module.exports = app;
`,
      'src/api/routes/v1/index.js': `const express = require('express');
const router = express.Router();
router.get('/users/:id', (req, res) => res.json({}));
router.get('/status', (req, res) => res.send('OK'));
module.exports = router;
`,
    });
    expect(routeToProbe(app, 'src/config/express.js')).toBe('/v1/status');
  });

  it('follows routers mounted inside routers, and a `.route(path).get()` chain', () => {
    const app = files({
      'app.js': `const express = require('express');
const api = require('./routes');
const app = express();
app.use('/api/', api);
app.listen(3000);
`,
      'routes/index.js': `const { Router } = require('express');
const userRoutes = require('./users');
const router = Router();
router.use('/users', userRoutes);
module.exports = router;
`,
      'routes/users.js': `const router = require('express').Router();
router.route('/active').get(list).post(create);
module.exports = router;
`,
    });
    expect(routeToProbe(app, 'app.js')).toBe('/api/users/active');
  });

  it('reads an ES module import of a TypeScript file written with .js, and a router declared beside the app', () => {
    const app = files({
      'src/server.ts': `import express from 'express';
import { healthRouter } from './health/router.js';

const app = express();
const api = express.Router();
api.get('/orders', (_req, res) => res.json([]));
app.use('/api', api);
app.use('/health-check', healthRouter);
app.listen(8080);
`,
      'src/health/router.ts': `import { Router } from 'express';
export const healthRouter = Router();
healthRouter.get('/', (_req, res) => res.send('ok'));
`,
    });
    expect(routeToProbe(app, 'src/server.ts')).toBe('/api/orders');
  });

  it('reads a routes file that is handed the app: require("./routes")(app)', () => {
    const app = files({
      'index.js': `const express = require('express');
const app = express();
require('./routes')(app);
app.listen(3000);
`,
      'routes.js': `module.exports = (app) => {
  app.get('/ping', (req, res) => res.send('pong'));
};
`,
    });
    expect(routeToProbe(app, 'index.js')).toBe('/ping');
  });

  it('resolves an import through tsconfig paths (`@/api/...` for src/api/...)', () => {
    const app = files({
      'src/server.ts': `import express from 'express';
import { healthCheckRouter } from '@/api/healthCheck/healthCheckRouter';
const app = express();
app.use('/health-check', healthCheckRouter);
export { app };
`,
      'src/api/healthCheck/healthCheckRouter.ts': `import express, { type Router } from 'express';
export const healthCheckRouter: Router = express.Router();
healthCheckRouter.get('/', (_req, res) => res.json({ ok: true }));
`,
    });
    expect(routeToProbe(app, 'src/server.ts', { aliases: [{ pattern: '@/*', targets: ['src/*'] }] })).toBe(
      '/health-check',
    );
    // Without the alias the import is a package: nothing is guessed.
    expect(routeToProbe(app, 'src/server.ts')).toBe('/');
  });

  it('follows a loader handed the app in an object, and its routes on that app', () => {
    const app = files({
      'src/app.ts': `import express from 'express';
async function startServer() {
  const app = express();
  await require('./loaders').default({ expressApp: app });
  app.listen(3000);
}
`,
      'src/loaders/index.ts': `import expressLoader from './express';
export default async ({ expressApp }) => {
  await expressLoader({ app: expressApp });
};
`,
      'src/loaders/express.ts': `import routes from '../api';
import config from '../config';
export default ({ app }) => {
  app.use(config.api.prefix, routes());
  app.get('/status', (req, res) => res.status(200).end());
};
`,
      'src/api/index.ts': `export default () => { const app = Router(); app.get('/users/me', me); return app; };`,
      'src/config/index.ts': `export default { api: { prefix: '/api' } };`,
    });
    expect(routeToProbe(app, 'src/app.ts')).toBe('/status');
  });

  it('never guesses a prefix that is not a literal, nor a route in a file no mount reaches', () => {
    const app = files({
      'src/app.js': `const express = require('express');
const config = require('./config');
const routes = require('./api');
const app = express();
app.use(config.api.prefix, routes);
app.get('/status', (req, res) => res.end());
module.exports = app;
`,
      'src/api/index.js': `const router = require('express').Router();
router.get('/users', list);
module.exports = router;
`,
      'src/scripts/seed.js': `server.get('/', handler);`,
    });
    expect(routeToProbe(app, 'src/app.js')).toBe('/status');
  });

  it('asks for / when every route needs a parameter (the middleware still answers on the 404)', () => {
    const app = files({
      'app.js': `const app = require('express')();
app.get('/users/:id', show);
app.get('*', fallback);
`,
    });
    expect(routeToProbe(app, 'app.js')).toBe('/');
  });
});

describe('Fastify prefixes', () => {
  it('adds the prefix a plugin is registered with, through a router plugin registered without one', () => {
    const app = files({
      'src/app.ts': `import Fastify from 'fastify';
import router from './router';
const server = Fastify();
server.register(router);
export default server;
`,
      'src/router.ts': `import type { FastifyInstance } from 'fastify';
import userController from './controller/userController';
export default async function router(fastify: FastifyInstance) {
  fastify.register(userController, { prefix: '/api/v1/user' });
}
`,
      'src/controller/userController.ts': `import type { FastifyInstance } from 'fastify';
export default async function userController(fastify: FastifyInstance) {
  fastify.get('/', async () => ({ users: [] }));
}
`,
    });
    expect(routeToProbe(app, 'src/app.ts')).toBe('/api/v1/user');
  });

  it('gives an inline plugin its prefix, and keeps it apart from the app variable of the same name', () => {
    const app = files({
      'server.mjs': `import Fastify from 'fastify';
const fastify = Fastify();
fastify.register(async (fastify) => {
  fastify.get('/health', async () => ({ ok: true }));
}, { prefix: '/v2' });
fastify.register(import('./admin.mjs'), { prefix: '/admin' });
await fastify.listen({ port: 3000 });
`,
      'admin.mjs': `export default async function (app) { app.get('/stats', async () => ({})); }`,
    });
    expect(routeToProbe(app, 'server.mjs')).toBe('/v2/health');
  });

  it('picks / when a plugin registered under "/" serves it', () => {
    const app = files({
      'src/app.ts': `import Fastify from 'fastify';
import users from './users';
import index from './index-controller';
const app = Fastify();
app.register(users, { prefix: '/users' });
app.register(index, { prefix: '/' });
`,
      'src/users.ts': `export default async (f) => { f.get('/', async () => []); };`,
      'src/index-controller.ts': `export default async (f) => { f.get('/', async () => 'hello'); };`,
    });
    expect(routeToProbe(app, 'src/app.ts')).toBe('/');
  });
});

describe('NestJS global prefix', () => {
  const controller = (decorator: string, get: string) => `import { Controller, Get } from '@nestjs/common';
@Controller(${decorator})
export class UsersController {
  @Get(':id') one() { return {}; }
  @Get(${get}) list() { return []; }
}
`;

  it('adds setGlobalPrefix and the controller path to the method path', () => {
    const app = files({
      'src/main.ts': `const app = await NestFactory.create(AppModule);
app.setGlobalPrefix('api');
await app.listen(3000);
`,
      'src/users/users.controller.ts': controller("'users'", "'active'"),
    });
    expect(routeToProbe(app, 'src/main.ts', { nest: true })).toBe('/api/users/active');
  });

  it('adds the URI version a controller declares', () => {
    const app = files({
      'src/main.ts': `const app = await NestFactory.create(AppModule);
app.setGlobalPrefix('api');
app.enableVersioning({ type: VersioningType.URI });
`,
      'src/users/users.controller.ts': controller("{ path: 'users', version: '1' }", ''),
    });
    expect(routeToProbe(app, 'src/main.ts', { nest: true })).toBe('/api/v1/users');
  });

  it('with a prefix read from config, asks only for a route the prefix excludes', () => {
    const app = files({
      'src/main.ts': `const app = await NestFactory.create(AppModule);
app.setGlobalPrefix(configService.getOrThrow('app.apiPrefix'), { exclude: ['info'] });
`,
      'src/users/users.controller.ts': controller("'users'", "'active'"),
      'src/home/home.controller.ts': `@Controller()
export class HomeController {
  @Get('info') appInfo() { return {}; }
}
`,
    });
    expect(routeToProbe(app, 'src/main.ts', { nest: true })).toBe('/info');
    app.delete('src/home/home.controller.ts');
    // No route with a known path: / still runs every middleware.
    expect(routeToProbe(app, 'src/main.ts', { nest: true })).toBe('/');
  });
});
