import { execa } from 'execa';
import { mkdirSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { writeChanges } from '../../src/add/apply.js';
import { keptCorsVariable, ownCorsVariable } from '../../src/add/cors-variable.js';
import { planModules } from '../../src/add/index.js';
import { changed, project } from './small-project.js';

const repoModules = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'node_modules');

/** An Express app whose own cors() reads its allowlist as `origin`, with its .env.example. */
const corsApp = (origin: string, envExample: string) =>
  project({
    'package.json': JSON.stringify({ dependencies: { express: '^4.21.2', cors: '^2.8.5' } }),
    'app.js': `const express = require('express');\nconst cors = require('cors');\n\nconst app = express();\napp.use(cors({ origin: ${origin} }));\napp.get('/items', (req, res) => res.json([]));\nmodule.exports = app;\n`,
    '.env.example': envExample,
  });

/** The allowlist the generated config reads from an environment, or its problems. */
async function allowlist(root: string, env: Record<string, string>): Promise<unknown> {
  const script = `const { readSetting } = require('./security/config');
try { console.log(JSON.stringify(readSetting('corsOrigins', ${JSON.stringify(env)}))); }
catch (error) { console.log(JSON.stringify(error.problems)); }`;
  const { stdout } = await execa('node', ['-e', script], { cwd: root });
  return JSON.parse(stdout);
}

describe('ownCorsVariable: the variable an app kept its CORS allowlist in', () => {
  const brocoders = `corsOrigins: (process.env.APP_CORS_ORIGINS || process.env.FRONTEND_DOMAIN || '*').split(',')`;

  it('is a plain list when the app splits it and its example lists exact origins', () => {
    expect(
      ownCorsVariable(
        [{ path: 'src/config/app.config.ts', text: brocoders }],
        ['APP_CORS_ORIGINS=http://localhost:3000\n'],
      ),
    ).toEqual({ name: 'APP_CORS_ORIGINS', plain: true });
  });

  it('is not one when read as JSON or a pattern, or when its example is not an exact origin', () => {
    const parsed = ownCorsVariable(
      [{ path: 'src/app.ts', text: 'const origins = JSON.parse(process.env.ALLOWED_ORIGINS);' }],
      [],
    );
    expect(parsed).toEqual({ name: 'ALLOWED_ORIGINS', plain: false, why: 'src/app.ts reads it as JSON' });
    // edwinhern/express-typescript-2024's .env.template.
    const pattern = ownCorsVariable(
      [{ path: 'src/server.ts', text: 'app.use(cors({ origin: env.CORS_ORIGIN, credentials: true }));' }],
      ['CORS_ORIGIN="http://localhost:*" # Allowed CORS origin, adjust as necessary\n'],
    );
    expect(pattern).toEqual({
      name: 'CORS_ORIGIN',
      plain: false,
      why: 'http://localhost:* is not an exact origin',
    });
  });

  it('names every candidate when there are several, and none for CORS_ORIGINS or unrelated names', () => {
    const text = 'const a = process.env.CORS_ORIGIN; const b = process.env.SOCKET_ALLOWED_ORIGINS;';
    expect(ownCorsVariable([{ path: 'a.js', text }], [])).toEqual({
      names: ['CORS_ORIGIN', 'SOCKET_ALLOWED_ORIGINS'],
    });
    // The one the replaced registration names is the allowlist.
    expect(
      ownCorsVariable([{ path: 'a.js', text }], [], 'app.use(cors({ origin: process.env.CORS_ORIGIN }));'),
    ).toEqual({ name: 'CORS_ORIGIN', plain: true });
    const ours = 'process.env.CORS_ORIGINS; process.env.ORIGIN_URL; process.env.CORS_MAX_AGE';
    expect(ownCorsVariable([{ path: 'a.js', text: ours }], [])).toBeUndefined();
  });

  it('finds the variable an earlier run’s config reads', () => {
    expect(keptCorsVariable(`  APP_CORS_ORIGINS: z.preprocess(commaList, z.array(exactOrigin)),`)).toBe(
      'APP_CORS_ORIGINS',
    );
    expect(keptCorsVariable(`  APP_CORS_ORIGINS: Joi.array().items(exactOrigin),`)).toBe('APP_CORS_ORIGINS');
    expect(
      keptCorsVariable(`  CORS_ORIGINS: z.preprocess(commaList, z.array(exactOrigin)),`),
    ).toBeUndefined();
  });
});

describe('secure add cors over an app whose own cors read an allowlist variable', () => {
  it('keeps reading a plain list from the app’s variable, says so, and stays so on a second run', async () => {
    const root = corsApp(
      `process.env.APP_CORS_ORIGINS.split(',')`,
      'APP_CORS_ORIGINS=http://localhost:3000\n',
    );
    const plan = await planModules(root, ['cors'], { yes: true });
    const config = changed(plan, 'security/config.js') ?? '';
    expect(config).toMatch(/^\s*APP_CORS_ORIGINS: z\.preprocess\(commaList/m);
    expect(config).not.toMatch(/(?<![A-Z_])CORS_ORIGINS/);
    // Nothing to add to the list: the app's own variable is in it already.
    expect(changed(plan, '.env.example') ?? '').not.toMatch(/^CORS_ORIGINS=/m);
    expect(plan.notes.join('\n')).toMatch(
      /cors: replaced your `app\.use\(cors\(\{ origin: process\.env\.APP_CORS_ORIGINS\.split\(','\) \}\)\);` \(app\.js:5\).*still read from APP_CORS_ORIGINS/,
    );

    writeChanges(root, plan.changes);
    mkdirSync(join(root, 'node_modules'));
    symlinkSync(join(repoModules, 'zod'), join(root, 'node_modules', 'zod'));
    expect(
      await allowlist(root, { APP_CORS_ORIGINS: 'http://localhost:3000, https://app.example.com' }),
    ).toEqual(['http://localhost:3000', 'https://app.example.com']);
    // A wildcard there stops the app at start, naming the variable the team sets.
    expect(await allowlist(root, { APP_CORS_ORIGINS: '*' })).toContain(
      'APP_CORS_ORIGINS.0 must list each origin: a wildcard pattern (https://*.example.com) never matches',
    );

    const again = await planModules(root, ['cors'], { yes: true });
    expect(again.changes.map((change) => change.path)).toEqual([]);
  });

  it('says where the allowlist comes from when the app’s cors read no variable', async () => {
    const root = corsApp(`'*'`, '');
    const plan = await planModules(root, ['cors'], { yes: true });
    expect(plan.notes.join('\n')).toContain(
      "cors: replaced your `app.use(cors({ origin: '*' }));` (app.js:5) with the policy's; the allowlist comes from CORS_ORIGINS (comma-separated exact origins; while it is empty, no other origin may call)",
    );
  });

  it('moves a value that is not a plain list to CORS_ORIGINS, saying what to move', async () => {
    const root = corsApp('process.env.CORS_ORIGIN', 'CORS_ORIGIN="http://localhost:*"\n');
    const plan = await planModules(root, ['cors'], { yes: true });
    expect(changed(plan, 'security/config.js')).toMatch(/^\s*CORS_ORIGINS: z\.preprocess\(commaList/m);
    expect(changed(plan, '.env.example')).toMatch(/^CORS_ORIGINS=$/m);
    expect(plan.notes.join('\n')).toContain(
      'the allowlist now comes from CORS_ORIGINS (comma-separated exact origins), not CORS_ORIGIN (http://localhost:* is not an exact origin): put the origins that may call the API in CORS_ORIGINS',
    );
  });
});
