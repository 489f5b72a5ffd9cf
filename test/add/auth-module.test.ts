import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderGenerators } from '../../src/engine/render.js';
import { memoryOutput } from '../../src/cli/output.js';
import { runProgram } from '../../src/cli/run.js';
import { secureProgram } from '../../src/cli/secure-program.js';
import { facts, moduleContext } from './module-context.js';
import { git, gitStatus, makeProject } from './projects.js';

async function secure(root: string, args: string[]) {
  const output = memoryOutput();
  const code = await runProgram(secureProgram(output, root), args, output);
  return { code, stdout: output.stdout.join('\n'), stderr: output.stderr.join('\n') };
}

describe('auth modules', () => {
  for (const framework of ['express', 'fastify'] as const)
    it(`${framework}: no global request declaration to collide with express-jwt's or another plugin's`, () => {
      const files = renderGenerators(['auth'], moduleContext(framework, facts()));
      for (const file of files.values())
        expect(file.content, file.path).not.toMatch(/declare (module|global)/);
    });

  it('an existing app gets the setup module and a README section; a scaffolded app, which wires auth itself, does not', () => {
    const existing = renderGenerators(['auth'], moduleContext('express', facts()));
    expect(existing.get('src/security/auth-setup.ts')?.content).toContain('export function createAuth(');
    expect(existing.get('docs/secure-add-auth.md')?.content).toContain(
      "app.get('/orders', auth.requireAuth, listOrders)",
    );
    const fastify = renderGenerators(['auth'], moduleContext('fastify', facts()));
    expect(fastify.get('docs/secure-add-auth.md')?.content).toContain('{ preHandler: auth.requireAuth }');
    const scaffolded = renderGenerators(['auth'], moduleContext('express'));
    expect(scaffolded.has('src/security/auth-setup.ts')).toBe(false);
    expect(scaffolded.has('docs/secure-add-auth.md')).toBe(false);
  });
});

describe('secure add auth', () => {
  it('on a project that signs its JWTs with express-jwt: refused with the reason, nothing written', async () => {
    const root = await makeProject('express5-esm');
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    pkg.dependencies = { ...pkg.dependencies, 'express-jwt': '^8.4.1', jsonwebtoken: '^9.0.2' };
    writeFileSync(join(root, 'package.json'), JSON.stringify(pkg, null, 2));
    await git(root, 'commit', '-qam', 'its own JWT auth');
    const refused = await secure(root, ['add', 'auth', '--yes']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /auth: this project already signs or verifies JWTs with express-jwt and jsonwebtoken/,
    );
    expect(refused.stderr).toMatch(/jwt-algorithm/);
    expect(await gitStatus(root)).toBe('');
  });

  it('elsewhere: writes the modules, wires nothing global, and says how to plug in the user store and mount the routes', async () => {
    const root = await makeProject('express5-esm');
    const added = await secure(root, ['add', 'auth', '--yes']);
    expect(added.code, added.stdout + added.stderr).toBe(0);
    expect(added.stdout).toMatch(/UserStore .*createAuth\(\{ users \}\)/);
    expect(added.stdout).toMatch(/app\.use\('\/auth', auth\.routes\)/);
    expect(added.stdout).not.toMatch(/not wired/);
    expect(existsSync(join(root, 'src/security/auth.ts'))).toBe(true);
    expect(readFileSync(join(root, 'src/app.ts'), 'utf8')).not.toContain('requireAuth');
  });
});
