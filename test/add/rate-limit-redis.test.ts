import { describe, expect, it } from 'vitest';
import { memoryOutput } from '../../src/cli/output.js';
import { runProgram } from '../../src/cli/run.js';
import { secureProgram } from '../../src/cli/secure-program.js';
import { findGenerator } from '../../generators/index.js';
import { facts, moduleContext } from './module-context.js';
import { gitStatus, makeProject } from './projects.js';

async function secure(root: string, args: string[]) {
  const output = memoryOutput();
  const code = await runProgram(secureProgram(output, root), args, output);
  return { code, stdout: output.stdout.join('\n'), stderr: output.stderr.join('\n') };
}

describe('secure add rate-limit --redis', () => {
  it('is accepted, adds the Redis store and REDIS_URL, and --list advertises it', async () => {
    const root = await makeProject('express5-esm');
    const listed = await secure(root, ['add', '--list']);
    expect(listed.stdout).toMatch(/^rate-limit .*--redis/m);
    const planned = await secure(root, ['add', 'rate-limit', '--redis', '--yes', '--dry-run']);
    expect(planned.code, planned.stderr).toBe(0);
    expect(planned.stdout).toContain('+    "rate-limit-redis"');
    expect(planned.stdout).toContain('+    "ioredis"');
    expect(planned.stdout).toContain('+REDIS_URL=');
    expect(planned.stdout).toContain('new RedisStore(');
    expect(await gitStatus(root)).toBe('');
  });
  it('without it, no Redis at all', async () => {
    const root = await makeProject('express5-esm');
    const planned = await secure(root, ['add', 'rate-limit', '--yes', '--dry-run']);
    expect(planned.code, planned.stderr).toBe(0);
    expect(planned.stdout).not.toMatch(/redis/i);
  });
});

describe('development dependencies an existing project does not need', () => {
  it('ws-auth: no socket.io-client (the scaffolded app tests with it), no @types/ws in JavaScript', () => {
    const wsAuth = findGenerator('ws-auth')!;
    expect(wsAuth.devDependencies!(moduleContext('express', facts(), { ws: 'socket.io' }))).toEqual([]);
    expect(wsAuth.devDependencies!(moduleContext('express', undefined, { ws: 'socket.io' }))).toEqual([
      'socket.io-client',
    ]);
    expect(
      wsAuth.devDependencies!(moduleContext('express', facts({ language: 'js' }), { ws: 'ws' })),
    ).toEqual([]);
    expect(wsAuth.devDependencies!(moduleContext('express', facts(), { ws: 'ws' }))).toEqual(['@types/ws']);
  });
});
