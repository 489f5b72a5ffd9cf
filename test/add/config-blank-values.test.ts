import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeChanges } from '../../src/add/apply.js';
import { planModules } from '../../src/add/index.js';
import { rulesPreset } from '../../src/policy/index.js';
import { project } from './small-project.js';

/**
 * `cp .env.example .env` leaves every name with no value (`LOG_LEVEL=`): the generated config takes that as
 * unset, so an optional setting gets its default, and a required secret is reported as required, by name.
 */

const repoModules = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'node_modules');
const secret = randomBytes(48).toString('base64url');

/** The settings (or the problems) the generated config gives for an environment, run by node in the project. */
async function settingsFor(root: string, code: string): Promise<unknown> {
  const script = `const config = require('./security/config');
try { console.log(JSON.stringify(${code})); }
catch (error) { console.log(JSON.stringify({ problems: error.problems ?? error.message })); }`;
  const { stdout } = await execa('node', ['-e', script], { cwd: root });
  return JSON.parse(stdout);
}

describe('secure add config: a blank variable is unset', () => {
  let root: string;
  beforeAll(async () => {
    root = project({
      'package.json': JSON.stringify({ dependencies: { express: '^4.21.2' } }),
      'app.js': `const express = require('express');\nconst app = express();\nmodule.exports = app;\n`,
    });
    writeChanges(root, (await planModules(root, ['config'], { yes: true })).changes);
    mkdirSync(join(root, 'node_modules'));
    symlinkSync(join(repoModules, 'zod'), join(root, 'node_modules', 'zod'));
  });

  it('gives each blank optional setting its default', async () => {
    const env = {
      NODE_ENV: '',
      PORT: '',
      HOST: ' ',
      JWT_SECRET: secret,
      CORS_ORIGINS: '',
      ALLOWED_HOSTS: 'localhost',
      TRUST_PROXY: '',
      LOG_LEVEL: '',
      DATABASE_URL: '',
    };
    expect(await settingsFor(root, `config.loadSettings(${JSON.stringify(env)})`)).toMatchObject({
      nodeEnv: 'development',
      port: rulesPreset.docker.port,
      host: '0.0.0.0',
      corsOrigins: [],
      trustProxy: [],
      logLevel: 'info',
    });
  });

  it('reports a blank secret and a blank host list as required, by name, and nothing else', async () => {
    const env = { NODE_ENV: '', JWT_SECRET: '', ALLOWED_HOSTS: '', LOG_LEVEL: '', PORT: '' };
    expect(await settingsFor(root, `config.loadSettings(${JSON.stringify(env)})`)).toEqual({
      problems: ['JWT_SECRET is required', 'ALLOWED_HOSTS must list at least one host name'],
    });
  });

  it('reads the .env value of a variable the process has blank, and a secret file beside a blank variable', async () => {
    writeFileSync(join(root, '.env'), `LOG_LEVEL=warn\nJWT_SECRET=${secret}\n`);
    const fromDotEnv = await settingsFor(
      root,
      `config.readEnvironment({ LOG_LEVEL: '', JWT_SECRET: '' }, { envFile: '.env', secretsDir: '/nonexistent' })`,
    );
    expect(fromDotEnv).toMatchObject({ LOG_LEVEL: 'warn', JWT_SECRET: secret });
    writeFileSync(join(root, 'jwt_secret'), `${secret}\n`, { mode: 0o600 });
    const fromFile = await settingsFor(
      root,
      `config.readEnvironment({ NODE_ENV: 'production', JWT_SECRET: '', JWT_SECRET_FILE: 'jwt_secret' })`,
    );
    expect(fromFile).toMatchObject({ JWT_SECRET: secret });
  });
});
