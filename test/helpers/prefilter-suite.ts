import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSource } from '../../src/engine/analyze-source.js';
import { matchesPrefilter, type ProjectInfo, type SourceRule } from '../../src/engine/rule.js';
import { rulesPreset } from '../../src/policy/index.js';
import { loadFixtures } from './rule-fixtures.js';

export interface PrefilterCases {
  /** The rule's folder, where its fixtures are. */
  dir: string;
  /** Where the shapes below are checked, relative to the project root. */
  path: string;
  moduleSystem: ProjectInfo['moduleSystem'];
  /** How many fixtures at least have findings, so that the fixture check means something. */
  minReportedFixtures: number;
  /** Shapes the rule reports (checked without a prefilter): each must reach the parser. */
  reported: Record<string, string>;
  /** Files an older, looser prefilter parsed although the rule finds nothing in them. */
  clean: Record<string, string>;
}

/**
 * The checks every rule's prefilter passes: it is a necessary condition of the rule's findings (never a
 * finding lost) that still spares the parser the files the rule cannot report on.
 */
export function describePrefilter(rule: SourceRule, cases: PrefilterCases): void {
  const project: ProjectInfo = { root: '/p', policy: rulesPreset, moduleSystem: cases.moduleSystem };
  const parsed = (text: string) => matchesPrefilter(rule.prefilter, text);
  /** The findings with no prefilter at all: what the prefilter must never hide. */
  const findings = (text: string, relativePath: string, on = project) =>
    checkSource(text, join(on.root, relativePath), [{ ...rule, prefilter: /(?:)/ }], on).findings;

  describe(`${rule.meta.id} prefilter`, () => {
    it('lets through every fixture the rule reports on', () => {
      const reported = loadFixtures(cases.dir).filter(
        (fixture) => findings(fixture.text, fixture.relativePath, fixture.project).length > 0,
      );
      expect(reported.length).toBeGreaterThanOrEqual(cases.minReportedFixtures);
      for (const fixture of reported) expect(parsed(fixture.text), fixture.name).toBe(true);
    });

    it.each(Object.entries(cases.reported))('lets through %s', (_, text) => {
      expect(findings(text, cases.path).length).toBeGreaterThan(0);
      expect(parsed(text)).toBe(true);
    });

    it.each(Object.entries(cases.clean))('skips %s', (_, text) => {
      expect(findings(text, cases.path)).toEqual([]);
      expect(parsed(text)).toBe(false);
    });
  });
}
