// @ts-expect-error: a plain .mjs script without type declarations
import { formatTable, isTestPath, match, parseExpected, tally } from '../../scripts/eval-real/score.mjs';
import { describe, expect, it } from 'vitest';

/** The eval's scoring decides every number in the recall/precision tables, so its matching is pinned here. */
const finding = (file: string, line: number, rule: string) => ({ file, line, rule, message: '' });

describe('parseExpected', () => {
  it('reads path:line rule lines with their reason, splits the # tests section, and names bad lines', () => {
    const parsed = parseExpected(
      [
        '# a header comment',
        'src/a.js:10 sql-injection  # req.body.id in the SQL',
        'db.js:4 hardcoded-secret|default-password  # root/root',
        'src/a.js:11 not a line',
        '# tests',
        'test/a.test.js:3 log-secret  # logs the token',
      ].join('\n'),
      'x.txt',
    );
    expect(parsed.production).toEqual([
      {
        file: 'src/a.js',
        line: 10,
        rule: 'sql-injection',
        rules: ['sql-injection'],
        why: 'req.body.id in the SQL',
      },
      {
        file: 'db.js',
        line: 4,
        rule: 'hardcoded-secret',
        rules: ['hardcoded-secret', 'default-password'],
        why: 'root/root',
      },
    ]);
    expect(parsed.tests.map((entry: { file: string }) => entry.file)).toEqual(['test/a.test.js']);
    expect(parsed.errors).toEqual([
      'x.txt:4: expected "path:line rule-id  # why", got "src/a.js:11 not a line"',
    ]);
  });
});

describe('match', () => {
  const expected = parseExpected(
    'a.js:10 sql-injection\na.js:20 jwt-expiry\nb.js:5 hardcoded-secret|default-password',
  ).production;

  it('matches the same file and rule within two lines, one finding per expectation, nearest first', () => {
    const result = match(expected, [
      finding('a.js', 12, 'sql-injection'),
      finding('a.js', 10, 'sql-injection'),
      finding('a.js', 23, 'jwt-expiry'),
      finding('c.js', 10, 'sql-injection'),
    ]);
    expect(result.truePositives.map((pair: any) => pair.found.line)).toEqual([10]);
    expect(result.misses.map((miss: any) => `${miss.file}:${miss.line}`)).toEqual(['a.js:20', 'b.js:5']);
    expect(result.falsePositives.map((extra: any) => `${extra.file}:${extra.line}`)).toEqual([
      'a.js:12',
      'a.js:23',
      'c.js:10',
    ]);
  });

  it('accepts either rule of an alternative and credits the rule that matched', () => {
    const result = match(expected, [
      finding('b.js', 5, 'default-password'),
      finding('a.js', 10, 'jwt-expiry'),
    ]);
    expect(result.truePositives.map((pair: any) => pair.expected.rule)).toEqual(['default-password']);
    expect(result.falsePositives.map((extra: any) => extra.rule)).toEqual(['jwt-expiry']);
  });
});

describe('tables', () => {
  it('counts recall over expectations and precision over findings, with a total row', () => {
    const expected = parseExpected('a.js:1 log-secret\na.js:9 log-secret').production;
    const table = tally(
      {},
      match(expected, [finding('a.js', 1, 'log-secret'), finding('a.js', 30, 'log-secret')]),
      (item: any) => item.rule,
    );
    expect(table).toEqual({ 'log-secret': { expected: 2, found: 2, tp: 1 } });
    expect(formatTable('rule', table).split('\n').at(-1)).toMatch(/^total\s+2\s+2\s+1\s+0\.50\s+0\.50$/);
  });

  it('classifies test files by folder or suffix, not by a word inside a name', () => {
    expect(isTestPath('src/api/tests/integration/auth.test.js')).toBe(true);
    expect(isTestPath('test/e2e/a.js')).toBe(true);
    expect(isTestPath('lib/user.spec.ts')).toBe(true);
    expect(isTestPath('config/env/test.js')).toBe(false);
    expect(isTestPath('src/latest/index.js')).toBe(false);
  });

  it('knows pytest files outside test folders, and not modules that only end in "test"', () => {
    expect(isTestPath('app/test_security.py')).toBe(true);
    expect(isTestPath('backend/conftest.py')).toBe(true);
    expect(isTestPath('app/crud_test.py')).toBe(true);
    expect(isTestPath('app/contest.py')).toBe(false);
    expect(isTestPath('app/latest.py')).toBe(false);
  });
});
