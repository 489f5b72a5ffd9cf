import { describe, expect, it } from 'vitest';
import { checkTreeFile, treeLanguageOfPath } from '../../src/engine/languages/index.js';
import { parsePython, pythonProblem } from '../../src/engine/languages/python.js';
import type { SourceRule } from '../../src/engine/rule.js';
import { defaultProject } from './helpers.js';

const python = treeLanguageOfPath('app/main.py')!;

/** A rule whose Python detector reports every call named `bad(...)`, behind the given prefilter. */
function ruleWith(prefilter: RegExp): SourceRule {
  return {
    kind: 'source',
    meta: {
      id: 'toy-python',
      title: 'toy',
      description: 'toy',
      checklist: 'secrets',
      severity: 'low',
      cwe: [],
      fixable: true,
      hint: 'toy',
    },
    prefilter: /never/,
    create: () => ({}),
    python: {
      prefilter,
      check(context) {
        for (const call of context.root.findAll('bad($$$)')) {
          const { start, end } = call.range();
          context.report({
            line: start.line + 1,
            message: 'bad call',
            fix: [{ start: start.index, end: end.index, text: 'good()' }],
          });
        }
      },
    },
  };
}

describe('the Python language', () => {
  it('is the language of .py files only', () => {
    expect(python.id).toBe('python');
    expect(treeLanguageOfPath('app/main.pyc')).toBeUndefined();
    expect(treeLanguageOfPath('app/main.ts')).toBeUndefined();
  });

  it('tells a file that does not parse by the line of its first error, an invented token included', () => {
    expect(parsePython('def f(:\n    pass\n')).toMatchObject({ failure: { line: 1 } });
    expect(parsePython('x = 1\ny = (1,\n')).toMatchObject({ failure: { line: 2 } });
    expect(pythonProblem('if x\n    pass\n')).toMatch(/^the change would not parse as Python \(line 1/);
  });

  it('reads empty files, Python 2 print statements and non-ASCII text as valid', () => {
    expect(parsePython('')).toHaveProperty('root');
    expect(parsePython('print "hello"\n')).toHaveProperty('root');
    expect(pythonProblem('name = "héllo 😀"\nbad()\n')).toBeUndefined();
  });

  it('parses a file only when a detector prefilter passes, and reports at UTF-16 offsets', () => {
    const text = 'name = "héllo 😀"\nbad()\n';
    const silent = checkTreeFile(python, 'def f(:\n', '/p/a.py', 'a.py', [ruleWith(/bad\(/)], defaultProject);
    expect(silent).toEqual({ findings: [], rulesRun: [] });
    const checked = checkTreeFile(python, text, '/p/a.py', 'a.py', [ruleWith(/bad\(/)], defaultProject);
    expect(checked.rulesRun).toEqual(['toy-python']);
    const edit = checked.findings[0].edits![0];
    expect(text.slice(edit.start, edit.end)).toBe('bad()');
  });
});
