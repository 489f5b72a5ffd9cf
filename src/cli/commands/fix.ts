import { resolve } from 'node:path';
import { relative, sep } from 'node:path';
import { formatPatch, structuredPatch } from 'diff';
import { rules as registry } from '../../../codemods/index.js';
import { baselineBase, readBaseline } from '../../engine/baseline.js';
import { gitRoot } from '../../engine/git.js';
import type { Finding, ProjectInfo, Rule } from '../../engine/rule.js';
import { loadGeneratorRunner } from '../../engine/planned-modules.js';
import { runFix, type FileChange, type GeneratorRunner } from '../../engine/run-fix.js';
import { checkVerdict, toolFingerprint } from './check.js';
import { binaryFilePatch } from './fix-binary-patch.js';
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
  install?: boolean;
  baseline?: string;
  cache: boolean;
  /** `--config`: this secure.config.json is the policy of every project fixed. */
  config?: string;
  /** `--ignore-pattern` (repeatable): never touch what these gitignore-syntax patterns match. */
  ignorePattern?: string[];
  /** Also fix findings in test code (left alone by default). */
  includeTests?: boolean;
  /** Fix what parses and report files that cannot be read or parsed without failing the run. */
  allowSkipped?: boolean;
}

/**
 * One file's change as a git patch: paths relative to the repository root with a/ and b/, /dev/null for a
 * new file, so that `git apply` takes the whole dry run from the repository root.
 */
export function filePatch(change: FileChange, base: string): string {
  const name = relative(base, change.path).split(sep).join('/');
  if (change.latin1 && change.bytes.before && !change.created)
    return binaryFilePatch(name, change.bytes.before, change.bytes.after);
  const hunks = formatPatch(
    structuredPatch(`a/${name}`, `b/${name}`, change.before, change.after, '', '', { context: 3 }),
  );
  const body = hunks.slice(hunks.indexOf('@@'));
  const header = change.created
    ? [`diff --git a/${name} b/${name}`, 'new file mode 100644', '--- /dev/null', `+++ b/${name}`]
    : [`diff --git a/${name} b/${name}`, `--- a/${name}`, `+++ b/${name}`];
  return `${header.join('\n')}\n${body}`;
}

/**
 * The folder patch paths are relative to: the repository root of the file's project (also when `secure fix
 * ../legacy` runs from another folder or another repository), else the project root.
 */
function patchBaseFinder(projects: readonly ProjectInfo[], cwd: string): (path: string) => string {
  const roots = new Map<string, string>();
  return (path) => {
    const project = projects
      .filter((candidate) => path.startsWith(candidate.root + sep))
      .sort((a, b) => b.root.length - a.root.length)[0];
    if (!project) return resolve(cwd);
    let base = roots.get(project.root);
    if (!base) {
      base = gitRoot(project.root) ?? project.root;
      roots.set(project.root, base);
    }
    return base;
  };
}

