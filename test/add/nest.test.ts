import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeChanges } from '../../src/add/apply.js';
import { detectProject } from '../../src/add/detect.js';
import { planModules, type AddPlan } from '../../src/add/index.js';

/** `secure add` on NestJS apps (and the frameworks it does not wire), written as `nest new` lays them out. */

function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'secure-add-nest-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const changed = (plan: AddPlan, path: string) => plan.changes.find((change) => change.path === path)?.after;
const dependenciesOf = (plan: AddPlan) =>
  (JSON.parse(changed(plan, 'package.json') ?? '{}') as { dependencies?: Record<string, string> })
    .dependencies ?? {};
const allModules = ['cors', 'headers', 'trusted-host', 'rate-limit', 'config'];

function nestApp(
  main: string,
  extra: Record<string, string> = {},
  dependencies: Record<string, string> = {},
) {
  return project({
    'package.json': JSON.stringify({
      name: 'nest-api',
      dependencies: {
        '@nestjs/common': '^11.0.17',
        '@nestjs/core': '^11.0.1',
        '@nestjs/platform-express': '^11.1.11',
        ...dependencies,
      },
      devDependencies: { typescript: '^5.7.3', '@types/express': '^5.0.0' },
    }),
    'tsconfig.json':
      '{ "compilerOptions": { "module": "commonjs", "target": "ES2021", "outDir": "./dist" } }',
    'src/main.ts': main,
    'src/app.module.ts': `import { Module } from '@nestjs/common';\nimport { AppController } from './app.controller';\n\n@Module({ controllers: [AppController] })\nexport class AppModule {}\n`,
    'src/app.controller.ts': `import { Controller, Get } from '@nestjs/common';\n\n@Controller()\nexport class AppController {\n  @Get()\n  getHello(): string {\n    return 'Hello World!';\n  }\n}\n`,
    ...extra,
  });
}

const starterMain = `import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';

async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  await app.listen(process.env.PORT ?? 3000);
}
bootstrap();
`;

describe('secure add on NestJS (Express adapter)', () => {
  it('finds the app NestFactory.create makes in bootstrap() and wires every module between it and listen', async () => {
    const root = nestApp(starterMain);
    expect(detectProject(root)).toMatchObject({
      entry: 'src/main.ts',
      appName: 'app',
      framework: 'express',
      nest: { major: 11 },
    });
    const plan = await planModules(root, allModules, { yes: true });
    expect(plan.refused).toEqual([]);
    expect(changed(plan, 'src/main.ts')).toBe(`import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { getSettings, settings } from './security/config';
import { corsOptions } from './security/cors';
import { securityHeaders } from './security/headers';
import { trustedHost } from './security/trusted-host';
import { rateLimiter } from './security/rate-limit';

async function bootstrap() {
  getSettings();
  const app = await NestFactory.create(AppModule);
  app.enableCors(corsOptions(settings));
  app.use(securityHeaders(settings));
  app.use(trustedHost(settings));
  app.use(rateLimiter());
  await app.listen(process.env.PORT ?? 3000);
}
bootstrap();
`);
    // CORS is Nest's own enableCors, given the allowlist: no Express cors middleware, no cors package to add.
    const cors = changed(plan, 'src/security/cors.ts')!;
    expect(cors).toContain('export function corsOptions(');
    expect(cors).toContain('origin: [...settings.corsOrigins]');
    expect(cors).not.toContain('corsMiddleware');
    const added = Object.keys(dependenciesOf(plan)).filter((name) => !name.startsWith('@nestjs/'));
    expect(added.sort()).toEqual(['express-rate-limit', 'helmet', 'zod']);
    // A second run changes nothing.
    writeChanges(root, plan.changes);
    const again = await planModules(root, allModules, { yes: true });
    expect(again.changes).toEqual([]);
    expect(again.notes.filter((note) => note.includes('replaced'))).toEqual([]);
  });

  it('finds create<NestExpressApplication>() at the top level too, and allows the methods of @Put/@Delete handlers', async () => {
    const root = nestApp(
      `import { NestFactory } from '@nestjs/core';\nimport type { NestExpressApplication } from '@nestjs/platform-express';\nimport { AppModule } from './app.module';\n\nconst app = await NestFactory.create<NestExpressApplication>(AppModule);\nawait app.listen(3000);\n`,
      {
        'src/items.controller.ts': `import { Controller, Delete, Put } from '@nestjs/common';\n\n@Controller('items')\nexport class ItemsController {\n  @Put(':id')\n  update() {}\n\n  @Delete(':id')\n  remove() {}\n}\n`,
      },
    );
    const plan = await planModules(root, ['cors'], { yes: true });
    expect(changed(plan, 'src/main.ts')).toContain(
      `const app = await NestFactory.create<NestExpressApplication>(AppModule);\napp.enableCors(corsOptions(settings));\nawait app.listen(3000);`,
    );
    expect(changed(plan, 'src/security/cors.ts')).toContain(`methods: ['GET', 'POST', 'PUT', 'DELETE']`);
  });
});

