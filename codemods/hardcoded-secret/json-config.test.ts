import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rulesPreset } from '../../src/policy/index.js';
import { runRule } from '../../test/helpers/rule-fixtures.js';
import rule from './rule.js';

// auth0-blog/nodejs-jwt-authentication-sample's shape: the signing secret sits in a config.json the routes require.
const config =
  '{\n  "secret": "ngEurope rocks!",\n  "audience": "nodejs-jwt-auth",\n  "issuer": "https://gonto.com"\n}\n';
const routes = (use: string) =>
  `const jwt = require('jsonwebtoken');\nconst config = require('./config');\n\nexports.token = (user) => ${use};\n`;

function configFindings(files: Record<string, string>) {
  const root = mkdtempSync(join(tmpdir(), 'json-config-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const project = { root, policy: rulesPreset, moduleSystem: 'cjs' } as const;
  return runRule(rule, files['config.json'], 'config.json', project).findings.map(
    (finding) => `${finding.line} ${finding.message}`,
  );
}

describe('hardcoded-secret: a JSON config value the code signs tokens with', () => {
  it('reports the key jwt.sign reads, whatever its value looks like, without printing it', () => {
    const findings = configFindings({
      'config.json': config,
      'user-routes.js': routes("jwt.sign(user, config.secret, { expiresIn: '15m' })"),
    });
    expect(findings).toEqual([expect.stringMatching(/^2 The signing secret `secret` is hard-coded/)]);
    expect(findings.join('\n')).not.toContain('ngEurope');
  });

  it('finds the config module in one var statement of several requires, as the sample writes it', () => {
    const findings = configFindings({
      'config.json': config,
      'user-routes.js':
        "var express = require('express'),\n    config  = require('./config'),\n    jwt     = require('jsonwebtoken');\n\nexports.token = (user) => jwt.sign({\n  iss: config.issuer,\n}, config.secret);\n",
    });
    expect(findings).toHaveLength(1);
  });

  it('reports the key given as express-jwt secret option', () => {
    const findings = configFindings({
      'config.json': config,
      'protected.js':
        "const jwt = require('express-jwt');\nconst config = require('./config.json');\nmodule.exports = jwt({ secret: config.secret, algorithms: ['HS256'] });\n",
    });
    expect(findings).toHaveLength(1);
  });

  it('stays silent when the code reads other keys, or signs with the environment', () => {
    expect(
      configFindings({
        'config.json': config,
        'user-routes.js': routes('jwt.sign(user, process.env.JWT_SECRET)'),
      }),
    ).toEqual([]);
    expect(
      configFindings({
        'config.json': config,
        'user-routes.js': routes('jwt.sign({ aud: config.audience }, process.env.JWT_SECRET)'),
      }),
    ).toEqual([]);
  });

  it('reports a placeholder sentence the code signs with, required from the root (rootpath)', () => {
    const sentence = config.replace(
      'ngEurope rocks!',
      'REPLACE IT WITH YOUR OWN SECRET, IT CAN BE ANY STRING',
    );
    const findings = configFindings({
      'config.json': sentence,
      '_helpers/jwt.js':
        "const config = require('config.json');\nmodule.exports = (user) => require('jsonwebtoken').sign({ sub: user.id }, config.secret);\n",
    });
    expect(findings).toHaveLength(1);
  });

  it('stays silent on a reference in the file', () => {
    const placeholder = config.replace('ngEurope rocks!', '${JWT_SECRET}');
    expect(
      configFindings({
        'config.json': placeholder,
        'user-routes.js': routes('jwt.sign(user, config.secret)'),
      }),
    ).toEqual([]);
  });
});
