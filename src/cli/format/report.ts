import { relative, sep } from 'node:path';
import type { Finding, RuleMeta, Severity } from '../../engine/rule.js';
import type { SkipReason, SkippedEntry } from '../../engine/discover.js';
import type { CheckResult } from '../../engine/run-check.js';

/** What every format needs besides the findings: how to show paths and what each rule says about itself. */
export interface ReportContext {
  cwd: string;
  rules: ReadonlyMap<string, RuleMeta>;
  toolVersion: string;
  durationMs: number;
}

export function displayPath(cwd: string, file: string): string {
  const rel = relative(cwd, file);
  return (rel === '' ? '.' : rel).split(sep).join('/');
}

/** Most severe first: `--fail-on` reads a severity as "this one and every one above it". */
export const severities = ['critical', 'high', 'medium', 'low'] as const satisfies readonly Severity[];

export function countBySeverity(findings: readonly Finding[]): Record<Finding['severity'], number> {
  const counts = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const finding of findings) counts[finding.severity]++;
  return counts;
}

export function summary(result: CheckResult, context: ReportContext) {
  return {
    findings: result.findings.length,
    fixable: result.findings.filter((finding) => finding.fixable).length,
    bySeverity: countBySeverity(result.findings),
    files: result.files,
    parsed: result.parsed,
    cached: result.cached,
    suppressed: result.suppressed,
    baselined: result.baselined,
    /** Test files not read (checked, their findings marked testFile, with --include-tests). */
    testFilesSkipped: result.testFilesSkipped,
    parseErrors: result.parseErrors.map((error) => ({
      ...error,
      file: displayPath(context.cwd, error.file),
    })),
    ruleErrors: result.ruleErrors.map((error) => ({ ...error, file: displayPath(context.cwd, error.file) })),
    skipped: {
      ...skippedCounts(result.skipped),
      entries: result.skipped.map((entry) => ({
        ...entry,
        path: displayPath(context.cwd, entry.path) + (entry.folder ? '/' : ''),
      })),
    },
    workers: result.workers,
    durationMs: Math.round(context.durationMs),
  };
}

/** How each reason reads after "N files" / "N folders". */
const skipPhrases: Record<SkipReason, (plural: boolean) => string> = {
  ignored: () => 'ignored',
  dependencies: () => 'of dependencies',
  'build-output': () => 'of build output',
  'python-venv': () => 'of a Python virtual environment',
  generated: () => 'generated or minified',
  'too-large': () => 'too large',
  unreadable: () => 'unreadable',
  unparsable: (plural) => `that ${plural ? 'do' : 'does'} not parse`,
  'not-source': () => 'not read by any rule',
};

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** `84 test files not checked: --include-tests checks them` (pretty summary and the nothing-checked error). */
export function testFilesNotChecked(count: number): string {
  return `${plural(count, 'test file')} not checked: --include-tests checks ${count === 1 ? 'it' : 'them'}`;
}

/** Files that could not be checked at all: they fail the run unless the user accepts them. */
export function isCheckFailure(entry: SkippedEntry): boolean {
  return entry.reason === 'unreadable' || entry.reason === 'unparsable';
}

/** One skipped entry as a line: `src/a.ts:3:7 does not parse (Unexpected token)`. */
export function describeSkipped(cwd: string, entry: SkippedEntry): string {
  const where =
    displayPath(cwd, entry.path) +
    (entry.folder ? '/' : '') +
    (entry.line ? `:${entry.line}${entry.column ? `:${entry.column}` : ''}` : '');
  const what = `${entry.folder ? 'folder ' : ''}${skipPhrases[entry.reason](false)}`.replace(/^that /, '');
  return `${where} ${what}${entry.detail ? ` (${entry.detail})` : ''}`;
}

/** `3 files ignored, 1 file that does not parse, 2 folders of dependencies` (empty when nothing was skipped). */
export function skippedSummary(skipped: readonly SkippedEntry[]): string {
  const counts = new Map<string, { reason: SkipReason; folder: boolean; count: number }>();
  for (const entry of skipped) {
    const key = `${entry.folder ? 'folder' : 'file'}:${entry.reason}`;
    const known = counts.get(key);
    if (known) known.count++;
    else counts.set(key, { reason: entry.reason, folder: Boolean(entry.folder), count: 1 });
  }
  return [...counts.values()]
    .sort((a, b) => Number(a.folder) - Number(b.folder))
    .map(
      ({ reason, folder, count }) =>
        `${plural(count, folder ? 'folder' : 'file')} ${skipPhrases[reason](count !== 1)}`,
    )
    .join(', ');
}

/** The skipped entries counted per reason, files and folders apart (JSON and SARIF). */
export function skippedCounts(skipped: readonly SkippedEntry[]) {
  const files: Partial<Record<SkipReason, number>> = {};
  const folders: Partial<Record<SkipReason, number>> = {};
  for (const entry of skipped) {
    const bucket = entry.folder ? folders : files;
    bucket[entry.reason] = (bucket[entry.reason] ?? 0) + 1;
  }
  return { files, folders };
}
