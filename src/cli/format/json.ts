import type { CheckResult } from '../../engine/run-check.js';
import { displayPath, summary, type ReportContext } from './report.js';

/** `--format json`: one document, findings with paths relative to the current folder. */
export function formatJson(result: CheckResult, context: ReportContext): string {
  const findings = result.findings.map((finding) => ({
    rule: finding.rule,
    file: displayPath(context.cwd, finding.file),
    line: finding.line,
    column: finding.column,
    endLine: finding.endLine,
    endColumn: finding.endColumn,
    message: finding.message,
    severity: finding.severity,
    fixable: finding.fixable,
    ...(finding.testFile ? { testFile: true } : {}),
  }));
  return JSON.stringify({ findings, summary: summary(result, context) }, null, 2);
}
