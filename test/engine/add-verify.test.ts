import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeChanges } from '../../src/add/apply.js';
import { tempProject } from '../helpers/temp-repo.js';

describe('secure add: the write step verifies first', () => {
  it('writes nothing and names the file and the reason when a staged module would break the app', () => {
    const app = "const express = require('express');\nconst app = express();\nmodule.exports = app;\n";
    const root = tempProject({ 'package.json': '{}', 'app.js': app }, { git: false });
    expect(() =>
      writeChanges(root, [
        { path: 'security/headers.js', after: 'exports.headers = () => (req, res, next) => next();\n' },
        // the wiring lands above the require it uses: a ReferenceError when the app starts
        {
          path: 'app.js',
          before: app,
          after: `app.use(headers());\n${app.replace('module.exports', "const { headers } = require('./security/headers.js');\nmodule.exports")}`,
        },
      ]),
    ).toThrow(
      /^app\.js: the change would use app on line 1 before its declaration on line 3 runs \(a ReferenceError at start\); secure add wrote nothing$/,
    );
    expect(readFileSync(join(root, 'app.js'), 'utf8')).toBe(app);
    expect(existsSync(join(root, 'security'))).toBe(false);
  });
});
