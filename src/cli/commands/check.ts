import { createHash } from 'node:crypto';
import { readdirSync, statSync, type Dirent } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rules as registry } from '../../../codemods/index.js';
import { readBaseline, serializeBaseline, baselineBase } from '../../engine/baseline.js';
import { writeFileAtomic } from '../../engine/atomic-write.js';
import { sourceExtensions } from '../../engine/parse.js';
import type { Finding, Rule, RuleMeta, Severity } from '../../engine/rule.js';
import { runCheck, selectRules, type CheckResult, type FileResult } from '../../engine/run-check.js';
import { suppressionRuleMeta } from '../../engine/suppress.js';
import { ExitCode } from '../../errors.js';
import { formatGithub } from '../format/github.js';
import { formatJson } from '../format/json.js';
import { formatJunit } from '../format/junit.js';
import { prettyPrinter } from '../format/pretty.js';
import { progressReporter } from '../format/progress.js';
import {
  describeSkipped,
  displayPath,
  isCheckFailure,
  plural,
  severities,
  skippedSummary,
  testFilesNotChecked,
  type ReportContext,
} from '../format/report.js';
import { colorsWanted, reportDestination } from '../format/report-file.js';
import { formatSarif } from '../format/sarif.js';
import type { Output } from '../output.js';
import { packageVersion } from '../package-info.js';
import { checkFormats } from '../choices.js';

export const formats = checkFormats;
export type Format = (typeof formats)[number];

/** The formats read by tools rather than people: one document, printed once the run ends. */
const documentFormats = {
  json: formatJson,
  sarif: formatSarif,
  github: formatGithub,
  junit: formatJunit,
} satisfies Record<Exclude<Format, 'pretty'>, unknown>;

export interface CheckCommandOptions {
  format: Format;
  rule: string[];
  baseline?: string;
  writeBaseline?: string;
  changed?: boolean;
  /** Only the files staged for the next commit (what `secure init`'s pre-commit hook runs). */
  staged?: boolean;
  cache: boolean;
  /** List every skipped file and folder with its reason (stderr). */
  verbose?: boolean;
  /** Report unreadable and unparsable files without failing the run (exit 2) for them. */
  allowSkipped?: boolean;
  /** Write the report to this file (atomically, when the run ends) instead of stdout. */
  outputFile?: string;
  /** Print the findings only: no progress and no summary line. */
  quiet?: boolean;
  /** The lowest severity that makes the run exit 1; findings below it are reported and pass. */
  failOn?: Severity;
  /** The lowest severity reported at all (Semgrep's --severity); findings below it are counted, not shown. */
  severity?: Severity;
  /** `--color` / `--no-color`; undefined leaves it to FORCE_COLOR and the terminal. */
  color?: boolean;
  /** `--config`: this secure.config.json is the policy of every project checked. */
  config?: string;
  /** `--ignore-pattern` (repeatable): never check what these gitignore-syntax patterns match. */
  ignorePattern?: string[];
  /** Also check test code, its findings marked as such (not read, only counted, by default). */
  includeTests?: boolean;
}

/**
 * The cache key's version: the package version plus the size and mtime of every rule and engine module, so
 * that a rule edited in place (a dev build, a patched install) never serves stale cached findings.
 */
export function toolFingerprint(): string {
  const hash = createHash('sha1').update(packageVersion);
  const visit = (dir: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'fixtures') visit(path);
      } else if (/\.[cm]?[jt]s$/.test(entry.name)) {
        const stats = statSync(path);
        hash.update(`${path}\0${stats.size}\0${stats.mtimeMs}\n`);
      }
    }
  };
  visit(fileURLToPath(new URL('../../../codemods/', import.meta.url)));
  visit(fileURLToPath(new URL('../../engine/', import.meta.url)));
  return `${packageVersion}+${hash.digest('hex').slice(0, 12)}`;
}

