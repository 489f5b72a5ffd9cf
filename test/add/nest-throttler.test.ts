import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeChanges } from '../../src/add/apply.js';
import { planModules, type AddPlan } from '../../src/add/index.js';
import { tempProject } from '../helpers/temp-repo.js';

/**
 * `secure add rate-limit` on NestJS apps of older majors that limit requests with their own @nestjs/throttler:
 * its one ThrottlerModule.forRoot takes the policy's window and limit in the API of the installed throttler
 * (ttl in seconds before 5, a list with ttl in milliseconds since), or the module is refused with the place.
 */

const project = (files: Record<string, string>) => tempProject(files, { git: false });

const changed = (plan: AddPlan, path: string) => plan.changes.find((change) => change.path === path)?.after;
const dependenciesOf = (plan: AddPlan) =>
  (JSON.parse(changed(plan, 'package.json') ?? '{}') as { dependencies?: Record<string, string> })
    .dependencies ?? {};

const main = `import { NestFactory } from '@nestjs/core';
import helmet from 'helmet';
import { AppModule } from './app.module';

async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  app.use(helmet());
  await app.listen(3000);
}
bootstrap();
`;

const controller = `import { Controller, Get } from '@nestjs/common';

@Controller()
export class AppController {
  @Get()
  getHello(): string {
    return 'Hello World!';
  }
}
`;

/** An app module importing ThrottlerModule with `forRoot`, its guard on every route unless `guard` is false. */
function appModule(forRoot: string, guard = true): string {
  return `import { Module } from '@nestjs/common';
${guard ? "import { APP_GUARD } from '@nestjs/core';\n" : ''}import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { AppController } from './app.controller';

@Module({
  imports: [${forRoot}],
  controllers: [AppController],
  providers: [${guard ? '{ provide: APP_GUARD, useClass: ThrottlerGuard }' : 'ThrottlerGuard'}],
})
export class AppModule {}
`;
}

/** `nest new` of Nest `nestMajor` with @nestjs/throttler `throttler` and helmet `helmet` in package.json. */
function nestApp(nestMajor: number, throttler: string, forRoot: string, options: { guard?: boolean } = {}) {
  return project({
    'package.json': JSON.stringify({
      name: 'nest-api',
      dependencies: {
        '@nestjs/common': `^${nestMajor}.0.0`,
        '@nestjs/core': `^${nestMajor}.0.0`,
        '@nestjs/platform-express': `^${nestMajor}.0.0`,
        '@nestjs/throttler': throttler,
        helmet: '^4.6.0',
      },
      devDependencies: { typescript: '^4.9.5', '@types/express': '^4.17.13' },
    }),
    'tsconfig.json':
      '{ "compilerOptions": { "module": "commonjs", "target": "ES2021", "outDir": "./dist", "experimentalDecorators": true } }',
    'src/main.ts': main,
    'src/app.module.ts': appModule(forRoot, options.guard ?? true),
    'src/app.controller.ts': controller,
  });
}

