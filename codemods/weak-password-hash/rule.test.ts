import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rulesPreset } from '../../src/policy/index.js';
import { runRule } from '../../test/helpers/rule-fixtures.js';
import rule from './rule.js';

const project = { root: '/virtual-project', policy: rulesPreset, moduleSystem: 'esm' as const };

/** The unfixable fixtures only promise "reported"; these say every situation in them is reported, once. */
describe('weak-password-hash reports every situation of its unfixable fixtures', () => {
  it.each([
    ['fast-hashes.unfixable.js', 'src/fast-hashes.js', [7, 13, 19, 23]],
    ['plain-text-compare.unfixable.ts', 'src/plain-text-compare.ts', [5, 14, 19, 23, 27, 31]],
  ])('%s', (fixture, relativePath, lines) => {
    const text = readFileSync(join(import.meta.dirname, 'fixtures', fixture), 'utf8');
    const result = runRule(rule, text, relativePath, project);
    expect(result.findings.map((finding) => finding.line)).toEqual(lines);
    expect(result.findings.every((finding) => finding.message.length > 0 && !finding.fixable)).toBe(true);
  });
});
