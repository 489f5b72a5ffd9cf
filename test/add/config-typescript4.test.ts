import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeChanges } from '../../src/add/apply.js';
import { planModules } from '../../src/add/index.js';
import { changed, npmInstall, project, typescript4Project, writeInstallAndCompile } from './small-project.js';

/**
 * A TypeScript 4 project gets the config module validated with joi (zod's types need TypeScript 5), and its own
 * compiler, with no skipLibCheck, builds it. The joi config keeps the zod config's rules and messages.
 */

const repoModules = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'node_modules');
// Two npm installs and a compile on a busy 2-core machine.
const slow = { timeout: 300_000 };

const install = npmInstall;

const secret = randomBytes(48).toString('base64url');
/** Environments the config must refuse or accept, each tried on both versions of the config module. */
const environments: Record<string, Record<string, string>> = {
  empty: {},
  'weak values': {
    JWT_SECRET: 'changeme',
    CORS_ORIGINS: 'https://*.example.com,null,https://app.example.com/path',
    ALLOWED_HOSTS: 'api.example.com:443',
    TRUST_PROXY: '1',
  },
  'a word for a secret': { JWT_SECRET: 'a'.repeat(40), ALLOWED_HOSTS: 'localhost' },
  'production without a proxy': {
    NODE_ENV: 'production',
    JWT_SECRET: secret,
    CORS_ORIGINS: 'http://app.example.com',
    ALLOWED_HOSTS: 'api.example.com',
  },
  // `cp .env.example .env`: every name, no value. Unset, so the defaults and "is required".
  'blank values': { NODE_ENV: '', PORT: '', HOST: '', JWT_SECRET: '', ALLOWED_HOSTS: '', LOG_LEVEL: '' },
  'blank optional values': {
    JWT_SECRET: secret,
    ALLOWED_HOSTS: 'localhost',
    NODE_ENV: '',
    PORT: '',
    LOG_LEVEL: '',
    TRUST_PROXY: '',
  },
  valid: {
    JWT_SECRET: secret,
    CORS_ORIGINS: 'http://localhost:5173, https://app.example.com',
    ALLOWED_HOSTS: 'API.example.com,127.0.0.1',
    TRUST_PROXY: 'loopback,10.0.0.0/8',
    PORT: '8080',
  },
};

/** Verdicts of a Node 20 project, with the Node 14 command for a new secret (the one thing that differs). */
const sameAdvice = (verdicts: Record<string, unknown>) =>
  JSON.parse(
    JSON.stringify(verdicts)
      .replaceAll(`require('node:crypto')`, `require('crypto')`)
      .replaceAll(`toString('base64url')`, `toString('base64')`),
  ) as Record<string, unknown>;

/** What the config module at `modulePath` says about each environment: its problems, or its settings. */
async function verdicts(root: string, modulePath: string): Promise<Record<string, unknown>> {
  const script = `const { loadSettings } = require(${JSON.stringify(modulePath)});
const verdicts = {};
for (const [name, env] of Object.entries(${JSON.stringify(environments)})) {
  try { verdicts[name] = loadSettings(env); } catch (error) { verdicts[name] = error.problems; }
}
console.log(JSON.stringify(verdicts));`;
  const { stdout } = await execa('node', ['-e', script], { cwd: root });
  return JSON.parse(stdout) as Record<string, unknown>;
}

// TypeScript 4.0 with @types/node 14.11 (no `node:` modules, no global URL), as santiq/bulletproof-nodejs has;
// TypeScript 4.1 with @types/node 14.18, as microsoft/TypeScript-Node-Starter has.
describe.each([
  ['4.0.8', '14.11.2'],
  ['4.1.3', '14.18.63'],
])('secure add config on a TypeScript %s project with @types/node %s', (typescript, nodeTypes) => {
  let root: string;
  beforeAll(async () => {
    root = typescript4Project(typescript, nodeTypes);
    await install(root);
  }, 300_000);

  it(
    'validates with joi, says why, and the project’s own tsc builds it without skipLibCheck',
    slow,
    async () => {
      // The modules that import the config, but headers: helmet's types are .d.cts files, read from TypeScript 4.7.
      const modules = ['config', 'cors', 'trusted-host', 'rate-limit'];
      const plan = await planModules(root, modules, { yes: true });
      expect(plan.refused).toEqual([]);
      const config = changed(plan, 'src/security/config.ts') ?? '';
      // joi has no default export: a CommonJS build without esModuleInterop (Nest CLI's tsconfig) needs the namespace.
      expect(config).toContain("import * as Joi from 'joi';");
      expect(config).not.toContain('zod');
      const pkg = JSON.parse(changed(plan, 'package.json') ?? '{}') as {
        dependencies: Record<string, string>;
      };
      expect(pkg.dependencies.joi).toMatch(/^17\./);
      expect(pkg.dependencies.zod).toBeUndefined();
      expect(plan.notes.join('\n')).toContain(`joi ${pkg.dependencies.joi}, not zod`);
      expect(plan.notes.join('\n')).toContain(`TypeScript ${typescript}`);

      const tsc = await writeInstallAndCompile(root, plan);
      expect(tsc.stdout).toBe('');
      expect(tsc.exitCode).toBe(0);
    },
  );

  it(
    'refuses and accepts what the zod config does, with the same messages for the same rules',
    slow,
    async () => {
      // The zod version of the same module, in a JavaScript project (no compiler involved).
      const zodProject = project({
        'package.json': JSON.stringify({ dependencies: { express: '^4.21.2' } }),
        'app.js': `const express = require('express');\nconst app = express();\nmodule.exports = app;\n`,
      });
      writeChanges(zodProject, (await planModules(zodProject, ['config'], { yes: true })).changes);
      mkdirSync(join(zodProject, 'node_modules'));
      symlinkSync(join(repoModules, 'zod'), join(zodProject, 'node_modules', 'zod'));
      const fromZod = sameAdvice(await verdicts(zodProject, './security/config'));
      const fromJoi = await verdicts(root, './dist/security/config');
      // This project targets Node 14 (its @types/node): the command for a new secret runs there.
      expect(fromJoi['weak values']).toContain(
        `JWT_SECRET looks like a word or a pattern; use random bytes, e.g. node -e "console.log(require('crypto').randomBytes(48).toString('base64'))"`,
      );

      expect(fromJoi.valid).toEqual(fromZod.valid);
      expect(fromJoi.valid).toMatchObject({ port: 8080, allowedHosts: ['api.example.com', '127.0.0.1'] });
      // Every rule written in the template says the same words; zod and joi word their own type checks.
      for (const name of [
        'empty',
        'weak values',
        'a word for a secret',
        'production without a proxy',
        'blank values',
        'blank optional values',
      ])
        expect([name, fromJoi[name]]).toEqual([name, fromZod[name]]);
      expect(fromJoi['blank values']).toEqual([
        'JWT_SECRET is required',
        'ALLOWED_HOSTS must list at least one host name',
      ]);
      expect(fromJoi['blank optional values']).toMatchObject({ nodeEnv: 'development', logLevel: 'info' });
      expect(readFileSync(join(root, 'src/security/config.ts'), 'utf8')).toContain(
        'must be at least 32 bytes',
      );
    },
  );
});
