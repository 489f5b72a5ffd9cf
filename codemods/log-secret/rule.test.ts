import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rulesPreset } from '../../src/policy/index.js';
import { runRule } from '../../test/helpers/rule-fixtures.js';
import rule from './rule.js';

const virtual = { root: '/virtual-project', policy: rulesPreset, moduleSystem: 'cjs' as const };

describe('log-secret reports whole records, configuration and connection strings', () => {
  it('reports each whole value once, at the value, and leaves the file alone', () => {
    const text = readFileSync(join(import.meta.dirname, 'fixtures', 'whole-records.unfixable.js'), 'utf8');
    const result = runRule(rule, text, 'src/boot.js', virtual);
    expect(result.findings.map((finding) => `${finding.line} ${finding.fixable}`)).toEqual([
      '6 false',
      '7 false',
      '11 false',
      '15 false',
      '16 false',
      '23 false',
    ]);
    expect(result.findings[0].message).toContain('whole configuration');
    expect(result.findings[2].message).toContain('connection string');
    expect(result.findings[3].message).toContain('whole user record');
    expect(result.output).toBe(text);
  });
});

describe('log-secret reports access logs that record credentials from query strings', () => {
  const roots: string[] = [];
  afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

  function project(files: Record<string, string>): string {
    const root = mkdtempSync(join(tmpdir(), 'log-secret-access-'));
    roots.push(root);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return root;
  }
  const app = (format: string) =>
    `const express = require('express');\nconst morgan = require('morgan');\nconst app = express();\napp.use(morgan(${format}));\nmodule.exports = app;\n`;
  const check = (root: string, text: string) =>
    runRule(rule, text, 'app.js', { root, policy: rulesPreset, moduleSystem: 'cjs' }).findings;

  const resetRoute =
    "exports.resetPw = (req, res) => {\n  if (req.query.token === expected(req.query.login)) res.render('reset');\n};\n";

  it('reports morgan with a predefined or variable format when a route reads a token from the query', () => {
    for (const format of ["'tiny'", "'combined'", 'logFormat', '']) {
      const text = app(format);
      const root = project({ 'app.js': text, 'core/auth.js': resetRoute });
      const findings = check(root, text);
      expect(findings.map((finding) => finding.line)).toEqual([4]);
      expect(findings[0].message).toContain('req.query.token` (core/auth.js:2)');
    }
  });

  it('reports a query value passed to jwt.decode whatever its name', () => {
    const text = app("'combined'");
    const root = project({
      'app.js': text,
      'reset.js':
        "app.get('/new_password', (req, res) => {\n  const data = jwt.decode(req.query.link, key);\n});\n",
    });
    expect(check(root, text).map((finding) => finding.line)).toEqual([4]);
  });

  it('stays silent when no credential comes in a query string, or the format leaves the URL out', () => {
    const search = 'exports.search = (req, res) => res.json(find(req.query.q, req.query.page));\n';
    const quiet = app("'combined'");
    expect(check(project({ 'app.js': quiet, 'search.js': search }), quiet)).toEqual([]);
    const noUrl = app("':method :status :response-time ms'");
    expect(check(project({ 'app.js': noUrl, 'core/auth.js': resetRoute }), noUrl)).toEqual([]);
    const fn = app('(tokens, req, res) => tokens.status(req, res)');
    expect(check(project({ 'app.js': fn, 'core/auth.js': resetRoute }), fn)).toEqual([]);
    const testOnly = app("'dev'");
    expect(check(project({ 'app.js': testOnly, 'test/auth.test.js': resetRoute }), testOnly)).toEqual([]);
  });
});
