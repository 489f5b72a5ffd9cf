import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeChanges } from '../../src/add/apply.js';
import { detectProject } from '../../src/add/detect.js';
import { projectFacts, routeMethodsOf } from '../../src/add/facts.js';
import { planModules, type AddPlan } from '../../src/add/index.js';

/** `secure add` with the real generators on small projects shaped like the ones users have. */

function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'secure-add-existing-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const changed = (plan: AddPlan, path: string) => plan.changes.find((change) => change.path === path)?.after;
const paths = (plan: AddPlan) => plan.changes.map((change) => change.path);
const dependenciesOf = (plan: AddPlan) =>
  JSON.parse(changed(plan, 'package.json') ?? '{}') as {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };

const expressJs = (extra: Record<string, string> = {}) => ({
  dependencies: { express: '^4.21.2', ...extra },
});

describe('secure add: middleware the project already has', () => {
  it("replaces the app's own cors() and helmet() in place, and drops their now unused requires", async () => {
    const root = project({
      'package.json': JSON.stringify(expressJs({ cors: '^2.8.5', helmet: '^7.1.0' })),
      'app.js': `const express = require('express');\nconst cors = require('cors');\nconst helmet = require('helmet');\n\nconst app = express();\napp.use(express.json());\napp.use(cors());\napp.use(helmet());\napp.get('/items', (req, res) => res.json([]));\nmodule.exports = app;\n`,
    });
    const plan = await planModules(root, ['cors', 'headers'], { yes: true });
    const app = changed(plan, 'app.js')!;
    expect(app).not.toMatch(/\bcors\(\)|\bhelmet\(\)|require\('cors'\)|require\('helmet'\)/);
    // At the same place: after express.json(), before the routes, each once.
    expect(app).toContain(
      `app.use(express.json());\napp.use(corsMiddleware(settings));\napp.use(securityHeaders(settings));\napp.get('/items'`,
    );
    expect(app.match(/corsMiddleware\(/g)).toHaveLength(1);
    expect(app.match(/securityHeaders\(/g)).toHaveLength(1);
    expect(plan.notes.join('\n')).toMatch(/cors: replaced your `app\.use\(cors\(\)\);` \(app\.js:7\)/);
    // A second run changes nothing.
    writeChanges(root, plan.changes);
    const again = await planModules(root, ['cors', 'headers'], { yes: true });
    expect(again.changes).toEqual([]);
  });

  it("registers @fastify/cors once: the project's own registration becomes the allowlist", async () => {
    const root = project({
      'package.json': JSON.stringify({
        type: 'module',
        dependencies: { fastify: '^5.2.0', '@fastify/cors': '^11.0.0' },
      }),
      'tsconfig.json': '{}',
      'src/server.ts': `import Fastify from 'fastify';\nimport cors from '@fastify/cors';\n\nconst app = Fastify();\nawait app.register(cors, { origin: '*' });\napp.get('/items', async () => []);\nawait app.listen({ port: 3000 });\n`,
    });
    const plan = await planModules(root, ['cors'], { yes: true });
    const server = changed(plan, 'src/server.ts')!;
    expect(server).not.toContain(`from '@fastify/cors'`);
    expect(server.match(/app\.register\(/g)).toHaveLength(1);
    expect(server).toContain(`await app.register(corsAllowlist(settings));\napp.get('/items'`);
  });

  it('refuses rate-limit when the project limits requests itself, naming where, and adds nothing for it', async () => {
    const root = project({
      'package.json': JSON.stringify(expressJs({ 'express-rate-limit': '^7.4.0' })),
      'app.js': `const express = require('express');\nconst api = require('./routes/api');\nconst app = express();\napp.use('/api', api);\nmodule.exports = app;\n`,
      'routes/api.js': `const { Router } = require('express');\nconst { rateLimit } = require('express-rate-limit');\nconst router = Router();\nrouter.use(rateLimit({ windowMs: 60000, limit: 50 }));\nmodule.exports = router;\n`,
    });
    const plan = await planModules(root, ['rate-limit', 'headers'], { yes: true });
    expect(plan.refused).toEqual([
      {
        generator: 'rate-limit',
        reason: expect.stringContaining('express-rate-limit in routes/api.js:2'),
      },
    ]);
    expect(paths(plan)).not.toContain('security/rate-limit.js');
    expect(changed(plan, 'app.js')).not.toContain('rateLimiter');
    expect(changed(plan, 'app.js')).toContain('securityHeaders');
  });

  it("keeps the app's own helmet() when headers is dropped with config (zod 3.22 installed, the modules need 3.23)", async () => {
    const root = project({
      'package.json': JSON.stringify(expressJs({ helmet: '^7.1.0', zod: '3.22.4' })),
      'app.js': `const express = require('express');\nconst helmet = require('helmet');\n\nconst app = express();\napp.use(helmet());\nmodule.exports = app;\n`,
    });
    const plan = await planModules(root, ['headers'], { yes: true });
    expect(plan.refused).toEqual([
      {
        generator: 'config',
        reason: expect.stringMatching(/^zod 3\.22\.4 is installed .*zod 3\.23 or later/),
      },
      { generator: 'headers', reason: 'it needs config, which is not added' },
    ]);
    expect(changed(plan, 'app.js')).toBeUndefined();
    expect(plan.notes.join('\n')).not.toContain('replaced your');
  });

  it('refuses cors used on a single route rather than guessing what replaces it', async () => {
    const root = project({
      'package.json': JSON.stringify(expressJs({ cors: '^2.8.5' })),
      'app.js': `const express = require('express');\nconst cors = require('cors');\nconst app = express();\napp.get('/public', cors(), (req, res) => res.json({}));\nmodule.exports = app;\n`,
    });
    const plan = await planModules(root, ['cors'], { yes: true });
    expect(plan.refused.map((refusal) => refusal.generator)).toEqual(['cors']);
    expect(plan.refused[0].reason).toContain('cors in app.js:2');
    expect(paths(plan)).not.toContain('app.js');
  });

  it('replaces a cors that sends credentials by the allowlist, credentials kept (cookies only to CORS_ORIGINS)', async () => {
    const root = project({
      'package.json': JSON.stringify(expressJs({ cors: '^2.8.5' })),
      'app.js': `const express = require('express');\nconst cors = require('cors');\nconst app = express();\napp.use(cors({ origin: process.env.ORIGIN, credentials: true }));\nmodule.exports = app;\n`,
    });
    const plan = await planModules(root, ['cors'], { yes: true });
    expect(plan.refused).toEqual([]);
    const app = changed(plan, 'app.js')!;
    expect(app).toContain('app.use(corsMiddleware(settings, { credentials: true }));\nmodule.exports = app;');
    expect(app).not.toMatch(/require\('cors'\)|origin: process\.env\.ORIGIN/);
    expect(plan.notes.join('\n')).toContain('credentials (cookies) stay on, for those origins only');
    // A cors without credentials gets the allowlist as it is: credentials stay off.
    const plain = project({
      'package.json': JSON.stringify(expressJs({ cors: '^2.8.5' })),
      'app.js': `const express = require('express');\nconst cors = require('cors');\nconst app = express();\napp.use(cors({ origin: process.env.ORIGIN, credentials: false }));\nmodule.exports = app;\n`,
    });
    const plainPlan = await planModules(plain, ['cors'], { yes: true });
    expect(changed(plainPlan, 'app.js')).toContain('app.use(corsMiddleware(settings));');
  });

  it('refuses auth next to an existing JWT setup instead of adding a second auth system', async () => {
    const root = project({
      'package.json': JSON.stringify(expressJs({ 'express-jwt': '^8.4.1' })),
      'app.js': `const express = require('express');\nconst { expressjwt } = require('express-jwt');\nconst app = express();\napp.use(expressjwt({ secret: process.env.SECRET, algorithms: ['HS256'] }));\nmodule.exports = app;\n`,
    });
    const plan = await planModules(root, ['auth'], { yes: true });
    expect(plan.refused.map((refusal) => refusal.generator)).toEqual(['auth']);
    expect(plan.refused[0].reason).toContain('express-jwt in app.js:2');
  });
});

describe('secure add: installed versions', () => {
  const fastify4 = {
    'package.json': JSON.stringify({ type: 'module', dependencies: { fastify: '^4.28.1' } }),
    'tsconfig.json': '{}',
    'src/server.ts': `import Fastify from 'fastify';\n\nconst app = Fastify();\napp.get('/items', async () => []);\nawait app.listen({ port: 3000 });\n`,
  };

  it('gives a Fastify 4 app the plugin lines that run on Fastify 4, and tells the templates', async () => {
    const root = project(fastify4);
    const plan = await planModules(root, ['cors', 'headers', 'rate-limit'], { yes: true });
    expect(dependenciesOf(plan).dependencies).toMatchObject({
      '@fastify/cors': '9.0.1',
      '@fastify/helmet': '11.1.1',
      '@fastify/rate-limit': '9.1.0',
      'fastify-plugin': '4.5.1',
    });
    expect(projectFacts(detectProject(root)).fastifyMajor).toBe(4);
  });

  it('gives a CommonJS project the jose line that has a CommonJS build', async () => {
    const root = project({
      'package.json': JSON.stringify(expressJs()),
      'app.js': `const express = require('express');\nconst app = express();\nmodule.exports = app;\n`,
    });
    const plan = await planModules(root, ['auth'], { yes: true });
    expect(dependenciesOf(plan).dependencies?.jose).toMatch(/^5\./);
  });

  it('refuses rate-limit over an installed express-rate-limit 5 unless --upgrade, which moves it', async () => {
    const files = {
      'package.json': JSON.stringify(expressJs({ 'express-rate-limit': '^5.5.1' })),
      'app.js': `const express = require('express');\nconst app = express();\nmodule.exports = app;\n`,
    };
    const refused = await planModules(project(files), ['rate-limit'], { yes: true });
    expect(refused.refused).toEqual([
      {
        generator: 'rate-limit',
        reason: expect.stringMatching(/express-rate-limit 5\.5\.1 is installed .*pass --upgrade/),
      },
    ]);
    expect(changed(refused, 'app.js')).toBeUndefined();
    const upgraded = await planModules(project(files), ['rate-limit'], { yes: true, upgrade: true });
    expect(upgraded.refused).toEqual([]);
    expect(dependenciesOf(upgraded).dependencies?.['express-rate-limit']).toMatch(/^[7-9]\./);
    expect(changed(upgraded, 'app.js')).toContain('app.use(rateLimiter());');
  });

  it('pins from the one map: an installed express-rate-limit 6 keeps its API, a Node 18 project gets pino 9', async () => {
    const root = project({
      'package.json': JSON.stringify({
        engines: { node: '>=18' },
        ...expressJs({ 'express-rate-limit': '^6.7.0' }),
      }),
      'app.js': `const express = require('express');\nconst app = express();\nmodule.exports = app;\n`,
    });
    const plan = await planModules(root, ['rate-limit', 'logging'], { yes: true });
    expect(plan.refused).toEqual([]);
    expect(changed(plan, 'security/rate-limit.js')).toMatch(/\n\s+max,\n\s+standardHeaders: true,/);
    expect(dependenciesOf(plan).dependencies?.pino).toMatch(/^9\./);
  });

  it('refuses logging on TypeScript 4 (pino types do not parse there), naming the compiler and the way out', async () => {
    const root = project({
      'package.json': JSON.stringify({ ...expressJs(), devDependencies: { typescript: '4.0.3' } }),
      'tsconfig.json': '{}',
      'src/app.ts': `import express from 'express';\nconst app = express();\nexport default app;\n`,
    });
    const plan = await planModules(root, ['logging'], { yes: true });
    expect(plan.refused).toEqual([
      {
        generator: 'logging',
        reason: expect.stringMatching(
          /TypeScript 4\.0\.3, and the pino \S+ the module imports needs TypeScript 5/,
        ),
      },
    ]);
    expect(plan.changes).toEqual([]);
  });

  it('reads the lowest Node the project targets: engines, @types/node, .nvmrc, Dockerfile', () => {
    const root = project({
      'package.json': JSON.stringify({
        engines: { node: '>=18.0.0' },
        dependencies: { express: '^4.21.2' },
        devDependencies: { '@types/node': '^18.19.0' },
      }),
      '.nvmrc': 'v20.11.0\n',
      Dockerfile: 'FROM node:20-alpine AS build\nFROM node:20-alpine\n',
      'app.js': `const express = require('express');\nconst app = express();\n`,
    });
    expect(projectFacts(detectProject(root)).nodeMajor).toBe(18);
  });
});

describe('secure add: the project as it is written', () => {
  it('writes imports without `.js` in a CommonJS TypeScript project (ts-node resolves ./x)', async () => {
    const root = project({
      'package.json': JSON.stringify({
        dependencies: { express: '^4.21.2' },
        devDependencies: { 'ts-node': '^10.9.2' },
      }),
      'tsconfig.json': '{ "compilerOptions": { "module": "commonjs", "rootDir": "src" } }',
      'src/app.ts': `import express from 'express';\nimport { users } from './routes/users';\n\nconst app = express();\napp.use('/users', users);\nexport default app;\n`,
    });
    const plan = await planModules(root, ['headers'], { yes: true });
    expect(changed(plan, 'src/app.ts')).toContain(`import { securityHeaders } from './security/headers';`);
    expect(changed(plan, 'src/app.ts')).toMatch(
      /import \{ [^}]*\bsettings\b[^}]*\} from '\.\/security\/config';/,
    );
    for (const change of plan.changes.filter((each) => each.path.startsWith('src/security/')))
      expect(change.after, change.path).not.toMatch(/from '\.\.?\/[^']*\.js'/);
  });

  it('tells the templates about a server-rendered app and the methods its routes use', () => {
    const root = project({
      'package.json': JSON.stringify({ dependencies: { express: '^4.21.2', ejs: '^3.1.10' } }),
      'app.js': `const express = require('express');\nconst app = express();\napp.set('view engine', 'ejs');\napp.use(express.static('public'));\napp.get('/', (req, res) => res.render('index'));\napp.use('/items', require('./routes/items'));\n`,
      'routes/items.js': `const router = require('express').Router();\nrouter.put('/:id', (req, res) => res.end());\nrouter.route('/').get(list).delete(clear);\nmodule.exports = router;\n`,
    });
    const facts = projectFacts(detectProject(root));
    expect(facts.html).toBe(true);
    expect(facts.routeMethods).toEqual(['GET', 'PUT', 'DELETE']);
    expect(facts.installed.express).toBe('4.21.2');
  });

  it('reads no route methods from calls that are not routes', () => {
    expect(routeMethodsOf([`const v = cache.get(key);\nmap.delete(key);\nparams.get('page');\n`])).toEqual(
      [],
    );
  });

  it('skips ws-auth in an app without a WebSocket library, with the reason, asking nothing', async () => {
    const root = project({
      'package.json': JSON.stringify(expressJs()),
      'app.js': `const express = require('express');\nconst app = express();\nmodule.exports = app;\n`,
    });
    const plan = await planModules(root, ['ws-auth']);
    expect(plan.refused).toEqual([
      { generator: 'ws-auth', reason: expect.stringContaining('no WebSocket library') },
    ]);
    expect(dependenciesOf(plan).dependencies?.['socket.io']).toBeUndefined();
  });

  it('adds no @types packages to a JavaScript project', async () => {
    const root = project({
      'package.json': JSON.stringify(expressJs()),
      'app.js': `const express = require('express');\nconst app = express();\nmodule.exports = app;\n`,
    });
    const plan = await planModules(root, ['cors'], { yes: true });
    expect(Object.keys(dependenciesOf(plan).devDependencies ?? {})).toEqual([]);
  });
});

describe('secure add: finding the app', () => {
  const factory = `import fastify from 'fastify';\nimport { routes } from './routes';\n\nexport function build(opts = {}) {\n  const app = fastify(opts);\n  app.register(routes);\n  return app;\n}\n`;

  it('finds a Fastify app created in a factory function, detected and with --entry, and wires it there', async () => {
    const files = {
      'package.json': JSON.stringify({ dependencies: { fastify: '^5.2.0' } }),
      'tsconfig.json': '{}',
      'src/app.ts': factory,
      'src/server.ts': `import { build } from './app';\nbuild().listen({ port: 3000 });\n`,
    };
    expect(detectProject(project(files))).toMatchObject({ entry: 'src/app.ts', appName: 'app' });
    expect(detectProject(project(files), { entry: 'src/app.ts' })).toMatchObject({ appName: 'app' });
    const plan = await planModules(project(files), ['headers'], { yes: true, entry: 'src/app.ts' });
    expect(changed(plan, 'src/app.ts')).toContain(
      `  const app = fastify(opts);\n  app.register(securityHeaders(settings));\n  app.register(routes);\n`,
    );
  });

  it('names NestJS and NestFactory.create when no file creates the Nest app', async () => {
    const root = project({
      'package.json': JSON.stringify({
        dependencies: {
          '@nestjs/core': '^10.3.0',
          '@nestjs/platform-express': '^10.3.0',
          express: '^4.21.2',
        },
      }),
      'tsconfig.json': '{}',
      'src/main.ts': `import { NestFactory } from '@nestjs/core';\n`,
    });
    // NestJS on Express is wired (test/add/nest.test.ts); only its app must be found.
    await expect(planModules(root, ['cors'], { yes: true })).rejects.toThrow(
      /no file creating the NestJS app found: looked for `NestFactory\.create\(\.\.\.\)`/,
    );
  });
});

describe('secure add: config validated at start', () => {
  it('calls getSettings() above the app in the entry, bound above it, once', async () => {
    const root = project({
      'package.json': JSON.stringify(expressJs()),
      'app.js': `const express = require('express');\nconst app = express();\nconst items = require('./items');\napp.use('/items', items);\nmodule.exports = app;\n`,
    });
    const plan = await planModules(root, ['headers'], { yes: true });
    const app = changed(plan, 'app.js')!;
    expect(app).toMatch(
      /^const express = require\('express'\);\n(const \{ [^\n]+\n)*\ngetSettings\(\);\n\nconst app = express\(\);\n/,
    );
    expect(app.indexOf(`const { getSettings } = require('./security/config.js');`)).toBeLessThan(
      app.indexOf('getSettings();'),
    );
    writeChanges(root, plan.changes);
    expect((await planModules(root, ['headers'], { yes: true })).changes).toEqual([]);
  });

  it("calls getSettings() after the project's own dotenv load, which may read another file than .env", async () => {
    const root = project({
      'package.json': JSON.stringify(expressJs({ dotenv: '^16.4.5' })),
      'app.js': `const express = require('express');\nconst dotenv = require('dotenv');\n\n/** The app. */\nconst app = express();\ndotenv.config({ path: '.env.example' });\napp.get('/items', (req, res) => res.json([]));\nmodule.exports = app;\n`,
    });
    const plan = await planModules(root, ['headers'], { yes: true });
    const app = changed(plan, 'app.js')!;
    expect(app).toContain(
      `\nconst app = express();\napp.use(securityHeaders(settings));\ndotenv.config({ path: '.env.example' });\ngetSettings();\n\napp.get('/items'`,
    );
    expect(app.match(/getSettings\(\)/g)).toHaveLength(1);
    writeChanges(root, plan.changes);
    expect((await planModules(root, ['headers'], { yes: true })).changes).toEqual([]);
  });

  it('calls getSettings() after a legacy dotenv.load() (config() before dotenv 7), not after any other load()', async () => {
    const root = project({
      'package.json': JSON.stringify(expressJs({ dotenv: '^1.2.0' })),
      'app.js': `var express = require('express'),\n    dotenv = require('dotenv');\n\nvar app = express();\n\ndotenv.load();\ncache.load();\napp.get('/items', (req, res) => res.json([]));\nmodule.exports = app;\n`,
    });
    const plan = await planModules(root, ['headers'], { yes: true });
    const app = changed(plan, 'app.js')!;
    expect(app).toContain(`\ndotenv.load();\ngetSettings();\n\ncache.load();\n`);
    expect(app.match(/getSettings\(\)/g)).toHaveLength(1);
  });

  it('leaves a project that validates its settings already alone', async () => {
    const root = project({
      'package.json': JSON.stringify(expressJs()),
      'app.js': `const express = require('express');\nconst app = express();\nmodule.exports = app;\n`,
      'server.js': `const { getSettings } = require('./security/config.js');\nconst app = require('./app');\napp.listen(getSettings().port);\n`,
    });
    const plan = await planModules(root, ['headers'], { yes: true });
    expect(changed(plan, 'app.js')).not.toContain('getSettings');
  });
});
