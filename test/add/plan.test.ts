import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addModules, formatPlanDiff, planModules } from '../../src/add/index.js';
import { writeChanges } from '../../src/add/apply.js';
import type { AddableGenerator, GeneratorSource } from '../../src/add/generator-source.js';
import { addDependencies, addEnvNames, ignoreDotEnv } from '../../src/add/project-files.js';
import { repoRoot } from '../helpers/cli.js';

/** Two tiny generators: enough to exercise the plan without templates or npm. */
const fakeGenerators: AddableGenerator[] = [
  {
    name: 'config',
    description: 'settings',
    dependencies: () => ['zod'],
    env: () => [{ name: 'JWT_SECRET', description: 'at least 32 random bytes' }],
  },
  {
    name: 'headers',
    description: 'helmet',
    requires: ['config'],
    dependencies: () => ['helmet'],
    wiring: {
      express: {
        module: 'security/headers',
        imports: ['securityHeaders'],
        statement: 'app.use(securityHeaders(settings));',
        position: 'before-routes',
      },
    },
  },
  {
    name: 'host-check',
    description: 'imports a helper that another generator renders',
    wiring: {
      express: {
        module: 'security/host',
        imports: ['hostCheck'],
        statement: 'app.use(hostCheck());',
        position: 'before-routes',
      },
    },
  },
  {
    name: 'auth',
    description: 'renders the shared helper among others',
    dependencies: () => ['jose'],
  },
  {
    name: 'broken',
    description: 'imports a module nobody renders',
  },
  {
    name: 'socket',
    description: 'asks a question',
    prompts: [
      { name: 'db', flag: '--db', message: 'Database', choices: ['sqlite', 'postgres'], default: 'sqlite' },
    ],
  },
];

const prefix = (srcDir: string) => (srcDir === '.' ? '' : `${srcDir}/`);

const fakeSource: GeneratorSource = {
  generators: fakeGenerators,
  versionsFor: () => ({ zod: '4.6.7', helmet: '8.3.0', jose: '6.2.18' }),
  upgradesFor: () => [],
  async render(generator, context, srcDir) {
    if (generator.name === 'config')
      return new Map([
        [`${prefix(srcDir)}security/config.ts`, `export const settings = { production: false };\n`],
      ]);
    if (generator.name === 'headers')
      return new Map([
        [
          `${prefix(srcDir)}security/headers.ts`,
          `import type { RequestHandler } from 'express';\nexport function securityHeaders(_settings: unknown): RequestHandler {\n  return (_q, _r, next) => next();\n}\n`,
        ],
      ]);
    if (generator.name === 'host-check')
      return new Map([
        [
          `${prefix(srcDir)}security/host.ts`,
          `import { badRequest } from './http-errors.js';\nexport function hostCheck() {\n  return badRequest;\n}\n`,
        ],
      ]);
    if (generator.name === 'auth')
      return new Map([
        [
          `${prefix(srcDir)}security/http-errors.ts`,
          `import { errors } from 'jose';\nexport const badRequest = errors;\n`,
        ],
        [`${prefix(srcDir)}security/tokens.ts`, `export const tokens = 1;\n`],
      ]);
    if (generator.name === 'broken')
      return new Map([
        [
          `${prefix(srcDir)}security/broken.ts`,
          `import { nothing } from './nowhere.js';\nexport { nothing };\n`,
        ],
      ]);
    return new Map([
      [`${prefix(srcDir)}security/socket.ts`, `export const library = ${JSON.stringify(context.db)};\n`],
    ]);
  },
};

function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'secure-add-plan-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const packageJson = `{\n    "name": "api",\n    "type": "module",\n    "dependencies": {\n        "express": "^5.1.0"\n    }\n}\n`;
const app = `import express from 'express';\n\nconst app = express();\napp.get('/', (_q, r) => r.send('ok'));\nexport default app;\n`;

