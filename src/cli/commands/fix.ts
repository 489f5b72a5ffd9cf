import { resolve } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { rules as registry } from '../../../codemods/index.js';
import { baselineBase, readBaseline } from '../../engine/baseline.js';
import type { Finding, Rule } from '../../engine/rule.js';
import { runFix, type GeneratorRunner } from '../../engine/run-fix.js';
import { toolFingerprint } from './check.js';
import { selectRules } from '../../engine/run-check.js';
import { ExitCode } from '../../errors.js';
import { progressReporter } from '../format/progress.js';
import { displayPath } from '../format/report.js';
import type { Output } from '../output.js';
import { packageVersion } from '../package-info.js';

export interface FixCommandOptions {
  rule: string[];
  dryRun: boolean;
  force: boolean;
  baseline?: string;
  cache: boolean;
}

/** B's programmatic `secure add` (src/add/index.ts), used for generator-backed fixes when it is present. */
async function loadGeneratorRunner(): Promise<GeneratorRunner | undefined> {
  const specifier = '../../add/index.js';
  let api: any;
  try {
    api = await import(specifier);
  } catch {
    return undefined;
  }
  if (typeof api.addModules !== 'function') return undefined;
  return async (project, generators, { dryRun }) => {
    const result = await api.addModules(project.root, generators, { yes: true, dryRun, prompt: false });
    const kept = (result.conflicts ?? []).map(
      (conflict: { path: string }) =>
        `secure add ${generators.join(' ')} kept your edits of ${conflict.path}; compare it with \`secure add --dry-run\``,
    );
    return {
      files: (result.changes ?? []).map((change: { path: string }) => change.path),
      notes: [...(result.notes ?? []), ...kept],
      ...(dryRun && typeof api.formatPlanDiff === 'function' ? { diff: api.formatPlanDiff(result) } : {}),
    };
  };
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : /(s|x|sh|ch)$/.test(word) ? 'es' : 's'}`;
}

export async function fixCommand(
  output: Output,
  cwd: string,
  paths: string[],
  options: FixCommandOptions,
  allRules: readonly Rule[] = registry,
): Promise<number> {
  const { colors } = output;
  const rules = selectRules(allRules, options.rule);
  const baselinePath = options.baseline ? resolve(cwd, options.baseline) : undefined;
  const progress = progressReporter(output);
  const outcome = await runFix({
    cwd,
    paths,
    rules,
    dryRun: options.dryRun,
    force: options.force,
    cache: options.cache,
    toolVersion: options.cache === false ? packageVersion : toolFingerprint(),
    ...(baselinePath
      ? {
          baseline: {
            base: baselineBase(baselinePath),
            fingerprints: readBaseline(baselinePath, options.baseline!),
          },
        }
      : {}),
    runGenerator: await loadGeneratorRunner(),
    onProgress: (done, total) => progress.update(done, total),
  });
  progress.clear();
  const show = (file: string) => displayPath(cwd, file);
  const where = (finding: Finding) => `${show(finding.file)}:${finding.line}:${finding.column}`;

  for (const change of outcome.changes) {
    if (options.dryRun) {
      const name = show(change.path);
      output.out(
        createTwoFilesPatch(`a/${name}`, `b/${name}`, change.before, change.after, undefined, undefined, {
          context: 3,
        }).replace(/^=+\n/, ''),
      );
    } else {
      output.out(
        `${colors.green('fixed')} ${show(change.path)}${
          change.applied.length
            ? ` (${change.applied
                .map((finding) => finding.rule)
                .filter((id, index, all) => all.indexOf(id) === index)
                .join(', ')})`
            : ''
        }`,
      );
    }
  }
  for (const fix of outcome.projectFixes) {
    if (fix.error) continue;
    output.out(`${colors.green(options.dryRun ? 'would' : 'done:')} ${fix.description}`);
  }
  for (const group of outcome.generators) {
    if (group.error || group.files.length === 0) continue;
    if (options.dryRun && group.diff) output.out(group.diff);
    else
      output.out(
        `${colors.green(options.dryRun ? 'would run' : 'ran')} secure add ${group.generators.join(' ')}: ${group.files.join(', ')}`,
      );
  }
  for (const error of outcome.check.parseErrors)
    output.err(
      `${colors.yellow('warning:')} ${show(error.file)}:${error.line}:${error.column} does not parse (${error.message}); left alone`,
    );
  for (const error of outcome.parseErrors)
    output.err(
      `${colors.yellow('warning:')} ${show(error.file)}:${error.failure.line}:${error.failure.column} does not parse for the fixer (${error.failure.message}); left alone`,
    );
  for (const error of outcome.check.ruleErrors)
    output.err(
      `${colors.red('error:')} a rule failed on ${show(error.file)}: ${error.message} (a bug in create-secure-app; please report it)`,
    );

  if (outcome.unfixed.length > 0) {
    output.out('');
    output.out(colors.bold(`Needs a fix by hand (${outcome.unfixed.length}):`));
    for (const finding of outcome.unfixed) {
      output.out(`  ${where(finding)}  ${colors.cyan(finding.rule)}  ${finding.message}`);
      const meta = allRules.find((rule) => rule.meta.id === finding.rule)?.meta;
      const reason = finding.unfixableReason ?? meta?.hint;
      if (reason) output.out(`    ${colors.dim(reason)}`);
    }
  }
  if (outcome.notes.length > 0) {
    output.out('');
    for (const note of outcome.notes) output.out(`${colors.yellow('note:')} ${note}`);
  }
  const applied =
    outcome.changes.reduce((sum, change) => sum + change.applied.length, 0) +
    outcome.projectFixes.filter((fix) => !fix.error).length;
  const files = outcome.changes.length;
  output.out('');
  output.out(
    options.dryRun
      ? `Dry run: ${plural(files, 'file')} would change (${plural(applied, 'fix')}); nothing was written. ${plural(outcome.unfixed.length, 'finding')} would need a fix by hand.`
      : `Fixed ${plural(applied, 'finding')} in ${plural(files, 'file')}; ${plural(outcome.unfixed.length, 'finding')} need${outcome.unfixed.length === 1 ? 's' : ''} a fix by hand.`,
  );
  if (outcome.check.ruleErrors.length > 0) return ExitCode.usage;
  return outcome.unfixed.length > 0 ? ExitCode.findings : ExitCode.ok;
}