describe("secure add on NestJS: the app's own answers", () => {
  it('takes `cors: true` out of the create options and gives CORS one answer, the allowlist', async () => {
    const root = nestApp(`import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';

async function bootstrap() {
  const app = await NestFactory.create(AppModule, { cors: true });
  await app.listen(3000);
}
bootstrap();
`);
    const plan = await planModules(root, ['cors'], { yes: true });
    const main = changed(plan, 'src/main.ts')!;
    expect(main).toContain(
      `  const app = await NestFactory.create(AppModule);\n  app.enableCors(corsOptions(settings));\n`,
    );
    expect(main).not.toContain('cors: true');
    expect(plan.notes).toContain(
      "cors: replaced your `cors: true` (src/main.ts:5) with the policy's; the allowlist comes from CORS_ORIGINS (comma-separated exact origins; while it is empty, no other origin may call)",
    );
  });

  it('keeps the other create options when it takes out `cors`', async () => {
    const root = nestApp(`import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';

async function bootstrap() {
  const app = await NestFactory.create(AppModule, {
    cors: true,
    bodyParser: true,
  });
  await app.listen(3000);
}
bootstrap();
`);
    const main = changed(await planModules(root, ['cors'], { yes: true }), 'src/main.ts')!;
    expect(main).toContain(
      `  const app = await NestFactory.create(AppModule, {\n    bodyParser: true,\n  });\n  app.enableCors(corsOptions(settings));\n`,
    );
  });

  it("replaces the app's app.enableCors() and app.use(helmet()) in place, dropping helmet's unused import", async () => {
    const root = nestApp(
      `import { NestFactory } from '@nestjs/core';
import helmet from 'helmet';
import { AppModule } from './app.module';

async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  app.setGlobalPrefix('api');
  app.enableCors();
  app.use(helmet());
  await app.listen(3000);
}
bootstrap();
`,
      {},
      { helmet: '^8.0.0' },
    );
    const plan = await planModules(root, ['cors', 'headers'], { yes: true });
    const main = changed(plan, 'src/main.ts')!;
    expect(main).toContain(
      `  app.setGlobalPrefix('api');\n  app.enableCors(corsOptions(settings));\n  app.use(securityHeaders(settings));\n  await app.listen(3000);`,
    );
    expect(main).not.toMatch(/enableCors\(\)|helmet\(\)|from 'helmet'/);
    expect(main.match(/enableCors\(/g)).toHaveLength(1);
  });

  it('refuses cors when the app sends credentials cross-origin, and adds the rest', async () => {
    const root = nestApp(`import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';

async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  app.enableCors({ origin: ['https://app.example.com'], credentials: true });
  await app.listen(3000);
}
bootstrap();
`);
    const plan = await planModules(root, ['cors', 'headers'], { yes: true });
    expect(plan.refused.map(({ generator }) => generator)).toEqual(['cors']);
    expect(plan.refused[0].reason).toMatch(/credentials \(cookies\) cross-origin \(src\/main\.ts:6\)/);
    const main = changed(plan, 'src/main.ts')!;
    expect(main).toContain('credentials: true');
    expect(main).toContain('app.use(securityHeaders(settings));');
    expect(changed(plan, 'src/security/cors.ts')).toBeUndefined();
  });

  it('refuses cors when another bootstrap switches it on too (a hot-reload main)', async () => {
    const root = nestApp(starterMain, {
      'src/main.hmr.ts': `import { NestFactory } from '@nestjs/core';\nimport { AppModule } from './app.module';\n\nasync function bootstrap() {\n  const app = await NestFactory.create(AppModule, {\n    cors: true,\n  });\n  await app.listen(3000);\n}\nbootstrap();\n`,
    });
    const plan = await planModules(root, ['cors'], { yes: true });
    expect(plan.refused).toEqual([
      {
        generator: 'cors',
        reason:
          'the app already answers CORS (src/main.hmr.ts:6): keep one `app.enableCors()` in src/main.ts and run again to replace it',
      },
    ]);
  });

  // Its own ThrottlerModule.forRoot is reconfigured in place: nest-throttler.test.ts.
  it('refuses rate-limit beside @nestjs/throttler set up where it cannot see, naming where it is imported', async () => {
    const root = nestApp(
      starterMain,
      {
        'src/app.module.ts': `import { Module } from '@nestjs/common';\nimport { ThrottlerGuard } from '@nestjs/throttler';\n\n@Module({ providers: [ThrottlerGuard] })\nexport class AppModule {}\n`,
      },
      { '@nestjs/throttler': '^6.0.0' },
    );
    const plan = await planModules(root, ['rate-limit', 'headers'], { yes: true });
    expect(plan.refused).toEqual([
      {
        generator: 'rate-limit',
        reason:
          'the app already limits requests with @nestjs/throttler (src/app.module.ts:2): keep it, or remove it and run again to use the policy limiter',
      },
    ]);
    expect(changed(plan, 'src/main.ts')).not.toContain('rateLimiter');
    expect(dependenciesOf(plan)).not.toHaveProperty('express-rate-limit');
  });
});

describe('secure add auth on NestJS', () => {
  it('is refused beside @nestjs/jwt, which already signs the tokens', async () => {
    const root = nestApp(starterMain, {}, { '@nestjs/jwt': '^11.0.0' });
    const plan = await planModules(root, ['auth'], { yes: true });
    expect(plan.refused.map(({ generator }) => generator)).toEqual(['auth']);
    expect(plan.refused[0].reason).toMatch(/already signs or verifies JWTs with @nestjs\/jwt/);
  });

  it('says how to mount the routes the Nest way: their own body parser, and routes guarded in configure()', async () => {
    const plan = await planModules(nestApp(starterMain), ['auth'], { yes: true });
    expect(plan.notes.join('\n')).toContain("app.use('/auth', json(), auth.routes)");
    expect(plan.notes.join('\n')).toContain('consumer.apply(auth.requireAuth)');
  });
});

describe('secure add on NestJS: pages the API CSP would break', () => {
  it('refuses headers when the app serves Swagger UI, naming where, and wires the rest', async () => {
    const root = nestApp(`import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';

async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  const document = SwaggerModule.createDocument(app, new DocumentBuilder().build());
  SwaggerModule.setup('docs', app, document);
  await app.listen(3000);
}
bootstrap();
`);
    const plan = await planModules(root, ['headers', 'trusted-host'], { yes: true });
    expect(plan.refused).toEqual([
      {
        generator: 'headers',
        reason: expect.stringMatching(
          /^the app serves Swagger UI pages \(SwaggerModule\.setup in src\/main\.ts:8\)/,
        ),
      },
    ]);
    const main = changed(plan, 'src/main.ts')!;
    expect(main).not.toContain('securityHeaders');
    expect(main).toContain('app.use(trustedHost(settings));');
  });
});

describe('secure add on frameworks it does not wire', () => {
  it('refuses the wired modules on NestJS over Fastify with one line naming it, and still adds config', async () => {
    const root = project({
      'package.json': JSON.stringify({
        dependencies: { '@nestjs/core': '^10.3.0', '@nestjs/platform-fastify': '^10.3.0' },
      }),
      'tsconfig.json': '{}',
      'src/main.ts': `import { NestFactory } from '@nestjs/core';\nimport { FastifyAdapter } from '@nestjs/platform-fastify';\nimport { AppModule } from './app.module';\n\nasync function bootstrap() {\n  const app = await NestFactory.create(AppModule, new FastifyAdapter());\n  await app.listen(3000);\n}\nbootstrap();\n`,
    });
    await expect(planModules(root, ['cors'], { yes: true })).resolves.toMatchObject({
      changes: [],
      refused: [
        {
          generator: 'cors',
          reason: expect.stringMatching(
            /^NestJS 10 \(@nestjs\/core\) in src\/main\.ts runs on @nestjs\/platform-fastify: `secure add` wires NestJS on @nestjs\/platform-express only; here `secure add` can still add config, password, validation, docker/,
          ),
        },
      ],
    });
    const plan = await planModules(root, ['config', 'headers'], { yes: true });
    expect(plan.refused.map(({ generator }) => generator)).toEqual(['headers']);
    expect(changed(plan, 'src/security/config.ts')).toBeDefined();
    expect(changed(plan, 'src/main.ts')).toBeUndefined();
  });

  it('names Koa, its major and the file using it, and adds the modules that need no wiring', async () => {
    const root = project({
      'package.json': JSON.stringify({ dependencies: { koa: '^2.15.0' } }),
      'src/app.js': `const Koa = require('koa');\nconst app = new Koa();\nmodule.exports = app;\n`,
    });
    const plan = await planModules(root, ['cors', 'config'], { yes: true });
    expect(plan.refused).toEqual([
      {
        generator: 'cors',
        reason:
          'Koa 2 (koa) in src/app.js: `secure add` wires its middleware into Express, Fastify and NestJS apps only; here `secure add` can still add config, password, validation, docker, then register the security middleware the way Koa does',
      },
    ]);
    expect(changed(plan, 'src/security/config.js')).toBeDefined();
    expect(changed(plan, 'src/app.js')).toBeUndefined();
  });
});
