import type { Severity } from '../../engine/rule.js';
import type { CheckResult } from '../../engine/run-check.js';
import { displayPath, type ReportContext } from './report.js';

/** The annotation levels GitHub Actions shows: errors fail the eye first, notices are folded away. */
const command: Record<Severity, 'error' | 'warning' | 'notice'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'notice',
};

/** A workflow command's message: `%`, CR and LF are the characters the runner reads as syntax. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A workflow command's property value: also `:` and `,`, which end a property. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * `--format github`: one workflow command per finding, so a GitHub Actions run shows each finding on its
 * line in the pull request's diff (`::error file=src/app.ts,line=4,col=9,title=cors-wildcard::...`).
 */
export function formatGithub(result: CheckResult, context: ReportContext): string {
  return result.findings
    .map((finding) => {
      const properties = [
        ['file', displayPath(context.cwd, finding.file)],
        ['line', String(finding.line)],
        ['col', String(finding.column)],
        ['endLine', String(finding.endLine)],
        ...(finding.endLine === finding.line ? [['endColumn', String(finding.endColumn)]] : []),
        ['title', finding.testFile ? `${finding.rule} (test file)` : finding.rule],
      ]
        .map(([key, value]) => `${key}=${escapeProperty(value)}`)
        .join(',');
      return `::${command[finding.severity]} ${properties}::${escapeData(`${finding.message} (${finding.severity})`)}`;
    })
    .join('\n');
}
