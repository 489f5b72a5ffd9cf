import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rulesPreset } from '../../src/policy/index.js';
import { runRule } from '../../test/helpers/rule-fixtures.js';
import { wiredFixtureTests } from '../../test/helpers/wired-fixtures.js';
import rule from './rule.js';

describe('missing-security-headers: fixed by secure add headers', () => {
  wiredFixtureTests(import.meta.dirname, rule, 'headers');
});

describe('missing-security-headers: no generated headers where they would not run', () => {
  const entry =
    "const express = require('express');\nconst app = express();\napp.get('/', (req, res) => res.json({}));\napp.listen(3000);\n";

  it('reports, without a fix, an app whose Dockerfile runs a Node older than the generated modules support', () => {
    const root = mkdtempSync(join(tmpdir(), 'headers-node-'));
    writeFileSync(
      join(root, 'Dockerfile'),
      'FROM node:12-alpine\nWORKDIR /app\nCOPY . .\nCMD ["node", "server.js"]\n',
    );
    const project = { root, policy: rulesPreset, moduleSystem: 'cjs' } as const;
    const [finding] = runRule(rule, entry, 'server.js', project).findings;
    expect(finding).toMatchObject({ fixable: false });
    expect(finding.unfixableReason).toContain('Node 12 (Dockerfile FROM node:12)');
  });

  it('reads the LTS codename of an official image tag (node:carbon is Node 8)', () => {
    const root = mkdtempSync(join(tmpdir(), 'headers-node-'));
    writeFileSync(
      join(root, 'Dockerfile'),
      'FROM node:carbon\nWORKDIR /app\nCOPY . .\nCMD ["node", "server.js"]\n',
    );
    const project = { root, policy: rulesPreset, moduleSystem: 'cjs' } as const;
    const [finding] = runRule(rule, entry, 'server.js', project).findings;
    expect(finding.unfixableReason).toContain('Node 8 (Dockerfile FROM node:carbon)');
  });

  it('still offers secure add headers on a current Node', () => {
    const root = mkdtempSync(join(tmpdir(), 'headers-node-'));
    writeFileSync(join(root, '.nvmrc'), 'v22.11.0\n');
    const project = { root, policy: rulesPreset, moduleSystem: 'cjs' } as const;
    const [finding] = runRule(rule, entry, 'server.js', project).findings;
    expect(finding).toMatchObject({ fixable: true, generatorFix: 'headers' });
  });
});

describe('missing-security-headers: the app handed to the server that serves it', () => {
  const project = { root: '/p', policy: rulesPreset, moduleSystem: 'cjs' } as const;

  it('reports an app served through require("http").Server(app), as through createServer(app)', () => {
    for (const serve of ["require('http').Server(app)", "require('http').createServer(app)"]) {
      const text = `const express = require('express');\nconst app = express();\nconst http = ${serve};\napp.use('/api', require('./api'));\nhttp.listen(3000);\n`;
      expect(
        runRule(rule, text, 'server.js', project).findings.map((f) => f.line),
        serve,
      ).toEqual([2]);
    }
  });

  it('stays silent when the app goes to a function of the project that may secure it', () => {
    const text =
      "const express = require('express');\nconst setup = require('./setup');\nconst app = express();\nsetup(app);\nrequire('http').Server(app).listen(3000);\n";
    expect(runRule(rule, text, 'server.js', project).findings).toEqual([]);
  });
});
