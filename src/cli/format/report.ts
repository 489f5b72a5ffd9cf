import { relative, sep } from 'node:path';
import type { Finding, RuleMeta } from '../../engine/rule.js';
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
    parseErrors: result.parseErrors.map((error) => ({
      ...error,
      file: displayPath(context.cwd, error.file),
    })),
    ruleErrors: result.ruleErrors.map((error) => ({ ...error, file: displayPath(context.cwd, error.file) })),
    workers: result.workers,
    durationMs: Math.round(context.durationMs),
  };
}
