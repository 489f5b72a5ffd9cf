import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rulesPreset } from '../../../src/policy/index.js';
import { runRule } from '../../../test/helpers/rule-fixtures.js';
import headers from '../../missing-security-headers/rule.js';
import rateLimit from '../../missing-rate-limit/rule.js';

// A routes file that makes its own app to group routers (maitraysuthar/rest-api-nodejs-mongodb's routes/api.js).
const subApp =
  "var express = require('express');\nvar authRouter = require('./auth');\n\nvar app = express();\n\napp.use('/auth/', authRouter);\n\nmodule.exports = app;\n";
const parent = (mount: string) =>
  `const express = require('express');\nconst apiRouter = require('./routes/api');\n\nconst app = express();\n${mount}\napp.listen(3000);\n`;

function findings(files: Record<string, string>, file: string) {
  const root = mkdtempSync(join(tmpdir(), 'mounted-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const project = { root, policy: rulesPreset, moduleSystem: 'cjs' } as const;
  return [headers, rateLimit].flatMap((rule) =>
    runRule(rule, files[file], file, project).findings.map((f) => `${f.rule}:${f.line}`),
  );
}

describe('an Express app mounted by another app of the project is judged through its parent', () => {
  const files = { 'app.js': parent("app.use('/api/', apiRouter);"), 'routes/api.js': subApp };

  it('the mounted sub-app is silent', () => {
    expect(findings(files, 'routes/api.js')).toEqual([]);
  });

  it('the parent that mounts it is reported once per missing control', () => {
    expect(findings(files, 'app.js')).toEqual(['missing-security-headers:4', 'missing-rate-limit:4']);
  });

  it('an exported app nothing mounts is still reported', () => {
    expect(
      findings({ 'app.js': parent('apiRouter.listen(4000);'), 'routes/api.js': subApp }, 'routes/api.js'),
    ).toEqual(['missing-security-headers:4', 'missing-rate-limit:4']);
  });

  it('an app mounted elsewhere but not exported by its file is still reported (another app is mounted)', () => {
    const local = subApp.replace('module.exports = app;', 'module.exports = authRouter;');
    expect(findings({ ...files, 'routes/api.js': local }, 'routes/api.js')).toEqual([
      'missing-security-headers:4',
      'missing-rate-limit:4',
    ]);
  });
});
