import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SecureError } from '../errors.js';
import { writeChanges } from './apply.js';
import type { GeneratorSource } from './generator-source.js';
import { planChanges, unifiedDiff, type AddPlan, type PlanOptions } from './plan.js';
import { planFastApiModules } from './python/plan.js';
import { isFastApiProject } from './python/project.js';

export type { AddPlan, Conflict, FileChange, PlanOptions } from './plan.js';
export type { ProjectLayout } from './detect.js';
export type { FastApiProject } from './python/project.js';

export interface AddOptions extends PlanOptions {
  /** Print nothing, write nothing: the plan only. */
  dryRun?: boolean;
  /** Run the project's package manager after writing. */
  install?: boolean;
  /** The generators to use; the real registry unless a test passes its own. */
  source?: GeneratorSource;
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
 * Plans, then writes every change or none (temp file + rename per file; on a failure the files already
 * written are restored). `secure fix` calls this for generator-backed fixes.
 */
export async function addModules(
  projectRoot: string,
  names: string[],
  options: AddOptions = {},
): Promise<AddResult> {
  const plan = await planModules(projectRoot, names, options);
  if (options.dryRun || plan.changes.length === 0) return { ...plan, written: false, installed: false };
  writeChanges(projectRoot, plan.changes);
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
