import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

export type FixtureKind = 'input' | 'valid' | 'unfixable';

export interface PythonFixture {
  name: string;
  kind: FixtureKind;
  text: string;
  expected?: string;
  relativePath: string;
}

/**
 * codemods/<rule>/fixtures/python/, named as the JS fixtures: <situation>.input.py + .output.py (reported and
 * fixed), .valid.py (silent), .unfixable.py (reported, left alone). A first line `# fixture: {"path": "..."}`
 * sets the path the detector sees (default `app/<situation>.py`).
 */
export function loadPythonFixtures(ruleDir: string): PythonFixture[] {
  const dir = join(ruleDir, 'fixtures', 'python');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const match = /^(.+)\.(input|valid|unfixable)\.py$/.exec(entry);
      if (!match) return [];
      const [, name, kind] = match;
      const text = readFileSync(join(dir, entry), 'utf8');
      const header = /^#\s*fixture:\s*(\{.*\})\s*$/.exec(text.split('\n')[0] ?? '');
      const facts = header ? (JSON.parse(header[1]) as { path?: string }) : {};
      const outputFile = join(dir, `${name}.output.py`);
      return [
        {
          name,
          kind: kind as FixtureKind,
          text,
          relativePath: facts.path ?? `app/${name}.py`,
          ...(kind === 'input' && existsSync(outputFile)
            ? { expected: readFileSync(outputFile, 'utf8') }
            : {}),
        },
      ];
    });
}

const python3 = process.env.PYTHON ?? 'python3';
export const pythonAvailable = spawnSync(python3, ['--version'], { stdio: 'ignore' }).status === 0;

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
