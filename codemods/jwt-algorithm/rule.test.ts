import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rulesPreset } from '../../src/policy/index.js';
import { fixSource } from '../../src/engine/analyze-source.js';
import { runRule } from '../../test/helpers/rule-fixtures.js';
import rule from './rule.js';

const project = { root: '/virtual-project', policy: rulesPreset, moduleSystem: 'esm' as const };

/** The unfixable fixtures only promise "reported"; these say every situation in them is reported, once. */
describe('jwt-algorithm reports every situation of its unfixable fixtures', () => {
  it.each([
    ['public-keys-and-none.unfixable.js', 'src/public-keys-and-none.js', [10, 14, 18, 22]],
    ['jwt-simple-jws-and-none.unfixable.js', 'src/jwt-simple-jws-and-none.js', [8, 13, 18, 26]],
    ['passport-jwt-required-member.unfixable.js', 'src/passport.js', [12]],
  ])('%s', (fixture, relativePath, lines) => {
    const text = readFileSync(join(import.meta.dirname, 'fixtures', fixture), 'utf8');
    const result = runRule(rule, text, relativePath, project);
    expect(result.findings.map((finding) => finding.line)).toEqual(lines);
    expect(result.findings.every((finding) => finding.message.length > 0 && !finding.fixable)).toBe(true);
  });
});

/** A project whose package.json declares `dependencies`, for the version-dependent cases. */
function projectDeclaring(dependencies: Record<string, string>) {
  const root = mkdtempSync(join(tmpdir(), 'jwt-algorithm-'));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'legacy', dependencies }));
  return { root, policy: rulesPreset, moduleSystem: 'cjs' as const };
}

describe('jwt-algorithm: an algorithms list only where the declared library reads it', () => {
  const expressJwt = [
    "var jwt = require('express-jwt');",
    "var jwtCheck = jwt({ secret: 'a-shared-secret-of-32-characters!!', audience: 'api' });",
    'module.exports = jwtCheck;',
    '',
  ].join('\n');
  const verify = [
    "const jwt = require('jsonwebtoken');",
    "exports.check = (token) => jwt.verify(token, 'a-shared-secret-of-32-characters!!');",
    '',
  ].join('\n');

  it.each([
    ['express-jwt', '^0.3.1', expressJwt],
    ['express-jwt', '~2.1.0', expressJwt],
    ['jsonwebtoken', '^3.2.2', verify],
  ])(
    '%s %s cannot read an algorithms list: reported with the upgrade, left as written',
    (name, range, text) => {
      const project = projectDeclaring({ [name]: range });
      const file = join(project.root, 'auth.js');
      const result = runRule(rule, text, 'auth.js', project);
      expect(result.findings).toHaveLength(1);
      expect(result.findings[0]).toMatchObject({ fixable: false });
      expect(result.findings[0].unfixableReason).toContain(
        `${name} ${range} (package.json) ignores an algorithms list`,
      );
      expect(fixSource(text, file, [rule], project).changed).toBe(false);
    },
  );

  it.each([
    ['express-jwt', '^3.4.0', expressJwt, "audience: 'api', algorithms: ['HS256'] }"],
    ['express-jwt', '>=0.3.1', expressJwt, "audience: 'api', algorithms: ['HS256'] }"],
    ['jsonwebtoken', '^5.0.1', verify, "{ algorithms: ['HS256'] })"],
  ])('%s %s reads the list: pinned', (name, range, text, pinned) => {
    const project = projectDeclaring({ [name]: range });
    const fixed = fixSource(text, join(project.root, 'auth.js'), [rule], project);
    expect(fixed.output).toContain(pinned);
  });
});
