import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, registerDynamicLanguage } from '@ast-grep/napi';
import python from '@ast-grep/lang-python';
import type { PythonDetector } from '../../src/engine/languages/python-detector.js';
import { matchesPrefilter, type ProjectInfo, type TextEdit, type TextReport } from '../../src/engine/rule.js';
import { applyTextEdits } from '../../src/engine/text-edits.js';
import { rulesPreset, type Policy } from '../../src/policy/index.js';

registerDynamicLanguage({ python });

const root = '/virtual-project';

export interface PythonRun {
  reports: TextReport[];
  /** The text with every offered fix applied (identical when nothing is fixable). */
  output: string;
}

/** Runs one detector over a Python text as the engine will: prefilter, parse, check, apply the fixes. */
export function runPython(
  detector: PythonDetector,
  text: string,
  relativePath = 'app/main.py',
  policy: Policy = rulesPreset,
  prefilter = true,
  projectRoot = root,
): PythonRun {
  if (prefilter && !matchesPrefilter(detector.prefilter, text)) return { reports: [], output: text };
  const project: ProjectInfo = { root: projectRoot, policy, moduleSystem: 'esm' };
  const reports: TextReport[] = [];
  detector.check({
    file: join(projectRoot, relativePath),
    text,
    project,
    policy,
    root: parse('python', text).root(),
    report: (report) => reports.push(report),
  });
  const edits: TextEdit[] = reports.flatMap((report) => report.fix ?? []);
  return { reports, output: applyTextEdits(text, edits) };
}

// One fixture loader for every Python rule test: codemods/<rule>/fixtures/python/, as the engine's tests read them.
export { loadPythonFixtures, pythonAvailable, type PythonFixture } from '../python/helpers.js';

const python3 = process.env.PYTHON ?? 'python3';

/**
 * Byte-compiles several texts in one Python process (`py_compile`, as `python -m py_compile` does): the error
 * of each text that does not compile, by name; an empty object when all do.
 */
export function pyCompileErrors(texts: Record<string, string>): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'csa-py-compile-'));
  try {
    const names = Object.keys(texts);
    names.forEach((name, index) => writeFileSync(join(dir, `m${index}.py`), texts[name]));
    const script =
      'import py_compile, sys\nfor path in sys.argv[1:]:\n    try: py_compile.compile(path, doraise=True)\n    except py_compile.PyCompileError as error: print(path, error.msg.replace("\\n", " "))';
    const result = spawnSync(python3, ['-c', script, ...names.map((_, index) => join(dir, `m${index}.py`))], {
      encoding: 'utf8',
    });
    const errors: Record<string, string> = {};
    if (result.status !== 0) errors['(python)'] = result.stderr;
    for (const line of result.stdout.split('\n').filter(Boolean)) {
      const [path, ...message] = line.split(' ');
      const index = Number(/m(\d+)\.py$/.exec(path)?.[1]);
      errors[names[index]] = message.join(' ');
    }
    return errors;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
