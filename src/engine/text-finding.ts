import type { Finding, RuleMeta, TextEdit, TextReport } from './rule.js';

/** A finding of a rule that reports with text offsets (text rules, and detectors of tree languages). */
export interface TextFinding {
  finding: Finding;
  edits?: TextEdit[];
  /** The report's note, kept with its edits: said only when they are applied. */
  note?: string;
}

/** A report as a finding; its edits are kept only when the rule can fix. */
export function textFinding(meta: RuleMeta, file: string, report: TextReport): TextFinding {
  const fixable = Boolean(report.fix && report.fix.length > 0) && meta.fixable;
  return {
    finding: {
      rule: meta.id,
      file,
      line: report.line,
      column: report.column ?? 1,
      endLine: report.endLine ?? report.line,
      endColumn: report.endColumn ?? report.column ?? 1,
      message: report.message,
      severity: meta.severity,
      fixable,
      ...(!fixable && report.unfixableReason ? { unfixableReason: report.unfixableReason } : {}),
    },
    ...(fixable ? { edits: report.fix } : {}),
    ...(fixable && report.note ? { note: report.note } : {}),
  };
}

export function sortTextFindings(results: TextFinding[]): TextFinding[] {
  return results.sort((a, b) => a.finding.line - b.finding.line || a.finding.column - b.finding.column);
}
