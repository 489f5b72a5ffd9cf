import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixCommand } from '../../src/cli/commands/fix.js';
import { memoryOutput } from '../../src/cli/output.js';
import type { GeneratorRunner } from '../../src/engine/run-fix.js';
import { tempProject } from '../helpers/temp-repo.js';
import { toyRules } from './toy-rules.js';

/**
 * `secure fix` writes a generator's plan (`secure add headers` for an app without headers) only after the
 * same static checks as an in-file fix: in a JavaScript project, where no tsc runs, a wiring that reads a
 * binding before its require, or a package.json that no longer parses, is refused with the reason.
 */

const options = { rule: [], dryRun: false, force: false, cache: false };
const server = "const express = require('express');\nconst app = express();\napp.listen(3000);\n";

function project() {
  return tempProject({ 'package.json': '{"name":"api"}\n', 'src/server.js': server });
}

const headersModule = {
  path: 'src/security/headers.js',
  after: 'exports.securityHeaders = () => (req, res, next) => next();\n',
};

describe('secure fix: a generator plan is verified before it is written', () => {
  it('refuses wiring that uses a require before it runs, names the file and line, and writes nothing', async () => {
    const dir = project();
    const runGenerator: GeneratorRunner = async () => ({
      changes: [
        headersModule,
        {
          path: 'src/server.js',
          before: server,
          after: server.replace(
            'app.listen(3000);',
            "app.use(securityHeaders());\nconst { securityHeaders } = require('./security/headers');\napp.listen(3000);",
          ),
        },
      ],
    });
    const output = memoryOutput();
    expect(await fixCommand(output, dir, [], options, toyRules, runGenerator)).toBe(1);
    expect(output.stdout.join('\n')).toMatch(
      /src\/server\.js: the change would use securityHeaders on line 3 before its declaration on line 4 runs \(a ReferenceError at start\); the module was not added/,
    );
    expect(readFileSync(join(dir, 'src/server.js'), 'utf8')).toBe(server);
    expect(existsSync(join(dir, 'src/security'))).toBe(false);
  });

  it('refuses a package.json the plan leaves unparsable', async () => {
    const dir = project();
    const runGenerator: GeneratorRunner = async () => ({
      changes: [
        headersModule,
        { path: 'package.json', before: '{"name":"api"}\n', after: '{"name":"api",}\n' },
      ],
    });
    const output = memoryOutput();
    expect(await fixCommand(output, dir, [], options, toyRules, runGenerator)).toBe(1);
    expect(output.stdout.join('\n')).toMatch(/package\.json: the change would leave invalid JSON/);
    expect(readFileSync(join(dir, 'package.json'), 'utf8')).toBe('{"name":"api"}\n');
  });

  it('still writes a plan that passes', async () => {
    const dir = project();
    const wired = `const express = require('express');\nconst { securityHeaders } = require('./security/headers');\nconst app = express();\napp.use(securityHeaders());\napp.listen(3000);\n`;
    const runGenerator: GeneratorRunner = async () => ({
      changes: [headersModule, { path: 'src/server.js', before: server, after: wired }],
    });
    expect(await fixCommand(memoryOutput(), dir, [], options, toyRules, runGenerator)).toBe(0);
    expect(readFileSync(join(dir, 'src/server.js'), 'utf8')).toBe(wired);
  });
});
