import { describe, expect, it } from 'vitest';
import { planModules } from '../../src/add/index.js';
import { memoryOutput } from '../../src/cli/output.js';
import { runProgram } from '../../src/cli/run.js';
import { secureProgram } from '../../src/cli/secure-program.js';
import { changed, project } from './small-project.js';

const app = {
  'package.json': JSON.stringify({ dependencies: { express: '^4.21.2' } }),
  'app.js': `const express = require('express');\nconst app = express();\nmodule.exports = app;\n`,
};

describe("secure add: the variables go to the project's own env example file", () => {
  it.each([
    '.env.template',
    '.env.sample',
    '.env.dist',
    'example.env',
    '.example.env',
    'env.example',
    '.env-example',
    '.env_example',
    '.env.local.example',
    '.env.example.local',
    '.env.tpl',
  ])('adds them to %s and writes no .env.example beside it', async (name) => {
    const root = project({ ...app, [name]: 'NODE_ENV=development\nPORT=8080\n' });
    const plan = await planModules(root, ['cors'], { yes: true });
    expect(plan.changes.map((change) => change.path)).not.toContain('.env.example');
    const listed = changed(plan, name)!;
    expect(listed.startsWith('NODE_ENV=development\nPORT=8080\n')).toBe(true);
    expect(listed).toMatch(/^CORS_ORIGINS=$/m);
    expect(listed.match(/^PORT=/gm)).toHaveLength(1);
  });

  it('writes .env.example when the project has no such file', async () => {
    const none = await planModules(project(app), ['cors'], { yes: true });
    expect(changed(none, '.env.example')).toMatch(/^CORS_ORIGINS=$/m);
  });

  // brocoders/nestjs-boilerplate keeps one list per database: a user copies either, so both get the names.
  it('adds them to every list the project keeps (env-example-relational and env-example-document)', async () => {
    const root = project({
      ...app,
      'env-example-relational': 'DATABASE_TYPE=postgres\nAPP_PORT=3001\n',
      'env-example-document': 'DATABASE_TYPE=mongodb\nAPP_PORT=3001\n',
    });
    const plan = await planModules(root, ['cors'], { yes: true });
    expect(plan.changes.map((change) => change.path)).not.toContain('.env.example');
    for (const [name, database] of [
      ['env-example-relational', 'postgres'],
      ['env-example-document', 'mongodb'],
    ]) {
      const listed = changed(plan, name)!;
      expect(listed.startsWith(`DATABASE_TYPE=${database}\nAPP_PORT=3001\n`)).toBe(true);
      expect(listed).toMatch(/^CORS_ORIGINS=$/m);
    }
    expect(plan.envFiles).toEqual(['env-example-document', 'env-example-relational']);
  });

  // Files an app loads: a `NAME=` line there would be a value, not a name to fill in.
  it.each([
    '.env',
    '.env.local',
    '.env.development',
    '.development.env',
    '.env.defaults',
    '.env.test',
    'env.example.ts',
    '.env.example.json',
  ])('leaves %s alone and writes .env.example', async (name) => {
    const root = project({ ...app, [name]: 'PORT=8080\n' });
    const plan = await planModules(root, ['cors'], { yes: true });
    expect(changed(plan, name)).toBeUndefined();
    expect(changed(plan, '.env.example')).toMatch(/^CORS_ORIGINS=$/m);
  });

  it('writes names only: the secret stays out of the example file', async () => {
    const root = project({ ...app, '.env.sample': 'PORT=8080\n' });
    const plan = await planModules(root, ['auth'], { yes: true });
    const listed = changed(plan, '.env.sample')!;
    expect(listed).toMatch(/^JWT_SECRET=$/m);
    expect(listed.split('\n').filter((line) => /^[A-Z_]+=./.test(line))).toEqual(['PORT=8080']);
  });

  // Before, the next steps named .env.example, a file the run had not written, whatever file it had.
  it.each([
    [['.env.sample'], '.env.sample'],
    [[], '.env.example'],
    [['env-example-relational', 'env-example-document'], 'env-example-document or env-example-relational'],
  ])('the next steps name the files the variables went to (own lists: %j)', async (own, named) => {
    const root = project({ ...app, ...Object.fromEntries(own.map((name) => [name, 'PORT=8080\n'])) });
    const output = memoryOutput();
    const code = await runProgram(secureProgram(output, root), ['add', 'cors', '--yes', '--force'], output);
    expect(code).toBe(0);
    expect(output.stdout.at(-1)).toMatch(
      new RegExp(`set the variables listed in ${named.replace(/\./g, '\\.')} in \\.env\\.$`),
    );
    expect(output.stdout.join('\n')).not.toMatch(own.length > 0 ? /\.env\.example/ : /\.env\.sample/);
  });

  it('names no list when the modules added read no variable', async () => {
    const root = project({ ...app, '.env.sample': 'PORT=8080\n' });
    const output = memoryOutput();
    const code = await runProgram(
      secureProgram(output, root),
      ['add', 'logging', '--yes', '--force'],
      output,
    );
    expect(code).toBe(0);
    expect(output.stdout.at(-1)).toMatch(/^Next: run `npm install`/);
    expect(output.stdout.join('\n')).not.toMatch(/variables listed/);
  });
});
