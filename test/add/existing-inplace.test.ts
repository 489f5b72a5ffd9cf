import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { writeChanges } from '../../src/add/apply.js';
import { planModules, type AddPlan } from '../../src/add/index.js';

/** `secure add` over a helmet or rate limiter the project already has: reconfigured in place, or refused. */

function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'secure-add-inplace-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const changed = (plan: AddPlan, path: string) => plan.changes.find((change) => change.path === path)?.after;
const expressJs = (extra: Record<string, string>) =>
  JSON.stringify({ dependencies: { express: '^4.21.2', ...extra } });

async function secondRunChangesNothing(root: string, plan: AddPlan, modules: string[]): Promise<void> {
  writeChanges(root, plan.changes);
  const again = await planModules(root, modules, { yes: true });
  expect(again.changes).toEqual([]);
}

describe('secure add headers over an installed helmet 4', () => {
  const app = `const express = require('express');\nconst helmet = require('helmet');\n\nconst app = express();\napp.use(helmet());\napp.get('/items', (req, res) => res.json([]));\nmodule.exports = app;\n`;

  it('replaces its helmet() and speaks helmet 4: hsts and xssFilter, the cross-origin policies set by hand', async () => {
    const root = project({ 'package.json': expressJs({ helmet: '^4.6.0' }), 'app.js': app });
    const plan = await planModules(root, ['headers'], { yes: true });
    expect(plan.refused).toEqual([]);
    expect(changed(plan, 'app.js')).toContain(`app.use(securityHeaders(settings));\napp.get('/items'`);
    const headers = changed(plan, 'security/headers.js')!;
    expect(headers).toContain('hsts: false,');
    expect(headers).toContain('xssFilter: false,');
    expect(headers).not.toMatch(/strictTransportSecurity: false|xXssProtection|useDefaults:/);
    expect(headers).toContain(
      `response.setHeader('Cross-Origin-Resource-Policy', securityHeaderValues['Cross-Origin-Resource-Policy']);`,
    );
    // Their helmet stays theirs: not moved to our major.
    expect(JSON.parse(changed(plan, 'package.json')!).dependencies.helmet).toBe('^4.6.0');
    await secondRunChangesNothing(root, plan, ['headers']);
  });

  it('turns off the require-corp embedder policy only helmet 5 sends by default', async () => {
    const root = project({ 'package.json': expressJs({ helmet: '^5.1.1' }), 'app.js': app });
    const headers = changed(await planModules(root, ['headers'], { yes: true }), 'security/headers.js')!;
    expect(headers).toContain('crossOriginEmbedderPolicy: false,');
    expect(headers).toContain('useDefaults: false');
  });

  it('keeps the current option names for helmet 7 and later', async () => {
    const root = project({ 'package.json': expressJs({ helmet: '^7.1.0' }), 'app.js': app });
    const headers = changed(await planModules(root, ['headers'], { yes: true }), 'security/headers.js')!;
    expect(headers).toContain('strictTransportSecurity: false,');
    expect(headers).not.toMatch(/\bhsts:|xssFilter|crossOriginEmbedderPolicy/);
  });

  it('still refuses helmet 3, naming the upgrade', async () => {
    const root = project({ 'package.json': expressJs({ helmet: '^3.23.3' }), 'app.js': app });
    const plan = await planModules(root, ['headers'], { yes: true });
    expect(plan.refused).toEqual([
      expect.objectContaining({
        generator: 'headers',
        reason: expect.stringMatching(/helmet 3\.23\.3 is installed/),
      }),
    ]);
  });
});

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'rate-limit-in-place');
const fixture = (name: string) => readFileSync(join(fixtures, name), 'utf8');

describe("secure add rate-limit over the app's own express-rate-limit", () => {
  const commonJs = { 'package.json': expressJs({ 'express-rate-limit': '^8.1.0' }) };
  // An ES module in TypeScript, on express-rate-limit 6 (`max`, and a message of its own).
  const typescriptEsm = {
    'package.json': JSON.stringify({
      type: 'module',
      dependencies: { express: '^4.21.2', 'express-rate-limit': '^6.11.2' },
      devDependencies: { typescript: '^5.6.2' },
    }),
    'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'nodenext', strict: true } }),
  };
  const situations: [string, string, Record<string, string>][] = [
    ['app-wide-and-per-route', 'app.js', commonJs],
    ['per-route-only', 'app.js', commonJs],
    ['inline-one-line', 'app.js', commonJs],
    ['crlf-double-quotes', 'app.js', commonJs],
    ['inline-message-esm-ts', 'src/app.ts', typescriptEsm],
  ];
  for (const [situation, entry, files] of situations) {
    it(`${situation}: the entry as the fixture's output, and a second run changes nothing`, async () => {
      const extension = entry.slice(entry.lastIndexOf('.'));
      const root = project({ ...files, [entry]: fixture(`${situation}.input${extension}`) });
      const plan = await planModules(root, ['rate-limit'], { yes: true });
      expect(plan.refused).toEqual([]);
      expect(changed(plan, entry)).toBe(fixture(`${situation}.output${extension}`));
      await secondRunChangesNothing(root, plan, ['rate-limit']);
    });
  }
});

