import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rulesPreset } from '../../src/policy/index.js';
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
