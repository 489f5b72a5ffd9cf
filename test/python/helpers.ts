import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixTreeFile } from '../../src/engine/languages/fix.js';
import { checkTreeFile, treeLanguageOfKind } from '../../src/engine/languages/index.js';
import type { Finding, ProjectInfo, SourceRule } from '../../src/engine/rule.js';
import { rulesPreset } from '../../src/policy/index.js';

/**
 * Python fixtures live in codemods/<rule>/fixtures/python/, named as the JavaScript ones:
 *   <situation>.input.py + <situation>.output.py  reported, fixed to the output, fixed again = no change
 *   <situation>.valid.py                          clean code: no finding
 *   <situation>.unfixable.py                      reported, and `fix` leaves the bytes identical
 * A first line `# fixture: {"path": "app/main.py", "root": "project"}` sets the path the rule sees (default
 * `app/<situation>.py`) and a project folder beside the fixtures whose files the detector may read.
 */
export interface PythonFixture {
  name: string;
  kind: 'input' | 'valid' | 'unfixable';
  text: string;
  expected?: string;
  relativePath: string;
  /** Absolute project root, when the fixture names one. */
  root?: string;
}

export const defaultProject: ProjectInfo = {
  root: '/virtual-project',
  policy: rulesPreset,
  moduleSystem: 'esm',
};
const python = treeLanguageOfKind('python')!;

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
      const facts = header ? (JSON.parse(header[1]) as { path?: string; root?: string }) : {};
      const output = join(dir, `${name}.output.py`);
      return [
        {
          name,
          kind: kind as PythonFixture['kind'],
          text,
          relativePath: facts.path ?? `app/${name}.py`,
          ...(facts.root ? { root: join(dir, facts.root) } : {}),
          ...(kind === 'input' && existsSync(output) ? { expected: readFileSync(output, 'utf8') } : {}),
        },
      ];
    });
}

export interface PythonRun {
  findings: Finding[];
  output: string;
  parseError?: string;
  /** Findings the fix left, with their reasons. */
  unfixed: Finding[];
}

/** Checks and fixes one text with one rule's Python detector, as `secure check` / `secure fix` do. */
export function runPythonRule(
  rule: SourceRule,
  text: string,
  relativePath: string,
  root?: string,
): PythonRun {
  const project = root ? { ...defaultProject, root } : defaultProject;
  const file = join(project.root, relativePath);
  const checked = checkTreeFile(python, text, file, relativePath, [rule], project);
  if (checked.parseError)
    return { findings: [], output: text, unfixed: [], parseError: checked.parseError.message };
  const fixed = fixTreeFile(python, text, file, relativePath, [rule], project, () => true, python.problem);
  return {
    findings: checked.findings.map((entry) => entry.finding),
    output: fixed.output,
    unfixed: fixed.unfixed,
  };
}

const interpreter = process.env.PYTHON ?? 'python3';
export const pythonAvailable = spawnSync(interpreter, ['--version'], { stdio: 'ignore' }).status === 0;

/** `python3 -m py_compile` on a text: the compiler's message, or undefined when it compiles. */
export function pyCompileError(text: string): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'secure-py-'));
  try {
    const path = join(dir, 'fixed.py');
    writeFileSync(path, text);
    const result = spawnSync(interpreter, ['-m', 'py_compile', path], { encoding: 'utf8' });
    return result.status === 0 ? undefined : result.stderr.trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