describe('secure add rate-limit beside an app’s own @nestjs/throttler', () => {
  it('Nest 9, throttler 4: forRoot({ ttl: 60, limit: 10 }) takes the policy in seconds, in place, and no second limiter', async () => {
    const root = nestApp(
      9,
      '^4.0.0',
      'ThrottlerModule.forRoot({ ttl: 60, limit: 10, ignoreUserAgents: [/bot/] })',
    );
    const plan = await planModules(root, ['rate-limit', 'cors'], { yes: true });
    expect(plan.refused).toEqual([]);
    expect(changed(plan, 'src/app.module.ts')).toContain(
      'ThrottlerModule.forRoot({ ...policyThrottler, ignoreUserAgents: [/bot/] })',
    );
    // A browser app may read the throttler's own headers, not express-rate-limit's.
    expect(changed(plan, 'src/security/cors.ts')).toContain("'X-RateLimit-Remaining'");
    expect(changed(plan, 'src/security/cors.ts')).not.toContain("'RateLimit-Policy'");
    expect(changed(plan, 'src/app.module.ts')).toContain(
      "import { policyThrottler } from './security/throttler';",
    );
    const throttler = changed(plan, 'src/security/throttler.ts')!;
    expect(throttler).toContain('export const policyThrottler = { ttl: windowSeconds, limit: max };');
    expect(throttler).toContain('const { max, windowSeconds } = securityPolicy.rateLimit;');
    // The entry keeps its own code: no express-rate-limit middleware, no module file, no package for it.
    expect(changed(plan, 'src/main.ts')).not.toContain('rateLimiter');
    expect(changed(plan, 'src/security/rate-limit.ts')).toBeUndefined();
    expect(dependenciesOf(plan)['express-rate-limit']).toBeUndefined();
    expect(plan.notes.join('\n')).toContain(
      "rate-limit: your @nestjs/throttler 4.0.0 (src/app.module.ts:7) now takes the policy's window and limit",
    );
    // A second run finds the policy in place and changes nothing.
    writeChanges(root, plan.changes);
    const again = await planModules(root, ['rate-limit', 'cors'], { yes: true });
    expect(again.changes).toEqual([]);
    expect(again.notes.join('\n')).toContain('already takes the policy');
  });

  it('finds an aliased ThrottlerModule in a module of its own, its guard provided as the string token', async () => {
    const root = nestApp(9, '^4.0.0', 'AppThrottlerModule', { guard: false });
    mkdirSync(join(root, 'src/throttler'));
    writeFileSync(
      join(root, 'src/throttler/throttler.module.ts'),
      `import { Module } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerModule as _ThrottlerModule } from '@nestjs/throttler';

@Module({
  imports: [
    _ThrottlerModule.forRoot({
      ttl: 60,
      limit: 10,
    }),
  ],
  providers: [{ provide: 'APP_GUARD', useClass: ThrottlerGuard }],
})
export class AppThrottlerModule {}
`,
    );
    const plan = await planModules(root, ['rate-limit'], { yes: true });
    expect(plan.refused).toEqual([]);
    expect(changed(plan, 'src/throttler/throttler.module.ts')).toContain(`    _ThrottlerModule.forRoot({
      ...policyThrottler,
    }),`);
    expect(changed(plan, 'src/throttler/throttler.module.ts')).toContain(
      "import { policyThrottler } from '../security/throttler';",
    );
    expect(changed(plan, 'src/security/throttler.ts')).toContain('{ ttl: windowSeconds, limit: max }');
    expect(changed(plan, 'src/security/rate-limit.ts')).toBeUndefined();
  });

  it('Nest 10, throttler 5: forRoot([{ ttl: 60000, limit: 10 }]) takes the policy in milliseconds', async () => {
    const root = nestApp(10, '^5.1.1', 'ThrottlerModule.forRoot([{ ttl: 60000, limit: 10 }])');
    const plan = await planModules(root, ['rate-limit'], { yes: true });
    expect(plan.refused).toEqual([]);
    expect(changed(plan, 'src/app.module.ts')).toContain('ThrottlerModule.forRoot([{ ...policyThrottler }])');
    expect(changed(plan, 'src/security/throttler.ts')).toContain(
      'export const policyThrottler = { ttl: windowSeconds * 1000, limit: max };',
    );
  });

  it('throttler 6: the { throttlers: [...] } form keeps its storage and other options', async () => {
    const root = nestApp(
      10,
      '^6.2.1',
      'ThrottlerModule.forRoot({ throttlers: [{ ttl: 1000, limit: 3, blockDuration: 5000 }], errorMessage: "slow down" })',
    );
    const plan = await planModules(root, ['rate-limit'], { yes: true });
    expect(changed(plan, 'src/app.module.ts')).toContain(
      'ThrottlerModule.forRoot({ throttlers: [{ ...policyThrottler, blockDuration: 5000 }], errorMessage: "slow down" })',
    );
  });

  it('keeps a throttler written one option a line in that layout, with the comments above its options', async () => {
    const root = nestApp(
      10,
      '^5.1.1',
      `ThrottlerModule.forRoot([
      {
        ttl: 60000,
        // crawlers are not limited
        skipIf: () => false,
        limit: 10,
      },
    ])`,
    );
    const plan = await planModules(root, ['rate-limit'], { yes: true });
    expect(changed(plan, 'src/app.module.ts')).toContain(`ThrottlerModule.forRoot([
      {
        ...policyThrottler,
        // crawlers are not limited
        skipIf: () => false,
      },
    ])`);
  });

  it('drops the lines of ttl and limit with their comments, as a Nest 9 app writes them', async () => {
    const root = nestApp(
      9,
      '^4.0.0',
      `ThrottlerModule.forRoot({
      // one minute
      ttl: 60, // Time to live (seconds)
      limit: 5, // Request limit
      ignoreUserAgents: [/bot/],
    })`,
    );
    const plan = await planModules(root, ['rate-limit'], { yes: true });
    expect(changed(plan, 'src/app.module.ts')).toContain(`ThrottlerModule.forRoot({
      ...policyThrottler,
      ignoreUserAgents: [/bot/],
    })`);
  });

  it.each([
    [
      'forRootAsync, configured from its own code',
      'ThrottlerModule.forRootAsync({ useFactory: () => [{ ttl: 60000, limit: 10 }] })',
      '^5.1.1',
      true,
      'the app configures @nestjs/throttler from its own code (`forRootAsync`, src/app.module.ts:7)',
    ],
    [
      'two named throttlers',
      "ThrottlerModule.forRoot([{ name: 'short', ttl: 1000, limit: 3 }, { name: 'long', ttl: 60000, limit: 100 }])",
      '^5.1.1',
      true,
      'the app sets up @nestjs/throttler 5.1.1 (src/app.module.ts:7) and it declares 2 named throttlers',
    ],
    [
      'the v4 object with throttler 5 installed',
      'ThrottlerModule.forRoot({ ttl: 60, limit: 10 } as never)',
      '^5.1.1',
      true,
      'its throttlers are built in code, not listed',
    ],
    [
      'no guard on every route',
      'ThrottlerModule.forRoot({ ttl: 60, limit: 10 })',
      '^4.0.0',
      false,
      'the app sets up @nestjs/throttler (src/app.module.ts:6) but registers no ThrottlerGuard as APP_GUARD',
    ],
    [
      'options sharing a line',
      `ThrottlerModule.forRoot({
      ttl: 60, limit: 10,
    })`,
      '^4.0.0',
      true,
      'with options sharing a line (or a one-line object holding a comment), which secure add cannot edit safely',
    ],
  ])('refuses rate-limit beside %s, naming the place', async (_case, forRoot, throttler, guard, reason) => {
    const root = nestApp(10, throttler, forRoot, { guard });
    const plan = await planModules(root, ['rate-limit', 'headers'], { yes: true });
    expect(plan.refused.map((each) => each.generator)).toEqual(['rate-limit']);
    expect(plan.refused[0].reason).toContain(reason);
    expect(changed(plan, 'src/app.module.ts')).toBeUndefined();
    expect(dependenciesOf(plan)['express-rate-limit']).toBeUndefined();
  });
});

describe('secure add headers on an older NestJS app with its own helmet 4', () => {
  it('replaces app.use(helmet()) in place, writes the headers for helmet 4 and keeps its helmet', async () => {
    const root = nestApp(9, '^4.0.0', 'ThrottlerModule.forRoot({ ttl: 60, limit: 10 })');
    const plan = await planModules(root, ['headers'], { yes: true });
    expect(plan.refused).toEqual([]);
    const entry = changed(plan, 'src/main.ts')!;
    expect(entry).toContain('app.use(securityHeaders(settings));');
    expect(entry).not.toContain('helmet()');
    // helmet 4 names HSTS and the XSS filter its own way: the module is written for it, not for helmet 8.
    expect(changed(plan, 'src/security/headers.ts')).toContain('hsts: false');
    expect(dependenciesOf(plan).helmet).toBe('^4.6.0');
  });
});
