import { execa } from 'execa';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { secureBin } from '../helpers/cli.js';
import { tempProject } from '../helpers/temp-repo.js';

const preload = join(import.meta.dirname, 'loaded-packages', 'preload.mjs');

/** The packages a run of the built `secure` loads, in any of its threads. */
async function packagesLoaded(args: string[], cwd: string): Promise<Set<string>> {
  const list = join(mkdtempSync(join(tmpdir(), 'secure-loads-')), 'packages.txt');
  await execa('node', ['--import', preload, secureBin, ...args], {
    cwd,
    env: { NO_COLOR: '1', LOADED_PACKAGES_FILE: list },
    reject: false,
    stdin: 'ignore',
  });
  return new Set(readFileSync(list, 'utf8').split('\n').filter(Boolean));
}

// What fix and add need and check must not pay for at every start: the fixer's printers, the TypeScript
// verifier, the formatter, templates, prompts and the package-manager runner.
const fixAndAddStack = [
  'recast',
  'jscodeshift',
  'ts-morph',
  'typescript',
  'prettier',
  'handlebars',
  '@inquirer/prompts',
  'execa',
];

const sqlInjection = 'export const find = (db, id) => db.query(`SELECT * FROM users WHERE id = ${id}`);\n';
const pythonSqlInjection =
  'def find(conn, name):\n    return conn.execute(f"SELECT * FROM users WHERE name = {name}")\n';

describe('what each command loads (the built bin)', () => {
  it('secure --version loads the command line only', async () => {
    const loaded = await packagesLoaded(['--version'], tmpdir());
    expect([...loaded].sort()).toEqual(['commander', 'picocolors']);
  });

  it('secure check loads neither the fix and add stack nor, for clean Python, the Python parser', async () => {
    const dir = tempProject({
      'package.json': '{"name":"loads"}',
      'src/db.js': sqlInjection,
      'src/util.py': 'def add(a, b):\n    return a + b\n',
    });
    const loaded = await packagesLoaded(['check', '--no-cache', '--format', 'json'], dir);
    expect(loaded).toContain('@babel/parser');
    expect(fixAndAddStack.filter((name) => loaded.has(name))).toEqual([]);
    expect(loaded).not.toContain('@ast-grep/napi');
  });

  it('secure check validates a policy with zod only when a project has a secure.config.json', async () => {
    const files = { 'package.json': '{"name":"loads"}', 'src/db.js': sqlInjection };
    const withoutConfig = await packagesLoaded(
      ['check', '--no-cache', '--format', 'json'],
      tempProject(files),
    );
    expect(withoutConfig).not.toContain('zod');
    const configured = tempProject({ ...files, 'secure.config.json': '{"jwt":{"accessTokenMinutes":15}}' });
    expect(await packagesLoaded(['check', '--no-cache', '--format', 'json'], configured)).toContain('zod');
  });

  it('the Python parser loads once a Python file passes a prefilter', async () => {
    const dir = tempProject({ 'requirements.txt': 'fastapi\n', 'app/db.py': pythonSqlInjection });
    const loaded = await packagesLoaded(['check', '--no-cache', '--format', 'json'], dir);
    expect(loaded).toContain('@ast-grep/napi');
    expect(fixAndAddStack.filter((name) => loaded.has(name))).toEqual([]);
  });
});
