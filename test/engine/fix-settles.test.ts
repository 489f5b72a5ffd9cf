import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { calleeName } from '../../src/engine/ast-utils.js';
import type { SourceRule } from '../../src/engine/rule.js';
import { runFix } from '../../src/engine/run-fix.js';
import { applyTextEdits } from '../../src/engine/text-edits.js';
import { tempProject } from '../helpers/temp-repo.js';

// `shout(x)` is "fixed" into `shout(x, x)`, which the rule reports again: a fix that does not settle.
const unsettledRule: SourceRule = {
  kind: 'source',
  meta: {
    id: 'toy-unsettled',
    title: 'unsettled',
    description: 'toy rule whose fix the rule reports again',
    checklist: 'secrets',
    severity: 'high',
    cwe: [],
    fixable: true,
    hint: 'toy',
  },
  prefilter: /\bshout\(/,
  create: (context) => ({
    CallExpression(node) {
      if (calleeName(node) !== 'shout') return;
      context.report({
        node,
        message: 'shouting',
        fix: (api) => {
          node.arguments.push(api.j.identifier('x'));
        },
      });
    },
  }),
};

describe('secure fix checks that its fixes settle (the fixture tests no longer run a second pass)', () => {
  it('leaves a fix the rule reports again for a human, with the reason, and writes nothing', async () => {
    const source = 'shout(x);\n';
    const dir = tempProject({ 'src/a.js': source });
    const outcome = await runFix({
      cwd: dir,
      paths: [],
      rules: [unsettledRule],
      cache: false,
      toolVersion: 'test',
      dryRun: false,
      force: false,
    });
    expect(outcome.changes).toEqual([]);
    expect(outcome.unfixed.map((finding) => finding.unfixableReason)).toEqual([
      expect.stringContaining('the fix does not settle'),
    ]);
    expect(readFileSync(join(dir, 'src/a.js'), 'utf8')).toBe(source);
  });
});

describe('applyTextEdits', () => {
  it('refuses overlapping edits instead of dropping one', () => {
    expect(() =>
      applyTextEdits('abcdef', [
        { start: 1, end: 4, text: 'X' },
        { start: 3, end: 5, text: 'Y' },
      ]),
    ).toThrow('two edits of the fixes overlap (1-4 and 3-5)');
  });

  it('applies an edit two findings ask for once, and insertions at one offset in order', () => {
    const edits = [
      { start: 2, end: 3, text: 'Z' },
      { start: 2, end: 3, text: 'Z' },
      { start: 0, end: 0, text: '1' },
      { start: 0, end: 0, text: '2' },
    ];
    expect(applyTextEdits('abcd', edits)).toBe('12abZd');
  });
});