describe('planModules', () => {
  it('adds the required generator, imports every name the statement uses, and writes nothing', async () => {
    const root = project({ 'package.json': packageJson, 'tsconfig.json': '{}', 'src/app.ts': app });
    const plan = await planModules(root, ['headers'], { source: fakeSource });
    expect(plan.generators).toEqual(['config', 'headers']);
    const wired = plan.changes.find((change) => change.path === 'src/app.ts')!.after;
    expect(wired).toContain(`import { securityHeaders } from './security/headers.js';`);
    expect(wired).toContain(`import { settings } from './security/config.js';`);
    expect(wired).toContain(`const app = express();\napp.use(securityHeaders(settings));\napp.get(`);
    expect(existsSync(join(root, 'src/security'))).toBe(false);
    expect(formatPlanDiff(plan)).toContain('--- /dev/null\n+++ b/src/security/headers.ts');
  });

  it("edits package.json in the user's indentation, keeps their ranges, and records the manifest", async () => {
    const root = project({ 'package.json': packageJson, 'tsconfig.json': '{}', 'src/app.ts': app });
    await addModules(root, ['headers'], { source: fakeSource });
    expect(readFileSync(join(root, 'package.json'), 'utf8')).toBe(
      `{\n    "name": "api",\n    "type": "module",\n    "dependencies": {\n        "express": "^5.1.0",\n        "helmet": "8.3.0",\n        "zod": "4.6.7"\n    }\n}\n`,
    );
    expect(readFileSync(join(root, '.env.example'), 'utf8')).toBe(
      '# at least 32 random bytes\nJWT_SECRET=\n',
    );
    const manifest = JSON.parse(readFileSync(join(root, '.secure/manifest.json'), 'utf8'));
    expect(Object.keys(manifest.files)).toEqual(['src/security/config.ts', 'src/security/headers.ts']);
    expect(manifest.files['src/security/headers.ts'].generator).toBe('headers');
    expect(manifest.files['src/security/headers.ts'].hash).toMatch(/^sha256-[0-9a-f]{64}$/);

    const again = await planModules(root, ['headers'], { source: fakeSource });
    expect(again.changes).toEqual([]);
    expect(again.upToDate).toEqual(['headers']);
  });

  it('updates a generated file the user did not touch; keeps one they edited unless forced', async () => {
    const root = project({ 'package.json': packageJson, 'tsconfig.json': '{}', 'src/app.ts': app });
    await addModules(root, ['headers'], { source: fakeSource });
    const config = join(root, 'src/security/config.ts');
    writeFileSync(config, '// mine\nexport const settings = { production: true };\n');
    const kept = await planModules(root, ['config'], { source: fakeSource });
    expect(kept.changes).toEqual([]);
    expect(kept.conflicts[0].path).toBe('src/security/config.ts');
    expect(kept.conflicts[0].diff).toContain('-// mine');
    // Pulled in as a requirement, the edited file is kept quietly: it is theirs now.
    const implicit = await planModules(root, ['headers'], { source: fakeSource });
    expect(implicit.conflicts).toEqual([]);
    expect(implicit.notes.join('\n')).toMatch(/kept your src\/security\/config.ts/);
    const forced = await planModules(root, ['config'], { source: fakeSource, force: true });
    expect(forced.changes.map((change) => change.path)).toContain('src/security/config.ts');
  });

  it('asks nothing without a terminal: a missing answer is a usage error naming the flag', async () => {
    const root = project({ 'package.json': packageJson, 'tsconfig.json': '{}', 'src/app.ts': app });
    await expect(planModules(root, ['socket'], { source: fakeSource })).rejects.toThrow(
      /pass --db <sqlite\|postgres>, or --yes for the default \(sqlite\)/,
    );
    const withFlag = await planModules(root, ['socket'], {
      source: fakeSource,
      answers: { db: 'postgres' },
    });
    expect(withFlag.changes.find((change) => change.path === 'src/security/socket.ts')!.after).toContain(
      '"postgres"',
    );
    const withYes = await planModules(root, ['socket'], { source: fakeSource, yes: true });
    expect(withYes.changes.find((change) => change.path === 'src/security/socket.ts')!.after).toContain(
      '"sqlite"',
    );
  });

  it('takes a module that generated code imports from the generator holding it, alone, with its package', async () => {
    const root = project({ 'package.json': packageJson, 'tsconfig.json': '{}', 'src/app.ts': app });
    const plan = await planModules(root, ['host-check'], { source: fakeSource });
    const paths = plan.changes.map((change) => change.path);
    expect(paths).toContain('src/security/http-errors.ts');
    expect(paths).not.toContain('src/security/tokens.ts');
    expect(plan.changes.find((change) => change.path === 'package.json')!.after).toContain(
      '"jose": "6.2.18"',
    );
    const manifest = JSON.parse(
      plan.changes.find((change) => change.path === '.secure/manifest.json')!.after,
    );
    expect(manifest.files['src/security/http-errors.ts'].generator).toBe('auth');
  });

  it('writes nothing when generated code imports a module no generator renders', async () => {
    const root = project({ 'package.json': packageJson, 'tsconfig.json': '{}', 'src/app.ts': app });
    await expect(addModules(root, ['broken'], { source: fakeSource })).rejects.toThrow(
      /security\/broken.ts imports src\/security\/nowhere.ts, which no generator writes; nothing was written/,
    );
    expect(existsSync(join(root, 'src/security'))).toBe(false);
  });

  it('refuses an unknown module, listing the known ones', async () => {
    const root = project({ 'package.json': packageJson, 'tsconfig.json': '{}', 'src/app.ts': app });
    await expect(planModules(root, ['firewall'], { source: fakeSource })).rejects.toThrow(
      /unknown module "firewall"/,
    );
  });

  it("formats what it writes with the project's own Prettier and config", async () => {
    const root = project({
      'package.json': `{"name":"api","type":"module","dependencies":{"express":"^5.1.0"},"devDependencies":{"prettier":"3.6.2"}}\n`,
      '.prettierrc': '{ "semi": false, "singleQuote": false }\n',
      'tsconfig.json': '{}',
      'src/app.ts': app.replaceAll(';', '').replaceAll("'", '"'),
    });
    mkdirSync(join(root, 'node_modules'));
    symlinkSync(join(repoRoot, 'node_modules/prettier'), join(root, 'node_modules/prettier'));
    const plan = await planModules(root, ['headers'], { source: fakeSource });
    const headers = plan.changes.find((change) => change.path === 'src/security/headers.ts')!.after;
    expect(headers).toContain(`import type { RequestHandler } from "express"\n`);
    const wired = plan.changes.find((change) => change.path === 'src/app.ts')!.after;
    expect(wired).toContain(`app.use(securityHeaders(settings))\n`);
    writeChanges(root, plan.changes);
    const again = await planModules(root, ['headers'], { source: fakeSource });
    expect(again.changes).toEqual([]);
  });

  it('leaves the lines of a file Prettier would reformat as they were: only the wiring is added', async () => {
    const unformatted = `import express from 'express';\n\nconst app = express();\napp.get('/', (_q, r) => r.send('ok'))\napp.listen(3000, () => { console.log('up') }).on('error', (e) => { throw e })\n`;
    const root = project({
      'package.json': `{"name":"api","type":"module","dependencies":{"express":"^5.1.0"},"devDependencies":{"prettier":"3.6.2"}}\n`,
      'tsconfig.json': '{}',
      'src/app.ts': unformatted,
    });
    mkdirSync(join(root, 'node_modules'));
    symlinkSync(join(repoRoot, 'node_modules/prettier'), join(root, 'node_modules/prettier'));
    const plan = await planModules(root, ['headers'], { source: fakeSource });
    const wired = plan.changes.find((change) => change.path === 'src/app.ts')!.after;
    expect(wired).toContain(
      `app.listen(3000, () => { console.log('up') }).on('error', (e) => { throw e })\n`,
    );
    expect(wired).toContain(`const app = express();\napp.use(securityHeaders(settings));\n`);
  });

  it("never overwrites a file of the user's at a generated path", async () => {
    const root = project({
      'package.json': packageJson,
      'tsconfig.json': '{}',
      'src/app.ts': app,
      'src/security/headers.ts': 'export const mine = true;\n',
    });
    const plan = await planModules(root, ['headers'], { source: fakeSource });
    expect(plan.changes.map((change) => change.path)).not.toContain('src/security/headers.ts');
    expect(plan.conflicts).toMatchObject([{ path: 'src/security/headers.ts', reason: 'theirs' }]);
    // Their module's exports are unknown: the app is not wired to it.
    expect(plan.changes.map((change) => change.path)).not.toContain('src/app.ts');
  });

  it('writes JavaScript modules into a JavaScript project, in its module system', async () => {
    const root = project({
      'package.json': `{"name":"api","dependencies":{"express":"^4.21.0"}}\n`,
      'index.js': `const express = require('express');\nconst app = express();\napp.get('/', (q, r) => r.send('ok'));\napp.listen(3000);\n`,
    });
    const plan = await planModules(root, ['headers'], { source: fakeSource });
    const headers = plan.changes.find((change) => change.path === 'security/headers.js');
    expect(headers?.after).toContain('module.exports = { securityHeaders };');
    expect(headers?.after).not.toMatch(/__esModule|exports\.securityHeaders/);
    expect(headers?.after).not.toContain('RequestHandler');
    const wired = plan.changes.find((change) => change.path === 'index.js')!.after;
    expect(wired).toContain(`const { securityHeaders } = require('./security/headers.js');`);
  });
});

