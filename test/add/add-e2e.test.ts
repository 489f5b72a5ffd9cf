import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatorSource } from '../../src/add/registry.js';
import { memoryOutput } from '../../src/cli/output.js';
import { runProgram } from '../../src/cli/run.js';
import { secureProgram } from '../../src/cli/secure-program.js';
import { rulesPreset } from '../../src/policy/index.js';
import { probe, startApp } from './http-probe.js';
import { git, gitStatus, makeProject, type ProjectKind } from './projects.js';

/** `secure add ...` in-process, as the bin runs it (argv parsing, exit code, output). */
async function secure(root: string, args: string[]) {
  const output = memoryOutput();
  const code = await runProgram(secureProgram(output, root), args, output);
  return { code, stdout: output.stdout.join('\n'), stderr: output.stderr.join('\n') };
}

const every = generatorSource.generators.map((generator) => generator.name);
const allowedOrigin = 'https://app.example.com';
const env = {
  NODE_ENV: 'development',
  JWT_SECRET: randomBytes(48).toString('base64url'),
  CORS_ORIGINS: allowedOrigin,
  ALLOWED_HOSTS: '127.0.0.1,localhost',
  LOG_LEVEL: 'silent',
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '',
};

/** Every module on two projects; on the third, the HTTP ones alone (what they import must come along). */
const modulesFor: Record<Exclude<ProjectKind, 'express4-js'>, string[]> = {
  'express5-esm': every,
  'express4-cjs': ['cors', 'headers', 'trusted-host', 'rate-limit'],
  'fastify5-esm': every,
};

// npm install + tsc + a running app: minutes on a busy 2-core machine, not the default minute.
const slow = { timeout: 300_000 };

describe.each<Exclude<ProjectKind, 'express4-js'>>(['express5-esm', 'express4-cjs', 'fastify5-esm'])(
  'secure add on %s',
  (kind) => {
    const modules = modulesFor[kind];
    let root: string;
    beforeAll(async () => {
      root = await makeProject(kind);
    });

    it('--dry-run prints the diff of every change and writes nothing', async () => {
      const result = await secure(root, ['add', 'headers', '--dry-run', '--yes']);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain('+++ b/src/security/headers.ts');
      expect(result.stdout).toContain('+++ b/package.json');
      expect(await gitStatus(root)).toBe('');
    });

    it(
      'adds the modules; the project installs, type-checks, starts and serves its route securely',
      slow,
      async () => {
        const added = await secure(root, ['add', ...modules, '--yes', '--install']);
        expect(added.code, `${added.stdout}\n${added.stderr}`).toBe(0);
        expect(readFileSync(join(root, '.gitignore'), 'utf8')).toMatch(/^\.env$/m);
        expect(readFileSync(join(root, '.env.example'), 'utf8')).toMatch(/^JWT_SECRET=$/m);

        // The rules these modules answer stay silent on the project.
        const check = await secure(root, ['check', '--format', 'json', '--no-cache']);
        const findings = (JSON.parse(check.stdout).findings as { rule: string; file: string }[]).filter(
          (finding) =>
            [
              'missing-security-headers',
              'missing-rate-limit',
              'cors-wildcard',
              'hardcoded-secret',
              'jwt-expiry',
              'jwt-algorithm',
            ].includes(finding.rule),
        );
        expect(findings).toEqual([]);

        expect(
          existsSync(join(root, 'node_modules/helmet')) ||
            existsSync(join(root, 'node_modules/@fastify/helmet')),
        ).toBe(true);
        const typecheck = await execa('npx', ['tsc', '--noEmit'], { cwd: root, reject: false });
        expect(typecheck.exitCode, typecheck.stdout).toBe(0);
        await execa('npm', ['run', 'build', '--silent'], { cwd: root });

        const app = await startApp(root, env);
        try {
          const host = { Host: '127.0.0.1' };
          const hello = await probe(app.port, '/hello', { headers: host });
          expect(hello.status, app.output()).toBe(200);
          expect(JSON.parse(hello.body)).toEqual({ hello: 'world' });
          expect(hello.headers['x-frame-options']).toBe('DENY');
          expect(hello.headers['x-content-type-options']).toBe('nosniff');
          expect(hello.headers['x-xss-protection']).toBe(rulesPreset.headers.xssProtection);
          expect(hello.headers['content-security-policy']).toContain("frame-ancestors 'none'");
          expect(hello.headers['x-powered-by']).toBeUndefined();

          const listed = await probe(app.port, '/hello', { headers: { ...host, Origin: allowedOrigin } });
          expect(listed.headers['access-control-allow-origin']).toBe(allowedOrigin);
          expect(String(listed.headers.vary)).toMatch(/Origin/i);
          const preflight = await probe(app.port, '/hello', {
            method: 'OPTIONS',
            headers: { ...host, Origin: 'https://evil.example', 'Access-Control-Request-Method': 'GET' },
          });
          expect(preflight.headers['access-control-allow-origin']).toBeUndefined();

          const wrongHost = await probe(app.port, '/hello', { headers: { Host: 'evil.example' } });
          expect(wrongHost.status).toBe(400);

          const limit = rulesPreset.rateLimit.max;
          let first429 = 0;
          for (let i = 1; i <= limit + 1 && first429 === 0; i++) {
            const response = await probe(app.port, '/hello', { headers: host });
            if (response.status === 429) first429 = i;
            else expect(response.status).toBe(200);
          }
          // Up to 4 requests above were counted too (the 400 may be answered before the limiter).
          expect(first429).toBeGreaterThan(limit - 4);
          expect(first429).toBeLessThanOrEqual(limit + 1);
        } finally {
          await app.stop();
        }
      },
    );

    it('a second run changes nothing and says so', async () => {
      await git(root, 'add', '-A');
      await git(root, 'commit', '-qm', 'secure add');
      const again = await secure(root, ['add', ...modules, '--yes']);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toMatch(/up to date headers/);
      expect(await gitStatus(root)).toBe('');
    });

    // Two `secure add` runs, each type-checking the project before it writes: minutes on a loaded machine.
    it(
      'a generated file the user edited is kept, with the diff shown; --force replaces it',
      slow,
      async () => {
        const cors = join(root, 'src/security/cors.ts');
        const generated = readFileSync(cors, 'utf8');
        const edited = `// reviewed by our team\n${generated}`;
        writeFileSync(cors, edited);
        const kept = await secure(root, ['add', 'cors', '--yes']);
        expect(kept.code).toBe(1);
        expect(kept.stdout).toContain('-// reviewed by our team');
        expect(readFileSync(cors, 'utf8')).toBe(edited);

        const forced = await secure(root, ['add', 'cors', '--yes', '--force']);
        expect(forced.code, forced.stderr).toBe(0);
        expect(readFileSync(cors, 'utf8')).toBe(generated);
        expect(await gitStatus(root)).toBe('');
      },
    );
  },
);

