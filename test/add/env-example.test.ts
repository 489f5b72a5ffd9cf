import { describe, expect, it } from 'vitest';
import { planModules } from '../../src/add/index.js';
import { memoryOutput } from '../../src/cli/output.js';
import { runProgram } from '../../src/cli/run.js';
import { secureProgram } from '../../src/cli/secure-program.js';
import { changed, project } from './small-project.js';

const app = {
  'package.json': JSON.stringify({ dependencies: { express: '^4.21.2' } }),
  'app.js': `const express = require('express');\nconst app = express();\nmodule.exports = app;\n`,
};

describe("secure add: the variables go to the project's own env example file", () => {
  it.each(['.env.template', '.env.sample', '.env.dist', 'example.env'])(
    'adds them to %s and writes no .env.example beside it',
    async (name) => {
      const root = project({ ...app, [name]: 'NODE_ENV=development\nPORT=8080\n' });
      const plan = await planModules(root, ['cors'], { yes: true });
      expect(plan.changes.map((change) => change.path)).not.toContain('.env.example');
      const listed = changed(plan, name)!;
      expect(listed.startsWith('NODE_ENV=development\nPORT=8080\n')).toBe(true);
      expect(listed).toMatch(/^CORS_ORIGINS=$/m);
      expect(listed.match(/^PORT=/gm)).toHaveLength(1);
    },
  );

  it('writes .env.example when the project has no such file, and prefers it when both exist', async () => {
    const none = await planModules(project(app), ['cors'], { yes: true });
    expect(changed(none, '.env.example')).toMatch(/^CORS_ORIGINS=$/m);
    const both = await planModules(
      project({ ...app, '.env.example': '', '.env.sample': 'A=1\n' }),
      ['cors'],
      {
        yes: true,
      },
    );
    expect(changed(both, '.env.example')).toMatch(/^CORS_ORIGINS=$/m);
    expect(changed(both, '.env.sample')).toBeUndefined();
  });

  // Before, the next steps named .env.example, a file the run had not written, whatever file it had.
  it.each([
    ['.env.sample', '.env.sample'],
    [undefined, '.env.example'],
  ])('the next steps name the file the variables went to (own list: %s)', async (own, named) => {
    const root = project({ ...app, ...(own ? { [own]: 'PORT=8080\n' } : {}) });
    const output = memoryOutput();
    const code = await runProgram(secureProgram(output, root), ['add', 'cors', '--yes', '--force'], output);
    expect(code).toBe(0);
    expect(output.stdout.at(-1)).toMatch(
      new RegExp(`set the variables listed in ${named.replace('.', '\\.')} in \\.env\\.$`),
    );
    expect(output.stdout.join('\n')).not.toMatch(own ? /\.env\.example/ : /\.env\.sample/);
  });

  it('names no list when the modules added read no variable', async () => {
    const root = project({ ...app, '.env.sample': 'PORT=8080\n' });
    const output = memoryOutput();
    const code = await runProgram(
      secureProgram(output, root),
      ['add', 'logging', '--yes', '--force'],
      output,
    );
    expect(code).toBe(0);
    expect(output.stdout.at(-1)).toMatch(/^Next: run `npm install`/);
    expect(output.stdout.join('\n')).not.toMatch(/variables listed/);
  });
});
