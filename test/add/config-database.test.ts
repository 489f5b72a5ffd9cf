import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { mkdirSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { writeChanges } from '../../src/add/apply.js';
import { databaseVariableOf } from '../../src/add/facts.js';
import { planModules } from '../../src/add/index.js';
import { changed, project } from './small-project.js';

const repoModules = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'node_modules');
const mongoApp = (database: string) => ({
  'package.json': JSON.stringify({ dependencies: { express: '^4.21.2', mongoose: '^8.9.0' } }),
  'app.js': `const express = require('express');\nconst mongoose = require('mongoose');\n\nmongoose.connect(${database});\nconst app = express();\nmodule.exports = app;\n`,
});

/** What the generated config says about `env`, run by node in the project. */
async function loadIn(root: string, env: Record<string, string>): Promise<string> {
  const script = `const { loadSettings } = require('./security/config');
try { const s = loadSettings(${JSON.stringify(env)}); console.log('ok', s.databaseUrl); }
catch (error) { console.log(error.message); }`;
  const { stdout } = await execa('node', ['-e', script], { cwd: root });
  return stdout;
}

describe('secure add config: the database variable the app reads, or none', () => {
  it('validates MONGODB_URI, the variable a Mongo app reads, and never asks for DATABASE_URL', async () => {
    const root = project(mongoApp('process.env.MONGODB_URI'));
    const plan = await planModules(root, ['config'], { yes: true });
    expect(plan.changes.map((change) => change.after).join('\n')).not.toContain('DATABASE_URL');
    expect(changed(plan, '.env.example')).toMatch(/^MONGODB_URI=$/m);
    writeChanges(root, plan.changes);
    mkdirSync(join(root, 'node_modules'));
    symlinkSync(join(repoModules, 'zod'), join(root, 'node_modules', 'zod'));
    const secret = randomBytes(48).toString('base64url');
    const base = { JWT_SECRET: secret, CORS_ORIGINS: '', ALLOWED_HOSTS: 'localhost' };
    expect(await loadIn(root, { ...base, NODE_ENV: 'production', TRUST_PROXY: 'loopback' })).toContain(
      'MONGODB_URI is required when NODE_ENV=production',
    );
    expect(await loadIn(root, { ...base, MONGODB_URI: '' })).toBe('ok undefined');
    expect(await loadIn(root, { ...base, MONGODB_URI: 'mongodb://127.0.0.1/app' })).toBe(
      'ok mongodb://127.0.0.1/app',
    );
  }, 60_000);

  it('adds no database variable for an app that reads none', async () => {
    const root = project(mongoApp(`'mongodb://127.0.0.1:27017/app'`));
    const plan = await planModules(root, ['config'], { yes: true });
    const text = plan.changes.map((change) => change.after).join('\n');
    expect(text).not.toMatch(/DATABASE_URL|MONGO/);
    expect(text).not.toContain('databaseUrl');
  });

  it('picks the variable read most, a test database’s only when nothing else is read', () => {
    const config = `module.exports = {
  mongo: { uri: process.env.NODE_ENV === 'test' ? process.env.MONGO_URI_TESTS : process.env.MONGO_URI },
};`;
    expect(databaseVariableOf([config])).toBe('MONGO_URI');
    expect(databaseVariableOf([`const { DATABASE_URL, PORT } = process.env;`])).toBe('DATABASE_URL');
    expect(databaseVariableOf([`const url = process.env['MONGO_URI_TEST'];`])).toBe('MONGO_URI_TEST');
    expect(databaseVariableOf([`const host = process.env.DB_HOST;\nconst key = process.env.API_URL;`])).toBe(
      undefined,
    );
  });
});