describe('writeChanges', () => {
  it('restores every file when a write fails half-way', () => {
    const root = project({ 'a.txt': 'A', 'b/blocker': 'x' });
    expect(() =>
      writeChanges(root, [
        { path: 'a.txt', before: 'A', after: 'changed' },
        { path: 'new/dir/c.txt', after: 'new' },
        // a file cannot be created under a path that is a file: the write fails here
        { path: 'b/blocker/d.txt', after: 'boom' },
      ]),
    ).toThrow(/the project is as it was/);
    expect(readFileSync(join(root, 'a.txt'), 'utf8')).toBe('A');
    expect(existsSync(join(root, 'new'))).toBe(false);
  });
});

describe('project files', () => {
  it('keeps a sorted dependency list sorted, CRLF and the final newline', () => {
    const text = '{\r\n  "dependencies": {\r\n    "a": "1",\r\n    "z": "1"\r\n  }\r\n}\r\n';
    expect(addDependencies(text, { m: '2' }, {}).text).toBe(
      '{\r\n  "dependencies": {\r\n    "a": "1",\r\n    "m": "2",\r\n    "z": "1"\r\n  }\r\n}\r\n',
    );
  });

  it('changes only the dependency entries: a one-line array, tabs and an unsorted list stay as written', () => {
    const text =
      '{\n\t"name": "api",\n\t"tsup": { "entry": ["src", "!src/**/*.test.ts"] },\n' +
      '\t"dependencies": {\n\t\t"zod": "^3.24.2",\n\t\t"express": "^4.21.0"\n\t}\n}';
    const edit = addDependencies(text, { helmet: '8.3.0' }, { vitest: '4.1.0' });
    expect(edit.text).toBe(
      '{\n\t"name": "api",\n\t"tsup": { "entry": ["src", "!src/**/*.test.ts"] },\n' +
        '\t"dependencies": {\n\t\t"zod": "^3.24.2",\n\t\t"express": "^4.21.0",\n\t\t"helmet": "8.3.0"\n\t},\n' +
        '\t"devDependencies": {\n\t\t"vitest": "4.1.0"\n\t}\n}',
    );
    expect(addDependencies(edit.text, { helmet: '8.3.0' }, { vitest: '4.1.0' }).text).toBe(edit.text);
  });

  it('--upgrade replaces only the range it names', () => {
    const text = '{\n  "dependencies": { "helmet": "^4.6.0", "cors": "^2.8.5" }\n}\n';
    expect(addDependencies(text, { helmet: '8.3.0' }, {}, { helmet: '8.3.0' }).text).toBe(
      '{\n  "dependencies": { "helmet": "8.3.0", "cors": "^2.8.5" }\n}\n',
    );
  });

  it('reports a dependency the user pins at another version instead of changing it', () => {
    const edit = addDependencies('{"dependencies":{"helmet":"^7.0.0"}}', { helmet: '8.3.0' }, {});
    expect(edit.text).toBe('{"dependencies":{"helmet":"^7.0.0"}}');
    expect(edit.kept).toEqual([{ name: 'helmet', theirs: '^7.0.0', ours: '8.3.0' }]);
  });

  it('adds only missing names to .env.example, never a value', () => {
    expect(addEnvNames('PORT=3000\nexport JWT_SECRET=\n', [{ name: 'PORT' }, { name: 'JWT_SECRET' }])).toBe(
      'PORT=3000\nexport JWT_SECRET=\n',
    );
    expect(addEnvNames('PORT=3000', [{ name: 'CORS_ORIGINS' }])).toBe('PORT=3000\nCORS_ORIGINS=\n');
  });

  it('ignores .env unless a pattern already does', () => {
    expect(ignoreDotEnv('node_modules\n.env*\n!.env.example\n')).toBe('node_modules\n.env*\n!.env.example\n');
    expect(ignoreDotEnv('node_modules')).toBe('node_modules\n.env\n');
    expect(ignoreDotEnv(undefined)).toBe('.env\n');
  });
});