describe('secure add on a JavaScript CommonJS project', () => {
  it('writes JavaScript modules, wires them with require, and the app serves securely', slow, async () => {
    const root = await makeProject('express4-js');
    const added = await secure(root, [
      'add',
      'cors',
      'headers',
      'trusted-host',
      'rate-limit',
      '--yes',
      '--install',
    ]);
    expect(added.code, added.stderr).toBe(0);
    expect(existsSync(join(root, 'src/security/headers.js'))).toBe(true);
    expect(existsSync(join(root, 'src/security/headers.ts'))).toBe(false);
    expect(readFileSync(join(root, 'src/server.js'), 'utf8')).toContain(
      "const { securityHeaders } = require('./security/headers.js');",
    );
    const app = await startApp(root, env);
    try {
      const hello = await probe(app.port, '/hello', { headers: { Host: '127.0.0.1' } });
      expect(hello.status, app.output()).toBe(200);
      expect(hello.headers['x-frame-options']).toBe('DENY');
      expect((await probe(app.port, '/hello', { headers: { Host: 'evil.example' } })).status).toBe(400);
    } finally {
      await app.stop();
    }
  });
});

describe('secure add without an app to wire', () => {
  let root: string;
  afterAll(() => undefined);

  it('says what it looked for, exits 1 and writes nothing', async () => {
    root = await makeProject('express5-esm');
    writeFileSync(join(root, 'src/app.ts'), 'export const notAnApp = 1;\n');
    await git(root, 'commit', '-qam', 'no app');
    const result = await secure(root, ['add', 'headers', '--yes']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no file creating the express app found: looked for `express\(\)`/);
    expect(await gitStatus(root)).toBe('');
    expect(existsSync(join(root, '.secure'))).toBe(false);
  });

  it('--entry naming a file without the app is refused the same way', async () => {
    const result = await secure(root, ['add', 'headers', '--yes', '--entry', 'src/server.ts']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--entry src\/server.ts: this file does not create the express app/);
    expect(await gitStatus(root)).toBe('');
  });
});
