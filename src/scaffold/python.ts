import { join, relative } from 'node:path';
import { execa } from 'execa';
import { SecureError } from '../errors.js';

/** The FastAPI app lives in backend/ with its virtual environment beside it, as uv and pip both expect. */
export const pythonProjectDir = 'backend';
const venvDir = '.venv';

/** The interpreter inside the app's virtual environment. */
export function venvPython(target: string): string {
  const bin = process.platform === 'win32' ? join('Scripts', 'python.exe') : join('bin', 'python');
  return join(target, pythonProjectDir, venvDir, bin);
}

function failure(step: string, target: string, result: { stderr?: unknown; stdout?: unknown }): SecureError {
  const detail = String(result.stderr || result.stdout || '')
    .trim()
    .split('\n')
    .slice(-3)
    .join(' ');
  return new SecureError('IO', `${step} failed in ${target}${detail ? `: ${detail}` : ''}`, {
    hint: `The project is written; fix the problem and follow "Next steps" in ${join(target, 'README.md')}.`,
  });
}

/**
 * `python3 -m venv backend/.venv`, then `pip install -e ".[dev]"` into it: the plain-pip path of the README,
 * so what the scaffolder runs is what a developer would type. Output goes to our stderr when shown.
 */
export async function installPythonDependencies(
  target: string,
  options: { showProgress: boolean; env?: NodeJS.ProcessEnv },
): Promise<void> {
  const cwd = join(target, pythonProjectDir);
  const run = (file: string, args: string[]) =>
    execa(file, args, {
      cwd,
      env: options.env,
      stdin: 'ignore',
      stdout: options.showProgress ? 'inherit' : 'pipe',
      stderr: options.showProgress ? 'inherit' : 'pipe',
      reject: false,
    });
  const python = options.env?.PYTHON ?? 'python3';
  const venv = await run(python, ['-m', 'venv', venvDir]);
  if (venv.failed) {
    if ((venv as { code?: string }).code === 'ENOENT') {
      throw new SecureError('IO', `${python} was not found: the FastAPI app needs Python 3.11 or newer`, {
        hint: 'Install Python 3.11+ (or set PYTHON to its path), then follow "Next steps" in README.md.',
      });
    }
    throw failure(`${python} -m venv`, target, venv);
  }
  const pip = await run(venvPython(target), [
    '-m',
    'pip',
    'install',
    '--disable-pip-version-check',
    '-e',
    '.[dev]',
  ]);
  if (pip.failed) throw failure('pip install', target, pip);
}

/** The commands a developer runs next, for the FastAPI app. */
export function pythonNextSteps(target: string, cwd: string, installed: boolean, port: number): string[] {
  const folder = relative(cwd, join(target, pythonProjectDir));
  const steps: string[] = [];
  if (folder) steps.push(`cd ${folder}`);
  if (!installed)
    steps.push('python3 -m venv .venv && .venv/bin/pip install -e ".[dev]"   # or: uv sync --extra dev');
  steps.push(".venv/bin/python -m pytest   # the app's own security tests");
  steps.push(`.venv/bin/python -m app      # serve on http://localhost:${port}`);
  return steps;
}
