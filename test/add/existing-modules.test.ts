import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { writeChanges } from '../../src/add/apply.js';
import { planModules, type AddPlan } from '../../src/add/index.js';
import { changed, project } from './small-project.js';

/**
 * Express apps whose security middleware lives in a module of their own, not the entry: a loader the entry
 * hands the app to (`app.use(cors())` in src/loaders/express.ts), or an express-rate-limit instance a module
 * exports and the entry mounts. `secure add` rewrites that module in place, so one answer remains, or refuses
 * with the place.
 */

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'express-modules');
const fixture = (name: string) => readFileSync(join(fixtures, name), 'utf8');

async function secondRunChangesNothing(root: string, plan: AddPlan, modules: string[]): Promise<void> {
  writeChanges(root, plan.changes);
  const again = await planModules(root, modules, { yes: true });
  expect(again.refused).toEqual([]);
  expect(again.changes).toEqual([]);
}

/** A TypeScript Express app in CommonJS with tsconfig's `@/*` paths, as bulletproof-nodejs and express-typescript-2024. */
function typescriptApp(files: Record<string, string>, dependencies: Record<string, string>) {
  return {
    'package.json': JSON.stringify({
      name: 'api',
      dependencies: { express: '4.21.2', ...dependencies },
      devDependencies: { typescript: '5.6.3', '@types/express': '4.17.21' },
    }),
    'tsconfig.json': JSON.stringify({
      compilerOptions: {
        target: 'es2022',
        module: 'commonjs',
        strict: true,
        esModuleInterop: true,
        baseUrl: '.',
        paths: { '@/*': ['src/*'] },
      },
    }),
    ...files,
  };
}

// The entry hands the app to loaders/index.ts, which hands it to loaders/express.ts (bulletproof-nodejs).
const loaderEntry = `import express from 'express';\n\nasync function startServer() {\n  const app = express();\n  await require('./loaders').default({ expressApp: app });\n  app.listen(3000);\n}\n\nstartServer();\n`;
const loaderIndex = `import expressLoader from './express';\n\nexport default async ({ expressApp }) => {\n  await expressLoader({ app: expressApp });\n};\n`;
const api = `import { Router } from 'express';\n\nexport default () => Router();\n`;

describe('secure add cors and headers over a loader the entry hands the app to', () => {
  it('replaces the loader’s cors() above the routes it registers, imports relative to the loader, and wires no second CORS', async () => {
    const root = project(
      typescriptApp(
        {
          'src/app.ts': loaderEntry,
          'src/loaders/index.ts': loaderIndex,
          'src/loaders/express.ts': fixture('loader-cors-typescript.input.ts'),
          'src/api/index.ts': api,
        },
        { cors: '2.8.5' },
      ),
    );
    const plan = await planModules(root, ['cors'], { yes: true });
    expect(plan.refused).toEqual([]);
    expect(changed(plan, 'src/loaders/express.ts')).toBe(fixture('loader-cors-typescript.output.ts'));
    expect(changed(plan, 'src/app.ts') ?? loaderEntry).not.toContain('corsMiddleware');
    expect(plan.notes.join('\n')).toContain(
      "cors: your cors registration (src/loaders/express.ts:11, in the loader src/app.ts hands the app to) now registers the generated security/cors with the policy's options, moved above the route at src/loaders/express.ts:6",
    );
    await secondRunChangesNothing(root, plan, ['cors']);
  });

  it('replaces helmet() in a CommonJS loader, in its style (require, no semicolons)', async () => {
    const root = project({
      'package.json': JSON.stringify({ name: 'api', dependencies: { express: '4.21.2', helmet: '8.1.0' } }),
      'app.js': `const express = require('express')\nconst loadExpress = require('./loaders/express')\n\nconst app = express()\nloadExpress(app)\nmodule.exports = app\n`,
      'loaders/express.js': fixture('loader-helmet-commonjs.input.js'),
    });
    const plan = await planModules(root, ['headers'], { yes: true });
    expect(plan.refused).toEqual([]);
    expect(changed(plan, 'loaders/express.js')).toBe(fixture('loader-helmet-commonjs.output.js'));
    expect(changed(plan, 'app.js') ?? '').not.toContain('securityHeaders');
    await secondRunChangesNothing(root, plan, ['headers']);
  });

  it('refuses headers when the entry also sets a security header by hand: the loader’s helmet is not the one answer', async () => {
    const root = project({
      'package.json': JSON.stringify({ name: 'api', dependencies: { express: '4.21.2', helmet: '8.1.0' } }),
      'app.js': `const express = require('express')\nconst loadExpress = require('./loaders/express')\n\nconst app = express()\napp.use((req, res, next) => { res.setHeader('X-Frame-Options', 'DENY'); next() })\nloadExpress(app)\nmodule.exports = app\n`,
      'loaders/express.js': fixture('loader-helmet-commonjs.input.js'),
    });
    const plan = await planModules(root, ['headers'], { yes: true });
    expect(plan.refused).toEqual([
      expect.objectContaining({
        generator: 'headers',
        reason: expect.stringContaining('helmet in loaders/express.js:2, headers set by hand in app.js:5'),
      }),
    ]);
    expect(changed(plan, 'loaders/express.js')).toBeUndefined();
  });

  const refusals: [string, Record<string, string>][] = [
    [
      'a loader no file of the app loads',
      {
        'src/app.ts': `import express from 'express';\n\nconst app = express();\napp.listen(3000);\n`,
        'src/loaders/express.ts': fixture('loader-cors-typescript.input.ts'),
        'src/api/index.ts': api,
      },
    ],
    [
      'a router, not the app, taking cors()',
      {
        'src/app.ts': `import express from 'express';\nimport routes from './routes';\n\nconst app = express();\napp.use('/api', routes(express.Router()));\n`,
        'src/routes.ts': `import { Router } from 'express';\nimport cors from 'cors';\n\nexport default (router: Router) => {\n  router.use(cors());\n  return router;\n};\n`,
      },
    ],
  ];
  for (const [situation, files] of refusals)
    it(`refuses ${situation}, naming the file and line, and writes nothing for cors`, async () => {
      const root = project(typescriptApp(files, { cors: '2.8.5' }));
      const plan = await planModules(root, ['cors'], { yes: true });
      expect(plan.refused).toEqual([
        expect.objectContaining({
          generator: 'cors',
          reason: expect.stringMatching(/cors in src\/\w+(\/\w+)?\.ts:2/),
        }),
      ]);
      expect(plan.changes.some((change) => change.path.startsWith('src/security/cors'))).toBe(false);
    });
});

