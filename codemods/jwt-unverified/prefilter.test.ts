import { describe, expect, it } from 'vitest';
import { matchesPrefilter } from '../../src/engine/rule.js';
import { loadFixtures, runRule } from '../../test/helpers/rule-fixtures.js';
import rule from './rule.js';

// The prefilter skips a file before parsing: a fixture whose findings it would skip is a silent miss.
describe(`${rule.meta.id} prefilter is sound`, () => {
  const reported = loadFixtures(import.meta.dirname).filter(
    (fixture) => runRule(rule, fixture.text, fixture.relativePath, fixture.project).findings.length > 0,
  );
  it.each(reported.map((fixture) => [fixture.name, fixture.text] as const))('passes %s', (_, text) => {
    expect(matchesPrefilter(rule.prefilter, text)).toBe(true);
  });
});