/** The lines of the file a change touches, for reading a binary patch: `12, 40-41`. */
function changedLines(change: FileChange): string {
  const ranges = structuredPatch('', '', change.before, change.after, '', '', { context: 0 }).hunks.map(
    (hunk) =>
      hunk.oldLines > 1 ? `${hunk.oldStart}-${hunk.oldStart + hunk.oldLines - 1}` : `${hunk.oldStart}`,
  );
  return ranges.join(', ');
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
  /** Tests pass their own; the CLI plans `secure add` modules through src/add. */
  runGenerator?: GeneratorRunner,
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
    install: Boolean(options.install),
    cache: options.cache,
    ...(options.config ? { configFile: resolve(cwd, options.config) } : {}),
    ignorePatterns: options.ignorePattern,
    includeTests: Boolean(options.includeTests),
    toolVersion: options.cache === false ? packageVersion : toolFingerprint(),
    ...(baselinePath
      ? {
          baseline: {
            base: baselineBase(baselinePath),
            fingerprints: readBaseline(baselinePath, options.baseline!),
          },
        }
      : {}),
    runGenerator: runGenerator ?? (await loadGeneratorRunner()),
    onProgress: (done, total) => progress.update(done, total),
  });
  progress.clear();
  const show = (file: string) => displayPath(cwd, file);
  const where = (finding: Finding) => `${show(finding.file)}:${finding.line}:${finding.column}`;

  const patchBase = patchBaseFinder(outcome.check.projects, cwd);
  for (const change of outcome.changes) {
    if (options.dryRun) {
      output.out(filePatch(change, patchBase(change.path)).replace(/\n$/, ''));
      if (change.latin1)
        output.err(
          `${colors.dim('note:')} ${show(change.path)} is not valid UTF-8: its patch is a git binary patch (git apply writes its exact bytes); the fix changes lines ${changedLines(change)}`,
        );
      continue;
    }
    const rules = [...new Set(change.applied.map((finding) => finding.rule))];
    output.out(
      `${colors.green(change.created ? 'created' : 'fixed')} ${show(change.path)}${rules.length ? ` (${rules.join(', ')})` : ''}`,
    );
  }
  // One action can answer several findings (a tracked .env untracked once for each secret in it): said once.
  const described = new Set<string>();
  for (const fix of outcome.projectFixes) {
    if (fix.error || described.has(fix.description)) continue;
    described.add(fix.description);
    output.out(`${colors.green(options.dryRun ? 'would' : 'done:')} ${fix.description}`);
  }
  for (const group of outcome.generators) {
    if (group.error || group.files.length === 0) continue;
    output.out(
      `${colors.green(options.dryRun ? 'would add' : 'added')} ${group.generators.join(' ')} (secure add): ${group.files.join(', ')}`,
    );
  }
  // Like ESLint --fix: what parses is fixed; a file that cannot be read or parsed is named, one line each,
  // and fails the run (exit 2) unless --allow-skipped. A rule failure is reported below, with the outcome.
  const verdict = checkVerdict(
    output,
    cwd,
    paths,
    { ...outcome.check, ruleErrors: [] },
    { allowSkipped: Boolean(options.allowSkipped) },
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
    outcome.projectFixes.filter((fix) => !fix.error).length +
    outcome.generators.reduce((sum, group) => sum + (group.error ? 0 : group.findings.length), 0);
  const files = outcome.changes.length;
  if (outcome.check.testFilesSkipped > 0) {
    output.out('');
    output.out(
      `${colors.yellow('note:')} ${plural(outcome.check.testFilesSkipped, 'test file')} left alone: --include-tests fixes them too`,
    );
  }
  output.out('');
  output.out(
    options.dryRun
      ? `Dry run: ${plural(files, 'file')} would change (${plural(applied, 'fix')}); nothing was written. ${plural(outcome.unfixed.length, 'finding')} would need a fix by hand.`
      : `Fixed ${plural(applied, 'finding')} in ${plural(files, 'file')}; ${plural(outcome.unfixed.length, 'finding')} need${outcome.unfixed.length === 1 ? 's' : ''} a fix by hand.`,
  );
  // The last line says what is left to run when the fixes added dependencies.
  let installFailed = false;
  for (const dependency of outcome.dependencies) {
    const where = displayPath(cwd, dependency.root) || '.';
    if (dependency.failure) {
      installFailed = true;
      output.err(
        `${colors.red('error:')} \`${dependency.command}\` failed in ${where}: ${dependency.failure}`,
      );
      output.out(`Next: fix the error above and run \`${dependency.command}\` in ${where} again.`);
    } else if (dependency.installed)
      output.out(`Installed ${dependency.names.join(', ')} with \`${dependency.command}\` in ${where}.`);
    else
      output.out(
        `Next: run \`${dependency.command}\` in ${where} to install ${dependency.names.join(', ')} (or pass --install).`,
      );
  }
  if (installFailed || verdict !== 'ok') return ExitCode.usage;
  if (outcome.check.ruleErrors.length > 0) return ExitCode.usage;
  return outcome.unfixed.length > 0 ? ExitCode.findings : ExitCode.ok;
}
