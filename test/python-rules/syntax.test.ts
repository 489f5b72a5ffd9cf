import { parse, registerDynamicLanguage } from '@ast-grep/napi';
import python from '@ast-grep/lang-python';
import { describe, expect, it } from 'vitest';
import hardcodedSecret from '../../codemods/hardcoded-secret/python.js';
import { positionAt, stringValue } from '../../codemods/_shared/python/syntax.js';
import { runPython } from './helpers.js';

registerDynamicLanguage({ python });

const firstValue = (source: string) => {
  const root = parse('python', source).root();
  return stringValue(root.find({ rule: { kind: 'assignment' } })!.field('right'));
};

describe('stringValue', () => {
  it('reads escapes, raw strings, adjacent literals and leaves f-strings with fields alone', () => {
    expect(firstValue('x = "a\\tb\\"c"\n')).toBe('a\tb"c');
    expect(firstValue('x = r"\\d+"\n')).toBe('\\d+');
    expect(firstValue('x = ("ab" "cd")\n')).toBe('abcd');
    expect(firstValue('x = """multi\nline"""\n')).toBe('multi\nline');
    expect(firstValue('x = f"token {token}"\n')).toBeUndefined();
    expect(firstValue('x = f"no fields"\n')).toBe('no fields');
  });
});

describe('positions and edits', () => {
  it('counts columns in UTF-16 code units, as the engine and JS strings do', () => {
    const text = 'note = "🔑"; SECRET_KEY = "x"\n';
    expect(positionAt(text, text.indexOf('SECRET_KEY'))).toEqual({ line: 1, column: 14 });
  });

  it('reports past non-ASCII text at the right place and fixes only the value', () => {
    const text =
      '"""Réglages 🔑 clés."""\nSECRET_KEY = "09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7"\n';
    const run = runPython(hardcodedSecret, text, 'app/settings.py');
    expect(run.reports.map((report) => [report.line, report.column])).toEqual([[2, 14]]);
    expect(run.output).toBe('"""Réglages 🔑 clés."""\nimport os\nSECRET_KEY = os.environ["SECRET_KEY"]\n');
  });

  it('adds one `import os` for several constants, and none when os is imported', () => {
    const text =
      'API_KEY = "a8f5f167f44f4964e6c998dee827110c"\nJWT_SECRET = "c2VjcmV0LWtleS1mb3ItdGhlLWp3dA"\n';
    const first = runPython(hardcodedSecret, text, 'app/keys.py');
    expect(first.output).toBe(
      'import os\nAPI_KEY = os.environ["API_KEY"]\nJWT_SECRET = os.environ["JWT_SECRET"]\n',
    );
    expect(runPython(hardcodedSecret, `import os\n${text}`, 'app/keys.py').output).toBe(
      'import os\nAPI_KEY = os.environ["API_KEY"]\nJWT_SECRET = os.environ["JWT_SECRET"]\n',
    );
  });
});
