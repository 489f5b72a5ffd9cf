import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rules } from '../../codemods/index.js';
import type { SourceRule } from '../../src/engine/rule.js';
import { loadPythonFixtures, pyCompileError, pythonAvailable, runPythonRule } from './helpers.js';

const codemodsDir = join(import.meta.dirname, '..', '..', 'codemods');
const pythonRules = rules.filter(
  (rule): rule is SourceRule => rule.kind === 'source' && Boolean(rule.python),
);
const describeRules = pythonRules.filter(
  (rule) => loadPythonFixtures(join(codemodsDir, rule.meta.id)).length > 0,
);

/** The lines a fixture marks with a trailing `# ruleid` comment: one finding is expected on each. */
const markedLines = (text: string) =>
  text.split('\n').flatMap((line, index) => (/#\s*ruleid\b/.test(line) ? [index + 1] : []));
const findingLines = (findings: { line: number }[]) => [...new Set(findings.map((finding) => finding.line))];

// Outcomes as ast-grep names them: reported (bad code found), validated (good code silent).
describe.each(describeRules.map((rule) => [rule.meta.id, rule] as const))('rule %s on Python', (id, rule) => {
  const fixtures = loadPythonFixtures(join(codemodsDir, id));

  it('has positive and negative fixtures, and unfixable ones for a rule that fixes Python', () => {
    expect(fixtures.some((fixture) => fixture.kind === 'input' || fixture.kind === 'unfixable')).toBe(true);
    expect(fixtures.some((fixture) => fixture.kind === 'valid')).toBe(true);
    if (fixtures.some((fixture) => fixture.kind === 'input'))
      expect(fixtures.some((fixture) => fixture.kind === 'unfixable')).toBe(true);
  });

  for (const fixture of fixtures) {
    if (fixture.kind === 'valid')
      it(`validated: ${fixture.name}`, () => {
        const result = runPythonRule(rule, fixture.text, fixture.relativePath, fixture.root);
        expect(result.parseError).toBeUndefined();
        expect(
          result.findings.map((finding) => `${finding.line}:${finding.column} ${finding.message}`),
        ).toEqual([]);
      });
    else if (fixture.kind === 'unfixable')
      it(`reported, left alone: ${fixture.name}`, () => {
        const result = runPythonRule(rule, fixture.text, fixture.relativePath, fixture.root);
        expect(result.parseError).toBeUndefined();
        expect(result.findings.length).toBeGreaterThan(0);
        if (markedLines(fixture.text).length > 0)
          expect(findingLines(result.findings), 'the lines marked `# ruleid`').toEqual(
            markedLines(fixture.text),
          );
        expect(result.findings.filter((finding) => finding.fixable)).toEqual([]);
        expect(result.findings.every((finding) => finding.unfixableReason)).toBe(true);
        expect(result.output).toBe(fixture.text);
      });
    else
      it(`reported and fixed: ${fixture.name}`, () => {
        expect(fixture.expected, `${fixture.name}.output.py is missing`).toBeDefined();
        const first = runPythonRule(rule, fixture.text, fixture.relativePath, fixture.root);
        expect(first.parseError).toBeUndefined();
        expect(first.findings.some((finding) => finding.fixable)).toBe(true);
        expect(first.unfixed).toEqual([]);
        expect(first.output).toBe(fixture.expected);
        const second = runPythonRule(rule, first.output, fixture.relativePath, fixture.root);
        expect(second.findings, 'the fixed code is checked clean').toEqual([]);
        expect(second.output, 'a second fix changes nothing').toBe(first.output);
        if (pythonAvailable) {
          expect(pyCompileError(fixture.text), 'the input compiles').toBeUndefined();
          expect(pyCompileError(first.output), 'the fixed code compiles').toBeUndefined();
        }
      });
  }
});
