import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SecureError } from '../errors.js';
import { TypeScriptVerifier } from '../engine/verify/index.js';
import { verificationProblems, writeChanges } from './apply.js';
import type { GeneratorSource } from './generator-source.js';
import { planChanges, unifiedDiff, type AddPlan, type PlanOptions, type Refused } from './plan.js';
import { planFastApiModules } from './python/plan.js';
import { isFastApiProject } from './python/project.js';
import { blameFailures } from './verify-modules.js';

export type { AddPlan, Conflict, FileChange, PlanOptions, Refused } from './plan.js';
export type { ProjectLayout } from './detect.js';
export type { FastApiProject } from './python/project.js';

export interface AddOptions extends PlanOptions {
  /** Print nothing, write nothing: the plan only. */
  dryRun?: boolean;
  /** Run the project's package manager after writing. */
  install?: boolean;
  /** The generators to use; the real registry unless a test passes its own. */
  source?: GeneratorSource;
  /** A last check of the verified plan before anything is written (`--verify=start`); it throws to refuse. */
  beforeWrite?: (plan: AddPlan) => Promise<void>;
}

export interface AddResult extends AddPlan {
  /** Whether files were written (false for a dry run or when there was nothing to do). */
  written: boolean;
  installed: boolean;
}

async function defaultSource(): Promise<GeneratorSource> {
  return (await import('./registry.js')).generatorSource;
}

/** Every change `secure add` would make, computed in memory; nothing is written. */
export async function planModules(
  projectRoot: string,
  names: string[],
  options: AddOptions = {},
): Promise<AddPlan> {
  if (isFastApiProject(projectRoot)) return planFastApiModules(projectRoot, names, options);
  return planChanges(projectRoot, names, options.source ?? (await defaultSource()), options);
}

/** The unified diff of every file the plan creates or changes (what --dry-run prints). */
export function formatPlanDiff(plan: AddPlan): string {
  return plan.changes.map((change) => unifiedDiff(change.path, change.before, change.after)).join('');
}

function installCommand(root: string): [string, string[]] {
  if (existsSync(join(root, 'pnpm-lock.yaml'))) return ['pnpm', ['install']];
  if (existsSync(join(root, 'yarn.lock'))) return ['yarn', ['install']];
  return ['npm', ['install', '--no-audit', '--no-fund']];
}

/**
 * Plans and verifies in the project; a module whose staged code fails (it does not compile, parse or load)
 * is refused with the place and reason, along with the modules needing it, and the rest is planned and
 * verified again, until nothing fails.
 */
async function verifiedPlan(projectRoot: string, names: string[], options: AddOptions): Promise<AddPlan> {
  // A FastAPI plan parses and compiles its Python files itself before it is returned.
  if (isFastApiProject(projectRoot)) return planFastApiModules(projectRoot, names, options);
  const source = options.source ?? (await defaultSource());
  const refuse = new Map<string, Refused>(options.refuse);
  // One compiler for every round: the project as it is on disk is type-checked once.
  let typescript: TypeScriptVerifier | null | undefined;
  for (;;) {
    const plan = await planChanges(projectRoot, names, source, { ...options, refuse });
    if (plan.changes.length === 0) return plan;
    typescript ??= TypeScriptVerifier.open(projectRoot) ?? null;
    const problems = verificationProblems(projectRoot, plan.changes, typescript);
    if (problems.size === 0) return plan;
    const blame = blameFailures(plan, problems, source);
    const blamed = [...blame.refusals.keys()].filter((name) => !refuse.has(name));
    if (blame.unexplained !== undefined || blamed.length === 0)
      throw new SecureError(
        'REFUSED',
        `${blame.unexplained ?? [...problems][0].join(': ')}; secure add wrote nothing`,
        {
          hint: 'Run `secure add --dry-run` to see the change, and report the problem to create-secure-app.',
        },
      );
    for (const name of blamed) refuse.set(name, blame.refusals.get(name)!);
  }
}

/**
 * Plans, verifies, then writes every change or none (temp file + rename per file; on a failure the files
 * already written are restored). `secure fix` calls this for generator-backed fixes.
 */
export async function addModules(
  projectRoot: string,
  names: string[],
  options: AddOptions = {},
): Promise<AddResult> {
  if (options.dryRun)
    return { ...(await planModules(projectRoot, names, options)), written: false, installed: false };
  const plan = await verifiedPlan(projectRoot, names, options);
  if (plan.changes.length === 0) return { ...plan, written: false, installed: false };
  await options.beforeWrite?.(plan);
  writeChanges(projectRoot, plan.changes, { verified: true });
  let installed = false;
  if (options.install && 'importLine' in plan.project)
    plan.notes.push(
      '--install runs npm; install the Python dependencies with pip install -r requirements.txt (or uv sync)',
    );
  else if (options.install) {
    const [command, args] = installCommand(projectRoot);
    const result = await execa(command, args, { cwd: projectRoot, reject: false, stdin: 'ignore' });
    if (result.exitCode !== 0)
      throw new SecureError(
        'IO',
        `${command} ${args.join(' ')} failed (exit ${result.exitCode}); the files are written`,
        {
          hint: `Run \`${command} install\` yourself to see why.`,
        },
      );
    installed = true;
  }
  return { ...plan, written: true, installed };
}