describe('secure add rate-limit refuses the limiters it cannot rewrite safely, and writes nothing for them', () => {
  const refusals: [string, string, RegExp][] = [
    [
      'its own 429 handler',
      `app.use(rateLimit({ windowMs: 60000, limit: 50, handler: (req, res) => res.status(429).end() }));`,
      /`rateLimit\(\.\.\.\)` \(app\.js:5\) limits every request, and it answers with its own `handler`/,
    ],
    [
      'options made elsewhere',
      `const options = { windowMs: 60000, limit: 50 };\napp.use(rateLimit(options));`,
      /app\.js:6\) limits every request, and its options are not written out where it is made/,
    ],
    [
      'options spread from elsewhere',
      `const base = { windowMs: 60000 };\napp.use(rateLimit({ ...base, limit: 50 }));`,
      /its options spread `base`/,
    ],
    [
      'two app-wide limiters',
      `const slow = rateLimit({ windowMs: 60000, limit: 500 });\napp.use(slow);\napp.use(rateLimit({ windowMs: 1000, limit: 20 }));`,
      /limits every request twice already \(`slow` \(app\.js:5\), `rateLimit\(\.\.\.\)` \(app\.js:7\)\)/,
    ],
    [
      'a limiter put on the app after routes it never sees',
      `app.get('/early', (req, res) => res.json([]));\napp.use(rateLimit({ windowMs: 60000, limit: 50 }));`,
      /is put on every request after the routes at app\.js:5, which it never limits: move its `app\.use\(\.\.\.\)` above them/,
    ],
  ];
  for (const [situation, registration, reason] of refusals)
    it(situation, async () => {
      const entry = `const express = require('express');\nconst { rateLimit } = require('express-rate-limit');\n\nconst app = express();\n${registration}\napp.get('/items', (req, res) => res.json([]));\nmodule.exports = app;\n`;
      const root = project({
        'package.json': expressJs({ 'express-rate-limit': '^7.4.0' }),
        'app.js': entry,
      });
      const plan = await planModules(root, ['rate-limit'], { yes: true });
      expect(plan.refused).toEqual([
        expect.objectContaining({ generator: 'rate-limit', reason: expect.stringMatching(reason) }),
      ]);
      expect(plan.changes.map((change) => change.path)).not.toContain('security/rate-limit.js');
      expect(changed(plan, 'app.js') ?? entry).not.toMatch(/policyRateLimit|rateLimiter/);
    });

  it('leaves a limiter from rate-limiter-flexible beside it to the generic refusal', async () => {
    const entry = `const express = require('express');\nconst { rateLimit } = require('express-rate-limit');\nconst { RateLimiterMemory } = require('rate-limiter-flexible');\n\nconst app = express();\napp.use(rateLimit({ windowMs: 60000, limit: 50 }));\nmodule.exports = { app, RateLimiterMemory };\n`;
    const root = project({
      'package.json': expressJs({ 'express-rate-limit': '^7.4.0', 'rate-limiter-flexible': '^5.0.0' }),
      'app.js': entry,
    });
    const plan = await planModules(root, ['rate-limit'], { yes: true });
    expect(plan.refused).toEqual([
      expect.objectContaining({ reason: expect.stringContaining('rate-limiter-flexible in app.js:3') }),
    ]);
  });
});

describe('what secure add says about the limiters it met', () => {
  it('names the limiter reconfigured in place, and on a second run that it already takes the policy', async () => {
    const root = project({
      'package.json': expressJs({ 'express-rate-limit': '^8.1.0' }),
      'app.js': fixture('app-wide-and-per-route.input.js'),
    });
    const plan = await planModules(root, ['rate-limit'], { yes: true });
    expect(plan.notes).toContain(
      "rate-limit: your limiter `limiter` (app.js:12) now takes the policy's window, limit and 429 answer (`...policyRateLimit` from security/rate-limit); its other options and your per-route limiters are kept; `RATE_LIMIT_GLOBAL`, read only by its old limit, removed",
    );
    writeChanges(root, plan.changes);
    const again = await planModules(root, ['rate-limit'], { yes: true });
    expect(again.notes.join('\n')).toMatch(
      /your limiter `limiter` \(app\.js:\d+\) already takes the policy's/,
    );
  });

  it('names the per-route limiters it kept beside the policy limit it added', async () => {
    const root = project({
      'package.json': expressJs({ 'express-rate-limit': '^8.1.0' }),
      'app.js': fixture('per-route-only.input.js'),
    });
    const plan = await planModules(root, ['rate-limit'], { yes: true });
    expect(plan.notes).toContain(
      "rate-limit: kept your limiters on some routes (`loginLimiter` (app.js:4)) and added the policy's limit for every request",
    );
  });
});
