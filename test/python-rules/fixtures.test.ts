import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { matchesPrefilter } from '../../src/engine/rule.js';
import { pythonDetectors } from './detectors.js';
import { loadPythonFixtures, pyCompileErrors, pythonAvailable, runPython } from './helpers.js';

const codemodsDir = join(import.meta.dirname, '..', '..', 'codemods');

// Outcome names after ast-grep: reported (bad code found), validated (good code silent), noisy, missing.

/** The lines of a fixture marked `# ruleid`: exactly those are reported. */
const marked = (text: string) =>
  text.split('\n').flatMap((line, index) => (/#\s*ruleid\b/.test(line) ? [index + 1] : []));
const reportedLines = (run: ReturnType<typeof runPython>) =>
  [...new Set(run.reports.map((report) => report.line))].sort((a, b) => a - b);

const shown = (run: ReturnType<typeof runPython>) =>
  run.reports.map((report) => `${report.line}:${report.column} ${report.message}`);

describe.each(pythonDetectors)('Python detector of %s', (id, detector, fixes) => {
  const fixtures = loadPythonFixtures(join(codemodsDir, id));

  it('has positive, negative and unfixable fixtures', () => {
    const kinds = new Set(fixtures.map((fixture) => fixture.kind));
    expect([...kinds].sort()).toEqual(fixes ? ['input', 'unfixable', 'valid'] : ['unfixable', 'valid']);
  });

  it.runIf(pythonAvailable)('every fixture and every fixed output compiles (py_compile)', () => {
    const texts: Record<string, string> = {};
    for (const fixture of fixtures) {
      texts[fixture.name + '.' + fixture.kind] = fixture.text;
      if (fixture.kind === 'input')
        texts[fixture.name + '.fixed'] = runPython(
          detector,
          fixture.text,
          fixture.relativePath,
          undefined,
          true,
          fixture.root,
        ).output;
    }
    expect(pyCompileErrors(texts)).toEqual({});
  });

  it('lets through every fixture it reports on (the prefilter never hides a finding)', () => {
    const hidden = fixtures
      .filter(
        (fixture) =>
          runPython(detector, fixture.text, fixture.relativePath, undefined, false).reports.length > 0,
      )
      .filter((fixture) => !matchesPrefilter(detector.prefilter, fixture.text))
      .map((fixture) => fixture.name);
    expect(hidden).toEqual([]);
  });

  for (const fixture of fixtures) {
    if (fixture.kind === 'valid') {
      it(`validated: ${fixture.name}`, () => {
        expect(
          shown(runPython(detector, fixture.text, fixture.relativePath, undefined, true, fixture.root)),
        ).toEqual([]);
      });
    } else if (fixture.kind === 'unfixable') {
      it(`reported, left alone: ${fixture.name}`, () => {
        const run = runPython(detector, fixture.text, fixture.relativePath, undefined, true, fixture.root);
        expect(reportedLines(run)).toEqual(marked(fixture.text));
        expect(run.reports.length).toBeGreaterThan(0);
        expect(run.reports.filter((report) => report.fix)).toEqual([]);
        expect(run.reports.every((report) => report.unfixableReason)).toBe(true);
        expect(run.output).toBe(fixture.text);
      });
    } else {
      it(`reported and fixed: ${fixture.name}`, () => {
        expect(fixture.expected, `${fixture.name}.output.py is missing`).toBeDefined();
        const first = runPython(detector, fixture.text, fixture.relativePath, undefined, true, fixture.root);
        expect(reportedLines(first)).toEqual(marked(fixture.text));
        expect(first.reports.some((report) => report.fix)).toBe(true);
        expect(first.output).toBe(fixture.expected);
        const second = runPython(detector, first.output, fixture.relativePath, undefined, true, fixture.root);
        expect(second.output, 'a second fix must change nothing').toBe(first.output);
        expect(second.reports.filter((report) => report.fix)).toEqual([]);
      });
    }
  }
});