// The entry mounts a limiter src/common/middleware/rateLimiter.ts exports (express-typescript-2024).
const limiterEntry = `import express from "express";\n\nimport rateLimiter from "@/common/middleware/rateLimiter";\nimport { userRouter } from "./users";\n\nconst app = express();\napp.use(express.json());\napp.use(rateLimiter);\napp.use("/users", userRouter);\n\nexport { app };\n`;
const envConfig = `export const env = { RATE_LIMIT_MAX_REQUESTS: 20, RATE_LIMIT_WINDOW_MS: 1000 };\n`;

describe("secure add rate-limit over a project module's express-rate-limit", () => {
  it('reconfigures the limiter the entry mounts app-wide in its own module, and adds no second one', async () => {
    const root = project(
      typescriptApp(
        {
          'src/server.ts': limiterEntry,
          'src/users.ts': `import { Router } from "express";\n\nexport const userRouter = Router();\n`,
          'src/common/middleware/rateLimiter.ts': fixture('limiter-module.input.ts'),
          'src/common/utils/envConfig.ts': envConfig,
        },
        { 'express-rate-limit': '7.5.0' },
      ),
    );
    const plan = await planModules(root, ['rate-limit'], { yes: true });
    expect(plan.refused).toEqual([]);
    expect(changed(plan, 'src/common/middleware/rateLimiter.ts')).toBe(fixture('limiter-module.output.ts'));
    expect(changed(plan, 'src/server.ts') ?? limiterEntry).not.toMatch(/rateLimiter\(\)/);
    expect(plan.notes.join('\n')).toContain(
      'rate-limit: your limiter `rateLimiter` (src/common/middleware/rateLimiter.ts:6), which src/server.ts:8 puts on every request, now takes the policy',
    );
    expect(plan.notes.join('\n')).toContain(
      '`env.RATE_LIMIT_MAX_REQUESTS`, `env.RATE_LIMIT_WINDOW_MS` no longer set its limit',
    );
    await secondRunChangesNothing(root, plan, ['rate-limit']);
  });

  const authRoutes = `import { Router } from "express";\nimport { loginLimiter } from "./limits";\n\nexport const userRouter = Router();\nuserRouter.post("/login", loginLimiter, (req, res) => res.end());\n`;
  const limits = `import rateLimit from "express-rate-limit";\n\nexport const loginLimiter = rateLimit({ windowMs: 60_000, limit: 5 });\n`;

  it("keeps a limiter on the login route as it is and adds the policy's for every request", async () => {
    const root = project(
      typescriptApp(
        {
          'src/server.ts': `import express from "express";\nimport { userRouter } from "./users";\n\nconst app = express();\napp.use("/users", userRouter);\n`,
          'src/users.ts': authRoutes,
          'src/limits.ts': limits,
        },
        { 'express-rate-limit': '7.5.0' },
      ),
    );
    const plan = await planModules(root, ['rate-limit'], { yes: true });
    expect(plan.refused).toEqual([]);
    expect(changed(plan, 'src/limits.ts')).toBeUndefined();
    expect(changed(plan, 'src/server.ts')).toContain(
      'app.use(rateLimiter());\napp.use("/users", userRouter);',
    );
    expect(plan.notes).toContain(
      "rate-limit: kept your limiters on some routes (`loginLimiter` (src/limits.ts:3)) and added the policy's limit for every request",
    );
    await secondRunChangesNothing(root, plan, ['rate-limit']);
  });

  it('refuses a limiter used in a way it cannot classify, naming where', async () => {
    const root = project(
      typescriptApp(
        {
          'src/server.ts': `import express from "express";\nimport { loginLimiter } from "./limits";\n\nconst app = express();\nconst guarded = [loginLimiter];\napp.use(guarded);\n`,
          'src/limits.ts': limits,
        },
        { 'express-rate-limit': '7.5.0' },
      ),
    );
    const plan = await planModules(root, ['rate-limit'], { yes: true });
    expect(plan.refused).toEqual([
      expect.objectContaining({
        generator: 'rate-limit',
        reason: expect.stringContaining(
          'your limiter `loginLimiter` (src/limits.ts:3) is used at src/server.ts:5, where secure add cannot tell',
        ),
      }),
    ]);
    expect(plan.changes).toEqual([]);
  });
});
