import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSource } from '../../src/engine/analyze-source.js';
import { matchesPrefilter, type ProjectInfo } from '../../src/engine/rule.js';
import { rulesPreset } from '../../src/policy/index.js';
import { loadFixtures } from '../../test/helpers/rule-fixtures.js';
import rule from './rule.js';

const project: ProjectInfo = { root: '/p', policy: rulesPreset, moduleSystem: 'cjs' };
const parsed = (text: string) => matchesPrefilter(rule.prefilter, text);
/** The findings with no prefilter at all: what the prefilter must never hide. */
const findings = (text: string, relativePath: string, on = project) =>
  checkSource(text, join(on.root, relativePath), [{ ...rule, prefilter: /(?:)/ }], on).findings;

const reportedShapes: Record<string, string> = {
  'a short name':
    "const crypto = require('crypto');\nexports.hash = (pass) => crypto.createHash('md5').update(pass).digest('hex');\n",
  'an upper-case name':
    "const md5 = require('md5');\nexports.hash = (ADMIN_PASSWORD) => md5(ADMIN_PASSWORD);\n",
  'a comparison with brackets and a cast':
    "exports.ok = (user, req) => (user['password'] as string) === req.body['password'];\n".replace(
      ' as string',
      '',
    ),
  'a lookup by typed password':
    'exports.login = (User, req) => User.findOne({ email: req.body.email, password: req.body.password });\n',
  'SQL built with +':
    "exports.sql = (name, password) =>\n  'SELECT * FROM users WHERE name = \\'' + name + '\\' AND password = \\'' + password + '\\'';\n",
  'a plain comparison': 'exports.ok = (user, req) => user.pwd === req.body.pwd;\n',
};

const cleanFiles: Record<string, string> = {
  'compiler passes': [
    'function bypass(node) {',
    '  return node;',
    '}',
    'exports.compile = (ast, passes) => passes.reduce((tree, run) => run(bypass(tree)), ast);',
    '',
  ].join('\n'),
  'an optimiser that counts its passes': [
    'exports.optimise = (tree, options) => {',
    '  let pass = 0;',
    '  while (pass < options.passes) tree = step(tree, pass++);',
    '  return tree;',
    '};',
    '',
  ].join('\n'),
  'a stored hash only': 'exports.keep = (user, passwordHash) => ({ ...user, passwordHash });\n',
};

describe('weak-password-hash prefilter', () => {
  it('lets through every fixture the rule reports on', () => {
    const reported = loadFixtures(import.meta.dirname).filter(
      (fixture) => findings(fixture.text, fixture.relativePath, fixture.project).length > 0,
    );
    expect(reported.length).toBeGreaterThanOrEqual(3);
    for (const fixture of reported) expect(parsed(fixture.text), fixture.name).toBe(true);
  });

  it.each(Object.entries(reportedShapes))('lets through %s', (_, text) => {
    expect(findings(text, 'src/users.js').length).toBeGreaterThan(0);
    expect(parsed(text)).toBe(true);
  });

  // Files the former prefilter (/pass|pwd/) parsed although no password name appears in them.
  it.each(Object.entries(cleanFiles))('skips %s', (_, text) => {
    expect(findings(text, 'src/users.js')).toEqual([]);
    expect(parsed(text)).toBe(false);
  });
});