export function ruleMetas(rules: readonly Rule[]): Map<string, RuleMeta> {
  return new Map([
    ...rules.map((rule) => [rule.meta.id, rule.meta] as const),
    [suppressionRuleMeta.id, suppressionRuleMeta] as const,
  ]);
}

/** Runs the selected rules over the paths, with the baseline applied; shared by check and checklist. */
export async function checkProject(
  cwd: string,
  paths: string[],
  options: Pick<
    CheckCommandOptions,
    'rule' | 'baseline' | 'changed' | 'staged' | 'cache' | 'config' | 'ignorePattern' | 'includeTests'
  >,
  onFile?: (result: FileResult) => void,
  onProgress?: (done: number, total: number) => void,
  allRules: readonly Rule[] = registry,
): Promise<CheckResult> {
  const rules = selectRules(allRules, options.rule);
  const baselinePath = options.baseline ? resolve(cwd, options.baseline) : undefined;
  return runCheck({
    cwd,
    paths,
    rules,
    changed: options.changed,
    staged: options.staged,
    cache: options.cache,
    ...(options.config ? { configFile: resolve(cwd, options.config) } : {}),
    ignorePatterns: options.ignorePattern,
    includeTests: options.includeTests,
    toolVersion: options.cache === false ? packageVersion : toolFingerprint(),
    ...(baselinePath
      ? {
          baseline: {
            base: baselineBase(baselinePath),
            fingerprints: readBaseline(baselinePath, options.baseline!),
          },
        }
      : {}),
    onFile,
    onProgress,
  });
}

export async function checkCommand(
  output: Output,
  cwd: string,
  paths: string[],
  options: CheckCommandOptions,
  allRules: readonly Rule[] = registry,
): Promise<number> {
  const started = performance.now();
  const destination = reportDestination(
    output,
    cwd,
    options.outputFile,
    colorsWanted(
      options.color,
      process.env,
      output.colors.isColorSupported,
      options.outputFile !== undefined,
    ),
  );
  const { report } = destination;
  const progress = progressReporter(options.quiet ? { ...output, interactive: false } : output);
  const context: ReportContext = {
    cwd,
    rules: ruleMetas(allRules),
    toolVersion: packageVersion,
    durationMs: 0,
  };
  const pretty =
    options.format === 'pretty' && !options.writeBaseline
      ? prettyPrinter(report, context, report.colors.isColorSupported)
      : undefined;
  // A baseline records every finding: --severity only narrows what a report shows.
  const shown = options.writeBaseline ? () => true : severityFilter(options.severity);
  const checked = await checkProject(
    cwd,
    paths,
    { ...options, ...(options.writeBaseline ? { baseline: undefined } : {}) },
    pretty
      ? (file) => {
          const visible = { ...file, findings: file.findings.filter(shown) };
          if (visible.findings.length > 0) progress.clear();
          pretty.file(visible);
        }
      : undefined,
    (done, total) => progress.update(done, total),
    allRules,
  );
  const result: CheckResult = {
    ...checked,
    findings: checked.findings.filter(shown),
    projectFindings: checked.projectFindings.filter((project) => shown(project.finding)),
  };
  const belowSeverity = checked.findings.length - result.findings.length;
  progress.clear();
  context.durationMs = performance.now() - started;

  const verdict = checkVerdict(output, cwd, paths, result, options);
  const document = options.format === 'pretty' ? undefined : documentFormats[options.format];
  if (verdict === 'nothing-checked') {
    // A CI job that uploads the report still gets a valid document saying what was skipped.
    if (document && !options.writeBaseline) {
      const text = document(result, context);
      if (text !== '') report.out(text);
      destination.finish();
    }
    return ExitCode.usage;
  }

  if (options.writeBaseline) {
    const path = resolve(cwd, options.writeBaseline);
    writeFileAtomic(path, serializeBaseline(result.findings, path));
    output.out(
      `Wrote ${plural(result.findings.length, 'finding')} to the baseline ${options.writeBaseline}; check with --baseline ${options.writeBaseline} to report only new ones.`,
    );
    return verdict === 'failed' ? ExitCode.usage : ExitCode.ok;
  }

  if (document) {
    const text = document(result, context);
    if (text !== '') report.out(text);
  } else
    pretty!.finish(result, {
      changed: options.changed ? 'changed' : options.staged ? 'staged' : undefined,
      quiet: options.quiet,
      ...(belowSeverity > 0 ? { belowSeverity: { count: belowSeverity, level: options.severity! } } : {}),
    });
  destination.finish();
  if (options.outputFile && !options.quiet)
    output.err(`Wrote the ${options.format} report to ${options.outputFile}.`);
  if (verdict === 'failed') return ExitCode.usage;
  const threshold = severities.indexOf(options.failOn ?? 'low');
  const failing = result.findings.filter((finding) => severities.indexOf(finding.severity) <= threshold);
  return failing.length > 0 ? ExitCode.findings : ExitCode.ok;
}

