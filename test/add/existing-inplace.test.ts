import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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
