// Scoring for `npm run eval-real`: a reviewer's expected findings against the tool's, per rule and per app.
// A finding matches an expectation with the same file and rule whose line is within LINE_TOLERANCE (the tool may
// point at the call where the reviewer pointed at its first argument, or at a statement spread over lines).

export const LINE_TOLERANCE = 2;

/** Test code is scored apart from production code: the rules are about what ships (pytest's test_*.py, conftest.py too). */
const TEST_PATH =
  /(^|\/)(test|tests|__tests__|spec|specs|e2e|cypress)\/|\.(test|spec)\.[cm]?[jt]sx?$|(^|\/)(test_[^/]*|[^/]*_test|conftest)\.py$/i;
export const isTestPath = (file) => TEST_PATH.test(file);

/**
 * Parses an expected-findings list: `path:line rule-id  # why`, one a line; `#` starts a comment; a line that is
 * exactly `# tests` starts the section for test files. Where two rules' own definitions both cover a place (a
 * literal default database password is a hard-coded secret and a default credential), the line may name both,
 * `rule-a|rule-b`: a finding of either rule matches, and a miss counts against the first. Returns
 * { production, tests, errors }; each expectation has `rule` (the first) and `rules` (all it accepts).
 */
export function parseExpected(text, source = 'expected') {
  const production = [];
  const tests = [];
  const errors = [];
  let section = production;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (/^#\s*tests\s*$/i.test(line)) {
      section = tests;
      return;
    }
    const content = line.replace(/(^|\s)#.*$/, '').trim();
    if (!content) return;
    const match = /^(\S+):(\d+)\s+([a-z][a-z-]*(?:\|[a-z][a-z-]*)*)$/.exec(content);
    if (!match) {
      errors.push(`${source}:${index + 1}: expected "path:line rule-id  # why", got "${raw}"`);
      return;
    }
    const why = /#\s*(.*)$/.exec(line)?.[1] ?? '';
    const rules = match[3].split('|');
    section.push({ file: match[1], line: Number(match[2]), rule: rules[0], rules, why });
  });
  return { production, tests, errors };
}

/**
 * Pairs findings with expectations one to one (same file and rule, nearest line within the tolerance first).
 * Returns { truePositives: [{expected, found}], misses: [expected], falsePositives: [found] }; a true positive's
 * `expected.rule` is the rule that matched.
 */
export function match(expected, found) {
  const candidates = [];
  expected.forEach((want, wantIndex) => {
    found.forEach((got, gotIndex) => {
      if (want.file !== got.file || !(want.rules ?? [want.rule]).includes(got.rule)) return;
      const distance = Math.abs(want.line - got.line);
      if (distance <= LINE_TOLERANCE) candidates.push({ wantIndex, gotIndex, distance });
    });
  });
  candidates.sort((a, b) => a.distance - b.distance || a.wantIndex - b.wantIndex || a.gotIndex - b.gotIndex);
  const usedWant = new Set();
  const usedGot = new Set();
  const truePositives = [];
  for (const { wantIndex, gotIndex } of candidates) {
    if (usedWant.has(wantIndex) || usedGot.has(gotIndex)) continue;
    usedWant.add(wantIndex);
    usedGot.add(gotIndex);
    truePositives.push({
      expected: { ...expected[wantIndex], rule: found[gotIndex].rule },
      found: found[gotIndex],
    });
  }
  return {
    truePositives,
    misses: expected.filter((_, index) => !usedWant.has(index)),
    falsePositives: found.filter((_, index) => !usedGot.has(index)),
  };
}

/** Adds one app's match into per-key tallies ({ expected, found, tp }) keyed by `keyOf(item)`. */
export function tally(table, result, keyOf) {
  const row = (key) => (table[key] ??= { expected: 0, found: 0, tp: 0 });
  for (const { expected } of result.truePositives) {
    const entry = row(keyOf(expected));
    entry.expected += 1;
    entry.found += 1;
    entry.tp += 1;
  }
  for (const miss of result.misses) row(keyOf(miss)).expected += 1;
  for (const extra of result.falsePositives) row(keyOf(extra)).found += 1;
  return table;
}

const ratio = (part, whole) => (whole === 0 ? '-' : (part / whole).toFixed(2));

/** Rows of a printed table: name, expected, found, true positives, recall, precision; a total row last. */
export function formatTable(title, table) {
  const names = Object.keys(table).sort();
  const total = { expected: 0, found: 0, tp: 0 };
  for (const name of names) for (const key of Object.keys(total)) total[key] += table[name][key];
  const width = Math.max(title.length, 'total'.length, ...names.map((name) => name.length));
  const row = (name, { expected, found, tp }) =>
    `${name.padEnd(width)}  ${String(expected).padStart(8)}  ${String(found).padStart(5)}  ${String(tp).padStart(4)}  ${ratio(tp, expected).padStart(6)}  ${ratio(tp, found).padStart(9)}`;
  return [
    `${title.padEnd(width)}  expected  found    tp  recall  precision`,
    ...names.map((name) => row(name, table[name])),
    row('total', total),
  ].join('\n');
}
