import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

// The package as a new user gets it: `npm pack`, the tarball installed globally into a temp prefix.
const version = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version;
let prefix: string;
let tarball: string;
const bin = (name: string) => join(prefix, 'bin', name);

beforeAll(async () => {
  const work = mkdtempSync(join(tmpdir(), 'pack-'));
  prefix = join(work, 'prefix');
  const packed = await execa('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], {
    cwd: repoRoot,
  });
  const [info] = JSON.parse(packed.stdout);
  tarball = join(work, info.filename);
  await execa('npm', ['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', tarball], {
    cwd: work,
  });
}, 300_000);

afterAll(() => {
  if (prefix) rmSync(join(prefix, '..'), { recursive: true, force: true });
});

describe('the packed tarball installed globally', () => {
  it('ships dist and templates, and nothing heavy', async () => {
    const listed = await execa('tar', ['-tzf', tarball]);
    const files = listed.stdout.split('\n');
    expect(files).toContain('package/dist/src/bin/secure.js');
    expect(files).toContain('package/dist/src/bin/create-secure-app.js');
    // The rules travel with the package: README links to docs/rules.md, which links to each rule's README.
    expect(files).toContain('package/docs/rules.md');
    expect(files).toContain('package/codemods/cors-wildcard/README.md');
    expect(files.some((file) => file.startsWith('package/templates/'))).toBe(true);
    // The generated app's own tests are templates (templates/app/.../test/); our tests, fixtures and
    // dependencies are not shipped.
    expect(
      files.filter((file) => /^package\/(test|bench|scripts)\/|\/node_modules\/|\/fixtures\//.test(file)),
    ).toEqual([]);
  });

  it.each(['secure', 'create-secure-app'])('%s --version prints the package semver', async (name) => {
    const result = await execa(bin(name), ['--version'], { reject: false });
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim()).toBe(version);
  });

  it('secure --help lists add, check and fix; an unknown command exits 2', async () => {
    const help = await execa(bin('secure'), ['--help']);
    for (const command of ['add', 'check', 'fix'])
      expect(help.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    const unknown = await execa(bin('secure'), ['launch'], { reject: false, env: { NO_COLOR: '1' } });
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'launch'/);
  });
});