/** Keeps the findings at `severity` or above (all of them without it). */
function severityFilter(severity: Severity | undefined): (finding: Finding) => boolean {
  if (!severity) return () => true;
  const lowest = severities.indexOf(severity);
  return (finding) => severities.indexOf(finding.severity) <= lowest;
}

/** What secure check looks for, for the message of a run that found nothing to read. */
export const checkedKinds = `JavaScript and TypeScript files (${sourceExtensions.join(' ')}), Dockerfiles and .env files`;

/**
 * Prints what stops a run from vouching for the code (stderr, one line each) and says how the run ends:
 * nothing checked at all, a file that could not be read or parsed (unless the user accepts them), a rule
 * that failed. `--verbose` lists every skipped file and folder first.
 */
export function checkVerdict(
  output: Output,
  cwd: string,
  paths: readonly string[],
  result: CheckResult,
  options: Pick<CheckCommandOptions, 'verbose' | 'allowSkipped' | 'changed' | 'staged'>,
): 'ok' | 'failed' | 'nothing-checked' {
  const { colors } = output;
  if (options.verbose)
    for (const entry of result.skipped) output.err(`${colors.dim('skipped')} ${describeSkipped(cwd, entry)}`);
  const failures = result.skipped.filter(isCheckFailure);
  const label = options.allowSkipped ? colors.yellow('warning:') : colors.red('error:');
  for (const entry of failures) output.err(`${label} ${describeSkipped(cwd, entry)}; it was not checked`);
  if (result.files === 0 && !options.changed && !options.staged) {
    const where = (paths.length > 0 ? paths : ['.'])
      .map((path) => displayPath(cwd, resolve(cwd, path)))
      .map((path) => (path === '.' ? cwd : path))
      .join(', ');
    const skipped = skippedSummary(result.skipped);
    // Only test code here: say so, rather than "found none" or a clean run that read nothing.
    const tests = result.testFilesSkipped ? `; ${testFilesNotChecked(result.testFilesSkipped)}` : '';
    output.err(
      `${colors.red('error:')} no file checked in ${where}: looked for ${checkedKinds}${skipped ? `, and skipped ${skipped}${options.verbose ? '' : ' (--verbose lists them)'}` : result.testFilesSkipped ? '' : ', and found none'}${tests}`,
    );
    return 'nothing-checked';
  }
  if (failures.length > 0 && !options.allowSkipped)
    output.err(
      `${colors.dim('hint:')} make ${failures.length === 1 ? 'it' : 'them'} readable and valid, or pass --allow-skipped to report ${failures.length === 1 ? 'it' : 'them'} and go on`,
    );
  for (const error of result.ruleErrors)
    output.err(
      `${colors.red('error:')} a rule failed on ${displayPath(cwd, error.file)}: ${error.message} (a bug in create-secure-app; please report it)`,
    );
  return result.ruleErrors.length > 0 || (failures.length > 0 && !options.allowSkipped) ? 'failed' : 'ok';
}
