import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { planModules } from '../../src/add/index.js';
import { changed, npmInstall, project, typescript4Project, writeInstallAndCompile } from './small-project.js';

/**
 * A TypeScript 4.0 project with @types/node 14.11, as santiq/bulletproof-nodejs has: helmet 6 to 8 ship their
 * types only as `.d.cts` (read from TypeScript 4.7), express-rate-limit 7 and 8 require('node:net') (Node
 * 14.18, Jest 27), and @types/node 14.11 has neither randomUUID nor the 'base64url' encoding. Every module is
 * added, and the project's own compiler, with no skipLibCheck, builds it.
 */

// Two npm installs and a compile on a busy 2-core machine.
const slow = { timeout: 300_000 };

const install = npmInstall;

const dependencies = (plan: Awaited<ReturnType<typeof planModules>>) =>
  (JSON.parse(changed(plan, 'package.json') ?? '{}') as { dependencies: Record<string, string> })
    .dependencies;

describe('secure add headers, rate-limit and password on TypeScript 4.0 with @types/node 14.11', () => {
  let root: string;
  beforeAll(async () => {
    root = typescript4Project('4.0.8', '14.11.2');
    await install(root);
  }, 300_000);

  it('pins helmet 5 and express-rate-limit 6, and the project’s tsc builds every module', slow, async () => {
    const plan = await planModules(
      root,
      ['config', 'password', 'headers', 'cors', 'trusted-host', 'rate-limit'],
      {
        yes: true,
      },
    );
    expect(plan.refused).toEqual([]);
    expect(dependencies(plan)).toMatchObject({ helmet: '5.1.1', 'express-rate-limit': '6.11.2' });
    expect(changed(plan, 'src/security/headers.ts')).toContain('hsts:');
    expect(changed(plan, 'src/security/rate-limit.ts')).toMatch(/^ {2}max,$/m);
    expect(changed(plan, 'src/security/header-values.ts')).not.toContain('randomUUID()');
    expect(changed(plan, 'src/security/passwords.ts')).not.toContain("toString('base64url')");

    const tsc = await writeInstallAndCompile(root, plan);
    expect(tsc.stdout).toBe('');
    expect(tsc.exitCode).toBe(0);
    // The built modules load: helmet 5 takes the option names given, express-rate-limit 6 its options.
    const load = await execa(
      'node',
      ['-e', "require('./dist/security/headers'); require('./dist/security/rate-limit').rateLimiter();"],
      { cwd: root, reject: false, env: { NODE_ENV: 'development' } },
    );
    expect(load.stderr).toBe('');
  });
});

describe('secure add rate-limit beside Jest 26, which cannot resolve node: requires', () => {
  it('pins express-rate-limit 6 and writes its option names', async () => {
    const root = project({
      'package.json': JSON.stringify({
        name: 'api',
        engines: { node: '>=20' },
        dependencies: { express: '4.21.2' },
        devDependencies: { jest: '26.6.3' },
      }),
      'app.js': `const express = require('express');\nconst app = express();\nmodule.exports = app;\n`,
    });
    const plan = await planModules(root, ['rate-limit'], { yes: true });
    expect(plan.refused).toEqual([]);
    expect(dependencies(plan)['express-rate-limit']).toBe('6.11.2');
    expect(changed(plan, 'security/rate-limit.js')).toMatch(/^ {2}max,$/m);
  });
});
