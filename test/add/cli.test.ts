import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatorSource } from '../../src/add/registry.js';
import { memoryOutput } from '../../src/cli/output.js';
import { runProgram } from '../../src/cli/run.js';
import { secureProgram } from '../../src/cli/secure-program.js';
import { createBin, runBin, secureBin } from '../helpers/cli.js';
import { gitStatus, makeProject } from './projects.js';

async function secure(root: string, args: string[]) {
  const output = memoryOutput();
  const code = await runProgram(secureProgram(output, root), args, output);
  return { code, stdout: output.stdout.join('\n'), stderr: output.stderr.join('\n') };
}

describe('secure add (command line)', () => {
  it('--list shows each module in one line, and not the scaffolder-only app', async () => {
    const result = await secure(process.cwd(), ['add', '--list']);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines).toHaveLength(generatorSource.generators.length);
    for (const name of [
      'config',
      'auth',
      'cors',
      'headers',
      'trusted-host',
      'rate-limit',
      'ws-auth',
      'docker',
    ])
      expect(lines.some((line) => line.startsWith(`${name} `))).toBe(true);
    expect(lines.some((line) => line.startsWith('app '))).toBe(false);
  });

  // Before, it asked which WebSocket library to add to an app that has none.
  it('in an app without a WebSocket library, ws-auth is not added: one reason, nothing written', async () => {
    const root = await makeProject('express5-esm');
    const result = await secure(root, ['add', 'ws-auth']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/not added: ws-auth: no WebSocket library/);
    expect(await gitStatus(root)).toBe('');
  });

  it('an unknown module is a usage error (exit 2)', async () => {
    const root = await makeProject('express5-esm');
    const result = await secure(root, ['add', 'firewall', '--yes']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown module "firewall"/);
    expect(await gitStatus(root)).toBe('');
  });

  it('secure fix repairs missing headers and rate limit through secure add; check is then clean', async () => {
    const root = await makeProject('express5-esm');
    const rulesOf = (json: string) =>
      (JSON.parse(json).findings as { rule: string }[]).map((finding) => finding.rule).sort();
    const before = await secure(root, ['check', '--format', 'json', '--no-cache']);
    expect(rulesOf(before.stdout)).toEqual(['missing-rate-limit', 'missing-security-headers']);
    const fixed = await secure(root, ['fix', '--no-cache']);
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(readFileSync(join(root, 'src/app.ts'), 'utf8')).toContain(
      'export const app = express();\napp.use(securityHeaders(settings));\napp.use(rateLimiter());\n',
    );
    const after = await secure(root, ['check', '--format', 'json', '--no-cache']);
    expect(rulesOf(after.stdout)).toEqual([]);
  });

  it.each(['express', 'fastify'])(
    'on an app create-secure-app made (%s), the modules are already there and nothing changes',
    async (framework) => {
      const parent = mkdtempSync(join(tmpdir(), 'secure-add-scaffolded-'));
      const created = await runBin(createBin, ['api', '--yes', '--framework', framework, '--skip-install'], {
        cwd: parent,
      });
      expect(created.exitCode, created.stderr).toBe(0);
      const root = join(parent, 'api');
      const result = await secure(root, ['add', 'headers', 'cors', 'trusted-host', 'rate-limit', '--yes']);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).not.toMatch(/^\s+(create|update) /m);
      for (const name of ['headers', 'cors', 'trusted-host', 'rate-limit'])
        expect(result.stdout).toContain(`up to date ${name}`);
    },
  );

  it('names at least one module', async () => {
    const result = await secure(process.cwd(), ['add']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/name at least one module/);
  });

  // Run by the built bin: Node's own import of a CommonJS package is what hid Prettier 2's API.
  it('formats with the Prettier 2 a project has installed instead of crashing', async () => {
    const root = await makeProject('express5-esm');
    const prettier = join(root, 'node_modules', 'prettier');
    mkdirSync(prettier, { recursive: true });
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    pkg.devDependencies = { ...pkg.devDependencies, prettier: '2.8.8' };
    writeFileSync(join(root, 'package.json'), JSON.stringify(pkg));
    writeFileSync(join(prettier, 'package.json'), '{"name":"prettier","version":"2.8.8","main":"index.js"}');
    // Like Prettier 2's bundle: Node reads `format` statically, and nothing after the first method.
    writeFileSync(
      join(prettier, 'index.js'),
      `function format(text) {\n  return '// prettier 2\\n' + text;\n}\nmodule.exports = {\n  format,\n  check(text) {\n    return Boolean(text);\n  },\n  getFileInfo: async () => ({ ignored: false }),\n  resolveConfig: async () => null,\n};\n`,
    );
    const result = await runBin(secureBin, ['add', 'headers', '--dry-run', '--yes'], { cwd: root });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('+// prettier 2\n+import');
  });
});
