import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { writeChanges } from '../../src/add/apply.js';
import { staticProblem } from '../../src/engine/verify/index.js';
import { tempProject } from '../helpers/temp-repo.js';

/**
 * A change that parses but would not load under the file's module system is refused before it is written:
 * `import` in a CommonJS file, `require` / `module.exports` in an ES module.
 */

const commonJs = "const express = require('express');\nconst app = express();\nmodule.exports = app;\n";
const esm = "import express from 'express';\nexport const app = express();\n";

function problem(files: Record<string, string>, path: string, before: string | undefined, after: string) {
  const root = tempProject(files, { git: false });
  return staticProblem({ path: join(root, path), before, after });
}

describe('module system kept', () => {
  it('refuses an import declaration added to a CommonJS file', () => {
    const after = `import { securityHeaders } from './security/headers.js';\n${commonJs}`;
    expect(problem({ 'package.json': '{}' }, 'app.js', commonJs, after)).toBe(
      'the change would put an import or export declaration on line 1 of a CommonJS file (a SyntaxError at load): it must use require',
    );
  });

  it('refuses require and module.exports added to an ES module, by package type or .mjs', () => {
    const after = `${esm}const { securityHeaders } = require('./security/headers.js');\n`;
    expect(problem({ 'package.json': '{"type":"module"}' }, 'src/app.js', esm, after)).toMatch(
      /^the change would use require or module\.exports on line 3 of an ES module \(a ReferenceError at load\)/,
    );
    expect(problem({ 'package.json': '{}' }, 'headers.mjs', undefined, 'module.exports = {};\n')).toMatch(
      /on line 1 of an ES module/,
    );
    expect(problem({ 'package.json': '{"type":"module"}' }, 'new.js', undefined, 'exports.a = 1;\n')).toMatch(
      /on line 1 of an ES module/,
    );
  });

  it('leaves alone what loads: createRequire, dynamic import, files that mix already, TypeScript, new files under a CommonJS package', () => {
    const module = { 'package.json': '{"type":"module"}' };
    const withCreateRequire = `import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\nconst pkg = require('./package.json');\n`;
    expect(problem(module, 'a.js', esm, `${esm}${withCreateRequire}`)).toBeUndefined();
    expect(
      problem({ 'package.json': '{}' }, 'b.js', commonJs, `${commonJs}import('./late.js');\n`),
    ).toBeUndefined();
    // Babel or esm run this CommonJS package's ES syntax: the file already mixes both.
    const babel = `import express from 'express';\nconst routes = require('./routes');\n`;
    expect(
      problem({ 'package.json': '{}' }, 'c.js', babel, `import cors from 'cors';\n${babel}`),
    ).toBeUndefined();
    expect(
      problem({ 'package.json': '{}' }, 'd.ts', commonJs, `import x from 'x';\n${commonJs}`),
    ).toBeUndefined();
    expect(problem({ 'package.json': '{}' }, 'e.js', undefined, `export const a = 1;\n`)).toBeUndefined();
  });

  it('secure add writes nothing when its wiring would not load', () => {
    const root = tempProject({ 'package.json': '{}', 'app.js': commonJs }, { git: false });
    expect(() =>
      writeChanges(root, [
        {
          path: 'security/headers.js',
          after: 'exports.securityHeaders = () => (req, res, next) => next();\n',
        },
        {
          path: 'app.js',
          before: commonJs,
          after: `import { securityHeaders } from './security/headers.js';\n${commonJs}`,
        },
      ]),
    ).toThrow(/^app\.js: the change would put an import or export declaration on line 1 of a CommonJS file/);
  });
});
