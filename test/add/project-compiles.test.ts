import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { writeChanges } from '../../src/add/apply.js';
import { planModules } from '../../src/add/index.js';

/** Generated modules compile under the project's own tsconfig, TypeScript version and installed types. */

const repoModules = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'node_modules');
const slow = { timeout: 300_000 };

function project(files: Record<string, string>, linked: readonly string[] = []): string {
  const root = mkdtempSync(join(tmpdir(), 'secure-add-compiles-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  // What the project has installed, before `npm install` brings what secure add declares.
  for (const name of linked) {
    mkdirSync(dirname(join(root, 'node_modules', name)), { recursive: true });
    symlinkSync(join(repoModules, name), join(root, 'node_modules', name));
  }
  return root;
}

describe('secure add: generated code compiles in the project as it is', () => {
  it(
    'an ES2015-target strict CommonJS project, zod not installed yet: every module is written',
    slow,
    async () => {
      const root = project(
        {
          'package.json': JSON.stringify({
            dependencies: { fastify: '^4.28.1' },
            devDependencies: { typescript: '^5.6.2', '@types/node': '^20.11.0' },
          }),
          // target es6 and no lib: String#replaceAll (ES2021) is unknown to the compiler.
          'tsconfig.json': JSON.stringify({
            compilerOptions: { target: 'es6', module: 'commonjs', strict: true, outDir: 'dist' },
            include: ['src'],
          }),
          'src/server.ts': `import Fastify from 'fastify';\n\nconst app = Fastify();\napp.get('/items', async () => []);\napp.listen({ port: 3000 });\n`,
        },
        ['@types/node'],
      );
      const modules = ['config', 'logging', 'validation', 'auth', 'cors', 'headers', 'rate-limit'];
      const plan = await planModules(root, modules, { yes: true });
      expect(plan.refused).toEqual([]);
      // The verifier type-checks the staged files against the project before writing anything.
      expect(() => writeChanges(root, plan.changes)).not.toThrow();
      for (const file of ['config.ts', 'logger.ts', 'auth-service.ts'])
        expect(existsSync(join(root, 'src/security', file))).toBe(true);
    },
  );

  it(
    'an ES2018 lib (what @types/node 14 brings): no ES2019+ API in any module (fromEntries, flatMap)',
    slow,
    async () => {
      const root = project({
        'package.json': JSON.stringify({
          dependencies: { express: '^4.21.2' },
          devDependencies: { typescript: '^5.6.2' },
        }),
        'tsconfig.json': JSON.stringify({
          compilerOptions: { target: 'es2018', lib: ['es2018'], module: 'commonjs', strict: true, types: [] },
          include: ['src'],
        }),
        'src/app.ts': `import express from 'express';\n\nconst app = express();\napp.get('/items', (_request, response) => {\n  response.json([]);\n});\nexport default app;\n`,
      });
      const modules = [
        'config',
        'logging',
        'password',
        'validation',
        'auth',
        'cors',
        'headers',
        'trusted-host',
        'rate-limit',
      ];
      const plan = await planModules(root, modules, { yes: true });
      expect(plan.refused).toEqual([]);
      expect(() => writeChanges(root, plan.changes)).not.toThrow();
    },
  );
  it(
    'the strictest checks a project may turn on (noUncheckedIndexedAccess, noUnused*, noImplicitReturns): the HTTP modules are written',
    slow,
    async () => {
      // awesome-nest-boilerplate's tsconfig: the config module was refused there, and every module needing it.
      const root = project(
        {
          'package.json': JSON.stringify({
            dependencies: { express: '^4.21.2' },
            devDependencies: { typescript: '^5.6.2', '@types/node': '^20.11.0' },
          }),
          'tsconfig.json': JSON.stringify({
            compilerOptions: {
              target: 'es2022',
              module: 'commonjs',
              strict: true,
              noUncheckedIndexedAccess: true,
              noUnusedLocals: true,
              noUnusedParameters: true,
              noImplicitReturns: true,
              noFallthroughCasesInSwitch: true,
              allowUnreachableCode: false,
              esModuleInterop: true,
            },
            include: ['src'],
          }),
          'src/app.ts': `import express from 'express';\n\nconst app = express();\napp.get('/items', (_request, response) => {\n  response.json([]);\n});\nexport default app;\n`,
        },
        ['@types/node'],
      );
      const modules = ['config', 'logging', 'validation', 'cors', 'headers', 'trusted-host', 'rate-limit'];
      const plan = await planModules(root, modules, { yes: true });
      expect(plan.refused).toEqual([]);
      expect(() => writeChanges(root, plan.changes)).not.toThrow();
    },
  );
});
