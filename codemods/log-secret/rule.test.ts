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

describe('log-secret reports whole request headers and credentials written into a message', () => {
  it('reports the @Headers() object, a headers parameter and a startup line with the admin password', () => {
    const name = 'whole-headers-and-startup-credentials.unfixable.ts';
    const text = readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');
    const result = runRule(rule, text, 'src/webhook.ts', virtual);
    expect(result.findings.map((finding) => `${finding.line} ${finding.fixable}`)).toEqual([
      '7 false',
      '13 false',
      '18 false',
      '23 false',
    ]);
    expect(result.findings[0].message).toContain('whole request headers');
    expect(result.findings[2].message).not.toContain('password123');
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
      expect(findings[0].message).toContain('`token` (core/auth.js:2) takes a credential');
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

  it('reports a token destructured from the query, and personal data read through a kept query object', () => {
    const text = app("'combined'");
    const destructured =
      'exports.verify = (req, res) => {\n  const { email, token } = req.query;\n  res.json(check(email, token));\n};\n';
    expect(check(project({ 'app.js': text, 'verify.js': destructured }), text)[0].message).toContain(
      '`token` (verify.js:2) takes a credential',
    );
    const buy =
      "router.all('/buy', (req, res) => {\n  const params = req.method === 'GET' ? null : req.body;\n  const query = url.parse(req.url, true).query;\n  order(query.mail, query.phone);\n});\n";
    const findings = check(project({ 'app.js': text, 'routes/buy.js': buy }), text);
    expect(findings.map((finding) => finding.line)).toEqual([4]);
    expect(findings[0].message).toContain('`phone` (routes/buy.js:4) takes personal data');
  });

  it('stays silent when no credential comes in a query string, or the format leaves the URL out', () => {
    const search =
      'exports.search = (req, res) => res.json(find(req.query.q, req.query.page));\nexports.byMail = (req, res) => {\n  const query = req.query;\n  res.json(findUser(query.email, query.address));\n};\n';
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

describe('log-secret reports pino-http logging the headers that carry credentials', () => {
  const roots: string[] = [];
  afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

  function project(files: Record<string, string>): string {
    const root = mkdtempSync(join(tmpdir(), 'log-secret-pino-'));
    roots.push(root);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return root;
  }
  const app = (setup: string) =>
    `import express from 'express';\nimport pinoHttp from 'pino-http';\nconst app = express();\n${setup}\nexport default app;\n`;
  const check = (root: string, text: string) =>
    runRule(rule, text, 'src/app.ts', { root, policy: rulesPreset, moduleSystem: 'esm' }).findings;
  const bearerAuth =
    "export function tokenOf(req) {\n  return req.headers.authorization?.replace('Bearer ', '');\n}\n";

  it('reports pino-http with the default request serializer in an app that reads the Authorization header', () => {
    for (const setup of [
      'app.use(pinoHttp());',
      "app.use(pinoHttp({ logger, customSuccessMessage: () => 'done' }));",
      'const options = { autoLogging: true };\napp.use(pinoHttp(options));',
    ]) {
      const text = app(setup);
      const root = project({ 'src/app.ts': text, 'src/auth.ts': bearerAuth });
      const findings = check(root, text);
      const useLine = text.split('\n').findIndex((line) => line.startsWith('app.use(')) + 1;
      expect(findings.map((finding) => finding.line)).toEqual([useLine]);
      expect(findings[0].message).toContain('src/auth.ts:2');
      expect(findings[0].fixable).toBe(false);
    }
  });

  it('reports express-pino-logger required in a session app', () => {
    const text =
      "const express = require('express');\nconst session = require('express-session');\nconst logger = require('express-pino-logger');\nconst app = express();\napp.use(logger());\n";
    expect(check(project({ 'src/app.ts': text }), text).map((finding) => finding.line)).toEqual([5]);
  });

  it('stays silent when the headers are redacted or serialized, or no credential comes in a header', () => {
    const redacted = app("app.use(pinoHttp({ redact: ['req.headers.authorization'] }));");
    expect(check(project({ 'src/app.ts': redacted, 'src/auth.ts': bearerAuth }), redacted)).toEqual([]);
    const serialized = app('app.use(pinoHttp({ serializers: { req: (req) => ({ url: req.url }) } }));');
    expect(check(project({ 'src/app.ts': serialized, 'src/auth.ts': bearerAuth }), serialized)).toEqual([]);
    const ownLogger = app('app.use(pinoHttp({ logger }));');
    const loggerModule =
      "import pino from 'pino';\nexport const logger = pino({ redact: ['req.headers.authorization'] });\n";
    expect(
      check(
        project({ 'src/app.ts': ownLogger, 'src/auth.ts': bearerAuth, 'src/logger.ts': loggerModule }),
        ownLogger,
      ),
    ).toEqual([]);
    const spread = app('app.use(pinoHttp({ ...defaults }));');
    expect(check(project({ 'src/app.ts': spread, 'src/auth.ts': bearerAuth }), spread)).toEqual([]);
    const publicApi = app('app.use(pinoHttp());');
    const search = 'export const search = (req, res) => res.json(find(req.query.q));\n';
    expect(check(project({ 'src/app.ts': publicApi, 'src/search.ts': search }), publicApi)).toEqual([]);
    const testOnly = app('app.use(pinoHttp());');
    expect(check(project({ 'src/app.ts': testOnly, 'test/auth.test.ts': bearerAuth }), testOnly)).toEqual([]);
  });
});
