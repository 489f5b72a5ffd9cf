import { describe, expect, it } from 'vitest';
import { loadFixtures, runRule } from '../../test/helpers/rule-fixtures.js';
import rule from './rule.js';

const fixtures = loadFixtures(import.meta.dirname);
const linesOf = (name: string) => {
  const fixture = fixtures.find((candidate) => candidate.name === name)!;
  return runRule(rule, fixture.text, fixture.relativePath, fixture.project).findings.map((f) => f.line);
};

describe('cors-wildcard: an Origin echoed by hand', () => {
  it('reports each echo whose only test is whether the request has an Origin', () => {
    expect(linesOf('echo-when-an-origin-is-present')).toEqual([4, 12, 18]);
  });

  it('reports unguarded echoes and a wildcard fallback, once each', () => {
    expect(linesOf('hand-set-echo-of-request-origin')).toEqual([6, 8, 14, 21]);
  });

  it('stays silent once the Origin was tested against an allowlist', () => {
    expect(linesOf('echo-after-an-allowlist-check')).toEqual([]);
    expect(linesOf('specific-origin-header')).toEqual([]);
  });
});
