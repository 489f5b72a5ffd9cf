import { wiringKeyOf } from './detect.js';
import { wiringSteps, type GeneratorSource } from './generator-source.js';
import type { AddPlan, Refused } from './plan.js';

/**
 * A plan whose staged files fail verification loses the modules that caused it, not the whole add: each
 * failing file is blamed on the module whose file it is, or, in a user's file the wiring edited, on the
 * modules whose names the failing line uses.
 */

/** The names a module's wiring brings into a user's file (a name it uses from another module is not its own). */
function wiringNames(source: GeneratorSource, plan: AddPlan, name: string): string[] {
  const generator = source.generators.find((each) => each.name === name);
  if (!generator || !('framework' in plan.project)) return [];
  const names = wiringSteps(generator, wiringKeyOf(plan.project)).flatMap((step) => step.imports);
  // The config module also adds the validating call at start (wire-plan.ts: startupCheck).
  return name === 'config' ? [...names, 'getSettings'] : names;
}

/** `src/security/logger.ts:37: the change would add a TypeScript error (TS2550 ...)`: the diagnostic's place first. */
function describe(path: string, reason: string): { line?: number; text: string } {
  const line = /\bline (\d+)/.exec(reason)?.[1];
  if (line === undefined) return { text: `${path}: ${reason}` };
  return { line: Number(line), text: `${path}:${line}: ${reason.replace(/\(line \d+: /, '(')}` };
}

export interface Blame {
  refusals: Map<string, Refused>;
  /** A failure no module can be blamed for: the whole add is refused with it. */
  unexplained?: string;
}

export function blameFailures(
  plan: AddPlan,
  problems: ReadonlyMap<string, string>,
  source: GeneratorSource,
): Blame {
  const refusals = new Map<string, Refused>();
  const refuse = (generator: string, reason: string) => {
    if (!refusals.has(generator)) refusals.set(generator, { generator, reason, failedVerification: true });
  };
  for (const [path, reason] of problems) {
    const change = plan.changes.find((each) => each.path === path);
    const { line, text } = describe(path, reason);
    if (change?.generator) {
      refuse(change.generator, text);
      continue;
    }
    const lineText = change && line !== undefined ? change.after.split(/\r?\n/)[line - 1] : undefined;
    const words = new Set(lineText?.match(/[A-Za-z_$][\w$]*/g) ?? []);
    const blamed = plan.generators.filter((name) =>
      wiringNames(source, plan, name).some((word) => words.has(word)),
    );
    if (blamed.length === 0) return { refusals, unexplained: text };
    for (const name of blamed) refuse(name, text);
  }
  return { refusals };
}
