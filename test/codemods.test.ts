import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { rules } from '../codemods/index.js';
import { loadFixtures, runRule, typecheck } from './helpers/rule-fixtures.js';

const codemodsDir = join(import.meta.dirname, '..', 'codemods');
const typed = (path: string) => /\.(ts|tsx|mts|cts)$/.test(path);

// Outcome names after ast-grep: reported (bad code found), validated (good code silent),
// noisy (good code flagged), missing (bad code let through).
// Project rules (env-committed) act on a git repository: each has its own rule.test.ts with a temp repo.
const fixtureRules = rules.filter((rule) => rule.kind !== 'project');

describe.each(fixtureRules.map((rule) => [rule.meta.id, rule] as const))('rule %s', (id, rule) => {
  const fixtures = loadFixtures(join(codemodsDir, id));

  it('has positive and negative fixtures', () => {
    expect(fixtures.some((fixture) => fixture.kind === 'input' || fixture.kind === 'unfixable')).toBe(true);
    expect(fixtures.some((fixture) => fixture.kind === 'valid')).toBe(true);
  });

  for (const fixture of fixtures) {
    if (fixture.kind === 'valid') {
      it(`validated: ${fixture.name}`, () => {
        const result = runRule(rule, fixture.text, fixture.relativePath, fixture.project);
        expect(result.parseError).toBeUndefined();
        expect(result.findings.map((f) => `${f.line}:${f.column} ${f.message}`)).toEqual([]);
      });
    } else if (fixture.kind === 'unfixable') {
      it(`reported, left alone: ${fixture.name}`, () => {
        const result = runRule(rule, fixture.text, fixture.relativePath, fixture.project);
        expect(result.parseError).toBeUndefined();
        expect(result.findings.length).toBeGreaterThan(0);
        expect(result.findings.every((f) => !f.fixable)).toBe(true);
        expect(result.output).toBe(fixture.text);
      });
    } else {
      it(`reported and fixed: ${fixture.name}`, () => {
        expect(fixture.expected, `${fixture.outputFile} is missing`).toBeDefined();
        const first = runRule(rule, fixture.text, fixture.relativePath, fixture.project);
        expect(first.parseError).toBeUndefined();
        expect(first.findings.some((f) => f.fixable)).toBe(true);
        expect(first.output).toBe(fixture.expected);
        // No second pass here: secure fix re-detects every staged file itself and refuses a fix that does
        // not settle (test/engine/fix-settles.test.ts).
        if (typed(fixture.relativePath)) {
          const path = join(fixture.project.root, fixture.relativePath);
          expect(typecheck({ [path]: fixture.text }), 'the input fixture must type-check').toEqual([]);
          expect(typecheck({ [path]: first.output }), 'the fixed code must type-check').toEqual([]);
        }
      });
    }
  }
});

describe('the rule registry', () => {
  it('registers every rule folder once, under its folder name', async () => {
    const { readdirSync, statSync } = await import('node:fs');
    const folders = readdirSync(codemodsDir).filter(
      (entry) => !entry.startsWith('_') && statSync(join(codemodsDir, entry)).isDirectory(),
    );
    expect(rules.map((rule) => rule.meta.id).sort()).toEqual(folders.sort());
  });
});
